import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { cli as run } from './cliRun';
import { FIXTURES } from './paths';

describe('CLI', () => {
  it('validate: a good file exits 0 and says so', () => {
    const r = run('validate', '--config', path.join(FIXTURES, 'cluster-files', 'good', 'manual-example.yaml'));
    assert.equal(r.code, 0);
    assert.match(r.out, /cluster "example-cluster" with 2 nodes is valid/);
  });
  it('validate: a bad file exits 1 with FILE:LINE:COL problems', () => {
    const f = path.join(FIXTURES, 'cluster-files', 'bad', 'typo-key.yaml');
    const r = run('validate', '--config', f);
    assert.equal(r.code, 1);
    assert.equal(
      r.err,
      `${f}:5:3: error: unknown key "contaner" (did you mean "container"?) [unknown-key]\n` +
        `${f}:7:1: warning: a cluster needs at least two Gluu nodes to replicate between [single-node]\n`,
    );
  });
  it('validate: a missing file exits 2 with the reason', () => {
    const r = run('validate', '--config', '/nonexistent/gluu-cluster.yaml');
    assert.equal(r.code, 2);
    assert.match(r.err, /cannot read \/nonexistent\/gluu-cluster\.yaml: ENOENT/);
  });
  it('unknown commands and options exit 2 with usage', () => {
    assert.equal(run('frobnicate').code, 2);
    assert.equal(run('validate', '--nope').code, 2);
    assert.match(run('--help').out, /Usage: gluu-cluster/);
  });
  it('validate: reports field errors and cross-field errors in one pass, each at its line:col', () => {
    const f = path.join(FIXTURES, 'cluster-files', 'bad', 'all-in-one-pass.yaml');
    const r = run('validate', '--config', f);
    assert.equal(r.code, 1);
    assert.deepEqual(
      r.err
        .trim()
        .split('\n')
        .map((l) => /^.*?:(\d+:\d+): error: .* \[([a-z-]+)\]$/.exec(l)?.slice(1)),
      [
        ['7:25', 'unknown-key'],
        ['12:5', 'primary-count'],
        ['13:5', 'duplicate-address'],
        ['16:18', 'range'],
        ['17:1', 'cache-address'],
      ],
    );
  });
  it("COMMAND --help prints that command's help and exits 0", () => {
    for (const [argv, usage] of [
      [['ldap', '--help'], /^Usage: gluu-cluster ldap get\|set-cache\|set-idp-servers/],
      [['ldap', 'set-cache', '--help'], /^Usage: gluu-cluster ldap set-cache /],
      [['ldap', 'get', '-h'], /^Usage: gluu-cluster ldap get /],
      [['ldap', '--help', 'set-idp-servers'], /^Usage: gluu-cluster ldap set-idp-servers /],
      [['run', '--help'], /^Usage: gluu-cluster run .*--trust-new-host-keys/],
      [['run', '--step', 'hosts', '--help'], /^Usage: gluu-cluster run /],
      [['validate', '--help'], /^Usage: gluu-cluster validate /],
      [['plan', '-h'], /^Usage: gluu-cluster plan /],
      [['render', '--help'], /^Usage: gluu-cluster render /],
      [['init', '--help'], /^Usage: gluu-cluster init /],
      [['schema', '--help'], /^Usage: gluu-cluster schema/],
    ] as const) {
      const r = run(...argv);
      assert.equal(r.code, 0, `${argv.join(' ')}: ${r.err}`);
      assert.equal(r.err, '');
      assert.match(r.out, usage, argv.join(' '));
    }
    // --help does nothing else: init does not write its file.
    assert.equal(run('init', '--config', '/nonexistent/dir/gluu-cluster.yaml', '--help').code, 0);
    assert.equal(run('frobnicate', '--help').code, 2);
  });
  it('run and ldap --help say which host key option to prefer: pins or a known_hosts file over trust on first use', () => {
    for (const argv of [
      ['run', '--help'],
      ['ldap', 'get', '--help'],
    ]) {
      const r = run(...argv);
      for (const o of ['--host-key [HOST=]SHA256:…', '--known-hosts FILE', '--record-host-keys', '--trust-new-host-keys'])
        assert.ok(r.out.includes(o), o);
      assert.match(
        r.out,
        /prefer --host-key pins .* or a known_hosts\nfile .* over\n--trust-new-host-keys, which accepts whatever key answers/,
      );
    }
  });
  it('schema prints JSON', () => {
    assert.equal(JSON.parse(run('schema').out).title, 'Gluu Cluster file (gluu-cluster.yaml)');
  });
});

describe('CLI init', () => {
  it('writes the example once and refuses to overwrite', () => {
    const { mkdtempSync, readFileSync, rmSync } = require('node:fs') as typeof import('node:fs');
    const dir = mkdtempSync(path.join(require('node:os').tmpdir(), 'gluu-init-'));
    const f = path.join(dir, 'gluu-cluster.yaml');
    assert.equal(run('init', '--config', f).code, 0);
    assert.equal(run('validate', '--config', f).code, 0);
    const r = run('init', '--config', f);
    assert.equal(r.code, 1);
    assert.match(r.err, /the file exists/);
    assert.match(readFileSync(f, 'utf8'), /^# Gluu Cluster/);
    rmSync(dir, { recursive: true });
  });
});
