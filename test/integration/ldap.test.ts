/**
 * The LDAP editor's core against the sandbox's real slapd (Gluu 3.1.x schema subset and an
 * appliance entry shaped like Gluu's), through a real SSH tunnel to the node: reading both JSON
 * attributes, compare-and-swap writes, what is preserved, and every way it refuses.
 */
import * as assert from 'node:assert/strict';
import { createDecipheriv } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseClusterFile } from '../../src/core/config/parse';
import type { ClusterConfig } from '../../src/core/config/types';
import { snapshotOf, withAppliance, type ApplianceAccess } from '../../src/core/ldap/appliance';
import type { CertificateInfo, PinnedCertificate } from '../../src/core/ldap/certificates';
import { ldapEndpoint } from '../../src/core/ldap/endpoint';
import { planEdits, resolveEdits, reverseChanges } from '../../src/core/ldap/edits';
import { isLdapError, type LdapError } from '../../src/core/ldap/errors';
import type { EditorSnapshot } from '../../src/core/ldap/protocol';
import { SshPool } from '../../src/core/ssh/pool';
import type { TrustedHostKey } from '../../src/core/ssh/types';
import { ROOT } from '../unit/paths';
import { lab, shOn, type Lab } from './lab';
import { sandboxCli, sandboxUp, writeOn, type Sandbox } from './sandbox';

const { startSlapd } = require(path.join(ROOT, 'scripts', 'lab', 'slapd.cjs')) as {
  startSlapd(
    l: Lab,
    host: string,
    o: { password: string; port?: number; ldapsPort?: number; ldif?: string; extraSchemas?: string[] },
  ): Promise<{ fingerprint: string; certFile: string; stop(): Promise<void> }>;
};

const NODE = 'idp1.gluu.test';
const PW_ON_HOST = '/root/.ldap-admin.pw';

