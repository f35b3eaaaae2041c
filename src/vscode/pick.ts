/** QuickPicks for commands run from the palette, where no tree item says which node. */
import * as vscode from 'vscode';
import type { HostRole } from '../core/config/types';
import type { NodeItem } from '../core/tree/model';
import type { ClusterEntry, ClusterWorkspace } from './clusterWorkspace';
import type { NodesViewProvider } from './tree/nodesView';

/** The tree item passed in, or one the user picks among the hosts with one of `roles`. */
export async function pickHost(nodes: NodesViewProvider, item: NodeItem | undefined, roles: HostRole[], placeHolder: string): Promise<NodeItem | undefined> {
  if (item?.kind === 'host' && item.role && roles.includes(item.role)) return item;
  const hosts = (await nodes.hosts()).filter((h) => h.role && roles.includes(h.role));
  if (hosts.length === 0) {
    void vscode.window.showWarningMessage(vscode.l10n.t('No matching host in the cluster file. Check the Problems panel or create a cluster file.'));
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
