/** QuickPicks for commands run from the palette, where no tree item says which node. */
import * as vscode from 'vscode';
import type { HostRole } from '../core/config/types';
import type { NodeItem, StepItem } from '../core/tree/model';
import type { ClusterEntry, ClusterWorkspace } from './clusterWorkspace';
import type { NodesViewProvider } from './tree/nodesView';

/** The tree item passed in, or one the user picks among the hosts with one of `roles` (a node with the cache has two). */
export async function pickHost(
  nodes: NodesViewProvider,
  item: NodeItem | undefined,
  roles: HostRole[],
  placeHolder: string,
): Promise<NodeItem | undefined> {
  // A node the cache runs on has both roles (`roles`), so it is offered for either.
  const has = (h: NodeItem) => (h.roles ?? (h.role ? [h.role] : [])).some((r) => roles.includes(r));
  if (item?.kind === 'host' && has(item)) return item;
  const hosts = (await nodes.hosts()).filter(has);
  if (hosts.length === 0) {
    void vscode.window.showWarningMessage(
      vscode.l10n.t('No matching host in the cluster file. Check the Problems panel or create a cluster file.'),
    );
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    hosts.map((h) => ({ label: h.label, description: h.description, iconPath: new vscode.ThemeIcon(h.icon), item: h })),
    { placeHolder, matchOnDescription: true },
  );
  return picked?.item;
}

/** The cluster an item belongs to, or the only/picked cluster. */
export async function pickCluster(workspace: ClusterWorkspace, key?: string): Promise<ClusterEntry | undefined> {
  const all = await workspace.clusters();
  if (key) return all.find((c) => c.key === key);
  if (all.length <= 1) return all[0];
  const picked = await vscode.window.showQuickPick(
    all.map((c) => ({ label: c.parsed.config?.name ?? c.folderName, description: vscode.workspace.asRelativePath(c.uri), c })),
    { placeHolder: vscode.l10n.t('Which cluster?') },
  );
  return picked?.c;
}

/** The cluster an item belongs to (or the only/picked one), if its file is valid; else says why. */
export async function pickValidCluster(workspace: ClusterWorkspace, key?: string): Promise<ClusterEntry | undefined> {
  const c = await pickCluster(workspace, key);
  if (!c?.parsed.config) {
    void vscode.window.showWarningMessage(
      vscode.l10n.t('The cluster file has problems or is missing; fix it first (see the Problems panel).'),
    );
    return undefined;
  }
  return c;
}

/** What a tree invocation passed: a step of the Steps view, or a host of the Nodes view. */
export const isStep = (i: unknown): i is StepItem => typeof i === 'object' && i !== null && 'stepId' in i;
export const isNode = (i: unknown): i is NodeItem => typeof i === 'object' && i !== null && 'kind' in i && (i as NodeItem).kind === 'host';
