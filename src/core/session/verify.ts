/**
 * Verify Cluster: every step's own read-only check (or, where a step has none, its verification)
 * run on every host it applies to, changing nothing, so that the run state says which steps
 * really hold now. A cluster built by hand or by another tool is adopted this way; a step that
 * was done but no longer holds is shown as not run there.
 */
import type { StepPlan } from '../plan/stepPlan';
import type { HostRunState } from './state';
import type { ClusterRunState } from './state';

export type VerifyVerdict = 'holds' | 'does-not-hold' | 'cannot-tell';

export interface VerifyRow {
  stepId: string;
  title: string;
  host: string;
  verdict: VerifyVerdict;
  reason: string;
}

/** The probe that answers "does this step hold on this target?": its check, else its verification. */
export function verifyProbe(plan: StepPlan, host: string) {
  const t = plan.targets.find((x) => x.host === host);
  return t?.check ?? t?.verify;
}

/**
 * The run state after a verification: a host where the step holds is "already done"; where it
 * does not and the state said otherwise, "not run", with when and why (a step never run stays
 * "never run"). Cannot-tell leaves a host as it was. Marks by hand are the operator's word and stay.
 */
export function withVerified(state: ClusterRunState, rows: readonly VerifyRow[], at: number): ClusterRunState {
  const next: ClusterRunState = { ...state };
  for (const r of rows) {
    if (r.verdict === 'cannot-tell') continue;
    const prev = next[r.stepId] ?? { hosts: {} };
    if (r.verdict === 'does-not-hold' && !prev.hosts[r.host]) continue;
    const host: HostRunState =
      r.verdict === 'holds'
        ? { status: 'already-done', at, message: `Verify Cluster: ${r.reason}` }
        : { status: 'not-run', at, message: `Verify Cluster: ${r.reason}` };
    next[r.stepId] = { ...prev, hosts: { ...prev.hosts, [r.host]: host } };
  }
  return next;
}

/** `gluu-cluster verify`'s table, and the editor's summary. */
export function verifyTable(rows: readonly VerifyRow[]): string {
  const mark = { holds: 'HOLDS', 'does-not-hold': 'NO   ', 'cannot-tell': '?    ' } as const;
  const width = Math.max(0, ...rows.map((r) => r.host.length));
  return rows.map((r) => `${mark[r.verdict]}  ${r.stepId.padEnd(22)} ${r.host.padEnd(width)}  ${r.reason}`).join('\n') + '\n';
}
