/**
 * The Cluster Health view and its status bar item. It keeps the last report of each cluster in
 * this window (never a password: reports hold none) and shows the one checked last. The checks
 * themselves are the run session's (core/health); commands/health.ts runs them. Once the cluster
 * file no longer says what the shown report checked (a node joined, an address changed), the view
 * and the status bar say the report is outdated and why, until the next check.
 */
import * as vscode from 'vscode';
import type { ClusterConfig } from '../../core/config/types';
import type { HealthReport, HealthState } from '../../core/health/model';
import type { HealthGroupItem, HealthRowItem } from '../../core/health/tree';
import type { ClusterWorkspace } from '../clusterWorkspace';
import { core } from '../core';

type Element = HealthGroupItem | HealthRowItem;

export class HealthViewProvider implements vscode.TreeDataProvider<Element>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  /** The last report of each cluster, with the cluster as the file said when its check started. */
  private readonly reports = new Map<string, { report: HealthReport; checked?: ClusterConfig }>();
  /** Why the shown report no longer describes the cluster file, if it does not. */
  private outdated: string | undefined;
  private view: vscode.TreeView<unknown> | undefined;
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
    const report = this.shown ? this.reports.get(this.shown)?.report : undefined;
    return report && this.shown ? { clusterKey: this.shown, report } : undefined;
  }

  begin(clusterKey: string): void {
    this.checking.add(clusterKey);
    this.updateStatusBar();
  }

  /**
   * What the last report of a cluster says about one of its hosts, and `checked`, when (see
   * checkedWhen); undefined without a report or a row about the host.
   */
  hostHealth(clusterKey: string, host: string): { state: HealthState; counts: Record<HealthState, number>; checked: string } | undefined {
    const report = this.reports.get(clusterKey)?.report;
    const h = report && core().hostHealth(report, host);
    return h && { ...h, checked: this.checkedWhen(clusterKey, report) };
  }

  /**
   * "checked at 10:02:11", and for the report shown once the file has changed ", before the
   * cluster file changed (idp3.gluu.test added)": the status bar, the view and the Nodes view say it alike.
   */
  private checkedWhen(clusterKey: string, report: HealthReport): string {
    const at = new Date(report.startedAt).toLocaleTimeString();
    return clusterKey === this.shown && this.outdated
      ? vscode.l10n.t('checked at {0}, before the cluster file changed ({1})', at, this.outdated)
      : vscode.l10n.t('checked at {0}', at);
  }

  /** A check ended; `checked` is the cluster as the file said when it started. */
  end(clusterKey: string, report?: HealthReport, checked?: ClusterConfig): void {
    this.checking.delete(clusterKey);
    if (report) {
      this.reports.set(clusterKey, { report, checked });
      this.shown = clusterKey;
      this.outdated = undefined;
      void vscode.commands.executeCommand('setContext', 'gluuCluster.healthChecked', true);
    }
    this.updateStatusBar();
    this.updateMessage();
    this.changed.fire();
  }

  /** Why the shown report no longer describes the cluster file (undefined: it does, or none is shown). */
  outdatedBy(): string | undefined {
    return this.outdated;
  }

  /**
   * Follows the cluster files: when one changes, the shown report is compared with the file as it
   * is now. Until a check has run nothing is compared, so the core bundle is not loaded for it.
   */
  watch(workspace: ClusterWorkspace, view: vscode.TreeView<unknown>): vscode.Disposable {
    this.view = view;
    return workspace.onDidChange(() => void this.compareWith(workspace));
  }

  private async compareWith(workspace: ClusterWorkspace): Promise<void> {
    const key = this.shown;
    const checked = key ? this.reports.get(key)?.checked : undefined;
    if (!key || !checked) return;
    const entry = (await workspace.clusters()).find((c) => c.key === key);
    const now = entry?.parsed.config;
    const reason = !entry
      ? vscode.l10n.t('the cluster file is gone')
      : !now
        ? vscode.l10n.t('the cluster file has problems')
        : core().healthOutdatedBy(checked, now);
    // A check that ended while the files were read has the last word.
    if (key !== this.shown || checked !== this.reports.get(key)?.checked || reason === this.outdated) return;
    this.outdated = reason;
    this.updateStatusBar();
    this.updateMessage();
    this.changed.fire();
  }

  private updateMessage(): void {
    if (!this.view) return;
    const cur = this.current();
    this.view.message =
      cur && this.outdated
        ? vscode.l10n.t('Outdated: {0}. Check again to see the cluster as it is now.', this.checkedWhen(cur.clusterKey, cur.report))
        : undefined;
  }

  private updateStatusBar(): void {
    const cur = this.current();
    if (this.checking.size) {
      this.statusBar.text = `$(sync~spin) ${vscode.l10n.t('Gluu: checking…')}`;
      this.statusBar.tooltip = vscode.l10n.t('Checking the cluster health');
      this.statusBar.backgroundColor = undefined;
    } else if (cur) {
      const { clusterKey, report } = cur;
      const words = core().summaryWords(report.counts);
      this.statusBar.text = `$(${core().STATE_ICONS[report.state].icon}) ${this.outdated ? vscode.l10n.t('Gluu: {0} (outdated)', words) : vscode.l10n.t('Gluu: {0}', words)}`;
      this.statusBar.tooltip = vscode.l10n.t(
        'Cluster "{0}": {1} checks, {2}. Click to open Cluster Health.',
        report.cluster,
        String(report.rows.length),
        this.checkedWhen(clusterKey, report),
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
