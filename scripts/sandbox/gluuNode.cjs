// A sandbox Gluu node's files: what the manual's steps read and change (setup.properties.last
// and the certificates on the primary, a setup.py stand-in on the others, /etc/certs, the JRE
// cacerts with keytool, the gluu and jetty groups, Gluu's salt with encode.py and a pyDes
// stand-in). OpenLDAP is solserver.cjs's, the web applications web.cjs's.
'use strict';
const nodeCrypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const lab = require('../lab/netns.cjs');
const { writeOn } = require('../lab/sshd.cjs');

// The primary's certificates (openldap.* is solserver.cjs's). Every node has its own httpd.*
// for its web front; the certs step replaces the others' with the primary's.
const CERTS = ['httpd', 'shibIDP', 'idp-signing', 'idp-encryption'];
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

/**
 * /etc/certs/NAME.{crt,key}: a self-signed pair where setup.py makes one. setup.py's keys are RSA
 * 2048; these are EC (P-256), as the lab's OpenLDAP certificate is: generated in milliseconds,
 * where one RSA key took about 0.3 s of CPU and a sandbox made six (one starts for nearly every
 * test file and scenario). No step and no check reads the key's type: the steps copy these files,
 * import the certificates into cacerts and compare fingerprints.
 */
async function selfSigned(l, host, names) {
  // One shell on the host for all of them (each command started here costs ~15 ms of CPU).
  // setup.py's validity, 365 days: a shorter one would show as "expires soon" in the health checks.
  await must(l, host, 'sh', [
    '-c',
    'for c; do openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 365 ' +
      '-subj "/CN=$c.gluu.test" -keyout "/etc/certs/$c.key" -out "/etc/certs/$c.crt" 2>&1 || exit 1; done',
    'sh',
    ...names,
  ]);
}

/**
 * /etc/gluu/conf/ox-ldap.properties as setup.py leaves it on every node: oxAuth and oxTrust talk
 * to their own node's LDAP only (servers: localhost:1636), the password encoded with the salt
 * (triple DES, ECB, PKCS#5, base64: what encode.py prints).
 */
function oxLdapProperties(salt, ldapPassword) {
  const c = nodeCrypto.createCipheriv('des-ede3', Buffer.from(salt, 'utf8'), null);
  const encoded = Buffer.concat([c.update(ldapPassword, 'utf8'), c.final()]).toString('base64');
  return [
    'bindDN: cn=directory manager,o=gluu',
    `bindPassword: ${encoded}`,
    'servers: localhost:1636',
    'useSSL: true',
    'maxconnections: 10',
    'certsDir: /etc/certs',
    'binaryAttributes=objectGUID',
    '',
  ].join('\n');
}

/** A Gluu node's files: what the manual's steps read and change. */
async function gluuShape(l, host, primary, address, salt, ldapPassword) {
  lab.mkdirOn(
    l,
    host,
    '/opt/gluu/bin',
    '/install/community-edition-setup',
    '/etc/certs',
    '/opt/jre/bin',
    '/opt/jre/jre/lib/security',
    ...GLUU_DIRS,
  );
  // groupadd and useradd keep /etc/group, gshadow, passwd and shadow as Debian does: one shell for them.
  await lab.runAs(l, host, 'sh', ['-c', 'groupadd -f gluu; groupadd -f jetty; useradd -r -g jetty -M jetty']);
  await writeOn(l, host, '/etc/gluu/conf/ox-ldap.properties', oxLdapProperties(salt, ldapPassword), '640');
  lab.symlinkOn(l, host, fs.realpathSync('/usr/bin/keytool'), '/opt/jre/bin/keytool');
  for (const f of GLUU_BIN) await writeOn(l, host, f.path, f.content, '755');
  if (fs.existsSync(JAVA_CACERTS))
    fs.copyFileSync(fs.realpathSync(JAVA_CACERTS), lab.mustHostPath(l, host, '/opt/jre/jre/lib/security/cacerts'));
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
    await selfSigned(l, host, ['httpd']);
    // A stand-in for Gluu's setup.py on the nodes still to be installed: it shows the loaded
    // values and asks to proceed, like the real one, then leaves setup.properties.last behind.
    await writeOn(
      l,
      host,
      '/install/community-edition-setup/setup.py',
      [
        '#!/bin/sh',
        '# Sandbox stand-in for Gluu setup.py (interactive like the real one, or -n).',
        'echo "Installing Gluu Server..."',
        "grep -E '^(hostname|ip|orgName)=' setup.properties 2>/dev/null",
        '# -n: no prompt before the install starts (how Cluster Manager and gluu-cluster run it).',
        'if [ "$1" != -n ]; then',
        "  printf 'Proceed with these values [Y|n] '",
        '  read answer',
        '  case "$answer" in n|N) echo "Aborted."; exit 1;; esac',
        'fi',
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
  // The first install's result: setup.properties.last and the certificates. Installed, as Gluu's
  // Cluster Manager does, with the load balancer's name (its issuer is the load balancer's URL).
  await writeOn(
    l,
    host,
    '/install/community-edition-setup/setup.properties.last',
    [
      `hostname=${l.hosts.lb.hostname}`,
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
  await selfSigned(l, host, CERTS);
  fs.copyFileSync(lab.mustHostPath(l, host, '/etc/certs/httpd.key'), lab.mustHostPath(l, host, '/etc/certs/oxauth-keys.jks'));
}

module.exports = { gluuShape };
