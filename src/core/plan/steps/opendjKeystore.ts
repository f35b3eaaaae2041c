/** The primary's OpenDJ keystore, pin and truststore on every other node. */
import { primaryNode } from '../../config/resolve';
import { and, sh } from '../../ssh/shell';
import type { StepRenderer } from '../stepPlan';
import { OPENDJ_CONFIG, exec } from './common';

const ARCHIVE = `${OPENDJ_CONFIG}/opendj_crts.tar`;
const FILES = ['keystore', 'keystore.pin', 'truststore'];

export const renderOpendjKeystore: StepRenderer = ({ config }, resolved) => {
  const primary = primaryNode(config);
  return {
    before: [
      exec(
        primary.host,
        'archive keystore, keystore.pin and truststore',
        sh`cd ${OPENDJ_CONFIG} && tar -cf opendj_crts.tar ${FILES} && chmod 600 opendj_crts.tar`,
        true,
      ),
    ],
    targets: resolved.targets.map((t) => ({
      host: t.host,
      label: `${t.host} (from ${primary.host})`,
      actions: [
        {
          kind: 'relay',
          title: `copy opendj_crts.tar from ${primary.host}`,
          from: { host: primary.host, path: ARCHIVE, container: true },
          to: { host: t.host, path: ARCHIVE, container: true },
          mode: 0o600,
        },
        exec(
          t.host,
          'extract it and remove the archive',
          sh`cd ${OPENDJ_CONFIG} && tar -xf opendj_crts.tar && rm -f opendj_crts.tar`,
          true,
        ),
      ],
      verify: { script: and(...FILES.map((f) => sh`test -s ${`${OPENDJ_CONFIG}/${f}`}`)), container: true },
    })),
    after: [exec(primary.host, 'remove the archive on the primary', sh`rm -f ${ARCHIVE}`, true)],
    notes: ['The archive holds private keys: it is 0600 and removed from every node when done. Idempotent: copies the same files again.'],
  };
};
