/**
 * On every node, the Gluu certificates go into the JRE's cacerts under "<lb-host>_<name>", as
 * cluster-mgr's keystore_Config.py does: delete the old alias, import the file; files that do not
 * exist on this installation (openldap.crt on OpenDJ, asimba.crt without Asimba) are skipped.
 */
import type { ClusterConfig } from '../../config/types';
import { and, sh, type Shell } from '../../ssh/shell';
import type { StepRenderer } from '../stepPlan';
import { CERTS_DIR, JRE_CACERTS, KEYTOOL, exec } from './common';

/** JRE default store password: public knowledge, not a secret. */
const STOREPASS = 'changeit';

export function keystoreCerts(config: ClusterConfig): string[] {
  return ['httpd', 'shibIDP', 'idp-encryption', 'idp-signing', 'asimba', config.gluu.ldap];
}

export const keystoreAlias = (config: ClusterConfig, name: string) => `${config.loadBalancer.host}_${name}`;

function importCert(config: ClusterConfig, name: string): Shell {
  const file = `${CERTS_DIR}/${name}.crt`;
  const alias = keystoreAlias(config, name);
  return sh`if [ -f ${file} ]; then ${KEYTOOL} -delete -alias ${alias} -keystore ${JRE_CACERTS} -storepass ${STOREPASS} -noprompt >/dev/null 2>&1; ${KEYTOOL} -import -trustcacerts -alias ${alias} -file ${file} -keystore ${JRE_CACERTS} -storepass ${STOREPASS} -noprompt; else echo ${`skip ${name}.crt: not on this node`}; fi`;
}

function imported(config: ClusterConfig): Shell {
  return and(
    ...keystoreCerts(config).map(
      (n) =>
        sh`{ [ ! -f ${`${CERTS_DIR}/${n}.crt`} ] || ${KEYTOOL} -list -alias ${keystoreAlias(config, n)} -keystore ${JRE_CACERTS} -storepass ${STOREPASS} >/dev/null 2>&1; }`,
    ),
  );
}

export const renderKeystores: StepRenderer = ({ config }, resolved) => ({
  before: [],
  targets: resolved.targets.map((t) => ({
    host: t.host,
    label: t.host,
    actions: keystoreCerts(config).map((n) => exec(t.host, `${n}.crt as ${keystoreAlias(config, n)}`, importCert(config, n), true)),
    check: { script: imported(config), container: true },
    verify: { script: imported(config), container: true },
  })),
  after: [],
  notes: [`Aliases are "${config.loadBalancer.host}_<name>". Idempotent: each alias is deleted before it is imported.`],
});
