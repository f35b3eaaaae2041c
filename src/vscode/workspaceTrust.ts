/**
 * Restricted Mode: in a workspace the user has not trusted, nothing runs or connects because of
 * what the workspace holds. No nginx -t on its nginx.conf, no SSH to the hosts its cluster file
 * names (steps, terminals, the LDAP editor). Reading, validating, previewing and generating work.
 * package.json says so: capabilities.untrustedWorkspaces is "limited".
 */
import * as vscode from 'vscode';

const restricted = () =>
  vscode.l10n.t(
    'This workspace is in Restricted Mode: Gluu Cluster runs no steps, checks no nginx.conf with nginx -t and opens no SSH or LDAP connection until you trust the workspace.',
  );

/** Where a connection would start: refuses in an untrusted workspace (the caller's error message says why). */
export function requireTrust(): void {
  if (!vscode.workspace.isTrusted) throw new Error(restricted());
}

/** True in a trusted workspace; otherwise says why nothing happens and offers the editor's trust settings. */
export async function trustedOrExplain(): Promise<boolean> {
  if (vscode.workspace.isTrusted) return true;
  const manage = vscode.l10n.t('Manage Workspace Trust');
  if ((await vscode.window.showWarningMessage(restricted(), manage)) === manage)
    await vscode.commands.executeCommand('workbench.trust.manage');
  return false;
}
