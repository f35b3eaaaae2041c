// The built-in sandbox cluster: a load balancer `lb` and Gluu nodes idp1..idpN (2 to 4; idp1 the
// primary) on this machine, each a lab host (own network namespace, hostname and copy-on-write
// file system; see scripts/lab/netns.cjs) with a real OpenSSH sshd and a cron daemon. The Gluu
// nodes are shaped like Gluu Server 3.1.x with Symas OpenLDAP:
//   - what the manual's steps touch (gluuNode.cjs): setup.properties.last and the certificates
//     on the primary, a setup.py stand-in on the others, /etc/certs, keytool, Gluu's salt;
//   - OpenLDAP as solserver (solserver.cjs): Debian's slapd behind the Symas paths, o=gluu and
//     o=site loaded, ldaps on 127.0.0.1:1636 (and the node's address with ldapOpen);
//   - web stand-ins (web.cjs): apache2 on 443 in front of oxauth and identity.
// nginx, redis, csync2 and inetd come from this machine's packages when the steps install them.
// It writes a cluster file for itself (container none, OpenLDAP). Root only.
//
//   npm run sandbox -- up|status|down …   the headless CLI (cli.cjs)
'use strict';
const { execFileSync } = require('node:child_process');
const nodeCrypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const lab = require('../lab/netns.cjs');
const { shiftedClockEnv, startSshd } = require('../lab/sshd.cjs');
const { sandboxHosts, clusterFileText } = require('./clusterFile.cjs');
const { startCron } = require('./cron.cjs');
const { gluuShape } = require('./gluuNode.cjs');
const { setUpSolserver, renewCertificate } = require('./solserver.cjs');
const { startWebStandIns } = require('./web.cjs');

/** The secrets' file for people: what each password is, in one 0600 file. */
function passwordsText(ldapPassword, ldapPasswordFile, clientKey) {
  return [
    '# Passwords of the sandbox cluster (scripts/sandbox/sandbox.cjs). Mode 0600; removed when the',
    '# sandbox goes down.',
    '#',
    "# The directory manager of OpenLDAP on every Gluu node: bind DN 'cn=directory manager,o=gluu'",
    "# (and 'cn=directory manager,o=site' for o=site). The same password alone, for ldapsearch -y:",
    `#   ${ldapPasswordFile}`,
    `ldap_admin_password=${ldapPassword}`,
    '#',
    '# SSH has no password: root on every host with the key',
    `#   ${clientKey}`,
    '',
  ].join('\n');
}

// Sandboxes of this process still up: a process that ends without down() (interrupted tests,
// process.exit() in a signal handler) leaves no key or password behind. netns.cjs does the same
// for the hosts themselves.
const live = new Set();

/** The CLI's run state beside a cluster file (STATE_FILE_NAME in src/core/session/fileState.ts). */
const SANDBOX_STATE_FILE = '.gluu-cluster-state.json';
process.on('exit', () => {
  for (const remove of [...live]) remove();
});

/**
 * The sandbox's keys, password files and workspace live in one folder. Without `dir` the sandbox
 * makes it (`gluu-sandbox-<name>-XXXXXX` in the temporary directory) and `down()` removes it
 * whole; with `dir` (the operator's folder) `down()` removes only the secrets it wrote there.
 *
 * @param {{ dir?: string, name?: string, subnet?: string, id?: string, nodes?: number, inCluster?: number, ldapOpen?: boolean }} opts
 *   nodes: Gluu nodes, 2 (default) to 4; inCluster: how many of them the cluster file lists (the
 *   first; default all), the others set up like fresh nodes to be joined (clusterFileAllNodes
 *   lists them all). ldapOpen: slapd also listens on each node's address
 *   (default false: on 127.0.0.1 only, Gluu's default). The sandbox goes when this process
 *   exits, unless keep() was called (the CLI's background mode).
 * @returns {Promise<{ lab, dir, clusterFile, clusterFileAllNodes, clientKey, hosts: Record<string, {address, fingerprint}>,
 *   sshd: Record<string, { pid, stop() }>, ldapPasswordFile: string, passwordsFile: string,
 *   ldap: Record<string, { ldapUrl, ldapsUrl, localLdapUrl, localLdapsUrl, open, certFile, fingerprint }>,
 *   slapd: Record<string, { pid?, log?, stop(), start() }>,
 *   renewLdapCertificate(hostname): Promise<{ certFile, fingerprint }>, keep(): void, down(): Promise<void> }>}
 *   hosts and sshd are keyed by every host's hostname, ldap and slapd by the Gluu nodes'.
 *   fingerprint is the SHA-256 of the certificate slapd serves ("AA:BB:..."); certFile is the
 *   node's /etc/certs/openldap.crt as this machine reads it. ldapsUrl is the node's address
 *   (answers with ldapOpen, or once replication opens it), localLdapsUrl what the node itself uses.
 */
