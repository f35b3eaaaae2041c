/**
 * What a health check says about the cluster, as data: the Cluster Health view, the status bar,
 * `gluu-cluster health` (table and --json) and the tests all read this shape. A row is one
 * concern on one host ("clock of idp2"); its state is ok, warning, critical or unknown (a check
 * that could not run is unknown with the reason, never ok).
 */

export type HealthState = 'ok' | 'warning' | 'critical' | 'unknown';

export const HEALTH_GROUPS = ['hosts', 'replication', 'files', 'loadBalancer', 'webApps', 'cache', 'drift', 'certificates'] as const;
export type HealthGroup = (typeof HEALTH_GROUPS)[number];

export const GROUP_TITLES: Record<HealthGroup, string> = {
  hosts: 'Hosts',
  replication: 'LDAP replication',
  files: 'Files (csync2)',
  loadBalancer: 'Load balancer',
  webApps: 'Web applications',
  cache: 'Cache',
  drift: 'Drift from the cluster file',
  certificates: 'Certificates',
};

export interface HealthRow {
  group: HealthGroup;
  /** Stable id of the check within its group, e.g. "clock" (part of the --json contract). */
  check: string;
  /** What is checked, in words: "Clock". */
  title: string;
  /** The host as named in the cluster file; "" for a row about the whole cluster. */
  host: string;
  state: HealthState;
  /** One line: why this state, naming the host and the cause. */
  reason: string;
  /** ISO time the row was produced. */
  checkedAt: string;
  /** More lines for "Show Details" (never a secret). */
  details?: string[];
  /** The step whose run would set this right. */
  fixStep?: string;
  /** A measured number behind the state (ms of offset or delay, days left, bytes free...). */
  value?: number;
  /** Unknown because this password is not stored: storing it lets the check run. */
  needsSecret?: 'ldapAdmin' | 'redis';
}

export interface HealthReport {
  /** The --json shape's version; bumped only on an incompatible change. */
  version: 1;
  cluster: string;
  startedAt: string;
  ms: number;
  /** The worst state of any row. */
  state: HealthState;
  counts: Record<HealthState, number>;
  rows: HealthRow[];
}

/**
 * How bad a state is, for "the worst row": critical, then unknown (a check that could not tell
 * may hide a critical one), then warning, then ok — the order Icinga sorts service states in.
 */
const SEVERITY: Record<HealthState, number> = { ok: 0, warning: 1, unknown: 2, critical: 3 };

export function worst(states: Iterable<HealthState>): HealthState {
  let w: HealthState = 'ok';
  for (const s of states) if (SEVERITY[s] > SEVERITY[w]) w = s;
  return w;
}

/** Nagios/Icinga plugin exit codes. */
export const EXIT_CODES: Record<HealthState, number> = { ok: 0, warning: 1, critical: 2, unknown: 3 };

export function countStates(rows: readonly HealthRow[]): Record<HealthState, number> {
  const c: Record<HealthState, number> = { ok: 0, warning: 0, critical: 0, unknown: 0 };
  for (const r of rows) c[r.state]++;
  return c;
}

/** "healthy", "1 critical", "2 critical, 1 warning", "3 unknown": the status bar's words. */
export function summaryWords(counts: Record<HealthState, number>): string {
  const parts: string[] = [];
  if (counts.critical) parts.push(`${counts.critical} critical`);
  if (counts.warning) parts.push(`${counts.warning} warning${counts.warning === 1 ? '' : 's'}`);
  if (counts.unknown) parts.push(`${counts.unknown} unknown`);
  return parts.length ? parts.join(', ') : 'healthy';
}

/**
 * What a report says about one host: the worst state and the counts of the rows about it (not the
 * cluster-wide ones); undefined when no row is about it (a host added after the check).
 */
export function hostHealth(report: HealthReport, host: string): { state: HealthState; counts: Record<HealthState, number> } | undefined {
  const rows = report.rows.filter((r) => r.host === host);
  return rows.length ? { state: worst(rows.map((r) => r.state)), counts: countStates(rows) } : undefined;
}

/** Rows by group, then host in the cluster file's order; within a host, in the order the check gave them. */
export function sortRows(rows: readonly HealthRow[], hostOrder: readonly string[]): HealthRow[] {
  const g = (r: HealthRow) => HEALTH_GROUPS.indexOf(r.group);
  const h = (r: HealthRow) => (r.host === '' ? -1 : hostOrder.indexOf(r.host));
  return [...rows].sort((a, b) => g(a) - g(b) || h(a) - h(b));
}
