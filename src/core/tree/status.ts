/**
 * How the views word a run status: one table, status → words, for a host's last run (tooltips
 * of the Steps and Nodes views) and for a step across its hosts (the Steps view's description).
 * A new status is one more row here; one missing from the table still reads as words.
 */

export interface StatusWords {
  /** What happened on one host: "not run", "already done". */
  host: string;
  /** What a step is across its hosts: a step some of whose hosts did not run is "partly run". */
  step: string;
}

export const RUN_STATUS_WORDS: Readonly<Record<string, StatusWords>> = {
  never: { host: 'never run', step: 'never run' },
  running: { host: 'running', step: 'running' },
  done: { host: 'done', step: 'done' },
  'already-done': { host: 'already done', step: 'already done' },
  failed: { host: 'failed', step: 'failed' },
  cancelled: { host: 'cancelled', step: 'cancelled' },
  'not-run': { host: 'not run', step: 'partly run' },
  // A step whose prerequisite ran again after it: its result may no longer hold.
  stale: { host: 'stale', step: 'stale' },
  // Marked by an operator (done by hand is "done"; the mark's reason is in the tooltip).
  skipped: { host: 'skipped', step: 'skipped' },
};

/** The words for a status ("not-run" → "not run"); an unknown one with its dashes as spaces. */
export function statusWords(status: string, of: keyof StatusWords = 'host'): string {
  return Object.hasOwn(RUN_STATUS_WORDS, status) ? RUN_STATUS_WORDS[status][of] : status.replace(/-/g, ' ');
}

/** A host's last run of a step (the run state's HostRunState, read as words). */
export interface HostRunLine {
  status: string;
  at: number;
  exitCode?: number | null;
  message?: string;
}

const exitOf = (s: HostRunLine) => (typeof s.exitCode === 'number' ? ` (exit ${s.exitCode})` : '');

/** Markdown list for a step's tooltip: "- `idp1.example.org`: not run, 5/6/2025, 10:00:00". */
export function describeHostRuns(hosts: Record<string, HostRunLine>, when = (at: number) => new Date(at).toLocaleString()): string {
  return Object.entries(hosts)
    .map(([h, s]) => `- \`${h}\`: ${statusWords(s.status)}${exitOf(s)}${s.message ? ` — ${s.message}` : ''}, ${when(s.at)}`)
    .join('\n');
}

/** Markdown for a host's tooltip: its last run of each step (a cluster's run state), or undefined when none ran there. */
export function describeRunsOnHost(
  steps: Record<string, { hosts: Record<string, HostRunLine> }>,
  host: string,
  when = (at: number) => new Date(at).toLocaleString(),
): string | undefined {
  const lines = Object.entries(steps)
    .map(([step, record]) => [step, record.hosts[host]] as const)
    .filter(([, s]) => s)
    .map(([step, s]) => `- \`${step}\`: ${statusWords(s.status)}${exitOf(s)}, ${when(s.at)}`);
  return lines.length ? `**Last runs on this host**\n\n${lines.join('\n')}` : undefined;
}
