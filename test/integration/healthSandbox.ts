/**
 * What the health suites (healthServices.ts, healthCluster.ts) share: the clustered sandbox they
 * run on, as the whole plan left it (wholeCluster.test.ts builds it, then runs them), its Redis
 * password, and the CLI with both passwords that the three files run it with. Nothing of the
 * cluster is changed by hand.
 */
import type { HealthRow } from '../../src/core/health/model';
import { sandboxCli, type Sandbox } from './sandbox';

/** Quotes, a "!" and a command substitution: the password must reach Redis and Gluu unchanged. */
export const REDIS_PASSWORD = `r3d!s "wh0le" ' $(cluster)`;

export interface BuiltCluster {
  sb: Sandbox;
  /** The directory manager's password. */
  password: string;
}

/** gluu-cluster on the sandbox's cluster file with both passwords in its environment, as cron would run it. */
export const clusterCli = (sb: Sandbox, password: string, args: string[]) =>
  sandboxCli(sb.clusterFile, { GLUU_CLUSTER_LDAP_ADMIN_PASSWORD: password, GLUU_CLUSTER_REDIS_PASSWORD: REDIS_PASSWORD }, args);

/** Health rows one per line, for an assertion's message. */
export const showRows = (rows: readonly HealthRow[]) =>
  rows.map((r) => `${r.state} ${r.group}/${r.check} ${r.host}: ${r.reason}`).join('\n');
