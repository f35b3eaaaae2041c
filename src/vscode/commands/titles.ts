/**
 * The names people know the commands by: their titles from package.json (package.nls.json), so a
 * failure says "Run Step failed: …" rather than "gluuCluster.runStep failed: …". Pure (no
 * `vscode`): the manifest and the message file are passed in.
 */

interface ContributedCommand {
  command: string;
  title: string;
}

/** id → title, with `%key%` looked up in the message file and a trailing "…" dropped. */
export function commandTitles(
  manifest: { contributes?: { commands?: ContributedCommand[] } },
  nls: Record<string, string | { message: string }>,
): Map<string, string> {
  const text = (v: string | { message: string } | undefined) => (typeof v === 'string' ? v : v?.message);
  const titles = new Map<string, string>();
  for (const c of manifest.contributes?.commands ?? []) {
    const placeholder = /^%(.+)%$/.exec(c.title);
    const title = placeholder ? text(nls[placeholder[1]]) : c.title;
    if (title) titles.set(c.command, title.replace(/\s*(…|\.\.\.)$/, ''));
  }
  return titles;
}
