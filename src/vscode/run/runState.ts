/**
 * What happened last time each step ran on each host — not run / running / done / failed with
 * exit code, time and a log — kept in the workspace state so it survives a reload, and shown
 * in the Steps view and the node tooltips.
 */
import * as vscode from 'vscode';
import type { StepOutcome } from '../../core/run/runner';

export type HostRunStatus = 'running' | 'done' | 'already-done' | 'failed' | 'cancelled' | 'not-run';

export interface HostRunState {
  status: HostRunStatus;
  at: number;
  ms?: number;
  exitCode?: number | null;
  message?: string;
  /** Masked log of the run, in the extension's storage. */
  log?: string;
}

type Stored = Record<string, Record<string, Record<string, HostRunState>>>; // cluster → step → host

const KEY = 'gluuCluster.runState';

export class RunStateStore {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly memento: vscode.Memento) {}

  private all(): Stored {
    return this.memento.get<Stored>(KEY, {});
  }

  step(cluster: string, step: string): Record<string, HostRunState> {
    return this.all()[cluster]?.[step] ?? {};
  }

  /** Per step of a cluster: its hosts' states. */
  cluster(cluster: string): Record<string, Record<string, HostRunState>> {
    return this.all()[cluster] ?? {};
  }

  async set(cluster: string, step: string, hosts: Record<string, HostRunState>): Promise<void> {
    const all = this.all();
    all[cluster] = { ...(all[cluster] ?? {}), [step]: { ...(all[cluster]?.[step] ?? {}), ...hosts } };
    await this.memento.update(KEY, all);
    this.changed.fire();
  }

  async record(cluster: string, outcome: StepOutcome, log?: string): Promise<void> {
    const hosts: Record<string, HostRunState> = {};
    for (const s of outcome.sequences) {
      if (!s.host) continue;
      hosts[s.host] = {
        status: s.status,
        at: Date.now(),
        ms: outcome.ms,
        ...(s.failure ? { exitCode: s.failure.exitCode, message: `${s.failure.action}: ${s.failure.message}` } : {}),
        ...(log ? { log } : {}),
      };
    }
    // A failure in the shared parts counts against every host of the step.
    const shared = outcome.sequences.find((s) => !s.host && s.status === 'failed');
    if (shared)
      for (const h of Object.keys(hosts))
        if (hosts[h].status === 'not-run')
          hosts[h] = { ...hosts[h], status: 'failed', message: `${shared.label}: ${shared.failure?.message ?? 'failed'}` };
    await this.set(cluster, outcome.stepId, hosts);
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/** One word for a step across its hosts: the worst state wins. */
export function stepStatus(hosts: Record<string, HostRunState>, targets: string[]): HostRunStatus | 'never' {
  const states = targets.map((t) => hosts[t]?.status);
  if (states.some((s) => s === 'running')) return 'running';
  if (states.some((s) => s === 'failed')) return 'failed';
  if (states.some((s) => s === 'cancelled')) return 'cancelled';
  if (states.length > 0 && states.every((s) => s === 'done' || s === 'already-done')) return 'done';
  if (states.some((s) => s !== undefined)) return 'not-run';
  return 'never';
}
