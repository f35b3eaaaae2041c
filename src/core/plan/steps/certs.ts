/** The primary's /etc/certs on every other node, owned by gluu, oxauth-keys by jetty (manual §6). */
import { primaryNode } from '../../config/resolve';
import { and, sh } from '../../ssh/shell';
import type { StepRenderer } from '../stepPlan';
import { CERTS_DIR, exec } from './common';

const ARCHIVE = '/root/gluu-cluster-certs.tar';

export const renderCerts: StepRenderer = ({ config }, resolved) => {
  const primary = primaryNode(config);
  // OpenLDAP's syncrepl checks each peer's certificate against the peer's name: the primary's
  // openldap.crt on every node would make each node present the primary's name.
  const openldap = config.gluu.ldap === 'openldap';
  return {
    before: [
      exec(
        primary.host,
        `archive ${CERTS_DIR}${openldap ? ' (without openldap.*: each node keeps the LDAP certificate that names it)' : ''}`,
        and(sh`umask 077`, sh`tar -C ${CERTS_DIR}${openldap ? sh` --exclude='./openldap.*'` : sh``} -cf ${ARCHIVE} .`),
        true,
      ),
    ],
    targets: resolved.targets.map((t) => ({
      host: t.host,
      label: `${t.host} (from ${primary.host})`,
      actions: [
        {
          kind: 'relay',
          title: `copy the certificates from ${primary.host}`,
          from: { host: primary.host, path: ARCHIVE, container: true },
          to: { host: t.host, path: ARCHIVE, container: true },
          mode: 0o600,
        },
        exec(
          t.host,
          `replace ${CERTS_DIR}, chown .gluu, oxauth-keys.j* to jetty`,
          and(
            sh`tar -C ${CERTS_DIR} -xf ${ARCHIVE}`,
            sh`rm -f ${ARCHIVE}`,
            sh`cd ${CERTS_DIR}`,
            sh`chown :gluu *`,
            sh`{ chown jetty:jetty oxauth-keys.j* 2>/dev/null || true; }`,
          ),
          true,
        ),
      ],
      verify: {
        script: and(sh`test -s ${`${CERTS_DIR}/httpd.crt`}`, sh`[ "$(stat -c %G ${`${CERTS_DIR}/httpd.crt`})" = gluu ]`),
        container: true,
      },
    })),
    after: [exec(primary.host, 'remove the archive', sh`rm -f ${ARCHIVE}`, true)],
    notes: ['The archive holds private keys: 0600, removed when done. Idempotent: copies the same files again.'],
  };
};
