/**
 * The generated nginx.conf and csync2.cfg in the workspace (default folder `cluster/`). The user
 * may edit them; the steps push the workspace copy when there is one. Regenerating over a copy
 * the user changed shows the difference and asks; nothing is overwritten silently.
 */
import { createHash } from 'node:crypto';
import * as vscode from 'vscode';
import type { GeneratedFileName } from '../../core/plan/actions';
import { core } from '../core';
import { readText, type ClusterEntry } from '../clusterWorkspace';

export const GENERATED_FOLDER_SETTING = 'generatedFolder';
const STATE_KEY = 'gluuCluster.generatedHashes';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export function generatedFileUri(cluster: ClusterEntry, name: GeneratedFileName): vscode.Uri {
  const folder = vscode.workspace.getConfiguration('gluuCluster', cluster.folder.uri).get<string>(GENERATED_FOLDER_SETTING) || 'cluster';
  const base = folder.startsWith('/') ? vscode.Uri.file(folder) : vscode.Uri.joinPath(cluster.folder.uri, folder);
  return vscode.Uri.joinPath(base, name);
}

/** The workspace copies of the generated files that exist (what the steps will push). */
export async function workspaceGeneratedFiles(cluster: ClusterEntry): Promise<Partial<Record<GeneratedFileName, string>>> {
  const out: Partial<Record<GeneratedFileName, string>> = {};
  for (const name of ['nginx.conf', 'csync2.cfg'] as const) {
    const text = await readText(generatedFileUri(cluster, name));
    if (text !== undefined) out[name] = text;
  }
  return out;
}

/** Content provider for the "generated" side of the regenerate diff. */
export class ProposedContent implements vscode.TextDocumentContentProvider {
  static readonly scheme = 'gluu-cluster-proposed';
  private readonly texts = new Map<string, string>();
  set(uri: vscode.Uri, text: string): void {
    this.texts.set(uri.toString(), text);
  }
  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }
}

export type GenerateOutcome = 'written' | 'unchanged' | 'kept';

/**
 * Writes the file. When it is open in the editor, through the editor's document (an edit, then
 * a save): the editor shows the new text at once, instead of the old text until the file
 * watcher reports the change on disk (seconds on a busy machine), and a later edit there never
 * meets "the file has changed in the meantime". Else, or if that save did not store exactly
 * `text` (a save participant changed it), straight to disk.
 */
async function write(uri: vscode.Uri, text: string): Promise<void> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open) {
    const edit = new vscode.WorkspaceEdit();
    edit.replace(uri, new vscode.Range(0, 0, open.lineCount, 0), text);
    if ((await vscode.workspace.applyEdit(edit, { isRefactoring: false })) && (await open.save()) && open.getText() === text) return;
  }
  await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(uri, '..'));
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
}

/**
 * Writes the freshly generated file unless the user changed the workspace copy since it was last
 * generated; then shows a diff and asks. Returns what happened.
 */
export async function generateFile(
  context: vscode.ExtensionContext,
  proposed: ProposedContent,
  cluster: ClusterEntry,
  name: GeneratedFileName,
): Promise<GenerateOutcome> {
  const config = cluster.parsed.config!;
  const text = core().generateFiles(config)[name];
  const uri = generatedFileUri(cluster, name);
  const current = await readText(uri);
  const hashes = context.workspaceState.get<Record<string, string>>(STATE_KEY, {});
  let outcome: GenerateOutcome = 'written';
  if (current === text) {
    outcome = 'unchanged';
  } else if (current !== undefined && hashes[uri.toString()] !== sha256(current)) {
    // The user edited it (or it came from elsewhere): show what would change and ask.
    const right = vscode.Uri.from({ scheme: ProposedContent.scheme, path: `/${name}`, query: uri.toString() });
    proposed.set(right, text);
    await vscode.commands.executeCommand('vscode.diff', uri, right, vscode.l10n.t('{0}: yours ↔ generated from the cluster file', name), {
      preview: true,
    });
    const overwrite = vscode.l10n.t('Overwrite');
    const answer = await vscode.window.showWarningMessage(
      vscode.l10n.t(
        '{0} was changed since it was generated. Replace it with the newly generated file?',
        vscode.workspace.asRelativePath(uri),
      ),
      {
        modal: true,
        detail: vscode.l10n.t(
          'The diff shows your file on the left and the generated one on the right. Your changes are lost if you overwrite.',
        ),
      },
      overwrite,
    );
    if (answer !== overwrite) outcome = 'kept';
  }
  if (outcome === 'written') await write(uri, text);
  if (outcome !== 'kept') await context.workspaceState.update(STATE_KEY, { ...hashes, [uri.toString()]: sha256(text) });
  await vscode.window.showTextDocument(uri, { preview: false });
  return outcome;
}
