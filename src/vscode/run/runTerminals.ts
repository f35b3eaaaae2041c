/**
 * One terminal per step of a cluster, reused by the step's next run while it stays open, so a
 * pass over the whole plan leaves one terminal per step (with each run's history in it) rather
 * than one per run.
 */
import * as vscode from 'vscode';
import type { StepPlan } from '../../core/plan/stepPlan';
import { StepTerminal } from './stepTerminal';

export class RunTerminals implements vscode.Disposable {
  // A terminal the person closed stays here until the step's next run replaces it (pty.closed).
  private readonly open = new Map<string, { terminal: vscode.Terminal; pty: StepTerminal }>();

  /**
   * The step's terminal, ready for a new run on `hosts` (a new one if it was closed or is busy),
   * and a way to bring it to the front again.
   */
  async forStep(clusterKey: string, plan: StepPlan, hosts: string[]): Promise<{ pty: StepTerminal; reveal: () => void }> {
    const key = `${clusterKey}|${plan.step.id}`;
    const known = this.open.get(key);
    if (known && known.pty.reusable) {
      known.pty.again(hosts);
      known.terminal.show(true);
      return { pty: known.pty, reveal: () => known.terminal.show(true) };
    }
    const pty = new StepTerminal(hosts);
    const terminal = vscode.window.createTerminal({
      name: vscode.l10n.t('Gluu: {0}', plan.step.title),
      pty,
      iconPath: new vscode.ThemeIcon('server-process'),
    });
    this.open.set(key, { terminal, pty });
    terminal.show(true);
    await pty.ready();
    return { pty, reveal: () => terminal.show(true) };
  }

  dispose(): void {
    for (const { terminal } of this.open.values()) terminal.dispose();
    this.open.clear();
  }
}
