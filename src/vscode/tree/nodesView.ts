/** The Nodes view: load balancer, cache host (when it is not a node) and Gluu nodes of each cluster file. */
import * as vscode from 'vscode';
import type { NodeItem } from '../../core/tree/model';
import { core } from '../core';
import type { ClusterWorkspace } from '../clusterWorkspace';
import type { RunStateStore } from '../run/runState';

export class NodesViewProvider implements vscode.TreeDataProvider<NodeItem>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly sub: vscode.Disposable;
  private items: NodeItem[] = [];

  private readonly stateSub: vscode.Disposable | undefined;

  constructor(
    private readonly workspace: ClusterWorkspace,
    private readonly runState?: RunStateStore,
  ) {
    this.sub = workspace.onDidChange(() => this.changed.fire());
    this.stateSub = runState?.onDidChange(() => this.changed.fire());
  }

  /** "- `hosts`: done, … - `csync2`: failed (exit 1), …" for a host, from the last runs. */
  private lastRuns(item: NodeItem): string | undefined {
    if (!this.runState || !item.host) return undefined;
    return core().describeRunsOnHost(this.runState.cluster(item.clusterKey), item.host);
  }

  async getChildren(element?: NodeItem): Promise<NodeItem[]> {
    if (element) return element.children ?? [];
    this.items = core().nodeTree(await this.workspace.clusters());
    return this.items;
  }

  /** All host items currently shown (for pickers and tests). */
  async hosts(): Promise<NodeItem[]> {
    const top = await this.getChildren();
    return top.flatMap((i) => (i.kind === 'cluster' ? (i.children ?? []) : [i])).filter((i) => i.kind === 'host');
  }

  getParent(element: NodeItem): NodeItem | undefined {
    return this.items.find((c) => c.children?.includes(element));
  }

  getTreeItem(item: NodeItem): vscode.TreeItem {
    const t = new vscode.TreeItem(
      item.label,
      item.children ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None,
    );
    t.id = item.id;
    t.description = item.description;
    const runs = this.lastRuns(item);
    t.tooltip = new vscode.MarkdownString(runs ? `${item.tooltip}\n\n${runs}` : item.tooltip);
    t.contextValue = item.contextValue;
    t.iconPath = new vscode.ThemeIcon(item.icon, item.kind === 'error' ? new vscode.ThemeColor('problemsErrorIcon.foreground') : undefined);
    if (item.kind === 'error') {
      t.command = { command: 'gluuCluster.openProblem', title: vscode.l10n.t('Show Problem'), arguments: [item] };
    }
    return t;
  }

  dispose(): void {
    this.stateSub?.dispose();
    this.sub.dispose();
    this.changed.dispose();
  }
}
