/**
 * The primary's setup.properties.last becomes each other node's setup.properties with that
 * node's own ip=. The extension relays the file over SFTP itself: no scp between servers and
 * no chown of the setup directory to a login user and back.
 */
import type { StepRenderer } from '../stepPlan';
import { sh } from '../../ssh/shell';
import { primaryNode } from '../../config/resolve';
import { SETUP_DIR } from './common';

export const renderSetupProperties: StepRenderer = ({ config }, resolved) => {
  const primary = primaryNode(config);
  return {
    before: [],
    targets: resolved.targets.map((t) => {
      const node = config.nodes.find((n) => n.host === t.host)!;
      const dest = `${SETUP_DIR}/setup.properties`;
      return {
        host: t.host,
        label: `${t.host} (from ${primary.host})`,
        actions: [
          {
            kind: 'relay',
            title: `copy setup.properties.last from ${primary.host} with ip=${node.address}`,
            from: { host: primary.host, path: `${SETUP_DIR}/setup.properties.last`, container: true },
            to: { host: t.host, path: dest, container: true },
            // It holds the installation's passwords in clear text.
            mode: 0o600,
            setProperty: { key: 'ip', value: node.address },
          },
        ],
        check: { script: sh`grep -qx ${`ip=${node.address}`} ${dest}`, container: true },
        verify: { script: sh`grep -qx ${`ip=${node.address}`} ${dest}`, container: true },
      };
    }),
    after: [],
    notes: [
      "The file keeps mode 0600: setup.properties holds the installation's passwords in clear text.",
      'Idempotent: copying again gives the same file.',
    ],
  };
};
