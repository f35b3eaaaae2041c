/**
 * When the periodic health check runs (gluuCluster.health.interval): never while the view is
 * hidden or the setting is 0, at most every 30 s (each round opens a shell per check on every host;
 * faster than that would be load, not monitoring), and a round is skipped, not queued, while a
 * step runs on the cluster or the previous round has not finished.
 */
export const MIN_HEALTH_INTERVAL_SECONDS = 30;

/** The period in milliseconds, or undefined for no periodic check. */
export function healthPeriodMs(seconds: unknown, visible: boolean): number | undefined {
  if (!visible || typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0) return undefined;
  return Math.max(MIN_HEALTH_INTERVAL_SECONDS, seconds) * 1000;
}

export type RoundSkip = 'no cluster' | 'a step runs' | 'the previous round runs';

/** Why a due round is skipped, or undefined when it runs. */
export function skipRound(o: { cluster: boolean; stepRunning: boolean; previousRunning: boolean }): RoundSkip | undefined {
  if (o.previousRunning) return 'the previous round runs';
  if (!o.cluster) return 'no cluster';
  if (o.stepRunning) return 'a step runs';
  return undefined;
}
