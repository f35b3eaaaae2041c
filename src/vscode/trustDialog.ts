import * as vscode from 'vscode';

/**
 * The one way the editor asks to trust a key or certificate it has never seen: a modal whose
 * only affirmative answer is "Trust and Connect"; closing it refuses.
 */
export async function askToTrust(message: string, detail: string): Promise<boolean> {
  const trust = vscode.l10n.t('Trust and Connect');
  return (await vscode.window.showWarningMessage(message, { modal: true, detail }, trust)) === trust;
}
