// A real OpenLDAP slapd on a lab host (see netns.cjs), shaped like a Gluu 3.1.x node's: suffix
// o=gluu, rootdn "cn=directory manager,o=gluu", ldap on 1389 and ldaps on 1636 (self-signed
// certificate) on the host's lab address and 127.0.0.1, loaded from an LDIF with slapadd.
// Schema: the project's own subset of Gluu's (test/fixtures/ldap/gluu-3.1-subset.schema).
//
// Everything lives in a directory under the lab dir (bind-mounted into every lab host at the
// same path), so tests can read the certificate and the log. No shell strings: every command
// runs from an argv. The root password never appears in any argv: it is hashed here ({SSHA},
// as slappasswd makes it) and only the hash goes into slapd.conf.
'use strict';
const nodeCrypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { runAs, daemonAs, waitPort } = require('./netns.cjs');

const ROOTDN = 'cn=directory manager,o=gluu';
const FIXTURES = path.join(__dirname, '..', '..', 'test', 'fixtures', 'ldap');
const SCHEMA = path.join(FIXTURES, 'gluu-3.1-subset.schema');
const DEFAULT_LDIF = path.join(FIXTURES, 'gluu-appliance.ldif');

async function must(lab, host, cmd, args, input) {
  const r = await runAs(lab, host, cmd, args, input === undefined ? {} : { input });
  if (r.code !== 0) throw new Error(`on ${host}: ${cmd} ${args.join(' ')} exited ${r.code}: ${r.stdout}${r.stderr}`);
  return r.stdout;
}

/** "{SSHA}" + base64(SHA1(password + salt) + salt), the default scheme of slappasswd. */
function sshaHash(password) {
  const salt = nodeCrypto.randomBytes(8);
  const digest = nodeCrypto.createHash('sha1').update(Buffer.from(password, 'utf8')).update(salt).digest();
  return `{SSHA}${Buffer.concat([digest, salt]).toString('base64')}`;
}

/**
 * A self-signed certificate for a lab host's LDAP server, naming it as its peers and clients
 * check it: its host name, localhost, its address and 127.0.0.1. An EC key: generated in
 * milliseconds, where RSA 2048 takes up to a second (a sandbox starts for every test scenario).
 */
async function selfSignedCertificate(lab, hostName, keyFile, certFile) {
  const h = lab.hosts[hostName];
  await must(lab, hostName, 'openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-days',
    '30',
    '-subj',
    `/CN=${h.hostname}`,
    '-addext',
    `subjectAltName=DNS:${h.hostname},DNS:localhost,IP:${h.address},IP:127.0.0.1`,
    '-keyout',
    keyFile,
    '-out',
    certFile,
  ]);
}

