/**
 * OpenDJ multi-master replication, run on the primary: enable it with each other node, initialize
 * each other node from the primary, then encrypt replication traffic on every node. Passwords go
 * to dsreplication, dsconfig and ldapsearch in 0600 files, never as arguments.
 *
 * Replicated: the cluster's base DN, and o=site where both servers of a pair have it (Gluu's
 * Cluster Manager replicates both). `dsreplication enable` on a pair that already replicates a
 * base DN exits 5 (CLI-FACTS.md), so each enable first reads the status and asks only for what
 * is missing: a run after a partial failure finishes the rest instead of failing on what is done.
 */
import { nodesPrimaryFirst, primaryNode } from '../../config/resolve';
import type { ClusterConfig, GluuNode } from '../../config/types';
import { DSREPLICATION_EXIT } from '../../opendj/exitCodes';
import { and, sh, type Shell } from '../../ssh/shell';
import type { SecretFile } from '../actions';
import type { StepRenderer } from '../stepPlan';
import { ADMIN_PORT, REPLICATION_PORT, dsconfig, exec, ldapPasswordFile } from './common';
import {
  DSREPLICATION,
  caseOf,
  detectEntry,
  flagKeys,
  optionalDNs,
  readStatus,
  replicatesFunction,
  seq,
  serverOf,
} from './replicationShell';

/**
 * The shape all three replication steps share: run on the primary, one script per node, the
 * directory manager password in one 0600 file, a probe inside the container.
 */
function onPrimary(
  config: ClusterConfig,
  stepId: string,
  nodes: GluuNode[],
  call: (n: GluuNode, pw: SecretFile) => { title: string; script: Shell },
  probes: (pw: SecretFile) => { check?: Shell; verify: Shell },
  notes: string[],
): ReturnType<StepRenderer> {
  const primary = primaryNode(config);
  const pw = ldapPasswordFile(stepId);
  const { check, verify } = probes(pw);
  const probe = (script: Shell) => ({ script, container: true, secretFiles: [pw] });
  return {
    before: [],
    targets: [
      {
        host: primary.host,
        label: `${primary.host} (primary)`,
        actions: nodes.map((n) => {
          const { title, script } = call(n, pw);
          return exec(primary.host, title, script, true, [pw]);
        }),
        ...(check ? { check: probe(check) } : {}),
        verify: probe(verify),
      },
    ],
    after: [],
    notes,
  };
}

const others = (config: ClusterConfig) => nodesPrimaryFirst(config).filter((n) => n !== primaryNode(config));

/** "$n0$n1…": the flags of a case key, as shell text. */
function flagsKey(prefix: string, count: number): Shell {
  const flags = Array.from({ length: count }, (_, i) => sh`$${prefix}${i}`);
  return sh`"${flags.reduce((acc, f) => sh`${acc}${f}`, sh``)}"`;
}

/** --baseDN per DN, in order. */
const baseDNArgs = (dns: string[]) => dns.reduce((acc, dn) => sh`${acc} --baseDN ${dn}`, sh``);

/** Sets p<i> to 1 when the primary has the i-th optional DN, else 0. */
const detectOnPrimary = (config: ClusterConfig, pw: SecretFile) =>
  optionalDNs(config).map((dn, i) => detectEntry(config, pw, primaryNode(config).host, dn, `p${i}`));
/** Sets s<i> to 1 when `node` has the i-th optional DN, else 0. */
const detectOnNode = (config: ClusterConfig, pw: SecretFile, node: string) =>
  optionalDNs(config).map((dn, i) => detectEntry(config, pw, node, dn, `s${i}`));
const onBoth = (i: number) => sh`[ "$p${i}$s${i}" = 11 ]`;

