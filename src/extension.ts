/**
 * Entry point. activate() only wires parts together and returns: files are read when a view
 * first asks, and SSH/LDAP libraries load when a step first needs them.
 */
import * as vscode from 'vscode';
import { ClusterWorkspace } from './vscode/clusterWorkspace';
import { registerCommands } from './vscode/commands';
import { registerDiagnostics } from './vscode/diagnostics';
import { disposeLog, log } from './vscode/log';
import { registerGeneratedDiagnostics } from './vscode/plan/generatedDiagnostics';
import { ProposedContent } from './vscode/plan/generatedFiles';
import { PLAN_SCHEME, PlanPreviewProvider } from './vscode/plan/previewProvider';
import { NodesViewProvider } from './vscode/tree/nodesView';
import { StepsViewProvider } from './vscode/tree/stepsView';
import { RunStateStore } from './vscode/run/runState';
import { ClusterSecrets } from './vscode/secretSource';
import { SshSession } from './vscode/ssh/sshSession';
import { LdapHost } from './vscode/ldap/ldapHost';
import { HealthViewProvider } from './vscode/health/healthView';
import { HEALTH_VIEW, periodicHealth } from './vscode/commands/health';

/** Set by the esbuild banner as the first statement of dist/extension.js. */
declare const __gluuBundleStart: number | undefined;
const bundleLoadMs = typeof __gluuBundleStart === 'number' ? performance.now() - __gluuBundleStart : undefined;

export interface GluuClusterApi {
  /** Time to evaluate the bundle and to run activate(), in milliseconds. */
  timings: { bundleLoadMs?: number; activateMs: number };
  workspace: ClusterWorkspace;
  nodes: NodesViewProvider;
  steps: StepsViewProvider;
  runState: RunStateStore;
  secrets: ClusterSecrets;
  /** The LDAP editor (its parts load on first use). */
  ldap: LdapHost;
  /** The Cluster Health view's reports. */
  health: HealthViewProvider;
}

export function activate(context: vscode.ExtensionContext): GluuClusterApi {
  const t0 = performance.now();
  const workspace = new ClusterWorkspace();
  const runState = new RunStateStore(context.workspaceState);
  // Before the Nodes view: its hosts show what the last health check said of them.
  const health = new HealthViewProvider();
  const nodes = new NodesViewProvider(workspace, runState, health);
  const steps = new StepsViewProvider(workspace, runState);
  const ssh = new SshSession(context);
  const secrets = new ClusterSecrets(context.secrets);
  const preview = new PlanPreviewProvider(workspace);
  const proposed = new ProposedContent();
  const ldap = new LdapHost(context, ssh, secrets, workspace);
  const healthView = vscode.window.createTreeView(HEALTH_VIEW, { treeDataProvider: health });
  const commandContext = { extension: context, workspace, nodes, proposed, preview, runState, secrets, ssh, ldap, health };
  context.subscriptions.push(
    runState,
    ssh,
    preview,
    vscode.workspace.registerTextDocumentContentProvider(PLAN_SCHEME, preview),
    vscode.workspace.registerTextDocumentContentProvider(ProposedContent.scheme, proposed),
    registerGeneratedDiagnostics(workspace),
    workspace,
    nodes,
    steps,
    vscode.window.createTreeView('gluuCluster.nodes', { treeDataProvider: nodes, showCollapseAll: false }),
    vscode.window.createTreeView('gluuCluster.steps', { treeDataProvider: steps }),
    registerDiagnostics(workspace),
    ldap,
    health,
    healthView,
    periodicHealth(commandContext, health, healthView),
    health.watch(workspace, healthView),
    ...registerCommands(commandContext),
    { dispose: disposeLog },
  );
  const activateMs = performance.now() - t0;
  log().info(
    `activated in ${activateMs.toFixed(1)} ms (bundle load ${bundleLoadMs === undefined ? 'n/a' : `${bundleLoadMs.toFixed(1)} ms`})`,
  );
  return { timings: { bundleLoadMs, activateMs }, workspace, nodes, steps, runState, secrets, ldap, health };
}

export function deactivate(): void {
  // Everything is in context.subscriptions.
}