describe('the LDAP editor core on the sandbox slapd', function () {
  this.timeout(180000);
  let sb: Sandbox;
  let config: ClusterConfig;
  let password: string;
  let pool: SshPool;
  let pins: Map<string, PinnedCertificate>;
  let asked: CertificateInfo[];
  let answer: boolean;

  const access = (o: Partial<ApplianceAccess> & { node?: string; cfg?: ClusterConfig } = {}): ApplianceAccess => ({
    endpoint: ldapEndpoint(o.cfg ?? config, o.node ?? NODE, pool),
    bindDN: config.gluu.bindDN,
    password: async () => password,
    baseDN: config.gluu.baseDN,
    trust: {
      lookup: async (id) => pins.get(id),
      add: async (id, pin) => void pins.set(id, pin),
      confirm: async (info) => {
        asked.push(info);
        return answer;
      },
    },
    ...o,
  });
  const snapshot = (a: ApplianceAccess = access()): Promise<EditorSnapshot> =>
    withAppliance(a, async (s) =>
      snapshotOf(await s.read(), {
        cluster: config.name,
        node: a.endpoint.node,
        nodes: config.nodes.map((n) => n.host),
        ldapsPort: 1636,
        via: a.endpoint.via,
        canRestore: false,
      }),
    );
  const rejects = async (p: Promise<unknown>, code: LdapError['code']): Promise<LdapError> => {
    try {
      await p;
    } catch (e) {
      assert.ok(isLdapError(e), `expected an LdapError ${code}, got ${(e as Error).stack}`);
      assert.equal(e.code, code, e.message);
      return e;
    }
    throw new Error(`expected ${code}, but it succeeded`);
  };
  /** Someone else's change, made with OpenLDAP's own ldapmodify on the node. */
  const ldapmodify = async (ldif: string) => {
    await writeOn(sb.lab, 'idp1', '/root/change.ldif', ldif, '600');
    const r = await lab.runAs(sb.lab, 'idp1', 'ldapmodify', [
      '-x',
      '-H',
      'ldap://127.0.0.1:1389',
      '-D',
      config.gluu.bindDN,
      '-y',
      PW_ON_HOST,
      '-f',
      '/root/change.ldif',
    ]);
    assert.equal(r.code, 0, r.stderr);
  };

  before(async () => {
    // Open: "via: direct" connects to the node's address.
    sb = await sandboxUp({ ldapOpen: true });
    config = parseClusterFile(fs.readFileSync(sb.clusterFile, 'utf8')).config!;
    password = fs.readFileSync(sb.ldapPasswordFile, 'utf8');
    await writeOn(sb.lab, 'idp1', PW_ON_HOST, password, '600');
    const trusted = new Map<string, TrustedHostKey[]>();
    pool = new SshPool({
      sshConfigFile: null,
      knownHostsFiles: [],
      agentSocket: null,
      trustStore: {
        lookup: async (id) => trusted.get(id) ?? [],
        add: async (id, fingerprint, keyType) => void trusted.set(id, [{ fingerprint, keyType }]),
      },
      confirmUnknownHostKey: async (info) =>
        Object.values(sb.hosts).some((h) => h.address === info.host && h.fingerprint === info.fingerprint),
    });
  });
  beforeEach(() => {
    pins = new Map();
    asked = [];
    answer = true;
  });
  after(async () => {
    await pool?.closeAll();
    if (sb) await sb.down();
  });

  it('asks to trust the self-signed certificate (its SHA-256 fingerprint) and refuses to go on without', async () => {
    answer = false;
    const e = await rejects(snapshot(), 'CERT_NOT_TRUSTED');
    assert.equal(asked.length, 1);
    assert.equal(asked[0].fingerprint, sb.ldap[NODE].fingerprint);
    assert.equal(asked[0].node, NODE);
    assert.match(asked[0].via, /SSH tunnel to idp1\.gluu\.test → 127\.0\.0\.1:1636/);
    assert.match(e.message, /not trusted, so nothing was read or written/);
    assert.equal(pins.size, 0);
  });

  it('reads both JSON attributes through the SSH tunnel: oxCacheConfiguration, and oxIDPAuthentication with its config decoded', async () => {
    const s = await snapshot();
    assert.equal(asked.length, 1, 'asked once');
    assert.equal(pins.get(`ldaps:${NODE}:1636`)?.fingerprint, sb.ldap[NODE].fingerprint);
    assert.match(s.entryDN, /^inum=@!8C3F\.51A2\.7E09\.D4B6!0002!61E4\.9A07,ou=appliances,o=gluu$/);
    assert.equal(s.cacheAttribute, 'oxCacheConfiguration');
    assert.equal(s.cache?.decoded?.cacheProviderType, 'IN_MEMORY');
    assert.equal(s.idp.length, 1);
    assert.equal(s.idp[0].configForm, 'string');
    const c = s.idp[0].decoded!.config as Record<string, unknown>;
    assert.deepEqual(c.servers, ['localhost:1636']);
    assert.equal(c.useSSL, 'true');
    assert.equal(c.sandboxExtra, 'keep me');
    // Pinned now: the next connection asks nothing.
    await snapshot();
    assert.equal(asked.length, 1);
  });

  it('changes the provider to REDIS with two servers and reads it back, keeping every other field', async () => {
    const before = await snapshot();
    const decoded = structuredClone(before.cache!.decoded!) as Record<string, Record<string, unknown>>;
    decoded.cacheProviderType = 'REDIS' as never;
    decoded.redisConfiguration.redisProviderType = 'CLUSTER';
    decoded.redisConfiguration.servers = 'idp1.gluu.test:6379,idp2.gluu.test:6379';
    const r = resolveEdits(before, [{ attribute: 'cache', decoded }]);
    assert.deepEqual(r.errors, []);
    assert.equal(r.changes.length, 1);
    await withAppliance(access(), (s) => s.write(before.entryDN, r.changes));
    const after = await snapshot();
    const got = after.cache!.decoded! as Record<string, Record<string, unknown>>;
    assert.equal(got.cacheProviderType, 'REDIS');
    assert.deepEqual(got.redisConfiguration, {
      servers: 'idp1.gluu.test:6379,idp2.gluu.test:6379',
      defaultPutExpiration: 60,
      redisProviderType: 'CLUSTER',
    });
    assert.deepEqual(got.memcachedConfiguration, (before.cache!.decoded! as Record<string, unknown>).memcachedConfiguration);
    assert.deepEqual(got.inMemoryConfiguration, { defaultPutExpiration: 60 });
    // oxIDPAuthentication was not part of the edit: stored exactly as before.
    assert.equal(after.idp[0].raw, before.idp[0].raw);
  });

  it('sets the IDP servers to every node, writing config back as a JSON string with useSSL still "true" and unknown fields kept', async () => {
    const before = await snapshot();
    const r = planEdits(before, 'idpAuthentication', { servers: config.nodes.map((n) => `${n.host}:1636`) });
    assert.deepEqual(r.errors, []);
    await withAppliance(access(), (s) => s.write(before.entryDN, r.changes));
    const after = await snapshot();
    const outer = JSON.parse(after.idp[0].raw);
    assert.equal(typeof outer.config, 'string', 'config is still a JSON string');
    const inner = JSON.parse(outer.config);
    assert.deepEqual(inner.servers, ['idp1.gluu.test:1636', 'idp2.gluu.test:1636']);
    assert.equal(inner.useSSL, 'true');
    assert.equal(inner.sandboxExtra, 'keep me');
    assert.equal(inner.bindPassword, 'Xq3N8bVd0rJ2kFz7cWm5LA==');
    assert.equal(inner.maxConnections, 1000);
    const { config: _c, ...outerRest } = outer;
    const { config: _b, ...beforeRest } = JSON.parse(before.idp[0].raw);
    assert.deepEqual(outerRest, beforeRest);
    // Running the same plan change again changes nothing (idempotent).
    assert.deepEqual(planEdits(after, 'idpAuthentication', { servers: inner.servers }).changes, []);
  });

  it('detects a change made by someone else between read and save, and writes nothing', async () => {
    const before = await snapshot();
    const decoded = { ...before.cache!.decoded!, cacheProviderType: 'MEMCACHED' };
    const r = resolveEdits(before, [{ attribute: 'cache', decoded }]);
    // Someone else sets the provider in the meantime (only the case differs: the server's
    // matching rule would call it equal; the byte check does not).
    const theirs = before.cache!.raw.replace(/"cacheProviderType": ?"(\w+)"/, '"cacheProviderType": "redis"');
    assert.notEqual(theirs, before.cache!.raw);
    await ldapmodify(`dn: ${before.entryDN}\nchangetype: modify\nreplace: oxCacheConfiguration\noxCacheConfiguration: ${theirs}\n`);
    const e = await rejects(
      withAppliance(access(), (s) => s.write(before.entryDN, r.changes)),
      'CONFLICT',
    );
    assert.match(e.message, /changed on the server since it was read — reload/);
    assert.equal((await snapshot()).cache!.raw, theirs, 'their value stays');
  });

  it('lets the server refuse the modify itself when the value changes after the check (one atomic delete-old + add-new)', async () => {
    const before = await snapshot();
    const r = resolveEdits(before, [{ attribute: 'cache', decoded: { ...before.cache!.decoded!, cacheProviderType: 'IN_MEMORY' } }]);
    // The modify with an old value that is no longer stored (as when someone changes it right
    // after the byte check): the server's delete fails and the add in the same modify is not done.
    const stale = [{ ...r.changes[0], old: before.cache!.raw.replace('redis', 'NATIVE_PERSISTENCE') }];
    const e = await rejects(
      withAppliance(access(), (s) => s.swap(before.entryDN, stale)),
      'CONFLICT',
    );
    assert.match(e.message, /changed on the server while saving/);
    assert.equal(e.details.resultCode, 16, 'the server said: no such value');
    assert.equal((await snapshot()).cache!.raw, before.cache!.raw);
  });

  it('refuses a write when the value changed only in letter case since it was read (assertion control on entryCSN)', async () => {
    const before = await snapshot();
    const r = resolveEdits(before, [{ attribute: 'cache', decoded: { ...before.cache!.decoded!, cacheProviderType: 'IN_MEMORY' } }]);
    await withAppliance(access(), async (s) => {
      const read = await s.read();
      assert.equal(read.version?.attribute, 'entryCSN', 'slapd keeps entryCSN');
      // Another writer flips the letter case of a value after our read: caseIgnoreMatch finds our
      // old value still "there", so a delete-by-value alone would overwrite their change.
      const theirs = read.cache!.replace(
        /("cacheProviderType"\s*:\s*")([^"]+)/,
        (_m, k: string, v: string) => k + (v === v.toUpperCase() ? v.toLowerCase() : v.toUpperCase()),
      );
      assert.notEqual(theirs, read.cache);
      await ldapmodify(`dn: ${read.entryDN}\nchangetype: modify\nreplace: oxCacheConfiguration\noxCacheConfiguration: ${theirs}\n`);
      const e = await rejects(s.swap(read.entryDN, r.changes, read.version), 'CONFLICT');
      assert.equal(e.details.resultCode, 122, 'the server said: assertion failed');
      assert.equal((await snapshot()).cache!.raw, theirs, 'their value stays');
    });
  });

  it('shows malformed JSON stored on the server, never overwrites it from the forms, and lets the raw text replace it', async () => {
    const before = await snapshot();
    const broken = '{"cacheProviderType": "REDIS", "redisConfiguration": {"servers": "a:1"';
    await ldapmodify(`dn: ${before.entryDN}\nchangetype: modify\nreplace: oxCacheConfiguration\noxCacheConfiguration: ${broken}\n`);
    const s = await snapshot();
    assert.equal(s.cache!.raw, broken);
    assert.equal(s.cache!.decoded, undefined);
    assert.match(s.cache!.error!, /"}" was expected \(line 1, column \d+\)/);
    assert.match(planEdits(s, 'cache', { cacheProviderType: 'REDIS' }).errors.join(), /not valid JSON/);
    // Invalid JSON from the raw tab is refused too.
    assert.match(
      resolveEdits(s, [{ attribute: 'cache', raw: '{"a": }' }]).errors.join(),
      /not valid JSON: a value was expected \(line 1, column 7\)/,
    );
    const fixed = resolveEdits(s, [
      { attribute: 'cache', raw: '{"cacheProviderType": "IN_MEMORY", "inMemoryConfiguration": {"defaultPutExpiration": 60}}' },
    ]);
    assert.deepEqual(fixed.errors, []);
    await withAppliance(access(), (x) => x.write(s.entryDN, fixed.changes));
    assert.equal((await snapshot()).cache!.decoded!.cacheProviderType, 'IN_MEMORY');
  });

  it('puts the previous value back (Restore Previous) with the same compare-and-swap', async () => {
    const before = await snapshot();
    const r = planEdits(before, 'cache', { cacheProviderType: 'NATIVE_PERSISTENCE' });
    await withAppliance(access(), (s) => s.write(before.entryDN, r.changes));
    const back = reverseChanges(r.changes);
    await withAppliance(access(), (s) => s.write(before.entryDN, back.changes));
    assert.equal((await snapshot()).cache!.raw, before.cache!.raw);
    // Restoring twice fails: the value is no longer the one the save wrote.
    await rejects(
      withAppliance(access(), (s) => s.write(before.entryDN, back.changes)),
      'CONFLICT',
    );
  });

  it('says a wrong password or a wrong bind DN is refused, naming the DN and what to do', async () => {
    const wrongPw = await rejects(snapshot(access({ password: async () => `${password}x` })), 'BAD_CREDENTIALS');
    assert.match(
      wrongPw.message,
      /refused the bind as "cn=directory manager,o=gluu" \(invalid credentials\): the password is wrong, or that bind DN does not exist there/,
    );
    assert.match(wrongPw.message, /gluu\.bindDN in the cluster file/);
    assert.ok(!wrongPw.message.includes(password));
    const wrongDn = await rejects(snapshot(access({ bindDN: 'cn=directory manager' })), 'BAD_CREDENTIALS');
    assert.match(wrongDn.message, /"cn=directory manager"/);
    assert.match(wrongDn.message, /gluu\.bindDN/);
  });

  it('connects directly to ldaps://<address>:1636 when the cluster file says via: direct', async () => {
    const direct = structuredClone(config);
    direct.gluu.ldapAccess = { via: 'direct', port: 1636 };
    const a = access({ cfg: direct });
    assert.equal(a.endpoint.via, `ldaps://${sb.hosts[NODE].address}:1636`);
    const s = await snapshot(a);
    assert.equal(s.cacheAttribute, 'oxCacheConfiguration');
    assert.equal(asked[0].fingerprint, sb.ldap[NODE].fingerprint);
  });

  it('verifies against a CA file instead of pinning (no question asked)', async () => {
    const a = access({ caPem: fs.readFileSync(sb.ldap[NODE].certFile, 'utf8') });
    await snapshot(a);
    assert.equal(asked.length, 0);
    assert.equal(pins.size, 0);
    // A CA that did not sign the server's certificate: refused, not waved through.
    const other = access({ caPem: fs.readFileSync(sb.ldap['idp2.gluu.test'].certFile, 'utf8') });
    await assert.rejects(snapshot(other), /certificate|TLS/i);
  });

  describe('the CLI (gluu-cluster ldap, and run for the LDAP steps)', () => {
    const cli = (...args: string[]) => sandboxCli(sb.clusterFile, { GLUU_CLUSTER_LDAP_ADMIN_PASSWORD: password }, args);

    it('refuses a certificate whose fingerprint it was not given, printing it and how to check it', async () => {
      const r = await cli('ldap', 'get');
      assert.equal(r.code, 1);
      assert.ok(r.err.includes(`is SHA-256 ${sb.ldap[NODE].fingerprint}`), r.err);
      assert.match(r.err, /--ldap-cert-fingerprint/);
      assert.equal(r.out, '');
      const wrong = await cli('ldap', 'get', '--ldap-cert-fingerprint', sb.ldap['idp2.gluu.test'].fingerprint);
      assert.equal(wrong.code, 1);
      assert.match(wrong.err, /not the .* given with --ldap-cert-fingerprint/);
    });

    it('ldap get prints both attributes, config decoded', async () => {
      const r = await cli('ldap', 'get', '--ldap-cert-fingerprint', sb.ldap[NODE].fingerprint);
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, /^# inum=.*,ou=appliances,o=gluu on idp1\.gluu\.test \(SSH tunnel to idp1\.gluu\.test/);
      assert.match(r.out, /# oxCacheConfiguration\n\{\n {2}"cacheProviderType"/);
      assert.match(r.out, /# oxIDPAuthentication value 1\n\/\/ "config" is stored as a JSON string; shown decoded/);
      assert.match(r.out, /"sandboxExtra": "keep me"/);
      assert.ok(!(r.out + r.err).includes(password));
      // Gluu's encoded bindPassword decodes with a fixed key: it is a secret, shown masked.
      assert.match(r.out, /"bindPassword": "\*{8}"/);
      assert.ok(!r.out.includes('Xq3N8bVd0rJ2kFz7cWm5LA=='), 'the encoded bindPassword is not printed');
    });

    it("ldap set-cache points the cache at the cluster's cache host; a second run finds it done", async () => {
      const r = await cli('ldap', 'set-cache', '--ldap-cert-fingerprint', sb.ldap[NODE].fingerprint);
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, /written \(compare-and-swap\): oxCacheConfiguration/);
      const s = await snapshot();
      assert.equal(s.cache!.decoded!.cacheProviderType, 'REDIS');
      assert.equal((s.cache!.decoded!.redisConfiguration as Record<string, unknown>).servers, 'idp1.gluu.test:6379');
      const again = await cli('ldap', 'set-cache', '--ldap-cert-fingerprint', sb.ldap[NODE].fingerprint);
      assert.match(again.out, /already as planned: nothing to write/);
      const bad = await cli('ldap', 'set-cache', '--servers', 'nohost', '--ldap-cert-fingerprint', sb.ldap[NODE].fingerprint);
      assert.equal(bad.code, 2);
      assert.match(bad.err, /--servers: "nohost" is not host:port/);
    });

    it('run --step ldap-idp-auth applies the plan step over the same core', async () => {
      const before = await snapshot();
      const reset = planEdits(before, 'idpAuthentication', { servers: ['localhost:1636'] });
      await withAppliance(access(), (s) => s.write(before.entryDN, reset.changes));
      // Its prerequisite (setup.py on the secondaries) has not run here: refused, nothing written.
      const refused = await cli('run', '--yes', '--step', 'ldap-idp-auth', '--ldap-cert-fingerprint', sb.ldap[NODE].fingerprint);
      assert.equal(refused.code, 1);
      assert.match(
        refused.err,
        /"Authentication servers in LDAP" \(ldap-idp-auth\) cannot run yet: "Run setup\.py" \(run-setup\) has not run/,
      );
      assert.deepEqual(JSON.parse(JSON.parse((await snapshot()).idp[0].raw).config).servers, ['localhost:1636']);
      const marked = await cli('mark', 'run-setup', 'done', '--reason', 'the sandbox nodes come installed');
      assert.equal(marked.code, 0, marked.err);
      const r = await cli('run', '--yes', '--step', 'ldap-idp-auth', '--ldap-cert-fingerprint', sb.ldap[NODE].fingerprint);
      assert.equal(r.code, 0, r.out + r.err);
      const status = await cli('status');
      assert.match(status.out, /ldap-idp-auth +done\n/);
      assert.match(status.out, /run-setup +done by hand: the sandbox nodes come installed\n/);
      assert.match(r.out, /written \(compare-and-swap\): oxIDPAuthentication value 1/);
      const inner = JSON.parse(JSON.parse((await snapshot()).idp[0].raw).config);
      assert.deepEqual(inner.servers, ['idp1.gluu.test:1636', 'idp2.gluu.test:1636']);
      assert.ok(!(r.out + r.err).includes(password));
    });

    it("run --step ldap-cache gives Gluu the Redis password, encoded with the node's salt; decoded on the node it opens Redis", async () => {
      const redisPassword = `r3d!s 'pw' $x "y" \\ ü`;
      process.env.GLUU_CLUSTER_REDIS_PASSWORD = redisPassword;
      try {
        assert.equal((await cli('mark', 'hosts', 'done', '--reason', 'the sandbox has its names')).code, 0);
        const redis = await cli('run', '--yes', '--step', 'redis');
        assert.equal(redis.code, 0, redis.out + redis.err);
        const r = await cli('run', '--yes', '--step', 'ldap-cache', '--ldap-cert-fingerprint', sb.ldap[NODE].fingerprint);
        assert.equal(r.code, 0, r.out + r.err);
        assert.match(r.out, /written \(compare-and-swap\): oxCacheConfiguration/);
        const stored = (await snapshot()).cache!.decoded!.redisConfiguration as Record<string, string>;
        assert.equal(stored.servers, 'idp1.gluu.test:6379');
        const encoded = stored.password;
        assert.match(encoded, /^[A-Za-z0-9+/]+=*$/);
        for (const text of [r.out, r.err, redis.out, redis.err]) {
          assert.ok(!text.includes(redisPassword) && !text.includes(encoded), 'neither the password nor its encoding is printed');
        }
        // Gluu's own tool on the node decodes it (argv holds the encoded form only), and what it
        // decodes opens Redis: the cache configuration is usable by Gluu.
        const decode = `/opt/gluu/bin/encode.py -D ${encoded}`;
        const decoded = (await shOn(sb.lab, 'idp1', decode)).replace(/\n$/, '');
        assert.ok(decoded === redisPassword, 'encode.py -D on the node gives back the Redis password (values not printed)');
        const cache = config.cache!;
        assert.equal(
          (await shOn(sb.lab, 'idp1', `REDISCLI_AUTH="$(${decode})" redis-cli -h ${cache.address} -p ${cache.port} ping`)).trim(),
          'PONG',
        );
        // The same standard cipher here (Node's OpenSSL): triple DES, ECB, PKCS#5, key = the salt.
        const salt = (await shOn(sb.lab, 'idp1', 'cat /etc/gluu/conf/salt')).split('=')[1].trim();
        const d = createDecipheriv('des-ede3', Buffer.from(salt, 'utf8'), null);
        const plain = Buffer.concat([d.update(Buffer.from(encoded, 'base64')), d.final()]).toString('utf8');
        assert.ok(plain === redisPassword, 'triple DES with the salt decodes it here too (values not printed)');
        // Idempotent: the same password with the same salt encodes the same.
        const again = await cli('run', '--yes', '--force', '--step', 'ldap-cache', '--ldap-cert-fingerprint', sb.ldap[NODE].fingerprint);
        assert.equal(again.code, 0, again.out + again.err);
        assert.match(again.out, /already as planned: nothing to write/);
      } finally {
        delete process.env.GLUU_CLUSTER_REDIS_PASSWORD;
      }
    });

    it("redis-password changes the password in Redis and in Gluu's cache configuration in one run, and only with --yes", async () => {
      const current = `r3d!s 'pw' $x "y" \\ ü`;
      const next = `n3w "pw" ' ; $(x) \\ ß`;
      const cache = config.cache!;
      const ping = (pw: string) =>
        lab.runAs(sb.lab, 'idp1', 'redis-cli', ['-h', cache.address, '-p', String(cache.port), 'ping'], {
          env: { ...process.env, REDISCLI_AUTH: pw },
        });
      process.env.GLUU_CLUSTER_REDIS_PASSWORD = current;
      process.env.GLUU_CLUSTER_NEW_REDIS_PASSWORD = next;
      try {
        const unasked = await cli('redis-password');
        assert.equal(unasked.code, 2);
        assert.match(unasked.err, /without a terminal to ask, pass --yes\. Nothing ran\./);
        assert.equal((await ping(current)).stdout.trim(), 'PONG', 'nothing changed without --yes');
        const r = await cli('redis-password', '--yes', '--ldap-cert-fingerprint', sb.ldap[NODE].fingerprint);
        assert.equal(r.code, 0, r.out + r.err);
        assert.match(r.out, /Redis accepts both passwords for now/);
        assert.match(r.out, /written \(compare-and-swap\): oxCacheConfiguration/);
        assert.match(r.out, /set GLUU_CLUSTER_REDIS_PASSWORD to it from now on/);
        for (const text of [r.out, r.err]) assert.ok(!text.includes(current) && !text.includes(next), 'no password printed');
        // Redis: the new one only, also after a restart (its settings file has it).
        assert.equal((await ping(next)).stdout.trim(), 'PONG');
        assert.notEqual((await ping(current)).stdout.trim(), 'PONG');
        await shOn(sb.lab, 'idp1', 'service redis-server restart >/dev/null 2>&1 || systemctl restart redis-server');
        // The init script's start returns once redis forked (daemonize yes), before it listens:
        // a ping at once found nothing on the port in one run ('' instead of PONG).
        await lab.waitPort(sb.lab, 'idp1', cache.port);
        assert.equal((await ping(next)).stdout.trim(), 'PONG');
        // Gluu: the cache configuration decodes to the new one on the node.
        const encoded = ((await snapshot()).cache!.decoded!.redisConfiguration as Record<string, string>).password;
        const decoded = (await shOn(sb.lab, 'idp1', `/opt/gluu/bin/encode.py -D ${encoded}`)).replace(/\n$/, '');
        assert.ok(decoded === next, 'the cache configuration holds the new password (values not printed)');
        // With a current password Redis refuses, nothing changes anywhere.
        process.env.GLUU_CLUSTER_REDIS_PASSWORD = `${next}x`;
        process.env.GLUU_CLUSTER_NEW_REDIS_PASSWORD = 'another one';
        const refused = await cli('redis-password', '--yes', '--ldap-cert-fingerprint', sb.ldap[NODE].fingerprint);
        assert.equal(refused.code, 1);
        assert.match(refused.out + refused.err, /refuses the current password: nothing was changed/);
        assert.equal((await ping(next)).stdout.trim(), 'PONG');
        assert.equal(((await snapshot()).cache!.decoded!.redisConfiguration as Record<string, string>).password, encoded);
      } finally {
        delete process.env.GLUU_CLUSTER_REDIS_PASSWORD;
        delete process.env.GLUU_CLUSTER_NEW_REDIS_PASSWORD;
      }
    });
  });

  describe('a directory that names the cache attribute oxCacheConfig and stores config as an object', () => {
    let other: ClusterConfig;
    let stop: (() => Promise<void>) | undefined;
    before(async () => {
      const s = await startSlapd(sb.lab, 'idp2', {
        password,
        port: 2389,
        ldapsPort: 2636,
        ldif: path.join(ROOT, 'test', 'fixtures', 'ldap', 'gluu-appliance-object-config.ldif'),
        extraSchemas: [path.join(ROOT, 'test', 'fixtures', 'ldap', 'cache-config-name.schema')],
      });
      stop = () => s.stop();
      other = structuredClone(config);
      other.gluu.ldapAccess = { via: 'tunnel', port: 2636 };
    });
    after(async () => stop?.());

    it('discovers oxCacheConfig and reads config as an object', async () => {
      const s = await snapshot(access({ cfg: other, node: 'idp2.gluu.test' }));
      assert.equal(s.cacheAttribute, 'oxCacheConfig');
      assert.equal(s.cache?.decoded?.keepMe, true);
      assert.equal(s.idp[0].configForm, 'object');
      assert.equal((s.idp[0].decoded!.config as Record<string, unknown>).useSSL, true);
    });

    it('writes both back in the form they were read: oxCacheConfig, config an object, useSSL a boolean', async () => {
      const a = access({ cfg: other, node: 'idp2.gluu.test' });
      const before = await snapshot(a);
      const cache = planEdits(before, 'cache', { cacheProviderType: 'REDIS', redisConfiguration: { servers: 'idp1.gluu.test:6379' } });
      const idp = planEdits(before, 'idpAuthentication', { servers: ['idp1.gluu.test:1636', 'idp2.gluu.test:1636'] });
      assert.deepEqual([...cache.errors, ...idp.errors], []);
      await withAppliance(a, (x) => x.write(before.entryDN, [...cache.changes, ...idp.changes]));
      const after = await snapshot(a);
      assert.equal(after.cacheAttribute, 'oxCacheConfig');
      assert.equal(after.cache!.decoded!.cacheProviderType, 'REDIS');
      assert.equal(after.cache!.decoded!.keepMe, true);
      const outer = JSON.parse(after.idp[0].raw);
      assert.equal(typeof outer.config, 'object', 'config stays an object');
      assert.deepEqual(outer.config.servers, ['idp1.gluu.test:1636', 'idp2.gluu.test:1636']);
      assert.equal(outer.config.useSSL, true);
      assert.equal(outer.config.keepMe, 'yes');
    });
  });

  // Last: it replaces idp1's certificate (mocha runs a suite's own tests before its nested suites).
  describe('a renewed certificate', () => {
    it('refuses a changed certificate with both fingerprints and how to check and forget the old one', async () => {
      await snapshot();
      const pinned = pins.get(`ldaps:${NODE}:1636`)!.fingerprint;
      // The node's slapd gets a new self-signed certificate (as after a re-install): new
      // /etc/certs/openldap.* and `service solserver restart`.
      const restarted = await sb.renewLdapCertificate(NODE);
      assert.notEqual(restarted.fingerprint, pinned);
      const e = await rejects(snapshot(), 'CERT_CHANGED');
      assert.ok(e.message.includes(restarted.fingerprint) && e.message.includes(pinned), e.message);
      assert.match(e.message, /Nothing was sent/);
      assert.match(e.message, /Forget Trusted LDAP Certificate/);
      assert.match(e.message, /openssl x509 -noout -fingerprint -sha256/);
      assert.equal(asked.length, 1, 'a changed certificate is never offered for trust');
    });
  });
});
