// A sandbox Gluu node's OpenLDAP laid out as Gluu Server 3.1.x with Symas OpenLDAP has it, run by
// Debian's slapd: /opt/symas/etc/openldap/slapd.conf with the databases o=gluu
// (/opt/gluu/data/main_db) and o=site (/opt/gluu/data/site_db), the listeners in
// symas-openldap.conf's HOST_LIST, TLS from /etc/certs/openldap.{crt,key,pem}, and the service
// solserver (a stand-in init script, gluu/solserver.init). The Symas paths are symlinks to
// Debian's tools: /opt/symas/lib64/openldap, /opt/symas/bin/ldap*, /opt/symas/sbin/slap*.
//
// Everything is on the node's own file system; this machine reads the certificate and the pid
// file through the host's overlay (upperPath). The directory manager's password never appears
// in any argv or file here: only its {SSHA} hash goes into slapd.conf (mode 0600).
'use strict';
const nodeCrypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const lab = require('../lab/netns.cjs');
const { writeOn } = require('../lab/sshd.cjs');
const { sshaHash, mdbDatabase, selfSignedCertificate, GLUU_SCHEMA, GLUU_APPLIANCE_LDIF } = require('../lab/slapd.cjs');

const SYMAS = '/opt/symas';
const CONF_DIR = `${SYMAS}/etc/openldap`;
const SLAPD_CONF = `${CONF_DIR}/slapd.conf`;
const DEFAULTS = `${CONF_DIR}/symas-openldap.conf`;
const SCHEMA_DIR = `${CONF_DIR}/schema`;
// Where Gluu 3.1 keeps its own schema for OpenLDAP; here the project's subset of it.
const GLUU_SCHEMA_FILE = '/opt/gluu/schema/openldap/gluu.schema';
const RUN_DIR = '/var/symas/run';
const PIDFILE = `${RUN_DIR}/slapd.pid`;
const CERT = '/etc/certs/openldap.crt';
const KEY = '/etc/certs/openldap.key';
const PEM = '/etc/certs/openldap.pem';
const INIT = '/etc/init.d/solserver';
const DATABASES = [
  { suffix: 'o=gluu', rootDn: 'cn=directory manager,o=gluu', directory: '/opt/gluu/data/main_db' },
  { suffix: 'o=site', rootDn: 'cn=directory manager,o=site', directory: '/opt/gluu/data/site_db' },
];
const SITE_LDIF = 'dn: o=site\nobjectClass: top\nobjectClass: organization\no: site\n';
const LDAP_PORT = 1389;
const LDAPS_PORT = 1636;
const CLIENT_TOOLS = ['ldapsearch', 'ldapadd', 'ldapmodify', 'ldapdelete', 'ldapwhoami'];
const SERVER_TOOLS = ['slapd', 'slapadd', 'slapcat', 'slaptest', 'slapindex'];

async function must(l, host, cmd, args, input) {
  const r = await lab.runAs(l, host, cmd, args, input === undefined ? {} : { input });
  if (r.code !== 0) throw new Error(`sandbox ${host}: ${cmd} ${args.join(' ')} exited ${r.code}: ${r.stdout}${r.stderr}`);
  return r.stdout;
}

/** HOST_LIST: Gluu's default is localhost only; open adds the node's address (as a cluster needs). */
function hostList(address, open) {
  const urls = [`ldaps://127.0.0.1:${LDAPS_PORT}/`, `ldap://127.0.0.1:${LDAP_PORT}/`];
  if (open) urls.push(`ldaps://${address}:${LDAPS_PORT}/`, `ldap://${address}:${LDAP_PORT}/`);
  return urls.join(' ');
}

function symasConf(address, open) {
  return [
    '# Symas OpenLDAP settings read by /etc/init.d/solserver (the sandbox stand-in of Gluu 3.1.x).',
    '# The listeners: Gluu installs slapd listening on localhost only; a cluster has the nodes',
    '# reach each other, so replication adds the address this node has.',
    `HOST_LIST="${hostList(address, open)}"`,
    '',
  ].join('\n');
}

function slapdConf(rootPwHash) {
  return [
    '# Gluu Server 3.1.x slapd.conf (Symas OpenLDAP), as laid out by the sandbox',
    "# (scripts/sandbox/solserver.cjs): Gluu's template without the replication overlays.",
    `include ${SCHEMA_DIR}/core.schema`,
    `include ${SCHEMA_DIR}/cosine.schema`,
    `include ${SCHEMA_DIR}/inetorgperson.schema`,
    `include ${GLUU_SCHEMA_FILE}`,
    '',
    `pidfile ${PIDFILE}`,
    `argsfile ${RUN_DIR}/slapd.args`,
    '',
    `modulepath ${SYMAS}/lib64/openldap`,
    'moduleload back_mdb',
    '',
    `TLSCACertificateFile ${CERT}`,
    `TLSCertificateFile ${CERT}`,
    `TLSCertificateKeyFile ${KEY}`,
    'password-hash {SSHA}',
    '',
    ...DATABASES.flatMap((d) => mdbDatabase({ ...d, rootPwHash })),
  ].join('\n');
}

/** A new self-signed certificate for slapd in /etc/certs (EC: made in milliseconds), and the key+cert .pem. */
async function makeCertificate(l, name) {
  await selfSignedCertificate(l, name, KEY, CERT);
  await must(l, name, 'sh', ['-c', `umask 077 && cat ${KEY} ${CERT} > ${PEM} && chmod 600 ${KEY} && chmod 644 ${CERT}`]);
}

