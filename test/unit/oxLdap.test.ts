/**
 * The LDAP failover step's edit of ox-ldap.properties, run in bash on real files: the servers
 * line becomes the node first, then the others; a file without one gets one; nothing else
 * changes; the check passes only on the wanted line.
 */
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { EXAMPLE_CLUSTER_FILE } from '../../src/core/config/example';
import { parseClusterFile } from '../../src/core/config/parse';
import { OX_LDAP_PROPERTIES, SHIBBOLETH_LDAP_PROPERTIES } from '../../src/core/gluu/oxLdap';
import type { ExecAction } from '../../src/core/plan/actions';
import { planInput, renderStep } from '../../src/core/plan/plan';

describe('the LDAP failover step (ox-ldap.properties)', () => {
  const config = parseClusterFile(EXAMPLE_CLUSTER_FILE.replace('container: chroot', 'container: none')).config!;
  const plan = renderStep('ox-ldap-servers', planInput(config));
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'gluu-oxldap-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const on = (text: string) =>
    text
      .split(OX_LDAP_PROPERTIES)
      .join(path.join(dir, 'ox-ldap.properties'))
      .split(SHIBBOLETH_LDAP_PROPERTIES)
      .join(path.join(dir, 'ldap.properties'));
  const run = (script: string) => spawnSync('bash', ['-c', on(script)], { encoding: 'utf8' });

  it('each node lists itself first, then the others; the rest of the file stays as it was', () => {
    assert.deepEqual(
      plan.targets.map((t) => t.label),
      [
        'idp1.example.org: servers: idp1.example.org:1636,idp2.example.org:1636',
        'idp2.example.org: servers: idp2.example.org:1636,idp1.example.org:1636',
      ],
    );
    const t = plan.targets[1];
    const file = path.join(dir, 'ox-ldap.properties');
    writeFileSync(file, 'bindDN: cn=directory manager\nservers: localhost:1636\nuseSSL: true\n');
    assert.notEqual(run(t.check!.script.text).status, 0, 'not done yet');
    execFileSync('bash', ['-c', on((t.actions[0] as ExecAction).script.text)]);
    assert.equal(
      readFileSync(file, 'utf8'),
      'bindDN: cn=directory manager\nservers: idp2.example.org:1636,idp1.example.org:1636\nuseSSL: true\n',
    );
    assert.equal(run(t.check!.script.text).status, 0, 'done');
    execFileSync('bash', ['-c', on((t.actions[0] as ExecAction).script.text)]);
    assert.equal(readFileSync(file, 'utf8').match(/^servers:/gm)?.length, 1, 'running again changes nothing');
  });

  it('where the Shibboleth IdP is installed, its ldapURL lists the same servers; without it there is nothing to change', () => {
    const t = plan.targets[1];
    writeFileSync(path.join(dir, 'ox-ldap.properties'), 'servers: localhost:1636\n');
    const shib = path.join(dir, 'ldap.properties');
    writeFileSync(
      shib,
      'idp.authn.LDAP.authenticator = bindSearchAuthenticator\nidp.authn.LDAP.ldapURL = ldaps://localhost:1636\nidp.authn.LDAP.useStartTLS = false\n',
    );
    for (const a of t.actions) execFileSync('bash', ['-c', on((a as ExecAction).script.text)]);
    assert.equal(
      readFileSync(shib, 'utf8'),
      'idp.authn.LDAP.authenticator = bindSearchAuthenticator\nidp.authn.LDAP.ldapURL = ldaps://idp2.example.org:1636 ldaps://idp1.example.org:1636\nidp.authn.LDAP.useStartTLS = false\n',
    );
    assert.equal(run(t.check!.script.text).status, 0, 'done');
    writeFileSync(shib, 'idp.authn.LDAP.ldapURL=ldaps://idp1.example.org:1636\n');
    assert.notEqual(run(t.check!.script.text).status, 0, 'a different ldapURL is not done');
    rmSync(shib);
    assert.equal(run(t.check!.script.text).status, 0, 'no IdP: the check is about ox-ldap.properties alone');
    const r = run((t.actions[1] as ExecAction).script.text);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /no Shibboleth IdP on idp2\.example\.org/);
  });

  it('adds a servers line to a file without one, and refuses a missing file', () => {
    const t = plan.targets[0];
    const file = path.join(dir, 'ox-ldap.properties');
    writeFileSync(file, 'useSSL: true\n');
    execFileSync('bash', ['-c', on((t.actions[0] as ExecAction).script.text)]);
    assert.equal(readFileSync(file, 'utf8'), 'useSSL: true\nservers: idp1.example.org:1636,idp2.example.org:1636\n');
    rmSync(file);
    const r = run((t.actions[0] as ExecAction).script.text);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /ox-ldap\.properties is missing: run setup\.py on this node first/);
  });
});
