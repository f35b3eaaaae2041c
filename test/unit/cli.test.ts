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

describe('CLI messages', () => {
  it('show control characters, U+2028 and U+2029 from the cluster file as escapes (a key cannot retitle the terminal)', async () => {
    const { execFileSync } = await import('node:child_process');
    const { mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(path.join(tmpdir(), 'gluu-cli-'));
    try {
      const f = path.join(dir, 'evil.yaml');
      writeFileSync(f, 'name: x\ngluu: { version: 3.1.5 }\n"a\\e]0;PWNED\\ab\\u009b2J\\u2028c": 1\n');
      const inProcess = run('validate', '--config', f);
      assert.match(inProcess.err, /unknown key "a\\x1b\]0;PWNED\\x07b\\x9b2J\\u2028c"/);
      // The real process, whatever a caller's sinks do: nothing on stderr but printable text.
      let stderr = '';
      try {
        execFileSync(process.execPath, [path.join(__dirname, '..', '..', 'src', 'cli.js'), 'validate', '--config', f], {
          encoding: 'utf8',
          stdio: 'pipe',
        });
      } catch (e) {
        stderr = (e as { stderr: string }).stderr;
      }
      assert.match(stderr, /unknown key "a\\x1b/);
      const control = [...stderr].find(
        (c) => c !== '\n' && (c < ' ' || (c >= '\u007f' && c <= '\u009f') || c === '\u2028' || c === '\u2029'),
      );
      assert.equal(control, undefined, 'no control character on stderr');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('CLI run confirmation', () => {
  it('runs nothing without --yes when there is no terminal to ask, and says so', async () => {
    const { main } = await import('../../src/cli');
    const f = path.join(FIXTURES, 'cluster-files', 'good', 'manual-example.yaml');
    let err = '';
    const code = await main(
      ['run', '--step', 'hosts', '--config', f],
      () => undefined,
      (s) => (err += s),
    );
    assert.equal(code, 2);
    assert.match(
      err,
      /run changes the servers of cluster "example-cluster" \(step "hosts"\); without a terminal to ask, pass --yes\. Nothing ran\./,
    );
  });

  it('refuses an unknown step named with --force before anything else', () => {
    const f = path.join(FIXTURES, 'cluster-files', 'good', 'manual-example.yaml');
    const r = run('run', '--yes', '--force=nope', '--config', f);
    assert.equal(r.code, 2);
    assert.match(r.err, /--force: unknown step "nope"/);
  });
});
