/**
 * The editor's store of the run state (src/core/session/state.ts): per cluster, each step's last
 * run per host, an operator's mark, staleness. Kept in the workspace state so it survives a
 * reload; the Steps view and the node tooltips show it, the run session reads and writes it.
 */
import * as vscode from 'vscode';
import type { RunStatePort } from '../../core/session/ports';
import type { ClusterRunState, StepRecord } from '../../core/session/state';

type Stored = Record<string, ClusterRunState>; // cluster key → step → record

// v2: the record per step (hosts, mark, stale); the first format (hosts only) is not read.
const KEY = 'gluuCluster.runState.v2';

export class RunStateStore implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly memento: vscode.Memento) {}

  private all(): Stored {
    return this.memento.get<Stored>(KEY, {});
  }

  step(cluster: string, step: string): StepRecord | undefined {
    return this.all()[cluster]?.[step];
  }

  /** Per step of a cluster: its record. */
  cluster(cluster: string): ClusterRunState {
    return this.all()[cluster] ?? {};
  }

  /** The run session's port for one cluster. */
  port(cluster: string): RunStatePort {
    return {
      load: () => this.cluster(cluster),
      save: async (state) => {
        await this.memento.update(KEY, { ...this.all(), [cluster]: state });
        this.changed.fire();
      },
    };
  }

  dispose(): void {
    this.changed.dispose();
  }
}
