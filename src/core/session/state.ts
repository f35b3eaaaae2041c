/**
 * What is known of each step of a cluster: how it last ran on each host, whether an operator
 * marked it done or skipped by hand, and whether it went stale because a step it depends on ran
 * again. Pure data and pure functions: the editor keeps it in workspace state, the CLI in a JSON
 * file, and both read a step's state through `stepState` so they say the same thing.
 */
import { STEPS, findStep, type StepDefinition } from '../plan/catalogue';
import type { RunStatePort } from './ports';
import type { StepOutcome } from '../run/runner';

export type HostRunStatus = 'running' | 'done' | 'already-done' | 'failed' | 'cancelled' | 'not-run';

export interface HostRunState {
  status: HostRunStatus;
  at: number;
  ms?: number;
  exitCode?: number | null;
  message?: string;
}

/** An operator's word on a step they did (or chose not to do) by hand. */
export interface StepMark {
  status: 'done' | 'skipped';
  reason: string;
  at: number;
}

export interface StepRecord {
  hosts: Record<string, HostRunState>;
  mark?: StepMark;
  /** Set when a step this one depends on ran again after it: its result may no longer hold. */
  stale?: { because: string; at: number };
}

/** Per step id. */
export type ClusterRunState = Record<string, StepRecord>;

/** One word for a step; the views, the CLI and the session's rules all use it. */
export type StepState = 'never' | 'running' | 'done' | 'failed' | 'cancelled' | 'not-run' | 'stale' | 'skipped';

/** A step counts as done for what depends on it. */
export const SATISFIED: ReadonlySet<StepState> = new Set(['done', 'skipped']);

/** The step's state over the hosts it runs on now: the worst wins; a mark by hand wins over runs. */
export function stepState(record: StepRecord | undefined, targets: readonly string[]): StepState {
  if (!record) return 'never';
  const states = targets.map((t) => record.hosts[t]?.status);
  if (states.some((s) => s === 'running')) return 'running';
  if (record.mark) return record.stale ? 'stale' : record.mark.status;
  if (states.some((s) => s === 'failed')) return 'failed';
  if (states.some((s) => s === 'cancelled')) return 'cancelled';
  if (states.length > 0 && states.every((s) => s === 'done' || s === 'already-done')) return record.stale ? 'stale' : 'done';
  if (states.some((s) => s !== undefined)) return 'not-run';
  return 'never';
}

/** Steps that depend on `id`, directly or through others, in catalogue order. */
export function dependentsOf(id: string, steps: readonly StepDefinition[] = STEPS): string[] {
  const found = new Set<string>();
  let grew = true;
  while (grew) {
    grew = false;
    for (const s of steps) {
      if (found.has(s.id) || s.id === id) continue;
      if (s.requires.some((r) => r === id || found.has(r))) {
        found.add(s.id);
        grew = true;
      }
    }
  }
  return steps.filter((s) => found.has(s.id)).map((s) => s.id);
}

/** Marks the given hosts as running (shown while the step runs; replaced by its outcome). */
export function withRunning(state: ClusterRunState, stepId: string, hosts: readonly string[], at: number): ClusterRunState {
  const prev = state[stepId] ?? { hosts: {} };
  const running = Object.fromEntries(hosts.map((h) => [h, { status: 'running' as const, at }]));
  return { ...state, [stepId]: { ...prev, hosts: { ...prev.hosts, ...running } } };
}

/**
 * Records an outcome: each host's status, a failure in the shared parts counted against every
 * host; the step's own mark and staleness go (it ran for real). When the step changed anything,
 * every step that depends on it and has a result becomes stale.
 */
export function withOutcome(state: ClusterRunState, outcome: StepOutcome, at: number): ClusterRunState {
  const hosts: Record<string, HostRunState> = {};
  for (const s of outcome.sequences) {
    if (!s.host) continue;
    hosts[s.host] = {
      status: s.status,
      at,
      ms: outcome.ms,
      ...(s.failure ? { exitCode: s.failure.exitCode, message: `${s.failure.action}: ${s.failure.message}` } : {}),
    };
  }
  const shared = outcome.sequences.find((s) => !s.host && s.status === 'failed');
  if (shared) {
    for (const h of Object.keys(hosts)) {
      if (hosts[h].status === 'not-run')
        hosts[h] = { ...hosts[h], status: 'failed', message: `${shared.label}: ${shared.failure?.message ?? 'failed'}` };
    }
  }
  const prev = state[outcome.stepId] ?? { hosts: {} };
  const next: ClusterRunState = { ...state, [outcome.stepId]: { hosts: { ...prev.hosts, ...hosts } } };
  const changed = outcome.sequences.some((s) => s.ran.length > 0);
  if (!changed) return next;
  for (const d of dependentsOf(outcome.stepId)) {
    const r = next[d];
    if (r && (Object.keys(r.hosts).length > 0 || r.mark)) next[d] = { ...r, stale: { because: outcome.stepId, at } };
  }
  return next;
}

/** An operator's mark (done / skipped with a reason), or a reset that forgets the step. */
export function withMark(state: ClusterRunState, stepId: string, mark: StepMark | 'reset'): ClusterRunState {
  const next = { ...state };
  if (mark === 'reset') delete next[stepId];
  else next[stepId] = { hosts: state[stepId]?.hosts ?? {}, mark };
  return next;
}

/**
 * Records an operator's mark on a step: done or skipped by hand (a reason is required and kept),
 * or reset. Only the run state changes: nothing connects anywhere.
 */
export async function markStep(
  state: RunStatePort,
  stepId: string,
  mark: 'done' | 'skipped' | 'reset',
  reason = '',
  now: () => number = Date.now,
): Promise<void> {
  if (!findStep(stepId)) throw new Error(`unknown step "${stepId}"; steps are: ${STEPS.map((s) => s.id).join(', ')}`);
  if (mark !== 'reset' && !reason.trim()) throw new Error(`say why "${stepId}" is marked ${mark} (a reason is recorded with the mark)`);
  const current = await state.load();
  await state.save(withMark(current, stepId, mark === 'reset' ? 'reset' : { status: mark, reason: reason.trim(), at: now() }));
}
