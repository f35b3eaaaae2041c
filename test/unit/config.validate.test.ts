import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { EXAMPLE_CLUSTER_FILE } from '../../src/core/config/example';
import { parseClusterFile } from '../../src/core/config/parse';
import { planInput, renderStep } from '../../src/core/plan/plan';
import { formatStep } from '../../src/core/plan/preview';
import { FIXTURES } from './paths';

const dir = (kind: 'good' | 'bad') => path.join(FIXTURES, 'cluster-files', kind);
const read = (kind: 'good' | 'bad', f: string) => readFileSync(path.join(dir(kind), f), 'utf8');

/** "# expect: CODE LINE:COL" header lines of a bad fixture (1-based positions). */
export function expectations(text: string): { code: string; line: number; col: number }[] {
  return [...text.matchAll(/^# expect: (\S+) (\d+):(\d+)$/gm)].map((m) => ({ code: m[1], line: +m[2], col: +m[3] }));
}

describe('cluster file validation', () => {
  it('accepts the example written by "Create Cluster File" with no problems', () => {
    const r = parseClusterFile(EXAMPLE_CLUSTER_FILE);
    assert.deepEqual(r.problems, []);
    assert.equal(r.config?.nodes.length, 2);
    assert.equal(r.config?.loadBalancer.address, '45.55.232.15');
  });

  for (const f of readdirSync(dir('good'))) {
    it(`accepts good/${f} without errors`, () => {
      const r = parseClusterFile(read('good', f));
      assert.deepEqual(
        r.problems.filter((p) => p.severity === 'error'),
        [],
      );
      assert.ok(r.config);
    });
  }

  for (const f of readdirSync(dir('bad'))) {
    it(`rejects bad/${f} with the expected problems at their positions`, () => {
      const text = read('bad', f);
      const want = expectations(text);
      assert.ok(want.length > 0, 'fixture declares its expected problems');
      const r = parseClusterFile(text);
      assert.equal(r.config, undefined, 'no config for a file with errors');
      const got = r.problems
        .filter((p) => p.severity === 'error')
        .map((p) => ({ code: p.code, line: p.range.start.line + 1, col: p.range.start.col + 1 }));
      assert.deepEqual(got, want);
    });
  }

  it('suggests the closest key for a typo', () => {
    const r = parseClusterFile(read('bad', 'typo-key.yaml'));
    assert.match(r.problems[0].message, /unknown key "contaner" \(did you mean "container"\?\)/);
  });

  it('lists the allowed keys when nothing is close', () => {
    const r = parseClusterFile(EXAMPLE_CLUSTER_FILE.replace('name: example-cluster', 'name: x\nflavourtext: 1'));
    const p = r.problems.find((x) => x.code === 'unknown-key');
    assert.match(p!.message, /allowed here: name, gluu, ssh, loadBalancer, cache, nodes, csync2/);
  });

  it('refuses password-like keys with a message saying where passwords live', () => {
    for (const key of ['password', 'pass', 'passwd', 'secret', 'bindPassword', 'adminPassword', 'passphrase', 'token']) {
      const r = parseClusterFile(EXAMPLE_CLUSTER_FILE.replace('  port: 22\n', `  port: 22\n  ${key}: x\n`));
      const p = r.problems.find((x) => x.code === 'secret-key');
      assert.ok(p, `key ${key} refused`);
      assert.match(p.message, /kept in the editor's secret storage and asked for when needed/);
      assert.deepEqual(p.path, ['ssh', key]);
    }
  });

  it('suggests the closest enum value', () => {
    const r = parseClusterFile(read('bad', 'enum-container.yaml'));
    assert.match(r.problems[0].message, /did you mean "chroot"/);
  });

  it('explains hostname rules and shows the offending value', () => {
    const r = parseClusterFile(read('bad', 'hostname-shell.yaml'));
    assert.match(r.problems[0].message, /"lb\.example\.org; rm -rf \/" is not a host name \(RFC 1123/);
  });

  it('warns, without failing, about a single-node cluster', () => {
    const r = parseClusterFile(read('good', 'single-node.yaml'));
    assert.deepEqual(
      r.problems.map((p) => [p.severity, p.code]),
      [['warning', 'single-node']],
    );
    assert.ok(r.config);
  });

  it('fills in defaults: bind DN per LDAP flavour, ports, csync2 lists, cache on a node', () => {
    const c = parseClusterFile(read('good', 'manual-example.yaml')).config!;
    assert.equal(c.gluu.container, 'chroot');
    assert.equal(c.gluu.ldap, 'opendj');
    assert.equal(c.gluu.bindDN, 'cn=directory manager');
    assert.equal(c.gluu.baseDN, 'o=gluu');
    assert.deepEqual(c.nodes[0].ssh, { user: 'root', port: 22 });
    assert.equal(c.csync2.include.length, 7);
    assert.deepEqual(c.csync2.exclude, ['*~', '.*']);
    const j = parseClusterFile(read('good', 'cluster.json')).config!;
    assert.deepEqual(
      [j.cache?.host, j.cache?.address, j.cache?.port, j.cache?.onNode],
      ['idp2.example.org', '192.0.2.3', 6379, 'idp2.example.org'],
    );
    const o = parseClusterFile(read('good', 'four-nodes-full.yaml')).config!;
    assert.equal(o.gluu.bindDN, 'cn=directory manager,o=gluu');
  });

  it('merges per-host ssh settings over the defaults, and leaves user/port to an ssh alias', () => {
    const c = parseClusterFile(read('good', 'four-nodes-full.yaml')).config!;
    const byHost = Object.fromEntries(c.nodes.map((n) => [n.host, n]));
    assert.deepEqual(byHost['idp1.example.org'].ssh, {
      user: 'deploy',
      port: 2222,
      identityFile: '~/.ssh/gluu_ed25519',
      jumpHost: 'admin@bastion.example.org:22',
    });
    assert.equal(byHost['idp3.example.org'].ssh.user, 'root');
    assert.equal(byHost['idp3.example.org'].ssh.port, 22);
    assert.equal(c.loadBalancer.ssh.hostAlias, 'gluu-lb');
    assert.equal(byHost['idp2.example.org'].primary, true);
  });

  it('reports every problem with a range inside the file', () => {
    for (const f of readdirSync(dir('bad'))) {
      const text = read('bad', f);
      const lines = text.split('\n');
      for (const p of parseClusterFile(text).problems) {
        assert.ok(p.range.start.line < lines.length, `${f}: line ${p.range.start.line} in range`);
        assert.ok(p.range.end.line >= p.range.start.line, `${f}: end after start`);
      }
    }
  });
});

describe('cluster-file limits', () => {
  const base = 'name: x\ngluu: { version: 3.1.5 }\nloadBalancer: { host: lb.example.org, address: 10.0.0.1 }\n';
  const nodes = (n: number, extra = '') =>
    Array.from(
      { length: n },
      (_, i) => `  - { host: n${i}.example.org, address: 10.0.${i >> 8}.${(i % 250) + 2}${i === 0 ? ', primary: true' : ''}${extra} }`,
    ).join('\n');

  it('allows an alias per host (100 aliases crashed the parser; 60 hosts sharing `ssh: *defaults` here) and refuses an alias bomb at its line', () => {
    const shared = parseClusterFile(`${base}ssh: &defaults { user: root }\nnodes:\n${nodes(60, ', ssh: *defaults')}\n`);
    assert.deepEqual(shared.problems, []);
    assert.equal(shared.config!.nodes.length, 60);
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 8; i++)
      bomb.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(', ')}]`,
      );
    const r = parseClusterFile(`${base}nodes:\n${nodes(2)}\n${bomb.join('\n')}\n`);
    const p = r.problems.find((x) => x.code === 'yaml-aliases');
    assert.ok(p, JSON.stringify(r.problems.map((x) => x.code)));
    assert.equal(p.range.start.line, 7, 'at the first alias');
    assert.equal(r.config, undefined);
  });

  it('caps the node list at 64 with one problem, and the file at 64 KiB without parsing it', () => {
    const many = parseClusterFile(`${base}nodes:\n${nodes(65)}\n`);
    assert.deepEqual(
      many.problems.map((p) => [p.code, p.message, p.range.start.line]),
      [['max-items', '"nodes" has 65 entries; at most 64', 4]],
    );
    const t0 = Date.now();
    const huge = parseClusterFile(`${base}nodes:\n${nodes(2)}\n${Array.from({ length: 20000 }, (_, i) => `k${i}: 1`).join('\n')}\n`);
    assert.deepEqual(
      huge.problems.map((p) => [p.code, p.range.start.line, p.range.start.col]),
      [['file-too-large', 0, 0]],
    );
    assert.ok(Date.now() - t0 < 1000, 'refused before parsing');
  });

  it('reports at most 100 problems and sums up the rest', () => {
    const r = parseClusterFile(`${base}nodes:\n${nodes(2)}\n${Array.from({ length: 300 }, (_, i) => `k${i}: 1`).join('\n')}\n`);
    assert.equal(r.problems.length, 101);
    assert.match(r.problems[100].message, /^200 more problems \(200 errors\) after these, from line 107 on/);
  });

  it('prints a command shared by every target once per step (the preview grew with the square of the node count)', () => {
    const config = parseClusterFile(`${base}nodes:\n${nodes(64)}\n`).config!;
    const text = formatStep(config, renderStep('hosts', planInput(config)));
    // The host's form (the container's is quoted again inside bash -c): once, not once per target.
    assert.equal(text.match(/-v mode=write -v want='\d/g)?.length, 1, 'the hosts block once');
    // Each target's check still lists the cluster's hosts (it names the target's hostname too):
    // 65 × 65 lines at the 64-node cap, about 0.26 MB, where 1,000 nodes printed 198 MB.
    assert.ok(text.length < 300_000, `${text.length} characters`);
  });
});
