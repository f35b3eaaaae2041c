/** Helpers for tests that run inside a real VS Code extension host. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { GluuClusterApi } from '../../../src/extension';

export const EXTENSION_ID = 'gluu-cluster.gluu-cluster';

export async function api(): Promise<GluuClusterApi> {
  const ext = vscode.extensions.getExtension<GluuClusterApi>(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is installed`);
  return ext.isActive ? ext.exports : ext.activate();
}

export function workspaceFolder(): vscode.WorkspaceFolder {
  const f = vscode.workspace.workspaceFolders?.[0];
  assert.ok(f, 'the test runs with a workspace folder');
  return f;
}

export const clusterFileUri = () => vscode.Uri.joinPath(workspaceFolder().uri, 'gluu-cluster.yaml');

export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  ms = 10000,
): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await probe();
      if (v) return v;
      last = v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
}

/** Labels and descriptions of the Nodes view's top-level items, as the view shows them. */
export async function nodeRows(a: GluuClusterApi): Promise<string[]> {
  const items = await a.nodes.getChildren();
  return items.map((i) => {
    const t = a.nodes.getTreeItem(i);
    return `${t.label} | ${t.description ?? ''}`;
  });
}

/** Whether a diff tab whose right side has this URI scheme is open. */
export const diffTabOpen = (scheme: string) =>
  vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .some((t) => t.input instanceof vscode.TabInputTextDiff && t.input.modified.scheme === scheme);

/**
 * What a user does before answering a question asked over a diff: reads it, once the editor has
 * drawn it (its right side is visible). Answered anyway if it is not drawn within the wait (the
 * editor's worker may be busy for long under load; the command must not wait for it either).
 * Resolves whether it was drawn.
 */
export const readDiff = (scheme: string): Promise<boolean> =>
  waitFor('the diff to be drawn', () => vscode.window.visibleTextEditors.some((e) => e.document.uri.scheme === scheme)).then(
    () => true,
    () => false,
  );

export async function readFile(uri: vscode.Uri): Promise<string> {
  return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
}

/**
 * Replaces the file whole: written beside it, then renamed over it, so that no reader ever sees
 * it half written. (Written in place, the file is first truncated, then filled: a reader that
 * lands in between, the extension's own or the editor's reload of an open model, sees it empty,
 * and the next test meets "the cluster file is empty" or a model that changed under its edit.)
 */
export async function writeFile(uri: vscode.Uri, text: string): Promise<void> {
  const temp = vscode.Uri.joinPath(uri, '..', `.${uri.path.slice(uri.path.lastIndexOf('/') + 1)}.${process.pid}-${Date.now()}.tmp`);
  await vscode.workspace.fs.writeFile(temp, new TextEncoder().encode(text));
  await vscode.workspace.fs.rename(temp, uri, { overwrite: true });
}

/**
 * Answers the next modal/input prompts the way a user would, by replacing the window function
 * for the duration of `fn`. The command under test and its file edits stay real; the UI tests
 * click the real dialogs.
 */
export async function answering<T>(
  answers: { warning?: string; inputs?: string[]; refusals?: string[]; onWarning?: () => void | Promise<void> },
  fn: () => Thenable<T> | Promise<T>,
): Promise<T> {
  const w = vscode.window as unknown as Record<string, unknown>;
  const saved = { showWarningMessage: w.showWarningMessage, showInputBox: w.showInputBox };
  const inputs = [...(answers.inputs ?? [])];
  w.showWarningMessage = async () => {
    await answers.onWarning?.();
    return answers.warning;
  };
  w.showInputBox = async (opts?: vscode.InputBoxOptions) => {
    const v = inputs.shift();
    if (v !== undefined && opts?.validateInput) {
      const problem = await opts.validateInput(v);
      // The box would not accept it; the user gives up with Escape.
      if (problem) {
        answers.refusals?.push(typeof problem === 'string' ? problem : problem.message);
        return undefined;
      }
    }
    return v;
  };
  try {
    return await fn();
  } finally {
    Object.assign(w, saved);
  }
}

/**
 * Writes the file on disk and waits until an open editor model of it shows the same text, so the
 * next edit through the editor does not meet "the file has changed in the meantime".
 */
export async function writeFileSynced(uri: vscode.Uri, text: string): Promise<void> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open?.isDirty) await vscode.commands.executeCommand('workbench.action.files.revert', uri);
  await writeFile(uri, text);
  if (open)
    await waitFor(
      `the editor model of ${uri.path} to reload`,
      () => vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString())?.getText() === text,
    );
}

/**
 * Mocha hooks for a suite that changes the cluster file: remembers it before, and after each
 * test closes pickers and editors and puts the file back. Returns a getter for the original text.
 */
export function keepClusterFile(): () => string {
  let original = '';
  before(async () => {
    original = await readFile(clusterFileUri());
  });
  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await writeFileSynced(clusterFileUri(), original);
    await (await api()).workspace.refresh();
  });
  return () => original;
}

/**
 * Starts a command that asks with a QuickPick or an InputBox and tells when that prompt is on
 * screen, so the test presses Enter or Escape then instead of after a guessed delay. `shown`
 * resolves true once the QuickPick has an active item (the editor reports it through
 * onDidSelectItem) or the InputBox asked for its first validation (it does so as it opens), and
 * false if the command finished without asking. The prompts themselves stay the editor's real ones.
 */
export function prompting<T>(start: () => Thenable<T>): { result: Promise<T>; shown: Promise<boolean> } {
  const w = vscode.window as unknown as Record<string, unknown>;
  const saved = { showQuickPick: w.showQuickPick, showInputBox: w.showInputBox };
  type Fn = (...args: unknown[]) => unknown;
  let signal: (shown: boolean) => void = () => undefined;
  const shown = new Promise<boolean>((resolve) => {
    signal = (v) => {
      Object.assign(w, saved);
      resolve(v);
    };
  });
  w.showQuickPick = (items: unknown, options?: vscode.QuickPickOptions, token?: unknown) =>
    (saved.showQuickPick as Fn)(
      items,
      {
        ...options,
        onDidSelectItem: (item: vscode.QuickPickItem | string) => {
          signal(true);
          return options?.onDidSelectItem?.(item);
        },
      },
      token,
    );
  w.showInputBox = (options?: vscode.InputBoxOptions, token?: unknown) =>
    (saved.showInputBox as Fn)(
      {
        ...options,
        validateInput: (value: string) => {
          signal(true);
          return options?.validateInput?.(value);
        },
      },
      token,
    );
  const result = Promise.resolve().then(start);
  result.then(
    () => signal(false),
    () => signal(false),
  );
  return { result, shown };
}
