/**
 * The generated files (core/plan/generated.ts) in the workspace, in the folder the setting
 * `gluuCluster.generatedFolder` names (default `cluster`). The user may edit them; the steps push
 * the workspace copy when there is one. Regenerating over a copy the user changed shows the
 * difference and asks; nothing is overwritten silently.
 */
import { createHash } from 'node:crypto';
import * as vscode from 'vscode';
import { DEFAULT_GENERATED_FOLDER, GENERATED_FILES, type GeneratedFileName } from '../../core/plan/generated';
import type { PlanInput } from '../../core/plan/stepPlan';
import { core } from '../core';
import { readText, type ClusterEntry } from '../clusterWorkspace';
import { askOverDiff } from '../diffQuestion';

/** The setting, under gluuCluster. (package.json declares it). */
export const GENERATED_FOLDER_SETTING = 'generatedFolder';
const STATE_KEY = 'gluuCluster.generatedHashes';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** The folder of a cluster's generated files, as the setting names it (for texts). */
export function generatedFolder(cluster: ClusterEntry): string {
  return (
    vscode.workspace.getConfiguration('gluuCluster', cluster.folder.uri).get<string>(GENERATED_FOLDER_SETTING)?.trim() ||
    DEFAULT_GENERATED_FOLDER
  );
}

export function generatedFileUri(cluster: ClusterEntry, name: GeneratedFileName): vscode.Uri {
  const folder = generatedFolder(cluster);
  const base = folder.startsWith('/') ? vscode.Uri.file(folder) : vscode.Uri.joinPath(cluster.folder.uri, folder);
  return vscode.Uri.joinPath(base, name);
}

/** The workspace copies of the generated files that exist (what the steps will push). */
export async function workspaceGeneratedFiles(cluster: ClusterEntry): Promise<Partial<Record<GeneratedFileName, string>>> {
  const out: Partial<Record<GeneratedFileName, string>> = {};
  for (const { fileName } of GENERATED_FILES) {
    const text = await readText(generatedFileUri(cluster, fileName));
    if (text !== undefined) out[fileName] = text;
  }
  return out;
}

/** What the preview and the runner render a cluster's steps from: its workspace copies, named by the setting. */
export async function workspacePlanInput(cluster: ClusterEntry): Promise<PlanInput> {
  return core().planInput(cluster.parsed.config!, await workspaceGeneratedFiles(cluster), generatedFolder(cluster));
}

/** Content provider for the "generated" side of the regenerate diff. */
export class ProposedContent implements vscode.TextDocumentContentProvider {
  static readonly scheme = 'gluu-cluster-proposed';
  private readonly texts = new Map<string, string>();
  private count = 0;
  /**
   * A new document for each proposal. Reusing one URI showed the previous proposal (the editor
   * keeps a virtual document's text until told it changed) and, with its earlier diff still
   * closing, made the next diff fail with "Model is disposed" and never open.
   */
  propose(name: string, forFile: vscode.Uri, text: string): vscode.Uri {
    const uri = vscode.Uri.from({
      scheme: ProposedContent.scheme,
      path: `/${name}`,
      query: forFile.toString(),
      fragment: String(++this.count),
    });
    // Only the latest proposal per file is ever shown again; older ones are dropped.
    for (const key of this.texts.keys()) if (vscode.Uri.parse(key).query === uri.query) this.texts.delete(key);
    this.texts.set(uri.toString(), text);
    return uri;
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
    const right = proposed.propose(name, uri, text);
    const overwrite = vscode.l10n.t('Overwrite');
    const answer = await askOverDiff({ left: uri, right, title: vscode.l10n.t('{0}: yours ↔ generated from the cluster file', name) }, () =>
      vscode.window.showWarningMessage(
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
      ),
    );
    if (answer !== overwrite) outcome = 'kept';
  }
  if (outcome === 'written') await write(uri, text);
  if (outcome !== 'kept') await context.workspaceState.update(STATE_KEY, { ...hashes, [uri.toString()]: sha256(text) });
  await vscode.window.showTextDocument(uri, { preview: false });
  return outcome;
}
