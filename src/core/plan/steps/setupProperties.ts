/**
 * The primary's setup.properties.last becomes each other node's setup.properties with that
 * node's own ip= and the load balancer's FQDN as hostname= (what clients and the OpenID issuer
 * see, as Gluu's Cluster Manager installs every node). The extension relays the file over SFTP
 * itself: no scp between servers and no chown of the setup directory to a login user and back.
 */
import type { StepRenderer } from '../stepPlan';
import { and, sh } from '../../ssh/shell';
import { primaryNode } from '../../config/resolve';
import { SETUP_DIR } from './common';

export const renderSetupProperties: StepRenderer = ({ config }, resolved) => {
  const primary = primaryNode(config);
  const lb = config.loadBalancer.host;
  return {
    before: [],
    targets: resolved.targets.map((t) => {
      const node = config.nodes.find((n) => n.host === t.host)!;
      const dest = `${SETUP_DIR}/setup.properties`;
      const holds = and(sh`grep -qx ${`ip=${node.address}`} ${dest}`, sh`grep -qx ${`hostname=${lb}`} ${dest}`);
      return {
        host: t.host,
        label: `${t.host} (from ${primary.host})`,
        actions: [
          {
            kind: 'relay',
            title: `copy setup.properties.last from ${primary.host} with ip=${node.address} and hostname=${lb}`,
            from: { host: primary.host, path: `${SETUP_DIR}/setup.properties.last`, container: true },
            to: { host: t.host, path: dest, container: true },
            // It holds the installation's passwords in clear text.
            mode: 0o600,
            setProperties: [
              { key: 'ip', value: node.address },
              { key: 'hostname', value: lb },
            ],
          },
        ],
        check: { script: holds, container: true },
        verify: { script: holds, container: true },
      };
    }),
    after: [],
    notes: [
      `hostname=${config.loadBalancer.host} on every node: the load balancer's name is the one clients, the certificates and the OpenID issuer use, whichever node answers (Gluu's Cluster Manager installs every node so). The primary keeps the hostname it was installed with: if its setup.properties.last names another, its issuer differs from the others' (the health check's web application rows say so), and only installing it again changes that.`,
      "The file keeps mode 0600: setup.properties holds the installation's passwords in clear text.",
      'Idempotent: copying again gives the same file.',
    ],
  };
};
