/**
 * What the health suites (healthServices.ts, healthCluster.ts) share: the clustered sandbox they
 * run on (wholeCluster.test.ts builds it with the whole plan, then runs them), its Redis password,
 * and what the manual has the operator do by hand once the plan is done.
 */
import { type Sandbox } from './sandbox';
import { shOn } from './lab';

/** Quotes, a "!" and a command substitution: the password must reach Redis and Gluu unchanged. */
export const REDIS_PASSWORD = `r3d!s "wh0le" ' $(cluster)`;
export const OX_LDAP = '/etc/gluu/conf/ox-ldap.properties';
/** The directory manager's password on idp1, 0600, for the tests' own ldapsearch and ldapmodify. */
export const LDAP_PASSWORD_ON_IDP1 = '/root/.health.pw';

export interface BuiltCluster {
  sb: Sandbox;
  /** The directory manager's password. */
  password: string;
}

/** After the whole plan: each node's ox-ldap.properties lists its own LDAP first, as the manual has it. */
export async function prepareForHealth(sb: Sandbox, password: string): Promise<void> {
  await shOn(sb.lab, 'idp1', `sed -i 's/^servers: .*/servers: idp1.gluu.test:1636,idp2.gluu.test:1636/' ${OX_LDAP}`);
  await shOn(sb.lab, 'idp2', `sed -i 's/^servers: .*/servers: idp2.gluu.test:1636,idp1.gluu.test:1636/' ${OX_LDAP}`);
  await shOn(sb.lab, 'idp1', `umask 077; cat > ${LDAP_PASSWORD_ON_IDP1}`, password);
}
