/**
 * OpenDJ multi-master replication, run on the primary: enable it with each other node, initialize
 * each other node from the primary, then encrypt replication traffic on every node. Passwords go
 * to dsreplication and dsconfig in 0600 files, never as arguments.
 */
import { nodesPrimaryFirst, primaryNode } from '../../config/resolve';
import type { ClusterConfig } from '../../config/types';
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

export const renderReplicationEnable: StepRenderer = ({ config }) => {
  const primary = primaryNode(config);
  const pw = ldapPasswordFile('replication-enable');
  const others = nodesPrimaryFirst(config).filter((n) => n !== primary);
  return {
    before: [],
    targets: [
      {
        host: primary.host,
        label: `${primary.host} (primary)`,
        actions: others.map((n) =>
          exec(
            primary.host,
            `enable replication of ${config.gluu.baseDN} between ${primary.host} and ${n.host}`,
            sh`${OPENDJ}/bin/dsreplication enable --host1 ${primary.host} --port1 ${ADMIN_PORT} --bindDN1 ${config.gluu.bindDN} --bindPasswordFile1 ${pw.path} --replicationPort1 ${REPLICATION_PORT} --host2 ${n.host} --port2 ${ADMIN_PORT} --bindDN2 ${config.gluu.bindDN} --bindPasswordFile2 ${pw.path} --replicationPort2 ${REPLICATION_PORT} --adminUID admin --adminPasswordFile ${pw.path} --baseDN ${config.gluu.baseDN} -X -n`,
            true,
            [pw],
          ),
        ),
        check: { script: statusLists(config, pw, nodesPrimaryFirst(config).map((n) => n.host)), container: true, secretFiles: [pw] },
        verify: { script: statusLists(config, pw, nodesPrimaryFirst(config).map((n) => n.host)), container: true, secretFiles: [pw] },
      },
    ],
    after: [],
    notes: [
      'The replication admin (uid admin) gets the directory manager password, as in the manual.',
      'Idempotent: dsreplication enable on servers that already replicate updates their configuration; the check skips it when every node is listed.',
    ],
  };
};

export const renderReplicationInit: StepRenderer = ({ config }) => {
  const primary = primaryNode(config);
  const pw = ldapPasswordFile('replication-init');
  const others = nodesPrimaryFirst(config).filter((n) => n !== primary);
  return {
    before: [],
    targets: [
      {
        host: primary.host,
        label: `${primary.host} (primary)`,
        actions: others.map((n) =>
          exec(
            primary.host,
            `initialize ${n.host} with the contents of ${primary.host}`,
            sh`${OPENDJ}/bin/dsreplication initialize --baseDN ${config.gluu.baseDN} --adminUID admin --adminPasswordFile ${pw.path} --hostSource ${primary.host} --portSource ${ADMIN_PORT} --hostDestination ${n.host} --portDestination ${ADMIN_PORT} -X -n`,
            true,
            [pw],
          ),
        ),
        verify: { script: statusLists(config, pw, nodesPrimaryFirst(config).map((n) => n.host)), container: true, secretFiles: [pw] },
      },
    ],
    after: [],
    notes: ["Not idempotent: running it again replaces each other node's data with the primary's (changes made only on those nodes are lost)."],
  };
};

export const renderReplicationSecure: StepRenderer = ({ config }) => {
  const primary = primaryNode(config);
  const pw = ldapPasswordFile('replication-secure');
  const all = nodesPrimaryFirst(config);
  const isOn = (host: string) => sh`${dsconfig(config, host, pw, sh`get-crypto-manager-prop --property ssl-encryption -s`)} | grep -q true`;
  return {
    before: [],
    targets: [
      {
        host: primary.host,
        label: `${primary.host} (primary)`,
        actions: all.map((n) => exec(primary.host, `encrypt replication on ${n.host}`, dsconfig(config, n.host, pw, sh`set-crypto-manager-prop --set ssl-encryption:true`), true, [pw])),
        check: { script: and(...all.map((n) => isOn(n.host))), container: true, secretFiles: [pw] },
        verify: { script: and(...all.map((n) => isOn(n.host))), container: true, secretFiles: [pw] },
      },
    ],
    after: [],
    notes: ['-X (--trustAll) as in the manual: the nodes\' admin certificates are self-signed. Idempotent: sets the same value again.'],
  };
};
