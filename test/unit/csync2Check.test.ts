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
});
