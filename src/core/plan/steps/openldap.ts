/**
 * OpenLDAP multi-provider replication for Gluu 3.1.x with OpenLDAP (Symas, service solserver):
 * 1. LDAP reachable by the peers: the node's own ldaps URL added to HOST_LIST, solserver
 *    restarted, proven by the listening socket.
 * 2. The secondaries initialized from the primary: its directory exported with slapcat, relayed
 *    through the extension (checksum compared), imported with the node's own server id, the old
 *    database kept aside — what `dsreplication initialize` does for OpenDJ.
 * 3. Delta-syncrepl on every node from the generated openldap-replication.conf, checked with
 *    slaptest before solserver restarts with it (the previous slapd.conf back if anything fails),
 *    then proven: an entry written on each node appears on every other, and the contextCSNs agree.
 */
import { nodesPrimaryFirst, primaryNode } from '../../config/resolve';
import type { GluuNode } from '../../config/types';
import { LDAPS_PORT } from '../../gluu/facts';
import { listensOn } from '../../gluu/listening';
import {
  OPENLDAP_CERT,
  PEERS_BUNDLE,
  PEERS_DIR,
  REPLICATED_DATABASES,
  SLAPD_CONF,
  SOLSERVER,
  SYMAS_CONF,
  SYMAS_ETC,
  SYMAS_SBIN,
  peerUrl,
  serverIds,
} from '../../gluu/openldap';
import { and, lines, sh } from '../../ssh/shell';
import type { Action } from '../actions';
import { generatedUpload } from '../generated';
import type { StepRenderer } from '../stepPlan';
import { exec, ldapPasswordFile } from './common';
import { applyReplicationConfig, hasDatabase, replicationProbe, restartSolserver } from './openldapScripts';

/** Where the primary's export waits for the relay (0700, removed afterwards): it holds password hashes. */
export const EXPORT_DIR = '/root/.gluu-cluster-ldap-export';
/** The generated file on each node, before it is spliced into slapd.conf. */
export const REPLICATION_FRAGMENT = `${SYMAS_ETC}/gluu-cluster-replication.conf`;

/** The URLs in HOST_LIST (its last line wins, as when the init script sources the file; quotes optional). */
const HOST_LIST = sh`sed -n 's/^HOST_LIST="\{0,1\}\([^"]*\)"\{0,1\}[[:space:]]*$/\1/p' ${SYMAS_CONF} | tail -n 1`;

const exportFile = (suffix: string) => `${EXPORT_DIR}/${suffix}.ldif`;
const nodeOf = (hosts: readonly GluuNode[], host: string) => hosts.find((n) => n.host === host)!;

export const renderOpenldapListen: StepRenderer = ({ config }, resolved) => ({
  before: [],
  targets: resolved.targets.map((t) => {
    const node = nodeOf(config.nodes, t.host);
    const url = peerUrl(node);
    // URLs slapd would also bind on this address and port: kept, slapd fails with "Address already in use".
    const [first, ...rest] = [
      `ldaps://${node.address}:${LDAPS_PORT}/`,
      `ldaps://${node.address}:${LDAPS_PORT}`,
      `ldaps://0.0.0.0:${LDAPS_PORT}/`,
      'ldaps:///',
      `ldaps://:${LDAPS_PORT}/`,
      url,
    ];
    const same = rest.reduce((pattern, u) => sh`${pattern}|${u}`, sh`${first}`);
    const hasUrl = sh`${HOST_LIST} | tr ' ' '\n' | grep -qxF ${url}`;
    return {
      host: t.host,
      label: t.host,
      actions: [
        exec(
          t.host,
          `add ${url} to HOST_LIST in ${SYMAS_CONF} (it keeps listening on 127.0.0.1)`,
          sh`[ -f ${SYMAS_CONF} ] || { echo ${`${SYMAS_CONF} is missing: is this Gluu with OpenLDAP?`} >&2; exit 1; }
${hasUrl} || {
  cp -p ${SYMAS_CONF} ${`${SYMAS_CONF}.gluu-cluster.prev`} || exit 1
  keep=; for u in $(${HOST_LIST}); do
    case "$u" in ${same}) echo "dropping $u from HOST_LIST: it binds the same address and port as" ${url} ;; *) keep="$keep$u " ;; esac
  done
  if grep -q '^HOST_LIST=' ${SYMAS_CONF}; then
    awk -v new="$keep"${url} '/^HOST_LIST=/ { print "HOST_LIST=\"" new "\""; next } { print }' ${SYMAS_CONF} > ${`${SYMAS_CONF}.new`} && cat ${`${SYMAS_CONF}.new`} > ${SYMAS_CONF} && rm -f ${`${SYMAS_CONF}.new`} || exit 1
  else printf 'HOST_LIST="%s"\n' ${url} >> ${SYMAS_CONF} || exit 1; fi
}`,
          true,
        ),
        exec(
          t.host,
          `restart ${SOLSERVER} and wait for it to listen on ${node.address}:${LDAPS_PORT}`,
          sh`${restartSolserver(node.address)} || { [ -f ${`${SYMAS_CONF}.gluu-cluster.prev`} ] && cp -p ${`${SYMAS_CONF}.gluu-cluster.prev`} ${SYMAS_CONF} && service ${SOLSERVER} restart; echo ${`the previous ${SYMAS_CONF} is back`} >&2; exit 1; }`,
          true,
        ),
      ],
      check: { script: and(hasUrl, listensOn(node.address, LDAPS_PORT)), container: true },
      verify: { script: and(hasUrl, listensOn(node.address, LDAPS_PORT)), container: true },
    };
  }),
  after: [],
  notes: [
    `Gluu's OpenLDAP listens on 127.0.0.1 only (HOST_LIST in ${SYMAS_CONF}); the peers' syncrepl reach each node at its own ldaps URL, which is also how each slapd finds its serverID.`,
    "The node's certificate (/etc/certs/openldap.crt) must name the node (CN or subjectAltName): the peers check it. Gluu's setup names it after setup.properties' hostname.",
    'Idempotent: the URL is added once; the check looks at the listening socket, not only the file.',
  ],
});