function enableScript(config: ClusterConfig, pw: SecretFile, node: GluuNode): Shell {
  const primary = primaryNode(config).host;
  const { bindDN, baseDN } = config.gluu;
  const dns = [baseDN, ...optionalDNs(config)];
  const enable = (chosen: string[]) =>
    sh`${DSREPLICATION} enable --host1 ${primary} --port1 ${ADMIN_PORT} --bindDN1 ${bindDN} --bindPasswordFile1 ${pw.path} --replicationPort1 ${REPLICATION_PORT} --secureReplication1 --host2 ${node.host} --port2 ${ADMIN_PORT} --bindDN2 ${bindDN} --bindPasswordFile2 ${pw.path} --replicationPort2 ${REPLICATION_PORT} --secureReplication2 --adminUID admin --adminPasswordFile ${pw.path}${baseDNArgs(chosen)} -X -n`;
  const server = serverOf(node.host);
  // n<i> = 1: dns[i] still to enable for this pair (the optional ones only where both servers have them).
  const needed = [
    sh`n0=0; replicates ${baseDN} ${server} || n0=1`,
    ...optionalDNs(config).map((dn, i) => sh`n${i + 1}=0; if ${onBoth(i)}; then replicates ${dn} ${server} || n${i + 1}=1; fi`),
  ];
  const keys = flagKeys(dns.length).filter((k) => k.includes('1'));
  const already = DSREPLICATION_EXIT.cannotEnableOnBaseDN;
  return seq(
    readStatus(config, pw, 'firstEnable'),
    replicatesFunction,
    ...detectOnPrimary(config, pw),
    ...detectOnNode(config, pw, node.host),
    ...needed,
    sh`rc=0`,
    caseOf(
      flagsKey('n', dns.length),
      keys.map((key) => ({ key, body: sh`${enable(dns.filter((_, i) => key[i] === '1'))} || rc=$?` })),
      sh`echo ${`${node.host} already replicates every base DN with ${primary}: nothing to enable.`}`,
    ),
    // Exit 5: nothing could be enabled, as when the pair replicates it already (the status can miss
    // a server it failed to read); the verification below checks what holds.
    sh`if [ $rc -eq ${already} ]; then echo ${`dsreplication enable exited ${already}: nothing left to enable between ${primary} and ${node.host} (already replicated); the verification checks it.`}; rc=0; fi`,
    sh`exit $rc`,
  );
}

/** Every other node replicates every base DN it should with the primary (the enable step's check and verification). */
function everyPairEnabled(config: ClusterConfig, pw: SecretFile): Shell {
  const perNode = others(config).map((n) =>
    seq(
      sh`replicates ${config.gluu.baseDN} ${serverOf(n.host)} || exit 1`,
      ...detectOnNode(config, pw, n.host),
      ...optionalDNs(config).map((dn, i) => sh`if ${onBoth(i)}; then replicates ${dn} ${serverOf(n.host)} || exit 1; fi`),
    ),
  );
  return seq(readStatus(config, pw, 'required'), replicatesFunction, ...detectOnPrimary(config, pw), ...perNode, sh`exit 0`);
}

export const renderReplicationEnable: StepRenderer = ({ config }) => {
  const primary = primaryNode(config).host;
  const dns = [config.gluu.baseDN, ...optionalDNs(config)].join(' and ');
  return onPrimary(
    config,
    'replication-enable',
    others(config),
    (n, pw) => ({
      title: `enable replication of ${dns} between ${primary} and ${n.host} (what is not replicated yet${optionalDNs(config).length ? `; ${optionalDNs(config).join(', ')} where both have it` : ''})`,
      script: enableScript(config, pw, n),
    }),
    (pw) => ({ check: everyPairEnabled(config, pw), verify: everyPairEnabled(config, pw) }),
    [
      'The replication admin (uid admin) gets the directory manager password, as in the manual.',
      `Idempotent: dsreplication enable on a pair that already replicates a base DN exits 5, so each node's script reads "dsreplication status -s" on the primary first and enables only the base DNs not listed as enabled for that node; a run after a partial failure finishes the rest. The check skips the step when every node replicates them all.`,
      ...(optionalDNs(config).length
        ? [
            `Also replicates ${optionalDNs(config).join(', ')} (as Gluu's Cluster Manager does) where both servers of a pair have it, found by a base search over LDAPS.`,
          ]
        : []),
      "--secureReplication1/2: a node's first replication server starts with ssl-encryption true, so the initialization that follows is encrypted too.",
    ],
  );
};

