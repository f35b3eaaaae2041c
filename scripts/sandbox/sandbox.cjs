// The built-in sandbox cluster: a load balancer and two Gluu-shaped nodes on this machine, each
// a lab host (own network namespace, hostname and copy-on-write file system; see
// scripts/lab/netns.cjs) running a real OpenSSH sshd. The nodes carry what the steps touch:
// setup.properties.last on the primary, /etc/certs, the JRE cacerts with keytool, the gluu and
// jetty groups; nginx, redis, csync2, cron and inetd come from this machine's packages. Each
// Gluu node runs a real OpenLDAP slapd (scripts/lab/slapd.cjs) holding Gluu 3.1.x's appliance
// entry, ldap 1389 / ldaps 1636, rootdn "cn=directory manager,o=gluu", its password in
// <dir>/ldap-admin.pw (mode 0600, no trailing newline, as ldapsearch -y wants).
// It writes a cluster file for itself (container none, OpenLDAP). Root only.
//
//   node scripts/sandbox/sandbox.cjs up [DIR]    starts it, prints the cluster file path, runs until Ctrl+C
'use strict';
const { execFileSync } = require('node:child_process');
const nodeCrypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const lab = require('../lab/netns.cjs');
const { startSshd, writeOn } = require('../lab/sshd.cjs');
const { startSlapd } = require('../lab/slapd.cjs');

const HOSTS = [
  { name: 'lb', hostname: 'lb.gluu.test' },
  { name: 'idp1', hostname: 'idp1.gluu.test' },
  { name: 'idp2', hostname: 'idp2.gluu.test' },
];
const CERTS = ['httpd', 'shibIDP', 'idp-signing', 'idp-encryption', 'openldap'];
const JAVA_CACERTS = '/etc/ssl/certs/java/cacerts';
// Directories a Gluu install has and csync2 keeps in sync (the manual's include list).
const GLUU_DIRS = [
  '/opt/gluu/jetty/identity/conf/shibboleth3/idp',
  '/opt/gluu/jetty/identity/conf/shibboleth3/sp',
  '/opt/shibboleth-idp/conf',
  '/opt/shibboleth-idp/metadata',
  '/opt/shibboleth-idp/sp',
  '/opt/shibboleth-idp/temp_metadata',
  '/etc/gluu/conf',
];

async function must(l, host, cmd, args, input) {
  const r = await lab.runAs(l, host, cmd, args, input === undefined ? {} : { input });
  if (r.code !== 0) throw new Error(`sandbox ${host}: ${cmd} ${args.join(' ')} exited ${r.code}: ${r.stdout}${r.stderr}`);
  return r.stdout;
}

// Stand-ins for Gluu's encode.py and the pyDes it imports (see scripts/sandbox/gluu/).
const GLUU_BIN = ['encode.py', 'pyDes.py'].map((f) => ({
  path: `/opt/gluu/bin/${f}`,
  content: fs.readFileSync(path.join(__dirname, 'gluu', f), 'utf8'),
}));