export const renderOpenldapInit: StepRenderer = ({ config }, resolved) => {
  const primary = primaryNode(config);
  const ids = serverIds(config.nodes);
  const dbs = REPLICATED_DATABASES;
  const exportAll = dbs.map(
    (d) =>
      sh`if ${hasDatabase(d.suffix)}; then ${SYMAS_SBIN}/slapcat -f ${SLAPD_CONF} -b ${d.suffix} -l ${exportFile(d.suffix)}; else : > ${exportFile(d.suffix)}; fi`,
  );
  return {
    before: [
      exec(
        primary.host,
        `export ${dbs.map((d) => d.suffix).join(' and ')} on ${primary.host} with slapcat into ${EXPORT_DIR} (0700)`,
        sh`umask 077 && rm -rf ${EXPORT_DIR} && mkdir -m 700 ${EXPORT_DIR} && ${and(...exportAll)}`,
        true,
      ),
    ],
    targets: resolved.targets.map((t) => {
      const sid = ids.get(t.host)!;
      const imports = dbs.map((d) => {
        const f = exportFile(d.suffix);
        return sh`if [ -s ${f} ]; then
  if ${hasDatabase(d.suffix)} && owner=$(stat -c %U:%G ${d.directory}) && mv ${d.directory} ${d.directory}.before-gluu-cluster-"$stamp" && mkdir -m 700 ${d.directory} && chown "$owner" ${d.directory}; then
    moved="$moved ${d.directory}"
    if ${SYMAS_SBIN}/slapadd -q -f ${SLAPD_CONF} -b ${d.suffix} -S ${sid} -w -l ${f} && chown -R "$owner" ${d.directory} && [ "$(grep -c '^dn:' ${f})" = "$(${SYMAS_SBIN}/slapcat -f ${SLAPD_CONF} -b ${d.suffix} | grep -c '^dn:')" ]; then
      echo "${d.suffix}: $(grep -c '^dn:' ${f}) entries imported with server id ${sid}; the old database is ${d.directory}.before-gluu-cluster-$stamp"
    else echo ${`importing ${d.suffix} failed`} >&2; fail=1; fi
  else echo ${`${d.suffix} could not be set aside (or is on ${primary.host} but not in this node's ${SLAPD_CONF})`} >&2; fail=1; fi
fi`;
      });
      const restore = dbs.map(
        (d) =>
          sh`case " $moved " in *${` ${d.directory} `}*) rm -rf ${d.directory} && mv ${d.directory}.before-gluu-cluster-"$stamp" ${d.directory};; esac`,
      );
      return {
        host: t.host,
        label: `${t.host} (from ${primary.host})`,
        actions: [
          exec(t.host, `make ${EXPORT_DIR} (0700)`, sh`umask 077 && mkdir -p -m 700 ${EXPORT_DIR}`, true),
          ...dbs.map((d): Action => ({
            kind: 'relay',
            title: `copy the ${d.suffix} export from ${primary.host}`,
            from: { host: primary.host, path: exportFile(d.suffix), container: true },
            to: { host: t.host, path: exportFile(d.suffix), container: true },
            mode: 0o600,
          })),
          exec(
            t.host,
            `stop ${SOLSERVER}, keep the current databases aside, import the primary's with server id ${sid}, start ${SOLSERVER}`,
            sh`stamp=$(date +%Y%m%d%H%M%S); fail=; moved=
service ${SOLSERVER} stop
${lines(...imports)}
if [ -n "$fail" ]; then
  ${lines(...restore)}
  service ${SOLSERVER} start; rm -rf ${EXPORT_DIR}; echo ${'the import failed: the previous databases are back'} >&2; exit 1
fi
rm -rf ${EXPORT_DIR}
${restartSolserver()}`,
            true,
          ),
        ],
        verify: { script: sh`service ${SOLSERVER} status >/dev/null`, container: true },
      };
    }),
    after: [exec(primary.host, `remove the export on ${primary.host}`, sh`rm -rf ${EXPORT_DIR}`, true)],
    notes: [
      `Every secondary's ${dbs.map((d) => d.suffix).join(' and ')} is replaced by the primary's: changes made only on a secondary are lost (its old database stays aside as <directory>.before-gluu-cluster-<time>).`,
      "slapadd gets the node's server id (-S) and writes the contextCSN (-w): without -S it would write server id 000, which multi-provider replication cannot use.",
      'The export holds password hashes: it lives in a 0700 folder and is removed from both nodes afterwards.',
      "Not idempotent: running it again replaces the secondaries' directories again; a whole-plan run never does that unless the step is named (--force openldap-init).",
    ],
  };
};

