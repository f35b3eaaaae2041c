/**
 * Cluster Health: Check Cluster Health (the run session's checks, with progress in the view),
 * the periodic check (gluuCluster.health.interval seconds, only while the view is visible and
 * no step of the cluster runs), and a row's actions: run the step that fixes it, open an SSH
 * terminal on its host, show its details.
 */
import * as vscode from 'vscode';
import type { HealthReport } from '../../core/health/model';
import type { HealthRowItem } from '../../core/health/tree';
import type { NodeItem, StepItem } from '../../core/tree/model';
import type { ClusterEntry } from '../clusterWorkspace';
import { core } from '../core';
import type { HealthViewProvider } from '../health/healthView';
import { log } from '../log';
import { pickValidCluster } from '../pick';
import { activeRuns } from '../run/activeRuns';
import type { CommandContext } from './context';
import { editorSession, openSshTerminal, runStepCommand } from './run';

export const HEALTH_VIEW = 'gluuCluster.health';
const isRow = (i: unknown): i is HealthRowItem => typeof i === 'object' && i !== null && (i as HealthRowItem).kind === 'healthRow';

/** Runs every check on the cluster; the view and the status bar show the report. */
export async function checkCluster(
  ctx: CommandContext,
  health: HealthViewProvider,
  cluster: ClusterEntry,
): Promise<HealthReport | undefined> {
  health.begin(cluster.key);
  let report: HealthReport | undefined;
  try {
    report = await vscode.window.withProgress({ location: { viewId: HEALTH_VIEW } }, async () => {
      const session = await editorSession(ctx, cluster);
      return session.health();
    });
    log().info(`health of ${report.cluster}: ${core().summaryWords(report.counts)} (${report.rows.length} checks, ${report.ms} ms)`);
    return report;
  } finally {
    health.end(cluster.key, report, cluster.parsed.config);
  }
}

export async function checkHealth(
  ctx: CommandContext,
  health: HealthViewProvider,
  item?: { clusterKey?: string },
): Promise<HealthReport | undefined> {
  const cluster = await pickValidCluster(ctx.workspace, item?.clusterKey ?? health.current()?.clusterKey);
  if (!cluster) return undefined;
  return checkCluster(ctx, health, cluster);
}

/** A row that could not run for want of a password: ask for it (it is kept), then check again. */
export async function enterPassword(ctx: CommandContext, health: HealthViewProvider, item?: unknown): Promise<unknown> {
  if (!isRow(item) || !item.row.needsSecret) return undefined;
  const cluster = await pickValidCluster(ctx.workspace, item.clusterKey);
  if (!cluster) return undefined;
  await ctx.secrets.get(cluster.key, cluster.parsed.config!.name, item.row.needsSecret);
  return checkCluster(ctx, health, cluster);
}

export async function runFix(ctx: CommandContext, item?: unknown): Promise<unknown> {
  if (!isRow(item) || !item.row.fixStep) return undefined;
  return runStepCommand(ctx, { stepId: item.row.fixStep, clusterKey: item.clusterKey } as StepItem);
}

export async function openTerminalOnRow(ctx: CommandContext, item?: unknown): Promise<unknown> {
  if (!isRow(item) || !item.row.host) return openSshTerminal(ctx);
  const node = (await ctx.nodes.hosts()).find((h: NodeItem) => h.clusterKey === item.clusterKey && h.host === item.row.host);
  return openSshTerminal(ctx, node);
}

export async function showDetails(ctx: CommandContext, item?: unknown): Promise<unknown> {
  if (!isRow(item)) return undefined;
  const cluster = await pickValidCluster(ctx.workspace, item.clusterKey);
  const fix = item.row.fixStep ? core().findStep(item.row.fixStep)?.title : undefined;
  const doc = await vscode.workspace.openTextDocument({
    content: core().rowDetails(cluster?.parsed.config?.name ?? '', item.row, fix),
    language: 'plaintext',
  });
  return vscode.window.showTextDocument(doc, { preview: true });
}

/**
 * Checks every `gluuCluster.health.interval` seconds while the view is visible (0: never). A
 * round is skipped while a step of that cluster runs, or while the previous round still runs.
 */
export function periodicHealth(ctx: CommandContext, health: HealthViewProvider, view: vscode.TreeView<unknown>): vscode.Disposable {
  let timer: NodeJS.Timeout | undefined;
  let inFlight = false;
  const tick = async () => {
    const clusters = inFlight ? [] : (await ctx.workspace.clusters()).filter((c) => c.parsed.config);
    const key = health.current()?.clusterKey;
    const cluster = clusters.find((c) => c.key === key) ?? (clusters.length === 1 ? clusters[0] : undefined);
    const skip = core().skipRound({
      cluster: !!cluster,
      stepRunning: !!cluster && activeRuns.busy(cluster.key),
      previousRunning: inFlight,
    });
    if (skip || !cluster) {
      log().debug(`periodic health check skipped: ${skip ?? 'no cluster'}`);
      return;
    }
    inFlight = true;
    try {
      await checkCluster(ctx, health, cluster);
    } catch (e) {
      log().warn(`periodic health check failed: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      inFlight = false;
    }
  };
  const reschedule = () => {
    if (timer) clearInterval(timer);
    timer = undefined;
    const seconds = vscode.workspace.getConfiguration('gluuCluster').get<number>('health.interval', 0);
    // The core bundle loads only once a period is possible (not at activation, where it is off).
    const period = view.visible && seconds ? core().healthPeriodMs(seconds, view.visible) : undefined;
    if (period) timer = setInterval(() => void tick(), period);
  };
  const subs = [
    view.onDidChangeVisibility(reschedule),
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('gluuCluster.health.interval') && reschedule()),
  ];
  reschedule();
  return {
    dispose: () => {
      if (timer) clearInterval(timer);
      for (const s of subs) s.dispose();
    },
  };
}
