/**
 * Runs the health checks at once over the pooled connections, each within a time limit, and
 * makes the report. A check that throws or overruns gives an unknown row instead of hanging or
 * hiding: no check can make the report wait past its limit.
 */
import type { HealthCheck } from './check';
import { allHosts, rowOf } from './check';
import type { HealthContext } from './context';
import { countStates, sortRows, worst, type HealthGroup, type HealthReport, type HealthRow } from './model';

export interface HealthRunOptions {
  /** Only these groups (the CLI's --only, the view's per-group refresh). */
  groups?: readonly HealthGroup[];
  /** A whole check's limit (default 30 s). */
  checkTimeoutMs?: number;
}

export const DEFAULT_CHECK_TIMEOUT_MS = 30000;

export async function runHealth(checks: readonly HealthCheck[], ctx: HealthContext, o: HealthRunOptions = {}): Promise<HealthReport> {
  const t0 = ctx.now();
  const startedAt = ctx.stamp();
  const chosen = checks.filter((c) => (!o.groups || o.groups.includes(c.group)) && (c.applies?.(ctx.config) ?? true));
  const limit = o.checkTimeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  const rows = (await Promise.all(chosen.map((c) => withinLimit(c, ctx, limit)))).flat();
  const sorted = sortRows(rows, allHosts(ctx.config));
  return {
    version: 1,
    cluster: ctx.config.name,
    startedAt,
    ms: ctx.now() - t0,
    state: worst(sorted.map((r) => r.state)),
    counts: countStates(sorted),
    rows: sorted,
  };
}

async function withinLimit(c: HealthCheck, ctx: HealthContext, ms: number): Promise<HealthRow[]> {
  let timer: NodeJS.Timeout | undefined;
  const overrun = new Promise<HealthRow[]>((resolve) => {
    timer = setTimeout(
      () => resolve([rowOf(c, ctx, '', { state: 'unknown', reason: `${c.title} did not finish within ${Math.round(ms / 1000)} s` })]),
      ms,
    );
  });
  try {
    return await Promise.race([
      c
        .run(ctx)
        .catch((e: unknown) => [
          rowOf(c, ctx, '', { state: 'unknown', reason: `${c.title} could not run: ${(e as Error)?.message ?? String(e)}` }),
        ]),
      overrun,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
