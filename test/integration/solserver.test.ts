/**
 * The sandbox nodes' OpenLDAP as Gluu 3.1.x with Symas OpenLDAP has it (scripts/sandbox/
 * solserver.cjs): the Symas layout, two databases, listening on 127.0.0.1 only by default, and
 * `service solserver restart` over SSH keeping the data.
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import { sh } from '../../src/core/ssh/shell';
import { lab, shOn } from './lab';
import { sandboxUp, writeOn, type Sandbox } from './sandbox';
import { sandboxSsh, type SandboxSsh } from './sandboxSsh';

const NODE = 'idp1.gluu.test';
const PW_ON_HOST = '/root/.ldap-admin.pw';
const ROOT_DN = 'cn=directory manager,o=gluu';

describe('solserver on the sandbox nodes (Gluu 3.1.x with Symas OpenLDAP)', function () {
  this.timeout(120000);
  let sb: Sandbox;
  let ssh: SandboxSsh;

  /** ldapsearch on idp1 with the directory manager, its password from a 0600 file there. */
  const search = (url: string, args: string[], bindDn = ROOT_DN) =>
    lab.runAs(sb.lab, 'idp1', 'env', [
      'LDAPTLS_CACERT=/etc/certs/openldap.crt',
      '/opt/symas/bin/ldapsearch',
      '-LLL',
      '-x',
      '-H',
      url,
      '-D',
      bindDn,
      '-y',
      PW_ON_HOST,
      ...args,
    ]);

  before(async () => {
    const can = lab.canUseNetns();
    if (can !== true) throw new Error(`these tests need network namespaces (run as root): ${can}`);
    sb = await sandboxUp();
    ssh = sandboxSsh(sb);
    await writeOn(sb.lab, 'idp1', PW_ON_HOST, fs.readFileSync(sb.ldapPasswordFile, 'utf8'), '600');
  });
  after(async () => {
    await ssh?.close();
    if (sb) await sb.down();
  });

  it("is laid out as Gluu's: Symas paths to Debian's OpenLDAP, HOST_LIST on 127.0.0.1 only, o=gluu and o=site", async () => {
    assert.equal(
      await shOn(sb.lab, 'idp1', 'readlink /opt/symas/lib64/openldap /opt/symas/bin/ldapsearch /opt/symas/sbin/slapadd'),
      '/usr/lib/ldap\n/usr/bin/ldapsearch\n/usr/sbin/slapadd\n',
    );
    assert.match(
      await shOn(sb.lab, 'idp1', 'cat /opt/symas/etc/openldap/symas-openldap.conf'),
      /^HOST_LIST="ldaps:\/\/127\.0\.0\.1:1636\/ ldap:\/\/127\.0\.0\.1:1389\/"$/m,
    );
    const conf = await shOn(sb.lab, 'idp1', 'cat /opt/symas/etc/openldap/slapd.conf; stat -c %a /opt/symas/etc/openldap/slapd.conf');
    for (const line of [
      'modulepath /opt/symas/lib64/openldap',
      'moduleload back_mdb',
      'pidfile /var/symas/run/slapd.pid',
      'TLSCertificateFile /etc/certs/openldap.crt',
      'TLSCertificateKeyFile /etc/certs/openldap.key',
      'suffix "o=gluu"',
      'rootdn "cn=directory manager,o=gluu"',
      'directory /opt/gluu/data/main_db',
      'suffix "o=site"',
      'rootdn "cn=directory manager,o=site"',
      'directory /opt/gluu/data/site_db',
    ])
      assert.ok(conf.split('\n').includes(line), `slapd.conf has "${line}"`);
    const hashes = conf.split('\n').filter((l) => l.startsWith('rootpw '));
    assert.equal(hashes.length, 2);
    assert.match(hashes[0], /^rootpw \{SSHA\}/);
    assert.equal(hashes[1], hashes[0], 'one password hash for both databases');
    assert.match(conf, /\n600\n$/);
    // openldap.pem is the key and then the certificate; the certificate is the one slapd serves.
    const pem = await shOn(sb.lab, 'idp1', 'cat /etc/certs/openldap.pem');
    assert.equal(pem, await shOn(sb.lab, 'idp1', 'cat /etc/certs/openldap.key /etc/certs/openldap.crt'));
    const cert = new crypto.X509Certificate(fs.readFileSync(sb.ldap[NODE].certFile));
    assert.equal(cert.fingerprint256, sb.ldap[NODE].fingerprint);
    assert.match(cert.subjectAltName ?? '', /DNS:idp1\.gluu\.test, DNS:localhost, IP Address:10\.\d+\.\d+\.\d+, IP Address:127\.0\.0\.1/);
    const site = await search('ldaps://127.0.0.1:1636', ['-b', 'o=site', '-s', 'base', 'o'], 'cn=directory manager,o=site');
    assert.equal(site.code, 0, site.stderr);
    assert.match(site.stdout, /^dn: o=site\no: site$/m);
  });

  it('restarts over SSH with `service solserver restart`, keeping the data, and answers LDAPS on 127.0.0.1:1636 only', async () => {
    // A change made before the restart.
    await writeOn(sb.lab, 'idp1', '/root/add.ldif', 'dn: ou=restart-check,o=gluu\nobjectClass: organizationalUnit\nou: restart-check\n');
    const add = await lab.runAs(sb.lab, 'idp1', '/opt/symas/bin/ldapadd', [
      '-x',
      '-H',
      'ldap://127.0.0.1:1389',
      '-D',
      ROOT_DN,
      '-y',
      PW_ON_HOST,
      '-f',
      '/root/add.ldif',
    ]);
    assert.equal(add.code, 0, add.stderr);
    const before = sb.slapd[NODE].pid;
    assert.ok(before, 'slapd has a pid file');

    const r = await ssh.run(NODE, sh`service solserver restart && service solserver status`);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /solserver stopped\nsolserver started \(pid \d+\)/);
    assert.match(r.stdout, /solserver is running \(pid \d+\) on ldaps:\/\/127\.0\.0\.1:1636\//);
    assert.notEqual(sb.slapd[NODE].pid, before, 'a new slapd');

    const found = await search('ldaps://127.0.0.1:1636', ['-b', 'o=gluu', '(|(ou=restart-check)(objectClass=gluuAppliance))', 'dn']);
    assert.equal(found.code, 0, found.stderr);
    assert.match(found.stdout, /^dn: ou=restart-check,o=gluu$/m);
    assert.match(found.stdout, /^dn: inum=.*,ou=appliances,o=gluu$/m);

    // Not on the node's address: not from the node itself, another node, or this machine.
    const address = sb.hosts[NODE].address;
    const listening = await shOn(sb.lab, 'idp1', "ss -Hltn '( sport = :1636 or sport = :1389 )'");
    assert.doesNotMatch(listening, new RegExp(address.replace(/\./g, '\\.')));
    assert.match(listening, /127\.0\.0\.1:1636/);
    const onAddress = await search(sb.ldap[NODE].ldapsUrl, ['-b', 'o=gluu', '-s', 'base', 'dn']);
    assert.equal(onAddress.code, 255, `nothing answers on ${sb.ldap[NODE].ldapsUrl}: ${onAddress.stdout}${onAddress.stderr}`);
    const fromIdp2 = await lab.runAs(sb.lab, 'idp2', 'ldapsearch', ['-x', '-H', sb.ldap[NODE].ldapsUrl, '-b', '', '-s', 'base']);
    assert.equal(fromIdp2.code, 255, fromIdp2.stderr);
    const fromHere = await new Promise<number | null>((resolve) =>
      execFile('ldapsearch', ['-x', '-H', sb.ldap[NODE].ldapsUrl, '-b', '', '-s', 'base'], (e) =>
        resolve(e ? ((e as { code?: number }).code ?? null) : 0),
      ),
    );
    assert.equal(fromHere, 255);
  });

  it('stop and start from this machine, and a renewed certificate is the one served after the restart', async () => {
    await sb.slapd[NODE].stop();
    const stopped = await lab.runAs(sb.lab, 'idp1', 'service', ['solserver', 'status']);
    assert.equal(stopped.code, 3, stopped.stdout);
    assert.equal(sb.slapd[NODE].pid, undefined);
    await sb.slapd[NODE].start();
    const old = sb.ldap[NODE].fingerprint;
    const renewed = await sb.renewLdapCertificate(NODE);
    assert.notEqual(renewed.fingerprint, old);
    assert.equal(sb.ldap[NODE].fingerprint, renewed.fingerprint);
    const served = await shOn(
      sb.lab,
      'idp1',
      'openssl s_client -connect 127.0.0.1:1636 </dev/null 2>/dev/null | openssl x509 -noout -fingerprint -sha256',
    );
    assert.equal(served.trim().split('=')[1], renewed.fingerprint);
  });

  it('says why slapd does not start, in its own words', async () => {
    // Port 1636 taken by another process: slapd cannot listen. The squatter starts once slapd has
    // stopped: started before, it could find the port still slapd's and exit (EADDRINUSE).
    await lab.runAs(sb.lab, 'idp2', 'service', ['solserver', 'stop']);
    const squatter = lab.daemonAs(sb.lab, 'idp2', 'squatter', process.execPath, [
      '-e',
      "require('node:net').createServer().listen(1636, '127.0.0.1')",
    ]);
    try {
      await lab.waitPort(sb.lab, 'idp2', 1636);
      const r = await lab.runAs(sb.lab, 'idp2', 'service', ['solserver', 'start']);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /solserver: slapd did not start:[\s\S]*bind\(\d+\) failed errno=98 \(Address already in use\)/);
    } finally {
      await squatter.stop();
    }
    const again = await lab.runAs(sb.lab, 'idp2', 'service', ['solserver', 'start']);
    assert.equal(again.code, 0, again.stderr);
  });
});
