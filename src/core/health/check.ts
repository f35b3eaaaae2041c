/**
 * A health check: one concern (a group), run over the hosts it is about, each host giving one
 * row or more. `perHost` turns the typed failures of the context into rows the same way for
 * every check: an unreachable host is critical, a timeout or a missing password unknown.
 */
import type { ClusterConfig } from '../config/types';
import { CheckTimeout, HostUnreachable, SecretNotStored, type HealthContext } from './context';
import type { HealthGroup, HealthRow, HealthState } from './model';

export interface HealthCheck {
  group: HealthGroup;
  /** Stable id within the group (the --json contract). */
  id: string;
  title: string;
  /** Whether the check means anything for this cluster (e.g. OpenDJ's status only with OpenDJ). */
  applies?(config: ClusterConfig): boolean;
  run(ctx: HealthContext): Promise<HealthRow[]>;
}

/** The part of a row a check decides; the rest comes from the check and the context. */
export interface Verdict {
  state: HealthState;
  reason: string;
  details?: string[];
  fixStep?: string;
  value?: number;
  /** A sub-check's id and title, when one check gives several rows per host. */
  check?: string;
  title?: string;
  needsSecret?: HealthRow['needsSecret'];
}

export function rowOf(check: Pick<HealthCheck, 'group' | 'id' | 'title'>, ctx: HealthContext, host: string, v: Verdict): HealthRow {
  return {
    group: check.group,
    check: v.check ?? check.id,
    title: v.title ?? check.title,
    host,
    state: v.state,
    reason: v.reason,
    checkedAt: ctx.stamp(),
    ...(v.details?.length ? { details: v.details } : {}),
    ...(v.fixStep ? { fixStep: v.fixStep } : {}),
    ...(v.value !== undefined ? { value: v.value } : {}),
    ...(v.needsSecret ? { needsSecret: v.needsSecret } : {}),
  };
}

/** The row a failure of a check gives: why it could not tell, in the operator's terms. */
export function failureVerdict(e: unknown, what: string): Verdict {
  if (e instanceof HostUnreachable) return { state: 'critical', reason: e.message };
  if (e instanceof CheckTimeout) return { state: 'unknown', reason: `${what}: ${e.message}` };
  if (e instanceof SecretNotStored)
    return {
      state: 'unknown',
      reason: `${what} needs a password that is not stored: ${e.message}`,
      ...(e.secret === 'ldapAdmin' || e.secret === 'redis' ? { needsSecret: e.secret } : {}),
    };
  return { state: 'unknown', reason: `${what} could not run: ${(e as Error)?.message ?? String(e)}` };
}

/** Runs `fn` for each host at once; each host's verdicts (or its failure) become its rows. */
export async function perHost(
  check: Pick<HealthCheck, 'group' | 'id' | 'title'>,
  ctx: HealthContext,
  hosts: readonly string[],
  fn: (host: string) => Promise<Verdict | Verdict[]>,
): Promise<HealthRow[]> {
  const rows = await Promise.all(
    hosts.map(async (host) => {
      try {
        const v = await fn(host);
        return (Array.isArray(v) ? v : [v]).map((x) => rowOf(check, ctx, host, x));
      } catch (e) {
        return [rowOf(check, ctx, host, failureVerdict(e, `${check.title} on ${host}`))];
      }
    }),
  );
  return rows.flat();
}

/** Every host of the cluster once: the load balancer, the Gluu nodes, a separate cache host. */
export function allHosts(config: ClusterConfig): string[] {
  const hosts = [config.loadBalancer.host, ...config.nodes.map((n) => n.host)];
  if (config.cache && !config.cache.onNode && !hosts.includes(config.cache.host)) hosts.push(config.cache.host);
  return hosts;
}
