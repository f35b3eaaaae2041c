/**
 * Read-only virtual documents with the exact commands of a step or of the whole plan:
 * gluu-cluster-plan:/<step|all>.sh?cluster=<key>&node=<host>. They refresh when the cluster file
 * or a generated file changes: at once where a tab shows them, else when they are shown again.
 */
import * as vscode from 'vscode';
import { core } from '../core';
import type { ClusterWorkspace } from '../clusterWorkspace';
import { generatedFile } from '../../core/plan/generated';
import { GENERATED_FOLDER_SETTING, workspacePlanInput } from './generatedFiles';

export const PLAN_SCHEME = 'gluu-cluster-plan';

export function previewUri(clusterKey: string, step?: string, node?: string): vscode.Uri {
  const query = new URLSearchParams({ cluster: clusterKey, ...(node ? { node } : {}) }).toString();
  return vscode.Uri.from({ scheme: PLAN_SCHEME, path: `/${step ?? 'plan'}${node ? `-${node}` : ''}.sh`, query });
}

const shownInTab = (key: string) =>
  vscode.window.tabGroups.all.some((g) => g.tabs.some((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === key));

export class PlanPreviewProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly subs: vscode.Disposable[];
  /**
   * Previews the editor still holds (for a few minutes after their tab closed) but no tab shows,
   * changed since: re-rendered when shown again, not at every change. Each re-render makes the
   * editor diff the old text against the new one, character by character, in the worker that
   * also computes diff editors and word completions; for the whole plan (80 KB) under load that
   * kept the worker busy for 20 s per change of the cluster file, and a diff or a completion
   * asked meanwhile waited for all of them (seen in the tests: 30 s to 3 min).
   */
  private readonly stale = new Set<string>();

  constructor(private readonly workspace: ClusterWorkspace) {
    const refresh = () => {
      for (const d of vscode.workspace.textDocuments) {
        if (d.uri.scheme !== PLAN_SCHEME) continue;
        if (shownInTab(d.uri.toString())) this.changed.fire(d.uri);
        else this.stale.add(d.uri.toString());
      }
    };
    this.subs = [
      this.changed,
      workspace.onDidChange(refresh),
      // An edited generated file, or another folder for them, changes what the steps push.
      vscode.workspace.onDidSaveTextDocument((d) => generatedFile(d.uri.path) && refresh()),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration(`gluuCluster.${GENERATED_FOLDER_SETTING}`) && refresh()),
      // Shown again (Reopen Closed Editor, history): brought up to date.
      vscode.window.tabGroups.onDidChangeTabs((e) => {
        for (const t of [...e.opened, ...e.changed])
          if (t.input instanceof vscode.TabInputText && this.stale.delete(t.input.uri.toString())) this.changed.fire(t.input.uri);
      }),
      vscode.workspace.onDidCloseTextDocument((d) => this.stale.delete(d.uri.toString())),
    ];
  }

  /**
   * Before a command shows a preview: a document kept from before is brought up to date first,
   * so that what the command shows (and returns) is current.
   */
  async current(uri: vscode.Uri): Promise<void> {
    const key = uri.toString();
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
    if (!doc || !this.stale.delete(key)) return;
    if (doc.getText() === (await this.provideTextDocumentContent(uri))) return;
    const updated = new Promise<void>((resolve) => {
      const sub = vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document.uri.toString() !== key) return;
        sub.dispose();
        resolve();
      });
    });
    this.changed.fire(uri);
    await updated;
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const params = new URLSearchParams(uri.query);
    const stepName = uri.path.replace(/^\//, '').replace(/\.sh$/, '');
    const node = params.get('node') ?? undefined;
    const stepId = node ? stepName.slice(0, -(node.length + 1)) : stepName;
    const cluster = (await this.workspace.clusters()).find((c) => c.key === params.get('cluster'));
    if (!cluster) return '# The cluster file of this preview is gone.\n';
    const config = cluster.parsed.config;
    if (!config)
      return `# The cluster file has problems; fix them to see the plan (Problems panel).\n${cluster.parsed.problems.map((p) => `# line ${p.range.start.line + 1}: ${p.message}`).join('\n')}\n`;
    const { findStep, forHost, formatPlan, formatStep, renderPlan, renderStep } = core();
    const input = await workspacePlanInput(cluster);
    if (stepId === 'plan') {
      const plans = renderPlan(input);
      return formatPlan(config, node ? plans.map((p) => forHost(p, node)) : plans);
    }
    if (!findStep(stepId)) return `# Unknown step ${stepId}.\n`;
    const plan = renderStep(stepId, input);
    return formatStep(config, node ? forHost(plan, node) : plan);
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
  }
}