/** What this machine knows about a node's LDAP: where to read its certificate, and its fingerprint. */
function ldapInfo(l, name, open) {
  const h = l.hosts[name];
  const certFile = lab.upperPath(l, name, CERT);
  return {
    ldapUrl: `ldap://${h.address}:${LDAP_PORT}`,
    ldapsUrl: `ldaps://${h.address}:${LDAPS_PORT}`,
    localLdapsUrl: `ldaps://127.0.0.1:${LDAPS_PORT}`,
    localLdapUrl: `ldap://127.0.0.1:${LDAP_PORT}`,
    open,
    certFile,
    fingerprint: new nodeCrypto.X509Certificate(fs.readFileSync(certFile)).fingerprint256,
  };
}

/** `service solserver ACTION` on the node; fails with the init script's own words. */
const service = (l, name, action) => must(l, name, 'service', ['solserver', action]);

/** The node's slapd as the tests drive it: stop() and start() through its init script. */
function slapdControl(l, name) {
  return {
    get pid() {
      try {
        return Number(fs.readFileSync(lab.upperPath(l, name, PIDFILE), 'utf8').trim()) || undefined;
      } catch {
        return undefined;
      }
    },
    // slapd logs to syslog, which a lab host does not have: no log file.
    log: undefined,
    stop: () => service(l, name, 'stop').then(() => undefined),
    start: () => service(l, name, 'start').then(() => undefined),
  };
}

/**
 * Lays out solserver on Gluu node `name`, loads both databases with slapadd and starts it.
 * @param {{ password: string, open?: boolean, ldif?: string }} opts
 *   open: HOST_LIST also on the node's address (default false: localhost only, Gluu's default)
 * @returns {Promise<{ ldap: ReturnType<typeof ldapInfo>, slapd: ReturnType<typeof slapdControl> }>}
 */
async function setUpSolserver(l, name, { password, open = false, ldif = GLUU_APPLIANCE_LDIF }) {
  const h = l.hosts[name];
  // Files and links straight through the host's root (lab.hostPath): no process per file.
  lab.mkdirOn(
    l,
    name,
    SCHEMA_DIR,
    path.dirname(GLUU_SCHEMA_FILE),
    `${SYMAS}/bin`,
    `${SYMAS}/sbin`,
    `${SYMAS}/lib64`,
    RUN_DIR,
    '/etc/certs',
    ...DATABASES.map((d) => d.directory),
  );
  for (const d of DATABASES) fs.chmodSync(lab.mustHostPath(l, name, d.directory), 0o700);
  lab.symlinkOn(l, name, '/usr/lib/ldap', `${SYMAS}/lib64/openldap`);
  for (const t of CLIENT_TOOLS) lab.symlinkOn(l, name, `/usr/bin/${t}`, `${SYMAS}/bin/${t}`);
  // Debian's slapadd and friends are slapd under other names: each link keeps its own name.
  for (const t of SERVER_TOOLS) lab.symlinkOn(l, name, `/usr/sbin/${t}`, `${SYMAS}/sbin/${t}`);
  for (const s of ['core', 'cosine', 'inetorgperson']) lab.symlinkOn(l, name, `/etc/ldap/schema/${s}.schema`, `${SCHEMA_DIR}/${s}.schema`);
  // The host's view of / may not hold the project (another mount): files go over as content.
  await writeOn(l, name, GLUU_SCHEMA_FILE, fs.readFileSync(GLUU_SCHEMA, 'utf8'));
  await writeOn(l, name, SLAPD_CONF, slapdConf(sshaHash(password)), '600');
  await writeOn(l, name, DEFAULTS, symasConf(h.address, open));
  await writeOn(l, name, INIT, fs.readFileSync(path.join(__dirname, 'gluu', 'solserver.init'), 'utf8'), '755');
  await makeCertificate(l, name);
  // The data before the first start, as setup.py loads it.
  await writeOn(l, name, '/root/.sandbox-gluu.ldif', fs.readFileSync(ldif, 'utf8'), '600');
  await writeOn(l, name, '/root/.sandbox-site.ldif', SITE_LDIF, '600');
  await must(l, name, `${SYMAS}/sbin/slapadd`, ['-q', '-f', SLAPD_CONF, '-b', 'o=gluu', '-l', '/root/.sandbox-gluu.ldif']);
  await must(l, name, `${SYMAS}/sbin/slapadd`, ['-q', '-f', SLAPD_CONF, '-b', 'o=site', '-l', '/root/.sandbox-site.ldif']);
  for (const f of ['/root/.sandbox-gluu.ldif', '/root/.sandbox-site.ldif']) fs.rmSync(lab.mustHostPath(l, name, f), { force: true });
  await lab.initScripts(l, name, 'start', ['solserver']);
  return { ldap: ldapInfo(l, name, open), slapd: slapdControl(l, name) };
}

/**
 * A re-install's new certificate: new /etc/certs/openldap.{key,crt,pem} on the node and
 * solserver restarted with them. Returns the node's LDAP info with the new fingerprint.
 */
async function renewCertificate(l, name, open) {
  await makeCertificate(l, name);
  await service(l, name, 'restart');
  return ldapInfo(l, name, open);
}

module.exports = {
  setUpSolserver,
  renewCertificate,
  hostList,
  SOLSERVER: { SLAPD_CONF, DEFAULTS, PIDFILE, CERT, KEY, PEM, INIT, DATABASES, GLUU_SCHEMA_FILE, LDAP_PORT, LDAPS_PORT },
};
