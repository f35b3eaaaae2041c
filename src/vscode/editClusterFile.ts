/**
 * Applies a text transformation to the cluster file. With unsaved changes in an editor, the
 * buffer is the truth: the change goes there as one minimal edit (undo works) and saving stays
 * the user's decision. Otherwise the file on disk is the truth: it is read, changed and written,
 * and an open editor reloads it (an editor model can lag behind a file changed on disk).
 */
import * as vscode from 'vscode';
import { core } from './core';

export async function editClusterFile(uri: vscode.Uri, transform: (text: string) => string): Promise<boolean> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  const dirty = open?.isDirty ?? false;
  const before = dirty ? open!.getText() : new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  let after: string;
  try {
    after = transform(before);
  } catch (e) {
    if (e instanceof core().EditError) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Cluster file not changed: {0}', e.message));
      return false;
    }
    throw e;
  }
  if (after === before) return true;
  if (!dirty) {
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(after));
    return true;
  }
  const doc = open!;
  const change = core().textChange(before, after);
  const edit = new vscode.WorkspaceEdit();
  edit.replace(uri, new vscode.Range(doc.positionAt(change.start), doc.positionAt(change.end)), change.text);
  // Not a refactoring: VS Code would otherwise save the file for the user.
  if (!(await vscode.workspace.applyEdit(edit, { isRefactoring: false }))) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Could not edit {0}.', vscode.workspace.asRelativePath(uri)));
    return false;
  }
  return true;
}
