/**
 * What the health suites (healthServices.ts, healthCluster.ts) share: the clustered sandbox they
 * run on, as the whole plan left it (wholeCluster.test.ts builds it, then runs them), and its
 * Redis password.
 */
import { type Sandbox } from './sandbox';
import { shOn } from './lab';

/** Quotes, a "!" and a command substitution: the password must reach Redis and Gluu unchanged. */
export const REDIS_PASSWORD = `r3d!s "wh0le" ' $(cluster)`;
/** The directory manager's password on idp1, 0600, for the tests' own ldapsearch and ldapmodify. */
export const LDAP_PASSWORD_ON_IDP1 = '/root/.health.pw';

export interface BuiltCluster {
  sb: Sandbox;
  /** The directory manager's password. */
  password: string;
}

/** The tests' own LDAP password file on idp1; nothing of the cluster is changed by hand. */
export async function prepareForHealth(sb: Sandbox, password: string): Promise<void> {
  await shOn(sb.lab, 'idp1', `umask 077; cat > ${LDAP_PASSWORD_ON_IDP1}`, password);
}
