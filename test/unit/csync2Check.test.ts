import * as assert from 'node:assert/strict';
import { checkCsync2Cfg } from '../../src/core/render/csync2Check';

const ok = 'group g\n{\n  host a.example.org;\n  key /etc/csync2.key;\n  include /srv;\n}\n';

describe('csync2.cfg structure check', () => {
  it('accepts a generated-style group', () => assert.deepEqual(checkCsync2Cfg(ok), []));
  it('places each problem on its line', () => {
    const semi = checkCsync2Cfg(ok.replace('key /etc/csync2.key;', 'key /etc/csync2.key'));
    assert.equal(semi.length, 1);
    assert.equal(semi[0].line, 3);
    const p = checkCsync2Cfg(ok.replace('include /srv;', 'includ /srv;'));
    assert.equal(p.length, 1);
    assert.equal(p[0].line, 4);
    assert.match(p[0].message, /unknown group statement "includ"/);
  });
  it('rejects what real csync2 rejects: group-level pattern, a second key, unknown auto values', () => {
    assert.match(checkCsync2Cfg(ok.replace('include /srv;', 'pattern *.xml;'))[0].message, /unknown group statement "pattern"/);
    assert.match(checkCsync2Cfg(ok.replace('include /srv;', 'key /etc/other.key;'))[0].message, /only one "key"/);
    assert.match(checkCsync2Cfg(ok.replace('include /srv;', 'auto left-right-lost;'))[0].message, /"auto" must be one of/);
  });
  it('needs hosts and a key, and closed braces', () => {
    assert.match(checkCsync2Cfg('group g\n{\n  key /k;\n}\n')[0].message, /at least one "host"/);
    assert.match(checkCsync2Cfg('group g\n{\n  host a;\n}\n')[0].message, /needs a "key"/);
    assert.match(checkCsync2Cfg('group g\n{\n  host a;\n  key /k;\n')[0].message, /never closed/);
  });
  it("against the cluster: flags a host that is not one of its nodes, and any group besides the cluster's own", () => {
    const nodes = ['idp1.example.org', 'idp2.example.org'];
    const cfg =
      'group gluucluster\n{\n    host idp1.example.org;\n    host idp2.example.org;\n    key /etc/csync2.key;\n    include /srv;\n}\n';
    assert.deepEqual(checkCsync2Cfg(cfg, { nodes }), []);
    // Host names compare as DNS names do (case-insensitive); csync2's "(host)" marks a passive one.
    assert.deepEqual(checkCsync2Cfg(cfg.replace('host idp2.example.org;', 'host (IDP2.example.org);'), { nodes }), []);
    const foreign = checkCsync2Cfg(cfg.replace('host idp2.example.org;', 'host idp2.example.org evil.example.net;'), { nodes });
    assert.deepEqual(
      foreign.map((p) => [p.line, p.col]),
      [[3, 26]],
    );
    assert.match(foreign[0].message, /"evil\.example\.net" is not a node of the cluster/);
    const second = `${cfg}group evil\n{\n    host idp1.example.org;\n    host evil.example.net;\n    key /etc/csync2.key;\n    include /;\n}\n`;
    const p = checkCsync2Cfg(second, { nodes });
    assert.deepEqual(
      p.map((x) => [x.line, x.col]),
      [
        [7, 6],
        [10, 9],
      ],
    );
    assert.match(p[0].message, /a second group "evil"/);
    // Without the cluster (a snippet's own check), only the structure counts.
    assert.deepEqual(checkCsync2Cfg(second), []);
  });
});
