/**
 * The Cluster Health view's items from a report, as plain data (the view only turns them into
 * TreeItems): one group per concern with its worst state, one row per check and host with its
 * state, reason, time and the actions that help (run the step that fixes it, open a terminal on
 * the host, show the details).
 */
import { GROUP_TITLES, HEALTH_GROUPS, worst, type HealthGroup, type HealthReport, type HealthRow, type HealthState } from './model';

/** Codicon and theme colour of each state (ThemeColor ids of the testing and list colours). */
export const STATE_ICONS: Record<HealthState, { icon: string; color: string }> = {
  ok: { icon: 'pass', color: 'testing.iconPassed' },
  warning: { icon: 'warning', color: 'list.warningForeground' },
  critical: { icon: 'error', color: 'testing.iconFailed' },
  unknown: { icon: 'question', color: 'disabledForeground' },
};

export const STATE_WORDS: Record<HealthState, string> = { ok: 'ok', warning: 'warning', critical: 'critical', unknown: 'unknown' };

export interface HealthGroupItem {
  kind: 'healthGroup';
  id: string;
  clusterKey: string;
  group: HealthGroup;
  label: string;
  description: string;
  state: HealthState;
  rows: HealthRowItem[];
}

export interface HealthRowItem {
  kind: 'healthRow';
  id: string;
  clusterKey: string;
  row: HealthRow;
  label: string;
  description: string;
  /** Markdown. */
  tooltip: string;
  state: HealthState;
  /** "gluu.health.row" plus ".secret" (a password would let it run), ".fix" (a step fixes it) and ".host" (about one host): the menus' when clauses. */
  contextValue: string;
}

const time = (iso: string) => iso.slice(11, 19);

export function healthTree(clusterKey: string, report: HealthReport, stepTitle: (id: string) => string | undefined): HealthGroupItem[] {
  const groups: HealthGroupItem[] = [];
  for (const g of HEALTH_GROUPS) {
    const rows = report.rows.filter((r) => r.group === g);
    if (!rows.length) continue;
    const state = worst(rows.map((r) => r.state));
    const bad = rows.filter((r) => r.state !== 'ok').length;
    groups.push({
      kind: 'healthGroup',
      id: `${clusterKey}#health#${g}`,
      clusterKey,
      group: g,
      label: GROUP_TITLES[g],
      description: bad ? `${bad} of ${rows.length} not ok` : `${rows.length} ok`,
      state,
      rows: rows.map((row, i) => rowItem(clusterKey, row, i, stepTitle)),
    });
  }
  return groups;
}

function rowItem(clusterKey: string, row: HealthRow, i: number, stepTitle: (id: string) => string | undefined): HealthRowItem {
  const fix = row.fixStep ? (stepTitle(row.fixStep) ?? row.fixStep) : undefined;
  const tooltip = [
    `**${row.title}${row.host ? ` — ${row.host}` : ''}**: ${STATE_WORDS[row.state]}`,
    '',
    escape(row.reason),
    ...(row.details?.length ? ['', ...row.details.map((d) => `- ${escape(d)}`)] : []),
    '',
    `Checked at ${time(row.checkedAt)}${fix ? ` · fixed by the step "${escape(fix)}"` : ''}`,
  ].join('\n');
  return {
    kind: 'healthRow',
    id: `${clusterKey}#health#${row.group}#${row.check}#${row.host}#${i}`,
    clusterKey,
    row,
    label: row.host ? `${row.host} — ${row.title}` : row.title,
    description: `${row.reason} · ${time(row.checkedAt)}`,
    tooltip,
    state: row.state,
    contextValue: `gluu.health.row${row.needsSecret ? '.secret' : ''}${row.fixStep ? '.fix' : ''}${row.host ? '.host' : ''}`,
  };
}

/** Markdown-safe text: a reason may hold *, _, [ or backticks from a host's output. */
function escape(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+!|<>]/g, (c) => `\\${c}`);
}

/** The details document of one row (Show Details): everything the check said, as text. */
export function rowDetails(clusterName: string, row: HealthRow, stepTitle?: string): string {
  return [
    `${row.title}${row.host ? ` on ${row.host}` : ''} (${GROUP_TITLES[row.group]}), cluster "${clusterName}"`,
    `State: ${STATE_WORDS[row.state]}`,
    `Checked at: ${row.checkedAt}`,
    '',
    row.reason,
    ...(row.details?.length ? ['', ...row.details] : []),
    ...(row.value !== undefined ? ['', `Measured: ${row.value}`] : []),
    ...(row.fixStep ? ['', `The step that sets it right: ${stepTitle ?? row.fixStep} (${row.fixStep})`] : []),
    '',
  ].join('\n');
}
