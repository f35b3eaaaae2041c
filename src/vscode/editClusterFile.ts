/** Applies a text transformation of the cluster file as one minimal edit, keeping undo intact. */
import * as vscode from 'vscode';
import { EditError, textChange } from '../core/config/edit';

export async function editClusterFile(uri: vscode.Uri, transform: (text: string) => string): Promise<boolean> {
  const doc = await vscode.workspace.openTextDocument(uri);
  const wasDirty = doc.isDirty;
  const before = doc.getText();
  let after: string;
  try {
    after = transform(before);
  } catch (e) {
    if (e instanceof EditError) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Cluster file not changed: {0}', e.message));
      return false;
    }
    throw e;
  }
  if (after === before) return true;
  const change = textChange(before, after);
  const edit = new vscode.WorkspaceEdit();
  edit.replace(uri, new vscode.Range(doc.positionAt(change.start), doc.positionAt(change.end)), change.text);
  if (!(await vscode.workspace.applyEdit(edit))) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Could not edit {0}.', vscode.workspace.asRelativePath(uri)));
    return false;
  }
  // Save only when the file had no unsaved changes of the user's: never save their work for them.
  if (!wasDirty) await doc.save();
  return true;
}
