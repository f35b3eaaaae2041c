/**
 * OpenDJ multi-master replication, run on the primary: enable it with each other node, initialize
 * each other node from the primary, then encrypt replication traffic on every node. Passwords go
 * to dsreplication and dsconfig in 0600 files, never as arguments.
 */
import { nodesPrimaryFirst, primaryNode } from '../../config/resolve';
import type { ClusterConfig, GluuNode } from '../../config/types';
import { and, sh, type Shell } from '../../ssh/shell';
import type { SecretFile } from '../actions';
import type { StepRenderer } from '../stepPlan';
import { ADMIN_PORT, OPENDJ, REPLICATION_PORT, dsconfig, exec, ldapPasswordFile } from './common';

function status(config: ClusterConfig, pw: SecretFile): Shell {
  return sh`${OPENDJ}/bin/dsreplication status -n -X -h ${primaryNode(config).host} -p ${ADMIN_PORT} -I admin -j ${pw.path}`;
}

/** Replication status lists every given host for the base DN. */
function statusLists(config: ClusterConfig, pw: SecretFile, hosts: string[]): Shell {
  return sh`out=$(${status(config, pw)}) && ${and(...hosts.map((h) => sh`printf '%s\n' "$out" | grep -F ${config.gluu.baseDN} | grep -qF ${`${h}:${ADMIN_PORT}`}`))}`;
}

/**
 * The shape all three replication steps share: run on the primary, one dsreplication/dsconfig
 * call per node, the directory manager password in one 0600 file, a probe inside the container.
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
const everyNodeListed = (config: ClusterConfig, pw: SecretFile) =>
  statusLists(
    config,
    pw,
    nodesPrimaryFirst(config).map((n) => n.host),
  );

export const renderReplicationEnable: StepRenderer = ({ config }) => {
  const primary = primaryNode(config).host;
  const { bindDN, baseDN } = config.gluu;
  return onPrimary(
    config,
    'replication-enable',
    others(config),
    (n, pw) => ({
      title: `enable replication of ${baseDN} between ${primary} and ${n.host}`,
      script: sh`${OPENDJ}/bin/dsreplication enable --host1 ${primary} --port1 ${ADMIN_PORT} --bindDN1 ${bindDN} --bindPasswordFile1 ${pw.path} --replicationPort1 ${REPLICATION_PORT} --host2 ${n.host} --port2 ${ADMIN_PORT} --bindDN2 ${bindDN} --bindPasswordFile2 ${pw.path} --replicationPort2 ${REPLICATION_PORT} --adminUID admin --adminPasswordFile ${pw.path} --baseDN ${baseDN} -X -n`,
    }),
    (pw) => ({ check: everyNodeListed(config, pw), verify: everyNodeListed(config, pw) }),
    [
      'The replication admin (uid admin) gets the directory manager password, as in the manual.',
      'Idempotent: dsreplication enable on servers that already replicate updates their configuration; the check skips it when every node is listed.',
    ],
  );
};

export const renderReplicationInit: StepRenderer = ({ config }) => {
  const primary = primaryNode(config).host;
  return onPrimary(
    config,
    'replication-init',
    others(config),
    (n, pw) => ({
      title: `initialize ${n.host} with the contents of ${primary}`,
      script: sh`${OPENDJ}/bin/dsreplication initialize --baseDN ${config.gluu.baseDN} --adminUID admin --adminPasswordFile ${pw.path} --hostSource ${primary} --portSource ${ADMIN_PORT} --hostDestination ${n.host} --portDestination ${ADMIN_PORT} -X -n`,
    }),
    (pw) => ({ verify: everyNodeListed(config, pw) }),
    ["Not idempotent: running it again replaces each other node's data with the primary's (changes made only on those nodes are lost)."],
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
    ["-X (--trustAll) as in the manual: the nodes' admin certificates are self-signed. Idempotent: sets the same value again."],
  );
};