/** A Gluu node's files: what the manual's steps read and change. */
async function gluuShape(l, host, primary, address, salt) {
  await must(l, host, 'mkdir', [
    '-p',
    '/opt/gluu/bin',
    '/install/community-edition-setup',
    '/etc/certs',
    '/opt/jre/bin',
    '/opt/jre/jre/lib/security',
    ...GLUU_DIRS,
  ]);
  for (const g of ['gluu', 'jetty']) await lab.runAs(l, host, 'groupadd', ['-f', g]);
  await lab.runAs(l, host, 'useradd', ['-r', '-g', 'jetty', '-M', 'jetty']);
  await must(l, host, 'ln', [
    '-sf',
    execFileSync('readlink', ['-f', '/usr/bin/keytool'], { encoding: 'utf8' }).trim(),
    '/opt/jre/bin/keytool',
  ]);
  for (const f of GLUU_BIN) await writeOn(l, host, f.path, f.content, '755');
  if (fs.existsSync(JAVA_CACERTS)) await must(l, host, 'cp', [JAVA_CACERTS, '/opt/jre/jre/lib/security/cacerts']);
  else
    await must(l, host, 'keytool', [
      '-genkeypair',
      '-alias',
      'x',
      '-dname',
      'CN=x',
      '-keystore',
      '/opt/jre/jre/lib/security/cacerts',
      '-storepass',
      'changeit',
      '-keyalg',
      'RSA',
    ]);
  if (!primary) {
    // A stand-in for Gluu's setup.py on the nodes still to be installed: it shows the loaded
    // values and asks to proceed, like the real one, then leaves setup.properties.last behind.
    await writeOn(
      l,
      host,
      '/install/community-edition-setup/setup.py',
      [
        '#!/bin/sh',
        '# Sandbox stand-in for Gluu setup.py (interactive, like the real one).',
        'echo "Installing Gluu Server..."',
        "grep -E '^(hostname|ip|orgName)=' setup.properties 2>/dev/null",
        "printf 'Proceed with these values [Y|n] '",
        'read answer',
        'case "$answer" in n|N) echo "Aborted."; exit 1;; esac',
        'cp setup.properties setup.properties.last 2>/dev/null || : > setup.properties.last',
        "# Like setup.py, the node's salt comes from setup.properties (the primary's, copied here).",
        "salt=$(sed -n 's/^encode_salt=//p' setup.properties 2>/dev/null)",
        '[ -n "$salt" ] && { umask 077; printf \'encodeSalt = %s\\n\' "$salt" > /etc/gluu/conf/salt; }',
        'echo "Gluu Server installed."',
        '',
      ].join('\n'),
      '755',
    );
    return;
  }
  // The first install's result: setup.properties.last and the certificates.
  await writeOn(
    l,
    host,
    '/install/community-edition-setup/setup.properties.last',
    [
      'hostname=idp1.gluu.test',
      `ip=${address}`,
      'orgName=Gluu Sandbox',
      'countryCode=US',
      'ldap_type=openldap',
      'installSaml=False',
      `encode_salt=${salt}`,
      '',
    ].join('\n'),
    '600',
  );
  await writeOn(l, host, '/etc/gluu/conf/salt', `encodeSalt = ${salt}\n`, '600');
  for (const c of CERTS) {
    await must(l, host, 'openssl', [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '30',
      '-subj',
      `/CN=${c}.gluu.test`,
      '-keyout',
      `/etc/certs/${c}.key`,
      '-out',
      `/etc/certs/${c}.crt`,
    ]);
  }
  await must(l, host, 'cp', ['/etc/certs/httpd.key', '/etc/certs/oxauth-keys.jks']);
}

/**
 * The sandbox's keys, password file and workspace live in one folder. Without `dir` the sandbox
 * makes it (`gluu-sandbox-<name>-XXXXXX` in the temporary directory) and `down()` removes it
 * whole; with `dir` (the operator's folder) `down()` removes only the secrets it wrote there.
 *
 * @param {{ dir?: string, name?: string, subnet?: string, id?: string }} opts
 * @returns {Promise<{ lab, dir, clusterFile, clientKey, hosts: Record<string, {address, fingerprint}>,
 *   sshd: Record<string, { pid, stop() }>, ldapPasswordFile: string,
 *   ldap: Record<string, { ldapUrl, ldapsUrl, certFile, fingerprint }>,
 *   slapd: Record<string, { pid, log, stop() }>, down(): Promise<void> }>}
 *   ldap/slapd are keyed by the Gluu nodes' hostnames; fingerprint is the SHA-256 of the ldaps
 *   certificate ("AA:BB:...").
 */
