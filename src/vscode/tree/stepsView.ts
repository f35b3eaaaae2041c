/** The Clustering Steps view: the manual's steps in order, with their targets. */
import * as vscode from 'vscode';
import type { StepItem } from '../../core/tree/model';
import { core } from '../core';
import type { ClusterWorkspace } from '../clusterWorkspace';

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

  constructor(private readonly workspace: ClusterWorkspace) {
    this.sub = workspace.onDidChange(() => this.changed.fire());
  }

  async getChildren(element?: Element): Promise<Element[]> {
    if (element) return 'kind' in element ? element.children : [];
    const valid = (await this.workspace.clusters()).filter((c) => c.parsed.config);
    const groups = valid.map((c) => ({ kind: 'group' as const, id: `${c.key}#steps`, label: c.parsed.config!.name, children: core().stepTree(c.key, c.parsed.config!) }));
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
    t.tooltip = new vscode.MarkdownString(e.tooltip);
    t.iconPath = new vscode.ThemeIcon(e.icon);
    t.contextValue = e.contextValue;
    return t;
  }

  dispose(): void {
    this.sub.dispose();
    this.changed.dispose();
  }
}
