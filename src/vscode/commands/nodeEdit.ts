/** Commands that change the node list in the cluster file, keeping its comments and order. */
import * as vscode from 'vscode';
import { core } from '../core';
import type { NodeItem } from '../../core/tree/model';
import { editClusterFile } from '../editClusterFile';
import { pickCluster, pickHost } from '../pick';
import type { CommandContext } from './context';

export async function setPrimary(ctx: CommandContext, item?: NodeItem): Promise<boolean> {
  const node = await pickHost(ctx.nodes, item, ['node'], vscode.l10n.t('Make which node the primary?'));
  const c = node && (await pickCluster(ctx.workspace, node.clusterKey));
  if (!node?.host || !c) return false;
  const ok = await editClusterFile(c.uri, (text) => core().setPrimary(text, node.host!));
  if (ok) await ctx.workspace.refresh();
  return ok;
}

export async function addNode(ctx: CommandContext, item?: NodeItem): Promise<boolean> {
  const c = await pickCluster(ctx.workspace, item?.clusterKey);
  if (!c) {
    void vscode.window.showInformationMessage(vscode.l10n.t('No cluster file in this workspace. Use "Gluu Cluster: Create Cluster File".'));
    return false;
  }
  // Validate against what the file holds now (the open editor's text, else the disk).
  const text = c.parsed.text;
  const host = await vscode.window.showInputBox({
    title: vscode.l10n.t('Add Gluu Node (1/2)'),
    prompt: vscode.l10n.t('Fully qualified host name of the new node'),
    placeHolder: 'idp3.example.org',
    ignoreFocusOut: true,
    validateInput: (v) =>
      core().matchesFormat(v.trim(), 'hostname') ? undefined : vscode.l10n.t('Letters, digits, hyphens and dots only (RFC 1123).'),
  });
  if (!host) return false;
  const address = await vscode.window.showInputBox({
    title: vscode.l10n.t('Add Gluu Node (2/2)'),
    prompt: vscode.l10n.t('IP address of {0}', host.trim()),
    placeHolder: '203.0.113.12',
    ignoreFocusOut: true,
    validateInput: (v) => core().checkNewNode(text, { host: host.trim(), address: v.trim() }),
  });
  if (!address) return false;
  const ok = await editClusterFile(c.uri, (t) => core().addNode(t, { host: host.trim(), address: address.trim() }));
  if (ok) await ctx.workspace.refresh();
  return ok;
}

export async function removeNode(ctx: CommandContext, item?: NodeItem): Promise<boolean> {
  const node = await pickHost(ctx.nodes, item, ['node', 'primary'], vscode.l10n.t('Remove which node from the cluster file?'));
  const c = node && (await pickCluster(ctx.workspace, node.clusterKey));
  if (!node?.host || !c) return false;
  const remove = vscode.l10n.t('Remove');
  const answer = await vscode.window.showWarningMessage(
    vscode.l10n.t('Remove {0} from the cluster file?', node.host),
    {
      modal: true,
      detail: vscode.l10n.t('Only the entry in {0} is removed; nothing changes on the server.', vscode.workspace.asRelativePath(c.uri)),
    },
    remove,
  );
  if (answer !== remove) return false;
  const ok = await editClusterFile(c.uri, (text) => core().removeNode(text, node.host!));
  if (ok) await ctx.workspace.refresh();
  return ok;
}
