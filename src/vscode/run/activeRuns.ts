/**
 * Which clusters have a step running in this window right now: periodic health checks wait
 * while one does (a check must never run beside a step on the same hosts).
 */
import type * as vscode from 'vscode';

class ActiveRuns {
  private readonly counts = new Map<string, number>();

  /** A step of the cluster started; dispose when it ends (whatever the outcome). */
  begin(clusterKey: string): vscode.Disposable {
    this.counts.set(clusterKey, (this.counts.get(clusterKey) ?? 0) + 1);
    let done = false;
    return {
      dispose: () => {
        if (done) return;
        done = true;
        const n = (this.counts.get(clusterKey) ?? 1) - 1;
        if (n > 0) this.counts.set(clusterKey, n);
        else this.counts.delete(clusterKey);
      },
    };
  }

  busy(clusterKey: string): boolean {
    return this.counts.has(clusterKey);
  }
}

export const activeRuns = new ActiveRuns();