export const renderOpenldapReplication: StepRenderer = (input, resolved) => {
  const { config } = input;
  const nodes = nodesPrimaryFirst(config);
  const primary = primaryNode(config);
  const pw = ldapPasswordFile('openldap-replication');
  const certOf = (n: GluuNode) => `${PEERS_DIR}/${n.host}.crt`;
  const targets = resolved.targets.map((t) => {
    const self = nodeOf(config.nodes, t.host);
    const peers = nodes.filter((n) => n.host !== t.host);
    return {
      host: t.host,
      label: t.host,
      actions: [
        exec(
          t.host,
          `make sure ${OPENLDAP_CERT} names ${t.host} (the peers' syncrepl check it)`,
          sh`out=$(openssl x509 -noout -checkhost ${t.host} -in ${OPENLDAP_CERT} 2>&1)
case "$out" in
  *"does match"*) echo ${`${OPENLDAP_CERT} names ${t.host}`} ;;
  *"does NOT match"*) echo ${`${OPENLDAP_CERT} on ${t.host} does not name ${t.host} (its subject: `}"$(openssl x509 -noout -subject -in ${OPENLDAP_CERT})"${`): the other nodes' syncrepl would refuse it. Make a certificate for ${t.host} (CN or subjectAltName), restart solserver, and run this step again. Nothing was changed.`} >&2; exit 1 ;;
  *) echo ${`cannot check the name in ${OPENLDAP_CERT} with this openssl; the peers' syncrepl will:`} "$out" >&2 ;;
esac`,
          true,
        ),
        exec(t.host, `make ${PEERS_DIR}`, sh`mkdir -p ${PEERS_DIR} && cp ${OPENLDAP_CERT} ${certOf(self)}`, true),
        ...peers.map((p): Action => ({
          kind: 'relay',
          title: `copy ${p.host}'s LDAP certificate (what syncrepl checks when it connects there)`,
          from: { host: p.host, path: OPENLDAP_CERT, container: true },
          to: { host: t.host, path: certOf(p), container: true },
          mode: 0o644,
        })),
        exec(t.host, `trust the cluster's LDAP certificates: ${PEERS_BUNDLE}`, sh`cat ${nodes.map(certOf)} > ${PEERS_BUNDLE}`, true),
        generatedUpload(input, 'openldap-replication.conf', 'write', { host: t.host, path: REPLICATION_FRAGMENT, container: true }),
        exec(
          t.host,
          `splice it into ${SLAPD_CONF}, check it with slaptest, restart ${SOLSERVER} with it (the previous file back if anything fails)`,
          applyReplicationConfig(REPLICATION_FRAGMENT, pw.path, REPLICATED_DATABASES),
          true,
          [pw],
        ),
      ],
      verify: {
        script: and(sh`grep -q '^# BEGIN gluu-cluster replication: global' ${SLAPD_CONF}`, sh`service ${SOLSERVER} status >/dev/null`),
        container: true,
      },
    };
  });
  return {
    before: [],
    targets,
    after: [
      exec(
        primary.host,
        'prove it: an entry written on each node appears on every other (and is removed again), then every contextCSN agrees',
        replicationProbe(config, nodes, pw.path),
        true,
        [pw],
      ),
    ],
    notes: [
      'One node at a time: the others keep answering while a node restarts.',
      `Server ids: ${nodes.map((n) => `${n.host} ${serverIds(config.nodes).get(n.host)}`).join(', ')} (derived from each host name, so they never change when nodes come and go).`,
      'The replication identity is the directory manager; its password is filled into slapd.conf on the node (0600), never kept in the workspace file.',
      'Idempotent: the spliced blocks are replaced, not added again; every run restarts solserver once per node.',
    ],
  };
};