async function sandboxUp(opts = {}) {
  const owned = !opts.dir;
  const dir = opts.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), `gluu-sandbox-${opts.name ? `${opts.name}-` : ''}`));
  fs.mkdirSync(dir, { recursive: true });
  const clientKey = path.join(dir, 'client_ed25519');
  const ldapPasswordFile = path.join(dir, 'ldap-admin.pw');
  const removeFiles = () => {
    if (owned) fs.rmSync(dir, { recursive: true, force: true });
    else for (const f of [clientKey, `${clientKey}.pub`, ldapPasswordFile]) fs.rmSync(f, { force: true });
  };
  if (!fs.existsSync(clientKey))
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'gluu-cluster-sandbox', '-f', clientKey]);
  if (!fs.existsSync(ldapPasswordFile) || fs.statSync(ldapPasswordFile).size === 0) {
    fs.writeFileSync(ldapPasswordFile, nodeCrypto.randomBytes(18).toString('base64url'), { mode: 0o600 });
  }
  fs.chmodSync(ldapPasswordFile, 0o600);
  const ldapPassword = fs.readFileSync(ldapPasswordFile, 'utf8');
  let l;
  try {
    l = lab.labUp({ hosts: HOSTS, ...(opts.subnet ? { subnet: opts.subnet } : {}), ...(opts.id ? { id: opts.id } : {}) });
  } catch (e) {
    removeFiles();
    throw e;
  }
  const down = async () => {
    try {
      await lab.labDown(l);
    } finally {
      removeFiles();
    }
  };
  try {
    const pub = fs.readFileSync(`${clientKey}.pub`, 'utf8');
    const hosts = {};
    const sshd = {};
    const ldap = {};
    const slapd = {};
    await Promise.all([
      ...HOSTS.map(async (h) => {
        const s = await startSshd(l, h.name, { clientPublicKey: pub });
        sshd[h.hostname] = s;
        hosts[h.hostname] = { address: l.hosts[h.name].address, fingerprint: s.fingerprint };
      }),
      // Both nodes get the directory loaded (each has the appliance entry, as after replication).
      ...HOSTS.filter((h) => h.name !== 'lb').map(async (h) => {
        const s = await startSlapd(l, h.name, { password: ldapPassword });
        slapd[h.hostname] = s;
        ldap[h.hostname] = { ldapUrl: s.ldapUrl, ldapsUrl: s.ldapsUrl, certFile: s.certFile, fingerprint: s.fingerprint };
      }),
    ]);
    // Gluu's salt: 24 characters, made at the first install and copied to the others with setup.properties.
    const salt = nodeCrypto.randomBytes(18).toString('base64url');
    await gluuShape(l, 'idp1', true, l.hosts.idp1.address, salt);
    await gluuShape(l, 'idp2', false, l.hosts.idp2.address, salt);
    const clusterFile = path.join(dir, 'workspace', 'gluu-cluster.yaml');
    fs.mkdirSync(path.dirname(clusterFile), { recursive: true });
    fs.writeFileSync(
      clusterFile,
      [
        '# The built-in sandbox cluster (scripts/sandbox/sandbox.cjs): three hosts on this machine,',
        '# each in its own network namespace with its own file system, reached over real SSH.',
        'name: sandbox',
        'gluu:',
        '  version: 3.1.5',
        '  container: none         # the sandbox nodes have no Gluu container',
        '  ldap: openldap',
        'ssh:',
        '  user: root',
        `  identityFile: ${clientKey}`,
        'loadBalancer:',
        `  host: lb.gluu.test`,
        `  address: ${l.hosts.lb.address}`,
        'cache:',
        '  host: idp1.gluu.test',
        'nodes:',
        '  - host: idp1.gluu.test',
        `    address: ${l.hosts.idp1.address}`,
        '    primary: true',
        '  - host: idp2.gluu.test',
        `    address: ${l.hosts.idp2.address}`,
        '',
      ].join('\n'),
    );
    return { lab: l, dir, clusterFile, clientKey, hosts, sshd, ldapPasswordFile, ldap, slapd, down };
  } catch (e) {
    await down();
    throw e;
  }
}

module.exports = { sandboxUp, SANDBOX_HOSTS: HOSTS };

if (require.main === module) {
  const [cmd, dir] = process.argv.slice(2);
  if (cmd !== 'up') {
    console.error('usage: node scripts/sandbox/sandbox.cjs up [DIR]');
    process.exit(2);
  }
  sandboxUp({ dir }).then(
    (sb) => {
      console.log(
        `sandbox up: ${Object.entries(sb.hosts)
          .map(([h, v]) => `${h} ${v.address}`)
          .join(', ')}`,
      );
      console.log(`cluster file: ${sb.clusterFile}`);
      const stop = () => sb.down().then(() => process.exit(0));
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
      setInterval(() => {}, 1 << 30);
    },
    (e) => {
      console.error(e.message);
      process.exit(1);
    },
  );
}
