/**
 * The Cluster Health view and its status bar item. It keeps the last report of each cluster in
 * this window (never a password: reports hold none) and shows the one checked last. The checks
 * themselves are the run session's (core/health); commands/health.ts runs them.
 */
import * as vscode from 'vscode';
import type { HealthReport } from '../../core/health/model';
import type { HealthGroupItem, HealthRowItem } from '../../core/health/tree';
import { core } from '../core';

type Element = HealthGroupItem | HealthRowItem;

export class HealthViewProvider implements vscode.TreeDataProvider<Element>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly reports = new Map<string, HealthReport>();
  private shown: string | undefined;
  /** Clusters being checked now (the status bar spins). */
  private readonly checking = new Set<string>();
  readonly statusBar: vscode.StatusBarItem;

  constructor() {
    this.statusBar = vscode.window.createStatusBarItem('gluuCluster.health', vscode.StatusBarAlignment.Left, 50);
    this.statusBar.name = vscode.l10n.t('Gluu Cluster Health');
    this.statusBar.command = 'gluuCluster.health.focus';
  }

  /** The report shown in the view (the cluster checked last). */
  current(): { clusterKey: string; report: HealthReport } | undefined {
    const report = this.shown ? this.reports.get(this.shown) : undefined;
    return report && this.shown ? { clusterKey: this.shown, report } : undefined;
  }

  begin(clusterKey: string): void {
    this.checking.add(clusterKey);
    this.updateStatusBar();
  }

  end(clusterKey: string, report?: HealthReport): void {
    this.checking.delete(clusterKey);
    if (report) {
      this.reports.set(clusterKey, report);
      this.shown = clusterKey;
      void vscode.commands.executeCommand('setContext', 'gluuCluster.healthChecked', true);
    }
    this.updateStatusBar();
    this.changed.fire();
  }

  private updateStatusBar(): void {
    const cur = this.current();
    if (this.checking.size) {
      this.statusBar.text = `$(sync~spin) ${vscode.l10n.t('Gluu: checking…')}`;
      this.statusBar.tooltip = vscode.l10n.t('Checking the cluster health');
      this.statusBar.backgroundColor = undefined;
    } else if (cur) {
      const { report } = cur;
      const icon = { ok: 'pass', warning: 'warning', critical: 'error', unknown: 'question' }[report.state];
      this.statusBar.text = `$(${icon}) ${vscode.l10n.t('Gluu: {0}', core().summaryWords(report.counts))}`;
      this.statusBar.tooltip = vscode.l10n.t(
        'Cluster "{0}": {1} checks, checked at {2}. Click to open Cluster Health.',
        report.cluster,
        String(report.rows.length),
        new Date(report.startedAt).toLocaleTimeString(),
      );
      this.statusBar.backgroundColor =
        report.state === 'critical'
          ? new vscode.ThemeColor('statusBarItem.errorBackground')
          : report.state === 'warning' || report.state === 'unknown'
            ? new vscode.ThemeColor('statusBarItem.warningBackground')
            : undefined;
    } else return;
    this.statusBar.show();
  }

  getChildren(element?: Element): Element[] {
    if (element) return element.kind === 'healthGroup' ? element.rows : [];
    const cur = this.current();
    if (!cur) return [];
    return core().healthTree(cur.clusterKey, cur.report, (id) => core().findStep(id)?.title);
  }

  getTreeItem(e: Element): vscode.TreeItem {
    const { STATE_ICONS } = core();
    const look = STATE_ICONS[e.state];
    const icon = new vscode.ThemeIcon(look.icon, new vscode.ThemeColor(look.color));
    if (e.kind === 'healthGroup') {
      const g = new vscode.TreeItem(
        e.label,
        e.state === 'ok' ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.Expanded,
      );
      g.id = `${e.id}#${e.state}`;
      g.description = e.description;
      g.iconPath = icon;
      g.contextValue = 'gluu.health.group';
      return g;
    }
    const t = new vscode.TreeItem(e.label, vscode.TreeItemCollapsibleState.None);
    t.id = e.id;
    t.description = e.description;
    t.tooltip = new vscode.MarkdownString(e.tooltip);
    t.iconPath = icon;
    t.contextValue = e.contextValue;
    t.accessibilityInformation = { label: `${e.label}: ${e.state}. ${e.row.reason}` };
    t.command = { command: 'gluuCluster.healthShowDetails', title: vscode.l10n.t('Show Details'), arguments: [e] };
    return t;
  }

  dispose(): void {
    this.changed.dispose();
    this.statusBar.dispose();
  }
}