/** A double-quoted slapd.conf value (backslash and quote escaped). */
const q = (s) => `"${String(s).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/**
 * One mdb database of slapd.conf as in Gluu's templates/slapd.conf, without the replication
 * overlays: its indexes, ACLs and limits. Shared with the sandbox's solserver, whose two
 * databases (o=gluu and o=site) are the same apart from these four values.
 * @param {{ suffix: string, rootDn: string, rootPwHash: string, directory: string }} o
 */
function mdbDatabase({ suffix, rootDn, rootPwHash, directory }) {
  return [
    'database mdb',
    `suffix ${q(suffix)}`,
    `rootdn ${q(rootDn)}`,
    `rootpw ${rootPwHash}`,
    `directory ${directory}`,
    'maxsize 67108864',
    'dbnosync',
    'index default eq',
    'index objectClass,inum eq',
    'access to dn="" by * read',
    'access to * by self write by users read by anonymous auth',
    `limits dn.exact=${q(rootDn)} size=unlimited time=unlimited`,
    '',
  ];
}

/**
 * Starts slapd on `hostName`.
 * @param {object} lab from labUp()
 * @param {string} hostName lab host name
 * @param {{ password: string, ldif?: string | null, port?: number, ldapsPort?: number, extraSchemas?: string[] }} opts
 *   ldif: a file to slapadd before the first start (default the Gluu appliance fixture; null: none)
 *   extraSchemas: schema files included after the Gluu subset
 * @returns {Promise<{ host, address, ldapUrl, ldapsUrl, certFile, certPem, fingerprint, dir, log,
 *   pid, stop(): Promise<void> }>} fingerprint: SHA-256 of the certificate, "AA:BB:...".
 */
async function startSlapd(lab, hostName, opts) {
  const { password, ldif = DEFAULT_LDIF, port = 1389, ldapsPort = 1636, extraSchemas = [] } = opts ?? {};
  if (typeof password !== 'string' || password === '') throw new Error('startSlapd needs a password');
  const h = lab.hosts[hostName];
  if (!h) throw new Error(`no lab host ${hostName}`);
  const dir = path.join(lab.dir, `slapd-${hostName}-${port}`);
  const db = path.join(dir, 'db');
  fs.mkdirSync(db, { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o700);
  // The host's view of / may not hold the project (another mount): copy what slapd reads.
  const schema = path.join(dir, 'gluu-3.1-subset.schema');
  fs.copyFileSync(SCHEMA, schema);
  const extras = extraSchemas.map((f) => {
    const copy = path.join(dir, path.basename(f));
    fs.copyFileSync(f, copy);
    return copy;
  });

  const cert = path.join(dir, 'server.crt');
  const key = path.join(dir, 'server.key');
  if (!fs.existsSync(cert)) {
    await selfSignedCertificate(lab, hostName, key, cert);
    fs.chmodSync(key, 0o600);
  }
  const config = path.join(dir, 'slapd.conf');
  const lines = [
    'include /etc/ldap/schema/core.schema',
    'include /etc/ldap/schema/cosine.schema',
    'include /etc/ldap/schema/inetorgperson.schema',
    `include ${schema}`,
    ...extras.map((f) => `include ${f}`),
    `pidfile ${path.join(dir, 'slapd.pid')}`,
    `argsfile ${path.join(dir, 'slapd.args')}`,
    'modulepath /usr/lib/ldap',
    'moduleload back_mdb',
    `TLSCACertificateFile ${cert}`,
    `TLSCertificateFile ${cert}`,
    `TLSCertificateKeyFile ${key}`,
    'password-hash {SSHA}',
    '',
    ...mdbDatabase({ suffix: 'o=gluu', rootDn: ROOTDN, rootPwHash: sshaHash(password), directory: db }),
  ];
  fs.writeFileSync(config, lines.join('\n'), { mode: 0o600 });
  fs.chmodSync(config, 0o600);

  const loaded = path.join(dir, '.loaded');
  if (ldif && !fs.existsSync(loaded)) {
    const copy = path.join(dir, 'load.ldif');
    fs.copyFileSync(ldif, copy);
    await must(lab, hostName, '/usr/sbin/slapadd', ['-q', '-f', config, '-b', 'o=gluu', '-l', copy]);
    fs.writeFileSync(loaded, '');
  }

  const urls = [
    `ldap://${h.address}:${port}/`,
    `ldap://127.0.0.1:${port}/`,
    `ldaps://${h.address}:${ldapsPort}/`,
    `ldaps://127.0.0.1:${ldapsPort}/`,
  ];
  const daemon = daemonAs(lab, hostName, `slapd-${port}`, '/usr/sbin/slapd', ['-d', 'stats', '-f', config, '-h', urls.join(' ')]);
  try {
    await Promise.race([
      (async () => {
        // slapd -d prints "slapd starting" once its listeners are open: cheaper to watch than ss.
        const end = Date.now() + 10000;
        while (Date.now() < end && !fs.readFileSync(daemon.log, 'utf8').includes('slapd starting'))
          await new Promise((r) => setTimeout(r, 15));
        await Promise.all([waitPort(lab, hostName, port), waitPort(lab, hostName, ldapsPort)]);
      })(),
      daemon.exited.then((x) => {
        throw new Error(`slapd on ${hostName} exited (${x.code ?? x.signal}): ${fs.readFileSync(daemon.log, 'utf8').slice(-2000)}`);
      }),
    ]);
  } catch (e) {
    await daemon.stop();
    throw e;
  }
  const certPem = fs.readFileSync(cert, 'utf8');
  return {
    host: hostName,
    address: h.address,
    rootDn: ROOTDN,
    ldapUrl: `ldap://${h.address}:${port}`,
    ldapsUrl: `ldaps://${h.address}:${ldapsPort}`,
    certFile: cert,
    certPem,
    fingerprint: new nodeCrypto.X509Certificate(certPem).fingerprint256,
    dir,
    log: daemon.log,
    pid: daemon.process.pid,
    stop: () => daemon.stop(),
  };
}

module.exports = {
  startSlapd,
  sshaHash,
  mdbDatabase,
  selfSignedCertificate,
  GLUU_ROOT_DN: ROOTDN,
  GLUU_SCHEMA: SCHEMA,
  GLUU_APPLIANCE_LDIF: DEFAULT_LDIF,
};
