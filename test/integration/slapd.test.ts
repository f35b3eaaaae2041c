/**
 * The sandbox cluster's OpenLDAP (scripts/lab/slapd.cjs): each Gluu node serves Gluu 3.1.x's
 * appliance entry over ldaps with the directory manager's password from the sandbox's
 * ldap-admin.pw, and that password shows in no process's arguments.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { lab, type RunResult } from './lab';
import { sandboxUp, writeOn, type Sandbox } from './sandbox';
import { STATE_FILE_NAME } from '../../src/core/session/fileState';

const ROOT_DN = 'cn=directory manager,o=gluu';
const PW_ON_HOST = '/root/.ldap-admin.pw';
const BAD_PW_ON_HOST = '/root/.ldap-wrong.pw';

/** Attribute values of the entries of `ldapsearch -LLL -o ldif-wrap=no` output. */
function parseLdif(text: string): Record<string, string[]>[] {
  return text
    .split(/\n\s*\n/)
    .filter((block) => block.trim())
    .map((block) => {
      const entry: Record<string, string[]> = {};
      for (const line of block.split('\n')) {
        const m = /^([^:]+)(::?) ?(.*)$/.exec(line);
        if (!m) continue;
        const value = m[2] === '::' ? Buffer.from(m[3], 'base64').toString('utf8') : m[3];
        (entry[m[1]] ??= []).push(value);
      }
      return entry;
    });
}