async function sandboxUp(opts = {}) {
  const HOSTS = sandboxHosts(opts.nodes);
  const nodeCount = HOSTS.length - 1;
  const inCluster = opts.inCluster ?? nodeCount;
  if (!Number.isInteger(inCluster) || inCluster < 2 || inCluster > nodeCount)
    throw new Error(`inCluster: 2 to ${nodeCount} of the sandbox's ${nodeCount} nodes, not ${opts.inCluster}`);
  const ldapOpen = opts.ldapOpen === true;
  const owned = !opts.dir;
  const dir = opts.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), `gluu-sandbox-${opts.name ? `${opts.name}-` : ''}`));
  fs.mkdirSync(dir, { recursive: true });
  const clientKey = path.join(dir, 'client_ed25519');
  const ldapPasswordFile = path.join(dir, 'ldap-admin.pw');
  const passwordsFile = path.join(dir, 'passwords.txt');
  const removeFiles = () => {
    live.delete(removeFiles);
    if (owned) fs.rmSync(dir, { recursive: true, force: true });
    else for (const f of [clientKey, `${clientKey}.pub`, ldapPasswordFile, passwordsFile]) fs.rmSync(f, { force: true });
  };
  live.add(removeFiles);
  if (!fs.existsSync(clientKey))
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'gluu-cluster-sandbox', '-f', clientKey]);
  if (!fs.existsSync(ldapPasswordFile) || fs.statSync(ldapPasswordFile).size === 0) {
    fs.writeFileSync(ldapPasswordFile, nodeCrypto.randomBytes(18).toString('base64url'), { mode: 0o600 });
  }
  fs.chmodSync(ldapPasswordFile, 0o600);
  const ldapPassword = fs.readFileSync(ldapPasswordFile, 'utf8');
  fs.writeFileSync(passwordsFile, passwordsText(ldapPassword, ldapPasswordFile, clientKey), { mode: 0o600 });
  fs.chmodSync(passwordsFile, 0o600);
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
    const loadBalancer = l.hosts.lb.hostname;
    // Gluu's salt: 24 characters, made at the first install and copied to the others with setup.properties.
    const salt = nodeCrypto.randomBytes(18).toString('base64url');
    const hosts = {};
    const sshd = {};
    const ldap = {};
    const slapd = {};
    // Each host set up on its own, all at once; on a node its sshd, its files and web front, and its OpenLDAP.
    await Promise.all(
      HOSTS.flatMap((h, i) => [
        (async () => {
          const s = await startSshd(l, h.name, { clientPublicKey: pub });
          sshd[h.hostname] = s;
          hosts[h.hostname] = { address: l.hosts[h.name].address, fingerprint: s.fingerprint };
          await startCron(l, h.name);
        })(),
        ...(h.name === 'lb'
          ? []
          : [
              (async () => {
                // The web front needs the node's httpd certificate from gluuShape.
                await gluuShape(l, h.name, i === 1, l.hosts[h.name].address, salt, ldapPassword);
                await startWebStandIns(l, h.name, { loadBalancer });
              })(),
              (async () => {
                // Every node has the directory loaded (each holds the appliance entry, as after replication).
                const o = await setUpSolserver(l, h.name, { password: ldapPassword, open: ldapOpen });
                ldap[h.hostname] = o.ldap;
                slapd[h.hostname] = o.slapd;
              })(),
            ]),
      ]),
    );
    const clusterFile = path.join(dir, 'workspace', 'gluu-cluster.yaml');
    fs.mkdirSync(path.dirname(clusterFile), { recursive: true });
    fs.writeFileSync(clusterFile, clusterFileText(l, clientKey, inCluster));
    // With nodes outside the cluster file: the file as it is once they have been added (to join them).
    const clusterFileAllNodes = path.join(dir, 'gluu-cluster.all-nodes.yaml');
    fs.writeFileSync(clusterFileAllNodes, clusterFileText(l, clientKey));
    // The CLI's run state of an earlier sandbox in this folder describes servers that are gone:
    // kept, it would show every step done on fresh hosts (src/core/session/fileState.ts's name).
    fs.rmSync(path.join(path.dirname(clusterFile), SANDBOX_STATE_FILE), { force: true });
    const byHostname = (hostname) => {
      const h = Object.values(l.hosts).find((x) => x.hostname === hostname);
      if (!h || h.name === 'lb') throw new Error(`${hostname} is no Gluu node of the sandbox`);
      return h.name;
    };
    return {
      lab: l,
      dir,
      clusterFile,
      clusterFileAllNodes,
      clientKey,
      hosts,
      sshd,
      ldapPasswordFile,
      passwordsFile,
      ldap,
      slapd,
      /** A re-install's new /etc/certs/openldap.* on the node, solserver restarted with it; ldap[hostname] follows. */
      async renewLdapCertificate(hostname) {
        ldap[hostname] = await renewCertificate(l, byHostname(hostname), ldapOpen);
        return ldap[hostname];
      },
      /**
       * From now on, every SSH session on the host sees its clock `seconds` off (0: back to the
       * machine's clock): its sshd starts again with libfaketime in the sessions' environment.
       * The hosts share the machine's kernel clock, so this is how a host's clock can drift here.
       */
      async shiftClock(hostname, seconds) {
        const h = Object.values(l.hosts).find((x) => x.hostname === hostname);
        if (!h) throw new Error(`${hostname} is no host of the sandbox`);
        await sshd[hostname].stop();
        sshd[hostname] = await startSshd(l, h.name, { clientPublicKey: pub, ...(seconds ? { sessionEnv: shiftedClockEnv(seconds) } : {}) });
      },
      /** Lets the sandbox outlive this process (the CLI's background mode): down() from the state is then the only way. */
      keep() {
        l.keepOnExit = true;
        live.delete(removeFiles);
      },
      down,
    };
  } catch (e) {
    await down();
    throw e;
  }
}

module.exports = { sandboxUp, sandboxHosts, SANDBOX_HOSTS: sandboxHosts(), SANDBOX_STATE_FILE };

if (require.main === module) require('./cli.cjs').main(process.argv.slice(2));
