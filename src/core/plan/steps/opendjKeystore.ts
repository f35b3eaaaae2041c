/** The primary's OpenDJ keystore, pin and truststore on every other node. */
import { primaryNode } from '../../config/resolve';
import { and, sh } from '../../ssh/shell';
import type { StepRenderer } from '../stepPlan';
import { OPENDJ_CONFIG, exec } from './common';

/**
 * The archive holds OpenDJ's private key and its pin. It never sits in OpenDJ's config folder
 * (owned by the OpenDJ user, who could read or swap it between tar and a later chmod): it is
 * made with umask 077 in a folder of root's that is created fresh (whatever had its name is
 * removed first, and mkdir fails if something takes the name again meanwhile) and removed with it.
 */
export const OPENDJ_ARCHIVE_DIR = '/root/.gluu-cluster-opendj-crts';
const ARCHIVE = `${OPENDJ_ARCHIVE_DIR}/opendj_crts.tar`;
const FILES = ['keystore', 'keystore.pin', 'truststore'];
const freshPrivateDir = sh`umask 077 && rm -rf ${OPENDJ_ARCHIVE_DIR} && mkdir ${OPENDJ_ARCHIVE_DIR}`;

export const renderOpendjKeystore: StepRenderer = ({ config }, resolved) => {
  const primary = primaryNode(config);
  return {
    before: [
      exec(
        primary.host,
        'archive keystore, keystore.pin and truststore',
        sh`${freshPrivateDir} && tar -cf ${ARCHIVE} -C ${OPENDJ_CONFIG} ${FILES}`,
        true,
      ),
    ],
    targets: resolved.targets.map((t) => ({
      host: t.host,
      label: `${t.host} (from ${primary.host})`,
      actions: [
        exec(t.host, 'make a private folder for it', freshPrivateDir, true),
        {
          kind: 'relay',
          title: `copy opendj_crts.tar from ${primary.host}`,
          from: { host: primary.host, path: ARCHIVE, container: true },
          to: { host: t.host, path: ARCHIVE, container: true },
          mode: 0o600,
        },
        exec(t.host, 'extract it and remove the archive', sh`tar -xf ${ARCHIVE} -C ${OPENDJ_CONFIG} && rm -rf ${OPENDJ_ARCHIVE_DIR}`, true),
      ],
      verify: { script: and(...FILES.map((f) => sh`test -s ${`${OPENDJ_CONFIG}/${f}`}`)), container: true },
    })),
    after: [exec(primary.host, 'remove the archive on the primary', sh`rm -rf ${OPENDJ_ARCHIVE_DIR}`, true)],
    notes: [
      "The archive holds private keys: it is made 0600 (umask 077) in a fresh folder of root's, never in OpenDJ's config folder, and removed from every node when done. Idempotent: copies the same files again.",
    ],
  };
};
