/** The Clustering Steps view: the manual's steps in order, with their targets. */
import * as vscode from 'vscode';
import type { StepItem } from '../../core/tree/model';
import { core } from '../core';
import type { ClusterWorkspace } from '../clusterWorkspace';
import type { RunStateStore } from '../run/runState';

/** Icon per run state (the words are in core/tree/status.ts). */
const STATE: Record<string, { icon: string; color?: string }> = {
  running: { icon: 'sync~spin' },
  done: { icon: 'pass-filled', color: 'testing.iconPassed' },
  failed: { icon: 'error', color: 'testing.iconFailed' },
  cancelled: { icon: 'circle-slash', color: 'testing.iconSkipped' },
  'not-run': { icon: 'circle-large-outline' },
  stale: { icon: 'warning', color: 'list.warningForeground' },
  skipped: { icon: 'debug-step-over', color: 'testing.iconSkipped' },
};

export interface StepGroup {
  kind: 'group';
  id: string;
  label: string;
  children: StepItem[];
}
type Element = StepItem | StepGroup;

export class StepsViewProvider implements vscode.TreeDataProvider<Element>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly sub: vscode.Disposable;

  private readonly stateSub: vscode.Disposable;

  constructor(
    private readonly workspace: ClusterWorkspace,
    private readonly runState: RunStateStore,
  ) {
    this.sub = workspace.onDidChange(() => this.changed.fire());
    this.stateSub = runState.onDidChange(() => this.changed.fire());
  }

  async getChildren(element?: Element): Promise<Element[]> {
    if (element) return 'kind' in element ? element.children : [];
    const valid = (await this.workspace.clusters()).filter((c) => c.parsed.config);
    const groups = valid.map((c) => ({
      kind: 'group' as const,
      id: `${c.key}#steps`,
      label: c.parsed.config!.name,
      children: core().stepTree(c.key, c.parsed.config!),
    }));
    return groups.length === 1 ? groups[0].children : groups;
  }

  getTreeItem(e: Element): vscode.TreeItem {
    if ('kind' in e) {
      const g = new vscode.TreeItem(e.label, vscode.TreeItemCollapsibleState.Expanded);
      g.id = e.id;
      g.iconPath = new vscode.ThemeIcon('server-environment');
      return g;
    }
    const t = new vscode.TreeItem(e.label, vscode.TreeItemCollapsibleState.None);
    t.id = e.id;
    t.description = e.description;
    t.iconPath = new vscode.ThemeIcon(e.icon);
    t.contextValue = e.contextValue;
    let tooltip = e.tooltip;
    const record = this.runState.step(e.clusterKey, e.stepId);
    const { describeHostRuns, statusWords, stepState } = core();
    const status = e.skipped ? 'never' : stepState(record, e.targets);
    const look = STATE[status];
    if (look && record) {
      t.iconPath = new vscode.ThemeIcon(look.icon, look.color ? new vscode.ThemeColor(look.color) : undefined);
      const byHand = record.mark && (status === 'done' || status === 'skipped') ? vscode.l10n.t(' by hand') : '';
      t.description = `${statusWords(status, 'step')}${byHand} · ${e.description}`;
      t.contextValue = `${e.contextValue}.${status}`;
      if (record.stale)
        tooltip += `\n\n${vscode.l10n.t('**Stale**: `{0}` ran again after this step; run it again to be sure its result holds.', record.stale.because)}`;
      if (record.mark)
        tooltip += `\n\n${vscode.l10n.t('**Marked {0} by hand** ({1}): {2}', record.mark.status, new Date(record.mark.at).toLocaleString(), record.mark.reason)}`;
      if (Object.keys(record.hosts).length) tooltip += `\n\n**${vscode.l10n.t('Last run')}**\n\n${describeHostRuns(record.hosts)}`;
    }
    t.tooltip = new vscode.MarkdownString(tooltip);
    return t;
  }

  dispose(): void {
    this.stateSub.dispose();
    this.sub.dispose();
    this.changed.dispose();
  }
}
