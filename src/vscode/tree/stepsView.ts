/** The Clustering Steps view: the manual's steps in order, with their targets. */
import * as vscode from 'vscode';
import type { StepItem } from '../../core/tree/model';
import { core } from '../core';
import type { ClusterWorkspace } from '../clusterWorkspace';
import { stepStatus, type HostRunState, type RunStateStore } from '../run/runState';

/** Icon and words per run state. */
const STATE: Record<string, { icon: string; color?: string; word: string }> = {
  running: { icon: 'sync~spin', word: 'running' },
  done: { icon: 'pass-filled', color: 'testing.iconPassed', word: 'done' },
  failed: { icon: 'error', color: 'testing.iconFailed', word: 'failed' },
  cancelled: { icon: 'circle-slash', color: 'testing.iconSkipped', word: 'cancelled' },
  'not-run': { icon: 'circle-large-outline', word: 'partly run' },
};

function describeHosts(hosts: Record<string, HostRunState>): string {
  return Object.entries(hosts)
    .map(
      ([h, s]) =>
        `- \`${h}\`: ${s.status}${s.exitCode !== undefined && s.exitCode !== null ? ` (exit ${s.exitCode})` : ''}${s.message ? ` — ${s.message}` : ''}, ${new Date(s.at).toLocaleString()}`,
    )
    .join('\n');
}

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
    const hosts = this.runState.step(e.clusterKey, e.stepId);
    const status = e.skipped ? 'never' : stepStatus(hosts, e.targets);
    const look = STATE[status];
    if (look) {
      t.iconPath = new vscode.ThemeIcon(look.icon, look.color ? new vscode.ThemeColor(look.color) : undefined);
      t.description = `${look.word} · ${e.description}`;
      t.contextValue = `${e.contextValue}.${status}`;
      tooltip += `\n\n**Last run**\n\n${describeHosts(hosts)}`;
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
