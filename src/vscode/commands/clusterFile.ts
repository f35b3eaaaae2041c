/** Commands about the cluster file itself: create, open, show a problem, refresh. */
import * as vscode from 'vscode';
import { core } from '../core';
import type { NodeItem } from '../../core/tree/model';
import { toRange } from '../diagnostics';
import { pickCluster } from '../pick';
import type { CommandContext } from './context';

export async function createClusterFile(ctx: CommandContext): Promise<vscode.Uri | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 0) {
    void vscode.window.showWarningMessage(vscode.l10n.t('Open a folder first: the cluster file lives in the workspace.'));
    return undefined;
  }
  const existing = await ctx.workspace.clusters();
  const free = folders.filter((f) => !existing.some((c) => c.folder === f));
  if (free.length === 0) {
    // Never overwrite: open the file that is there.
    const c = existing[0];
    await vscode.window.showTextDocument(c.uri);
    void vscode.window.showInformationMessage(vscode.l10n.t('{0} already exists; opened it.', vscode.workspace.asRelativePath(c.uri)));
    return c.uri;
  }
  const folder =
    free.length === 1
      ? free[0]
      : await vscode.window.showWorkspaceFolderPick({ placeHolder: vscode.l10n.t('Create the cluster file in which folder?') });
  if (!folder) return undefined;
  const uri = ctx.workspace.clusterFileUri(folder);
  try {
    await vscode.workspace.fs.stat(uri);
    await vscode.window.showTextDocument(uri);
    return uri;
  } catch {
    // Not there yet: write the example.
  }
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(core().EXAMPLE_CLUSTER_FILE));
  await ctx.workspace.refresh();
  await vscode.window.showTextDocument(uri);
  return uri;
}

export async function openClusterFile(ctx: CommandContext, item?: NodeItem): Promise<void> {
  const c = await pickCluster(ctx.workspace, item?.clusterKey);
  if (!c) {
    void vscode.window.showInformationMessage(vscode.l10n.t('No cluster file in this workspace. Use "Gluu Cluster: Create Cluster File".'));
    return;
  }
  await vscode.window.showTextDocument(c.uri);
}

/** Opens the cluster file at the problem an error item stands for. */
export async function openProblem(ctx: CommandContext, item?: NodeItem): Promise<void> {
  const c = await pickCluster(ctx.workspace, item?.clusterKey);
  if (!c) return;
  const problem = item?.problem ?? c.parsed.problems.find((p) => p.severity === 'error');
  const editor = await vscode.window.showTextDocument(c.uri);
  if (problem) {
    const r = toRange(problem);
    editor.selection = new vscode.Selection(r.start, r.end);
    editor.revealRange(r, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }
}

export async function refresh(ctx: CommandContext): Promise<void> {
  await ctx.workspace.refresh();
}
