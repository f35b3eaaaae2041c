/**
 * The LDAP editor's commands: open it on a node (tree menu or palette), put back the values the
 * last write replaced, forget a pinned LDAP certificate.
 */
import * as vscode from 'vscode';
import type { NodeItem } from '../../core/tree/model';
import { forgetPinnedCertificate, pinnedCertificateIds } from '../ldap/certificateTrust';
import type { LdapEditorPanel } from '../ldap/ldapEditorPanel';
import { pickHost, pickValidCluster } from '../pick';
import type { CommandContext } from './context';

async function nodeAndCluster(ctx: CommandContext, item: NodeItem | undefined, placeHolder: string) {
  const node = await pickHost(ctx.nodes, item, ['primary', 'node'], placeHolder);
  const cluster = node && (await pickValidCluster(ctx.workspace, node.clusterKey));
  if (!node?.host || !cluster) return undefined;
  return { node: node.host, cluster };
}

export async function editLdap(ctx: CommandContext, item?: NodeItem): Promise<LdapEditorPanel | undefined> {
  const picked = await nodeAndCluster(ctx, item, vscode.l10n.t('Edit the LDAP cache and authentication settings of…'));
  return picked && ctx.ldap.get().editors.open(picked.cluster, picked.node);
}

export async function restorePreviousLdapValue(ctx: CommandContext, item?: NodeItem): Promise<string | undefined> {
  const picked = await nodeAndCluster(ctx, item, vscode.l10n.t('Restore the previous LDAP value on…'));
  if (!picked) return undefined;
  const declined = await ctx.ldap.get().service.confirmRestore(picked.cluster, picked.node);
  if (declined) {
    void vscode.window.showInformationMessage(declined);
    return undefined;
  }
  const message = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Restoring the previous LDAP value on {0}…', picked.node) },
    () => ctx.ldap.get().service.restore(picked.cluster, picked.node),
  );
  void vscode.window.showInformationMessage(message);
  const panel = ctx.ldap.loaded()?.editors.get(picked.cluster.key);
  if (panel?.node === picked.node) await panel.load();
  return message;
}

export async function forgetLdapCertificate(ctx: CommandContext): Promise<boolean> {
  const ids = pinnedCertificateIds(ctx.extension.globalState);
  if (ids.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('No LDAP certificate is pinned.'));
    return false;
  }
  const id = await vscode.window.showQuickPick(ids, { placeHolder: vscode.l10n.t('Forget the pinned LDAP certificate of…') });
  if (!id) return false;
  await forgetPinnedCertificate(ctx.extension.globalState, id);
  return true;
}
