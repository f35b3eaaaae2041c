/**
 * "Show the difference, then ask": a diff editor opened beside a modal question, closed once the
 * question is answered. Used where something would be replaced (a generated file the user edited,
 * an LDAP value).
 */
import * as vscode from 'vscode';
import { log } from './log';

export interface DiffSides {
  left: vscode.Uri;
  right: vscode.Uri;
  title: string;
  viewColumn?: vscode.ViewColumn;
}

const isDiffOf = (t: vscode.Tab, d: DiffSides) =>
  t.input instanceof vscode.TabInputTextDiff &&
  t.input.original.toString() === d.left.toString() &&
  t.input.modified.toString() === d.right.toString();
const diffTabs = (d: DiffSides) => vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => isDiffOf(t, d));

/**
 * Opens the diff, asks once its tab is open, then closes it and returns the answer.
 *
 * The question waits for the tab, not for `vscode.diff` to resolve: that resolves only once the
 * editor's worker has computed the diff, which waits behind whatever else that worker was asked
 * (two CI runs: over 175 s behind the previews' re-renders, see previewProvider.ts), and held
 * the question back with it. After the answer the diff is closed and its open awaited, which that
 * close ends, so the caller never opens an editor while the diff's open is still going on (the
 * editor then refused it: "Could NOT open editor").
 */
export async function askOverDiff<T>(diff: DiffSides, ask: () => Thenable<T>): Promise<T> {
  let tabOpen: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => (tabOpen = resolve));
  const watch = vscode.window.tabGroups.onDidChangeTabs(() => diffTabs(diff).length && tabOpen());
  const settled = Promise.resolve(
    vscode.commands.executeCommand('vscode.diff', diff.left, diff.right, diff.title, { preview: true, viewColumn: diff.viewColumn }),
  ).then(
    () => undefined,
    // The question is still asked: its text says what would change.
    (e: unknown) => log().warn(`${diff.title}: the diff did not open: ${e instanceof Error ? e.message : String(e)}`),
  );
  try {
    if (diffTabs(diff).length) tabOpen();
    await Promise.race([opened, settled]);
  } finally {
    watch.dispose();
  }
  try {
    return await ask();
  } finally {
    const tabs = diffTabs(diff);
    if (tabs.length) await vscode.window.tabGroups.close(tabs);
    await settled;
  }
}
