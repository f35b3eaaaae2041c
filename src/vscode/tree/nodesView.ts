/**
 * The Nodes view: load balancer, cache host (when it is not a node) and Gluu nodes of each cluster
 * file. Once Cluster Health has checked a cluster, each host's icon takes the colour of its worst
 * row and its tooltip and accessible label say what the check found and when: which server is in
 * trouble shows where the servers are listed. (The description stays address and role: a narrow
 * side bar cuts its end off, and the colour is seen at any width.)
 */
import * as vscode from 'vscode';
import type { HealthState } from '../../core/health/model';
import type { NodeItem } from '../../core/tree/model';
import { core } from '../core';
import type { ClusterWorkspace } from '../clusterWorkspace';
import type { HealthViewProvider } from '../health/healthView';
import type { RunStateStore } from '../run/runState';

export class NodesViewProvider implements vscode.TreeDataProvider<NodeItem>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly sub: vscode.Disposable;
  private items: NodeItem[] = [];

  private readonly stateSub: vscode.Disposable | undefined;
  private readonly healthSub: vscode.Disposable | undefined;

  constructor(
    private readonly workspace: ClusterWorkspace,
    private readonly runState?: RunStateStore,
    private readonly health?: HealthViewProvider,
  ) {
    this.sub = workspace.onDidChange(() => this.changed.fire());
    this.stateSub = runState?.onDidChange(() => this.changed.fire());
    this.healthSub = health?.onDidChangeTreeData(() => this.changed.fire());
  }

  /** "Cluster Health: 2 critical, checked at 10:02:11." for a host the last check had rows about. */
  private healthOf(item: NodeItem): { state: HealthState; line: string } | undefined {
    const h = item.kind === 'host' && item.host ? this.health?.hostHealth(item.clusterKey, item.host) : undefined;
    return h && { state: h.state, line: vscode.l10n.t('Cluster Health: {0}, {1}.', core().summaryWords(h.counts), h.checked) };
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
    const health = this.healthOf(item);
    t.description = item.description;
    const runs = this.lastRuns(item);
    t.tooltip = new vscode.MarkdownString([item.tooltip, health?.line, runs].filter(Boolean).join('\n\n'));
    t.contextValue = item.contextValue;
    const color = item.kind === 'error' ? 'problemsErrorIcon.foreground' : health ? core().STATE_ICONS[health.state].color : undefined;
    t.iconPath = new vscode.ThemeIcon(item.icon, color ? new vscode.ThemeColor(color) : undefined);
    if (health) t.accessibilityInformation = { label: `${item.label}, ${item.description ?? ''}. ${health.line}` };
    if (item.kind === 'error') {
      t.command = { command: 'gluuCluster.openProblem', title: vscode.l10n.t('Show Problem'), arguments: [item] };
    }
    return t;
  }

  dispose(): void {
    this.stateSub?.dispose();
    this.healthSub?.dispose();
    this.sub.dispose();
    this.changed.dispose();
  }
}
