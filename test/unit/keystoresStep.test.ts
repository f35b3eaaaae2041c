/**
 * The keystores step's scripts run here against a real keytool and a keystore in a temporary
 * folder (paths swapped for the node's): what it imports, what it leaves, and how many JVMs it
 * starts (keytool through a shim that counts its calls).
 */
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { EXAMPLE_CLUSTER_FILE } from '../../src/core/config/example';
import { parseClusterFile } from '../../src/core/config/parse';
import type { ExecAction } from '../../src/core/plan/actions';
import { planInput, renderStep } from '../../src/core/plan/plan';
import { CERTS_DIR, JRE_CACERTS, KEYTOOL } from '../../src/core/plan/steps/common';

describe('keystores step against a real keytool', function () {
  // about ten JVM starts, a second of CPU each on a busy machine
  this.timeout(120000);
  let dir: string;
  let run: (script: string) => { code: number; out: string };
  let calls: () => number;
  const config = parseClusterFile(EXAMPLE_CLUSTER_FILE).config!;
  const plan = renderStep('keystores', planInput(config));
  const target = plan.targets[0];
  const action = (target.actions[0] as ExecAction).script.text;
  const check = target.check!.script.text;
  const lb = config.loadBalancer.host;

  const cert = (name: string) =>
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-days',
        '2',
        '-subj',
        `/CN=${name}`,
        '-keyout',
        path.join(dir, 'certs', `${name}.key`),
        '-out',
        path.join(dir, 'certs', `${name}.crt`),
      ],
      { stdio: 'ignore' },
    );
  const fingerprintOf = (name: string) =>
    execFileSync('openssl', ['x509', '-noout', '-fingerprint', '-sha256', '-in', path.join(dir, 'certs', `${name}.crt`)], {
      encoding: 'utf8',
    })
      .split('=')[1]
      .trim();

  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'gluu-keystores-'));
    execFileSync('mkdir', [path.join(dir, 'certs')]);
    const shim = path.join(dir, 'keytool');
    writeFileSync(shim, `#!/bin/sh\necho x >> ${dir}/calls\nexec keytool "$@"\n`, { mode: 0o755 });
    writeFileSync(path.join(dir, 'calls'), '');
    const store = path.join(dir, 'cacerts');
    cert('other');
    execFileSync(
      'keytool',
      [
        '-importcert',
        '-noprompt',
        '-alias',
        'other',
        '-file',
        path.join(dir, 'certs', 'other.crt'),
        '-keystore',
        store,
        '-storepass',
        'changeit',
      ],
      {
        stdio: 'ignore',
      },
    );
    cert('httpd');
    cert('shibIDP');
    const local = (s: string) => s.replaceAll(KEYTOOL, shim).replaceAll(JRE_CACERTS, store).replaceAll(`${CERTS_DIR}/`, `${dir}/certs/`);
    run = (script) => {
      const r = spawnSync('sh', ['-c', local(script)], { encoding: 'utf8' });
      return { code: r.status ?? 1, out: r.stdout + r.stderr };
    };
    calls = () => readFileSync(path.join(dir, 'calls'), 'utf8').split('\n').filter(Boolean).length;
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const counting = (script: string) => {
    const before = calls();
    const r = run(script);
    return { ...r, jvms: calls() - before };
  };

  it('imports the certificates the node has, skips the others, and the check then holds', () => {
    assert.equal(run(check).code, 1, 'not done before it ran');
    const r = counting(action);
    assert.equal(r.code, 0, r.out);
    assert.equal(r.jvms, 3, 'one list and two imports');
    assert.match(r.out, /skip idp-encryption\.crt: not on this node/);
    const c = counting(check);
    assert.equal(c.code, 0, c.out);
    assert.equal(c.jvms, 1, 'the check lists cacerts once');
  });

  it('a second run imports nothing and starts one JVM, whatever the JVM locale (the listing it parses is in English)', () => {
    process.env.JAVA_TOOL_OPTIONS = '-Duser.language=de';
    let r;
    try {
      r = counting(action);
    } finally {
      delete process.env.JAVA_TOOL_OPTIONS;
    }
    assert.equal(r.code, 0, r.out);
    assert.equal(r.jvms, 1);
    assert.match(r.out, new RegExp(`${lb.replace(/\./g, '\\.')}_httpd already holds httpd\\.crt`));
    assert.match(r.out, /_shibIDP already holds shibIDP\.crt/);
  });

  it('a certificate replaced on the node: the check fails, the run replaces that alias only, and it then holds the new one', () => {
    cert('httpd');
    assert.equal(run(check).code, 1, 'an alias holding the old certificate is not done');
    const r = counting(action);
    assert.equal(r.code, 0, r.out);
    assert.equal(r.jvms, 3, 'list, delete and import');
    assert.match(r.out, /_shibIDP already holds shibIDP\.crt/);
    assert.equal(run(check).code, 0);
    const listed = execFileSync(
      'keytool',
      ['-list', '-v', '-alias', `${lb}_httpd`, '-keystore', path.join(dir, 'cacerts'), '-storepass', 'changeit'],
      {
        encoding: 'utf8',
      },
    );
    assert.ok(listed.includes(`SHA256: ${fingerprintOf('httpd')}`), listed);
  });

  it('a failed import fails the action', () => {
    writeFileSync(path.join(dir, 'certs', 'idp-signing.crt'), 'not a certificate\n');
    const r = run(action);
    assert.notEqual(r.code, 0, r.out);
    assert.notEqual(run(check).code, 0);
    rmSync(path.join(dir, 'certs', 'idp-signing.crt'));
  });
});