function initScript(config: ClusterConfig, pw: SecretFile, node: GluuNode): Shell {
  const primary = primaryNode(config).host;
  const { baseDN } = config.gluu;
  const optional = optionalDNs(config);
  const initialize = (chosen: string[]) =>
    sh`${DSREPLICATION} initialize${baseDNArgs(chosen)} --adminUID admin --adminPasswordFile ${pw.path} --hostSource ${primary} --portSource ${ADMIN_PORT} --hostDestination ${node.host} --portDestination ${ADMIN_PORT} -X -n || rc=$?`;
  // o<i> = 1: the optional DN replicates between the primary and this node (enable found it on both).
  const replicated = optional.map(
    (dn, i) => sh`o${i}=0; replicates ${dn} ${serverOf(primary)} && replicates ${dn} ${serverOf(node.host)} && o${i}=1`,
  );
  const run =
    optional.length === 0
      ? initialize([baseDN])
      : caseOf(
          flagsKey('o', optional.length),
          flagKeys(optional.length)
            .filter((k) => k.includes('1'))
            .map((key) => ({ key, body: initialize([baseDN, ...optional.filter((_, i) => key[i] === '1')]) })),
          initialize([baseDN]),
        );
  const { cannotInitializeOnBaseDN: notReplicated, initializingTriesCompleted: peerNotFound } = DSREPLICATION_EXIT;
  return seq(
    readStatus(config, pw, 'required'),
    replicatesFunction,
    ...replicated,
    sh`rc=0`,
    run,
    sh`case $rc in ${notReplicated}) echo ${`dsreplication initialize exited ${notReplicated}: no base DN is replicated between ${primary} and ${node.host}; run replication-enable first.`} >&2;; ${peerNotFound}) echo ${`dsreplication initialize exited ${peerNotFound}: ${node.host} was not found in the replication topology after 5 tries; is it up and reachable on ports ${ADMIN_PORT} and ${REPLICATION_PORT}?`} >&2;; esac`,
    sh`exit $rc`,
  );
}

/** The status lists every node replicating the base DN. */
function everyNodeReplicates(config: ClusterConfig, pw: SecretFile): Shell {
  return seq(
    readStatus(config, pw, 'required'),
    replicatesFunction,
    and(...nodesPrimaryFirst(config).map((n) => sh`replicates ${config.gluu.baseDN} ${serverOf(n.host)}`)),
  );
}

export const renderReplicationInit: StepRenderer = ({ config }) => {
  const primary = primaryNode(config).host;
  return onPrimary(
    config,
    'replication-init',
    others(config),
    (n, pw) => ({
      title: `initialize ${n.host} with the contents of ${primary} (${[config.gluu.baseDN, ...optionalDNs(config)].join(', ')} where replicated)`,
      script: initScript(config, pw, n),
    }),
    (pw) => ({ verify: everyNodeReplicates(config, pw) }),
    [
      "Not idempotent: running it again replaces each other node's data with the primary's (changes made only on those nodes are lost).",
      ...(optionalDNs(config).length
        ? [`Initializes ${optionalDNs(config).join(', ')} too where the status shows it replicated between the primary and the node.`]
        : []),
    ],
  );
};

export const renderReplicationSecure: StepRenderer = ({ config }) => {
  const all = nodesPrimaryFirst(config);
  const allOn = (pw: SecretFile) =>
    and(...all.map((n) => sh`${dsconfig(config, n.host, pw, sh`get-crypto-manager-prop --property ssl-encryption -s`)} | grep -q true`));
  return onPrimary(
    config,
    'replication-secure',
    all,
    (n, pw) => ({
      title: `encrypt replication on ${n.host}`,
      script: dsconfig(config, n.host, pw, sh`set-crypto-manager-prop --set ssl-encryption:true`),
    }),
    (pw) => ({ check: allOn(pw), verify: allOn(pw) }),
    [
      "-X (--trustAll) as in the manual: the nodes' admin certificates are self-signed. Idempotent: sets the same value again.",
      "Runs again after any enable: an enable that creates a replication server on a node sets its ssl-encryption to the enable's --secureReplication value, resetting what was set before, so this step requires replication-enable (through replication-init) and goes stale whenever replication-enable changes anything.",
    ],
  );
};