describe('slapd on the sandbox cluster', function () {
  this.timeout(300000);
  let sb: Sandbox;
  let password: string;

  const search = (host: string, url: string, pwFile: string, args: string[]): Promise<RunResult> =>
    lab.runAs(sb.lab, host, 'env', [
      `LDAPTLS_CACERT=${sb.ldap['idp2.gluu.test'].certFile}`,
      'ldapsearch',
      '-LLL',
      '-o',
      'ldif-wrap=no',
      '-x',
      '-H',
      url,
      '-D',
      ROOT_DN,
      '-y',
      pwFile,
      ...args,
    ]);

  before(async () => {
    const can = lab.canUseNetns();
    if (can !== true) throw new Error(`these tests need network namespaces (run as root): ${can}`);
    // Open: these tests reach each node's slapd on its address from the other node.
    sb = await sandboxUp({ ldapOpen: true });
    password = fs.readFileSync(sb.ldapPasswordFile, 'utf8');
    // The lab hosts have their own /tmp: give them the password in their own private files.
    for (const host of ['idp1', 'idp2']) {
      await writeOn(sb.lab, host, PW_ON_HOST, password, '600');
      await writeOn(sb.lab, host, BAD_PW_ON_HOST, `${password}x`, '600');
    }
  });
  after(async () => {
    if (sb) await sb.down();
  });

  it('writes the directory manager password to ldap-admin.pw, mode 0600', () => {
    assert.equal(fs.statSync(sb.ldapPasswordFile).mode & 0o777, 0o600);
    assert.ok(password.length >= 16);
    assert.doesNotMatch(password, /\s/);
    assert.deepEqual(Object.keys(sb.ldap).sort(), ['idp1.gluu.test', 'idp2.gluu.test']);
    for (const [host, l] of Object.entries(sb.ldap)) {
      assert.match(l.ldapsUrl, /^ldaps:\/\/10\.\d+\.\d+\.\d+:1636$/, host);
      assert.match(l.fingerprint, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
      assert.equal(new crypto.X509Certificate(fs.readFileSync(l.certFile)).fingerprint256, l.fingerprint);
    }
  });

  it("finds the appliance entry over ldaps on idp2's address, with Gluu 3.1's JSON attributes", async () => {
    const r = await search('idp2', sb.ldap['idp2.gluu.test'].ldapsUrl, PW_ON_HOST, [
      '-b',
      'ou=appliances,o=gluu',
      '-s',
      'one',
      '(objectClass=gluuAppliance)',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const entries = parseLdif(r.stdout);
    assert.equal(entries.length, 1, r.stdout);
    const e = entries[0];
    assert.match(e.dn[0], /^inum=.*,ou=appliances,o=gluu$/);
    assert.equal(e.oxAuthenticationMode[0], 'auth_ldap_server');
    assert.equal(e.oxCacheConfiguration.length, 1);
    const cache = JSON.parse(e.oxCacheConfiguration[0]);
    assert.equal(cache.cacheProviderType, 'IN_MEMORY');
    for (const k of ['redisConfiguration', 'memcachedConfiguration', 'inMemoryConfiguration', 'nativePersistenceConfiguration'])
      assert.equal(typeof cache[k], 'object', k);
    assert.ok(e.oxIDPAuthentication.length >= 1);
    const idp = JSON.parse(e.oxIDPAuthentication[0]);
    assert.equal(typeof idp.config, 'string', 'config is a JSON string inside the JSON');
    const config = JSON.parse(idp.config);
    assert.deepEqual(config.servers, ['localhost:1636']);
    assert.equal(config.useSSL, 'true');
    assert.equal(config.bindDN, ROOT_DN);
    assert.deepEqual(config.baseDNs, ['o=gluu']);
    assert.equal(config.sandboxExtra, 'keep me');
  });

  it('is reachable from the other nodes, and idp1 holds the entry too', async () => {
    const r = await search('idp1', sb.ldap['idp2.gluu.test'].ldapsUrl, PW_ON_HOST, ['-b', 'o=gluu', '-s', 'base', 'dn']);
    assert.equal(r.code, 0, r.stderr);
    const idp1 = await lab.runAs(sb.lab, 'idp1', 'env', [
      `LDAPTLS_CACERT=${sb.ldap['idp1.gluu.test'].certFile}`,
      'ldapsearch',
      '-LLL',
      '-x',
      '-H',
      'ldaps://127.0.0.1:1636',
      '-D',
      ROOT_DN,
      '-y',
      PW_ON_HOST,
      '-b',
      'ou=appliances,o=gluu',
      '-s',
      'one',
      '(objectClass=gluuAppliance)',
      'inum',
    ]);
    assert.equal(idp1.code, 0, idp1.stderr);
    assert.match(idp1.stdout, /^inum: /m);
    const plain = await search('idp1', 'ldap://127.0.0.1:1389', PW_ON_HOST, ['-b', 'o=gluu', '-s', 'base', 'dn']);
    assert.equal(plain.code, 0, plain.stderr);
  });

  it('refuses a wrong password with result 49 (invalid credentials)', async () => {
    const r = await search('idp2', sb.ldap['idp2.gluu.test'].ldapsUrl, BAD_PW_ON_HOST, ['-b', 'o=gluu', '-s', 'base', 'dn']);
    assert.equal(r.code, 49, r.stdout + r.stderr);
    assert.match(r.stderr, /Invalid credentials/);
  });

  it('keeps the password out of every process argv and out of slapd.conf', async () => {
    const args = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' });
    assert.match(args, /slapd -f \/opt\/symas\/etc\/openldap\/slapd\.conf/, 'slapd is running');
    assert.ok(!args.includes(password), 'password in ps output');
    const onHost = await lab.runAs(sb.lab, 'idp2', 'ps', ['-eo', 'args']);
    assert.ok(!onHost.stdout.includes(password));
    for (const host of ['idp1', 'idp2']) {
      const conf = fs.readFileSync(lab.upperPath(sb.lab, host, '/opt/symas/etc/openldap/slapd.conf'), 'utf8');
      assert.ok(!conf.includes(password));
      assert.match(conf, /^rootpw \{SSHA\}/m);
    }
  });
});

describe("the sandbox's keys and passwords", function () {
  this.timeout(300000);
  type Up = Sandbox & { dir: string; clientKey: string; clusterFile: string };
  const up = sandboxUp as (o?: object) => Promise<Up>;

  it('are in a folder of its own that down() removes whole', async () => {
    const sb = await up({ name: 'cleanup' });
    assert.match(path.basename(sb.dir), /^gluu-sandbox-cleanup-/);
    assert.ok(fs.existsSync(sb.clientKey) && fs.existsSync(sb.ldapPasswordFile));
    await sb.down();
    assert.equal(fs.existsSync(sb.dir), false, `${sb.dir} is gone`);
  });

  it("in the operator's folder, up() drops an earlier sandbox's run state; down() removes the key and the password and leaves the rest", async () => {
    const dir = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'gluu-operator-'));
    try {
      // What `gluu-cluster run` left beside an earlier sandbox's cluster file: steps done on hosts that are gone.
      const stale = path.join(dir, 'workspace', STATE_FILE_NAME);
      fs.mkdirSync(path.dirname(stale));
      fs.writeFileSync(stale, '{"version":1,"clusters":{"sandbox":{"hosts":{"state":"done"}}}}');
      fs.writeFileSync(path.join(dir, 'workspace', 'notes.md'), 'mine');
      const sb = await up({ dir });
      assert.equal(path.dirname(sb.clusterFile), path.dirname(stale));
      assert.equal(fs.existsSync(stale), false, "the earlier sandbox's run state is gone");
      await sb.down();
      assert.equal(fs.existsSync(sb.clientKey), false);
      assert.equal(fs.existsSync(`${sb.clientKey}.pub`), false);
      assert.equal(fs.existsSync(sb.ldapPasswordFile), false);
      assert.ok(fs.existsSync(sb.clusterFile), 'the cluster file stays');
      assert.equal(fs.readFileSync(path.join(dir, 'workspace', 'notes.md'), 'utf8'), 'mine', "the operator's own files stay");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
