/**
 * Read-only virtual documents with the exact commands of a step or of the whole plan:
 * gluu-cluster-plan:/<step|all>.sh?cluster=<key>&node=<host>. They refresh when the cluster file
 * or a generated file changes.
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

export class PlanPreviewProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly subs: vscode.Disposable[];

  constructor(private readonly workspace: ClusterWorkspace) {
    const refresh = () => {
      for (const d of vscode.workspace.textDocuments) if (d.uri.scheme === PLAN_SCHEME) this.changed.fire(d.uri);
    };
    this.subs = [
      this.changed,
      workspace.onDidChange(refresh),
      // An edited generated file, or another folder for them, changes what the steps push.
      vscode.workspace.onDidSaveTextDocument((d) => generatedFile(d.uri.path) && refresh()),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration(`gluuCluster.${GENERATED_FOLDER_SETTING}`) && refresh()),
    ];
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
