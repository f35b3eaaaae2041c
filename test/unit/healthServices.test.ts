/**
 * The pure parts of the load balancer, web applications, cache and certificates checks: what
 * the hosts print parsed, and the verdicts (states, reasons naming the host and the cause).
 * The integration test (healthServices) runs them against the sandbox with real faults.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseClusterFile } from '../../src/core/config/parse';
import type { ClusterConfig } from '../../src/core/config/types';
import {
  cacheConfigVerdict,
  exposureVerdict,
  parseRedisFacts,
  redisScript,
  redisVerdict,
  splitListen,
  type RedisFacts,
} from '../../src/core/health/checks/cache';
import {
  certFacts,
  httpdVerdict,
  keystoreVerdict,
  keytoolScript,
  parseFiles,
  parseKeytool,
  readCertificate,
  readFilesScript,
  type CertFacts,
} from '../../src/core/health/checks/certificates';
import {
  addressOf,
  balancingVerdict,
  discoveryVerdict,
  lbScript,
  nginxVerdict,
  parseLbFacts,
  parseUpstreamLine,
  upstreamVerdict,
  type NginxFacts,
} from '../../src/core/health/checks/loadBalancer';
import { identityVerdict, oxauthVerdict, shibbolethVerdict, webAppsScript } from '../../src/core/health/checks/webApps';
import { parseProbes, type ProbeResult } from '../../src/core/health/httpProbe';
import { attributeValues, firstValue, ldapSearchCommand, parseLdif } from '../../src/core/health/ldapSearch';

const CLUSTER = `name: t
gluu:
  version: 3.1.5
  container: none
  ldap: openldap
loadBalancer:
  host: lb.gluu.test
  address: 10.0.0.1
cache:
  host: idp1.gluu.test
nodes:
  - host: idp1.gluu.test
    address: 10.0.0.2
    primary: true
  - host: idp2.gluu.test
    address: 10.0.0.3
`;

function cfg(text = CLUSTER): ClusterConfig {
  const r = parseClusterFile(text);
  assert.ok(r.config, JSON.stringify(r.problems));
  return r.config;
}

const ok200 = (body: string): ProbeResult => ({ status: 200, curlExit: 0, body });
const refused: ProbeResult = { status: 0, curlExit: 7, body: '' };
const ISSUER_DOC = JSON.stringify({ issuer: 'https://lb.gluu.test' });

describe('health: HTTP probes', () => {
  it('parses probe lines with base64 bodies, a missing answer as status 0', () => {
    const body = Buffer.from('{"a":\n1}').toString('base64');
    const m = parseProbes(`noise\n@@probe x 200 0 ${body}\n@@probe y 000 7 \n`);
    assert.deepEqual(m.get('x'), { status: 200, curlExit: 0, body: '{"a":\n1}' });
    assert.deepEqual(m.get('y'), { status: 0, curlExit: 7, body: '' });
  });
});

describe('health: reading LDAP on a node', () => {
  it('parses LDIF: base64 values decoded, continuation lines joined, names looked up without regard to case', () => {
    const v = Buffer.from('{"x": "é"}').toString('base64');
    const entries = parseLdif(
      `# comment\ndn: ou=appliances,o=gluu\n\ndn: inum=1,ou=appliances,o=gluu\noxCacheConfiguration:: ${v}\ndescription: long\n  line\nobjectClass: top\nobjectClass: gluuAppliance\n`,
    );
    assert.equal(entries.length, 2);
    assert.equal(firstValue(entries[1], 'oxcacheconfiguration'), '{"x": "é"}');
    assert.deepEqual(attributeValues(entries[1], 'Description'), ['long line']);
    assert.deepEqual(attributeValues(entries[1], 'objectclass'), ['top', 'gluuAppliance']);
  });
  it('reads the password from the file only, never from the command line (OpenLDAP and OpenDJ)', () => {
    const q = { base: 'o=gluu', scope: 'sub' as const, filter: '(objectClass=gluuAppliance)', attributes: ['oxCacheConfiguration'] };
    const openldap = ldapSearchCommand(cfg(), 'idp1.gluu.test', q).text;
    assert.match(
      openldap,
      /^LDAPTLS_CACERT=\/etc\/certs\/openldap\.crt \/opt\/symas\/bin\/ldapsearch -LLL -o ldif-wrap=no -x -H ldaps:\/\/idp1\.gluu\.test:1636\/ .* -y "\$pw" /,
    );
    const opendj = ldapSearchCommand(cfg(CLUSTER.replace('ldap: openldap', 'ldap: opendj')), 'idp1.gluu.test', q).text;
    assert.match(opendj, /\/opt\/opendj\/bin\/ldapsearch -h idp1\.gluu\.test -p 1636 -Z -X -T -D .* -j "\$pw" -b o=gluu -s sub/);
  });
});

describe('health: load balancer', () => {
  const facts = (o: Partial<NginxFacts> = {}): NginxFacts => ({
    installed: true,
    running: true,
    testExit: 0,
    testOutput: [],
    log: true,
    logLines: [],
    probes: new Map(),
    curl: true,
    ...o,
  });
  it('marks its requests with a nonce and resolves the load balancer to 127.0.0.1 on itself', () => {
    const s = lbScript(cfg(), 'abc').text;
    assert.match(
      s,
      /--resolve lb\.gluu\.test:443:127\.0\.0\.1 .*'https:\/\/lb\.gluu\.test\/\.well-known\/openid-configuration\?gluu-cluster-health=abc-3'/,
    );
    assert.ok(!s.includes('gluu-cluster-health=abc-4'), '2 × 2 nodes requests');
    assert.match(s, /tail -n 5000 \/var\/log\/nginx\/gluu-cluster-upstream\.log \| grep -F gluu-cluster-health=abc-/);
  });
  it('parses what the load balancer prints', () => {
    const f = parseLbFacts(
      '@@installed\n@@nginx-t 1\n@@t nginx: [emerg] unknown directive "x"\n@@log\n@@l 1.2 /a?gluu-cluster-health=n-0 10.0.0.2:443 200\n',
    );
    assert.equal(f.running, false);
    assert.equal(f.testExit, 1);
    assert.deepEqual(f.logLines, ['1.2 /a?gluu-cluster-health=n-0 10.0.0.2:443 200']);
    assert.match(
      nginxVerdict('lb', f).reason,
      /^nginx is not running on lb .* and nginx -t fails: nginx: \[emerg\] unknown directive "x"$/,
    );
  });
  it('nginx: not installed, not running, a failing nginx -t are critical', () => {
    assert.equal(nginxVerdict('lb', facts({ installed: false })).state, 'critical');
    assert.match(nginxVerdict('lb', facts({ running: false })).reason, /^nginx is not running on lb \(/);
    const t = nginxVerdict(
      'lb',
      facts({ testExit: 1, testOutput: ['nginx: [emerg] x', 'nginx: configuration file /etc/nginx/nginx.conf test failed'] }),
    );
    assert.equal(t.state, 'critical');
    assert.match(t.reason, /nginx -t fails on lb/);
    assert.equal(nginxVerdict('lb', facts()).state, 'ok');
  });
  it('an upstream that answers anything is reachable; no answer is critical naming the node and why', () => {
    assert.equal(upstreamVerdict('lb', 'idp1', { status: 302, curlExit: 0, body: '' }).state, 'ok');
    const v = upstreamVerdict('lb', 'idp2', refused);
    assert.equal(v.state, 'critical');
    assert.equal(v.reason, 'lb cannot reach idp2:443: connection refused or no route (curl exit 7)');
  });
  it('discovery: 200 with the load balancer as issuer, else critical with the cause', () => {
    assert.equal(discoveryVerdict('lb.gluu.test', [ok200(ISSUER_DOC), ok200(ISSUER_DOC)]).state, 'ok');
    assert.match(discoveryVerdict('lb.gluu.test', [refused, refused]).reason, /does not answer on lb\.gluu\.test: connection refused/);
    const wrong = discoveryVerdict('lb.gluu.test', [ok200(ISSUER_DOC), ok200(JSON.stringify({ issuer: 'https://idp2' }))]);
    assert.equal(wrong.state, 'critical');
    assert.match(wrong.reason, /1 of 2 requests failed \(issuer "https:\/\/idp2", not https:\/\/lb\.gluu\.test\)/);
    assert.match(discoveryVerdict('lb.gluu.test', [{ status: 502, curlExit: 0, body: '' }]).reason, /HTTP 502/);
  });
  it('reads upstream log lines, the last address tried being the one that answered', () => {
    assert.deepEqual(parseUpstreamLine('1.1 /x?m=1 10.0.0.3:443, 10.0.0.2:443 200'), {
      tried: ['10.0.0.3:443', '10.0.0.2:443'],
      status: 200,
    });
    assert.deepEqual(parseUpstreamLine('1.1 /x 10.0.0.3:443 : 10.0.0.2:443 200'), { tried: ['10.0.0.3:443', '10.0.0.2:443'], status: 200 });
    assert.equal(parseUpstreamLine('1.1 /x - 499'), undefined);
    assert.equal(addressOf('[fd00::2]:443'), 'fd00::2');
    assert.equal(addressOf('10.0.0.2:443'), '10.0.0.2');
  });
  it('balancing: every node answering is ok; a node that answered none a warning naming it; no log says to run the nginx step', () => {
    const c = cfg();
    const line = (i: number, up: string, status = 200) =>
      `1.${i} /.well-known/openid-configuration?gluu-cluster-health=n-${i} ${up} ${status}`;
    const even = balancingVerdict(
      c,
      facts({ logLines: [line(0, '10.0.0.2:443'), line(1, '10.0.0.3:443'), line(2, '10.0.0.2:443'), line(3, '10.0.0.3:443')] }),
    );
    assert.equal(even.state, 'ok');
    assert.match(even.reason, /idp1\.gluu\.test 2, idp2\.gluu\.test 2/);
    const passedOn = balancingVerdict(c, facts({ logLines: [0, 1, 2, 3].map((i) => line(i, '10.0.0.3:443, 10.0.0.2:443')) }));
    assert.equal(passedOn.state, 'warning');
    assert.match(
      passedOn.reason,
      /^idp2\.gluu\.test \(nginx tried it and passed the request on\) answered none of 4 requests through lb\.gluu\.test/,
    );
    const none = balancingVerdict(c, facts({ log: false }));
    assert.equal(none.state, 'unknown');
    assert.equal(none.fixStep, 'nginx');
    assert.match(none.reason, /run the nginx step again/);
    assert.equal(balancingVerdict(c, facts({ logLines: [] })).state, 'unknown');
    assert.equal(balancingVerdict(c, facts({ logLines: [line(0, '10.0.0.2:443', 502), line(1, '10.0.0.3:443', 503)] })).state, 'critical');
  });
});

describe('health: web applications', () => {
  it("asks Apache on the node itself, under the load balancer's name", () => {
    const s = webAppsScript(cfg()).text;
    assert.match(s, /--resolve lb\.gluu\.test:443:127\.0\.0\.1 .*https:\/\/lb\.gluu\.test\/identity\//);
    assert.match(s, /\[ -d \/opt\/shibboleth-idp \]/);
    const chroot = webAppsScript(cfg(CLUSTER.replace('container: none', 'container: chroot'))).text;
    assert.match(chroot, /\[ -d \/opt\/gluu-server-3\.1\.5\/opt\/shibboleth-idp \]/);
  });
  it('oxAuth: 200 with the issuer ok; 503 or another issuer critical', () => {
    assert.equal(oxauthVerdict('idp1', 'https://lb.gluu.test', ok200(ISSUER_DOC)).state, 'ok');
    const down = oxauthVerdict('idp2', 'https://lb.gluu.test', { status: 503, curlExit: 0, body: '' });
    assert.equal(down.state, 'critical');
    assert.equal(down.fixStep, 'restart');
    assert.match(down.reason, /^oxAuth on idp2 .*: HTTP 503, not 200$/);
    assert.match(oxauthVerdict('idp2', 'https://lb.gluu.test', ok200('{"issuer":"https://idp2"}')).reason, /names issuer "https:\/\/idp2"/);
  });
  it('oxTrust: 200 or 302 ok, anything else a warning', () => {
    assert.equal(identityVerdict('idp1', { status: 302, curlExit: 0, body: '' }).state, 'ok');
    assert.equal(identityVerdict('idp1', { status: 503, curlExit: 0, body: '' }).state, 'warning');
    assert.equal(identityVerdict('idp1', refused).state, 'warning');
  });
  it('Shibboleth: no row when on no node; a warning where it is missing while others have it', () => {
    assert.equal(shibbolethVerdict('idp1', false, false, undefined), undefined);
    assert.equal(shibbolethVerdict('idp1', false, true, undefined)?.state, 'warning');
    assert.equal(shibbolethVerdict('idp1', true, true, ok200('<xml/>'))?.state, 'ok');
    assert.equal(shibbolethVerdict('idp1', true, true, { status: 404, curlExit: 0, body: '' })?.state, 'critical');
  });
});

describe('health: cache', () => {
  const c = cfg();
  const cache = c.cache!;
  const facts = (o: Partial<RedisFacts> = {}): RedisFacts => ({
    cli: true,
    withPassword: 'PONG',
    withoutPassword: 'NOAUTH Authentication required.',
    listening: ['10.0.0.2', '127.0.0.1'],
    ...o,
  });
  it('passes the password through a file and REDISCLI_AUTH, never as an argument', () => {
    const s = redisScript(cache).text;
    assert.match(s, /cat > "\$pw"/);
    assert.match(s, /REDISCLI_AUTH="\$\(cat "\$pw"\)" redis-cli -h 10\.0\.0\.2 -p 6379 ping/);
    assert.ok(!/ -a /.test(s));
  });
  it('parses listening sockets of the Redis port only', () => {
    assert.deepEqual(splitListen('[::]:6379'), { address: '::', port: 6379 });
    assert.deepEqual(splitListen('127.0.0.1%lo:6379'), { address: '127.0.0.1', port: 6379 });
    const f = parseRedisFacts('@@auth PONG \n@@noauth PONG \n@@listen 0.0.0.0:6379\n@@listen 0.0.0.0:22\n@@listen *:6379\n@@ss\n', 6379);
    assert.deepEqual(f.listening, ['0.0.0.0', '*']);
    assert.equal(f.withPassword, 'PONG');
  });
  it('Redis: PONG ok; a refused password or no answer critical, naming the host and the cause', () => {
    assert.equal(redisVerdict('idp1', cache, facts()).state, 'ok');
    const refusedPw = redisVerdict(
      'idp1',
      cache,
      facts({ withPassword: 'AUTH failed: WRONGPASS invalid username-password pair or user is disabled. NOAUTH Authentication required.' }),
    );
    assert.equal(refusedPw.state, 'critical');
    assert.equal(refusedPw.reason, "the stored Redis password is refused by Redis on idp1 (changed behind Gluu Cluster's back?)");
    const down = redisVerdict('idp1', cache, facts({ withPassword: 'Could not connect to Redis at 10.0.0.2:6379: Connection refused' }));
    assert.match(down.reason, /^Redis on idp1 does not answer on 10\.0\.0\.2:6379/);
    assert.equal(redisVerdict('idp1', cache, facts({ cli: false })).state, 'unknown');
  });
  it('exposure: every interface without a password critical, a specific address without one a warning', () => {
    assert.equal(exposureVerdict('idp1', cache, facts()).state, 'ok');
    const open = exposureVerdict('idp1', cache, facts({ withoutPassword: 'PONG', listening: ['0.0.0.0'] }));
    assert.equal(open.state, 'critical');
    assert.match(open.reason, /listens on every interface \(0\.0\.0\.0\) and requires no password/);
    assert.equal(exposureVerdict('idp1', cache, facts({ withoutPassword: 'PONG', listening: ['::'] })).state, 'critical');
    assert.equal(exposureVerdict('idp1', cache, facts({ withoutPassword: 'PONG', listening: ['10.0.0.2'] })).state, 'warning');
    assert.equal(exposureVerdict('idp1', cache, facts({ withoutPassword: 'Could not connect' })).state, 'unknown');
  });
  it("LDAP's cache configuration: REDIS, the cache host among the servers, a password", () => {
    const entry = (json: unknown) => parseLdif(`dn: ou=appliance,o=gluu\noxCacheConfiguration: ${JSON.stringify(json)}\n`);
    const good = { cacheProviderType: 'REDIS', redisConfiguration: { servers: 'idp1.gluu.test:6379', password: 'enc' } };
    assert.equal(cacheConfigVerdict(c, 'idp1', entry(good)).state, 'ok');
    assert.match(cacheConfigVerdict(c, 'idp1', entry({ ...good, cacheProviderType: 'IN_MEMORY' })).reason, /is "IN_MEMORY", not REDIS/);
    assert.match(
      cacheConfigVerdict(c, 'idp1', entry({ ...good, redisConfiguration: { servers: 'other:6379', password: 'x' } })).reason,
      /without the cache host idp1\.gluu\.test:6379/,
    );
    assert.match(
      cacheConfigVerdict(c, 'idp1', entry({ ...good, redisConfiguration: { servers: 'idp1.gluu.test:6379', password: '' } })).reason,
      /has no password/,
    );
    assert.equal(cacheConfigVerdict(c, 'idp1', []).state, 'critical');
    assert.equal(
      cacheConfigVerdict(c, 'idp1', entry({ ...good, redisConfiguration: { servers: '10.0.0.2:6379', password: 'x' } })).state,
      'ok',
    );
  });
});

describe('health: certificates', () => {
  const NOW = Date.parse('2026-11-30T00:00:00Z');
  const cert = (o: Partial<CertFacts> = {}): CertFacts => ({
    fingerprint: 'AA:BB',
    notAfter: 'Nov 30 00:00:00 2027 GMT',
    keytool: true,
    aliases: [],
    ...o,
  });
  /** A self-signed certificate made by openssl in `dir` (httpd.crt): what a node's /etc/certs holds. */
  const selfSigned = (dir: string) => {
    const crt = path.join(dir, 'httpd.crt');
    const args = [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      path.join(dir, 'k'),
      '-out',
      crt,
      '-days',
      '40',
      '-subj',
      '/CN=lb.gluu.test',
    ];
    execFileSync('openssl', args, { stdio: 'ignore' });
    return crt;
  };
  it('reads certificate files as openssl does (fingerprint, expiry), a missing file as absent, junk as unreadable', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gluu-certs-'));
    try {
      const crt = selfSigned(dir);
      writeFileSync(path.join(dir, 'junk.crt'), 'not a certificate');
      const script = readFilesScript([crt, path.join(dir, 'missing.crt'), path.join(dir, 'junk.crt')]).text;
      const files = parseFiles(execFileSync('sh', ['-c', script], { encoding: 'utf8' }));
      assert.deepEqual([...files.keys()], [crt, path.join(dir, 'junk.crt')]);
      const openssl = (...a: string[]) =>
        execFileSync('openssl', ['x509', '-in', crt, '-noout', ...a], { encoding: 'utf8' })
          .trim()
          .replace(/^[^=]*=/, '');
      const fingerprint = openssl('-fingerprint', '-sha256');
      assert.deepEqual(readCertificate(files.get(crt)), { fingerprint, notAfter: openssl('-enddate') });
      assert.deepEqual(readCertificate(undefined), {});
      assert.ok(readCertificate(files.get(path.join(dir, 'junk.crt'))).unreadable);
      const c = cfg();
      const facts = certFacts(
        c,
        new Map([
          ['/etc/certs/httpd.crt', files.get(crt)!],
          ['/etc/certs/openldap.crt', files.get(crt)!],
        ]),
        '/etc/certs/httpd.crt',
        new Map([['lb.gluu.test_httpd', fingerprint]]),
      );
      assert.deepEqual(facts.aliases, [
        { name: 'httpd', file: fingerprint, alias: fingerprint },
        { name: 'openldap', file: fingerprint },
      ]);
      assert.equal(facts.keytool, true);
      assert.equal(certFacts(c, files, crt, undefined).keytool, false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('reads a keystore that is not JKS with keytool, aliases in lower case', function () {
    this.timeout(30000); // one JVM start
    const dir = mkdtempSync(path.join(tmpdir(), 'gluu-keystore-'));
    try {
      const crt = selfSigned(dir);
      const store = path.join(dir, 'cacerts');
      execFileSync(
        'keytool',
        [
          '-importcert',
          '-noprompt',
          '-alias',
          'LB.gluu.test_httpd',
          '-file',
          crt,
          '-keystore',
          store,
          '-storetype',
          'PKCS12',
          '-storepass',
          'changeit',
        ],
        { stdio: 'ignore' },
      );
      const script = keytoolScript()
        .text.replaceAll('/opt/jre/bin/keytool', '/usr/bin/keytool')
        .replaceAll('/opt/jre/jre/lib/security/cacerts', store);
      const aliases = parseKeytool(execFileSync('sh', ['-c', script], { encoding: 'utf8' }));
      const expected = readCertificate(readFileSync(crt)).fingerprint;
      assert.deepEqual(aliases, new Map([['lb.gluu.test_httpd', expected]]));
      assert.equal(parseKeytool('@@nokeytool\n'), undefined);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it("httpd.crt: the primary's everywhere, else critical; under 30 days a warning, expired critical", () => {
    const v = (f: CertFacts, primary = false) => httpdVerdict('idp2', '/etc/certs/httpd.crt', f, 'AA:BB', primary, NOW, 'certs');
    assert.equal(v(cert()).state, 'ok');
    assert.equal(v(cert()).value, 365);
    const other = v(cert({ fingerprint: 'CC:DD' }));
    assert.equal(other.state, 'critical');
    assert.match(other.reason, /^\/etc\/certs\/httpd\.crt on idp2 is not the primary's/);
    assert.equal(other.fixStep, 'certs');
    assert.equal(v(cert({ notAfter: 'Dec 20 00:00:00 2026 GMT' })).state, 'warning');
    assert.match(v(cert({ notAfter: 'Nov 1 00:00:00 2026 GMT' })).reason, /expired on Nov 1/);
    assert.equal(v(cert({ fingerprint: undefined })).state, 'critical');
    const junk = v(cert({ fingerprint: undefined, unreadable: 'bad PEM' }));
    assert.equal(junk.state, 'critical');
    assert.match(junk.reason, /is not a certificate \(bad PEM\)/);
    assert.equal(httpdVerdict('idp2', 'f', cert(), undefined, false, NOW, 'certs').state, 'unknown');
  });
  it('keystore: missing or stale httpd alias critical, other aliases a warning', () => {
    assert.equal(keystoreVerdict('idp1', cert({ aliases: [{ name: 'httpd', file: 'A', alias: 'A' }] })).state, 'ok');
    const stale = keystoreVerdict('idp1', cert({ aliases: [{ name: 'httpd', file: 'A', alias: 'B' }] }));
    assert.equal(stale.state, 'critical');
    assert.match(
      stale.reason,
      /^idp1's cacerts .* another certificate than \/etc\/certs\/httpd\.crt: its calls to the load balancer fail TLS$/,
    );
    assert.equal(
      keystoreVerdict(
        'idp1',
        cert({
          aliases: [
            { name: 'httpd', file: 'A', alias: 'A' },
            { name: 'shibIDP', file: 'C' },
          ],
        }),
      ).state,
      'warning',
    );
    assert.equal(keystoreVerdict('idp1', cert({ keytool: false })).state, 'unknown');
  });
});
