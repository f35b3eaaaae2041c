/**
 * Whether a health report still describes the cluster file. A report is made against the cluster
 * as the file was when the check started; once a node joins or leaves, a host's address or role
 * changes, or the settings the checks read change, its rows say nothing sure about the cluster
 * as the file now is ("healthy" with three hosts checked while a fourth was added). The Cluster
 * Health view and its status bar then say the report is outdated, and why, until the next check.
 */
import type { ClusterConfig } from '../config/types';

/** A value without `path` (where an entry sits in the file, which no check reads). */
function withoutPaths(value: unknown): string {
  return JSON.stringify(value, (key, v: unknown) => (key === 'path' ? undefined : v));
}

/** Each host the checks reach (load balancer, Gluu nodes), by name: what the checks read of it. */
function hostsOf(c: ClusterConfig): Map<string, string> {
  return new Map([c.loadBalancer, ...c.nodes].map((h) => [h.host, withoutPaths(h)]));
}

/**
 * What changed between the cluster the report checked and the file now, in a few words ("idp3.gluu.test
 * added", "idp2.gluu.test removed", "idp1.gluu.test changed", "the cache host changed", "other
 * settings changed"), or undefined when the report still describes the file.
 */
export function healthOutdatedBy(checked: ClusterConfig, now: ClusterConfig): string | undefined {
  const before = hostsOf(checked);
  const after = hostsOf(now);
  const added = [...after.keys()].filter((h) => !before.has(h)).map((h) => `${h} added`);
  const removed = [...before.keys()].filter((h) => !after.has(h)).map((h) => `${h} removed`);
  const changed = [...after.keys()].filter((h) => before.has(h) && before.get(h) !== after.get(h)).map((h) => `${h} changed`);
  const cache = withoutPaths(checked.cache) === withoutPaths(now.cache) ? [] : ['the cache host changed'];
  const reasons = [...added, ...removed, ...changed, ...cache];
  if (reasons.length) return reasons.join(', ');
  const rest = (c: ClusterConfig) => withoutPaths({ ...c, loadBalancer: undefined, nodes: undefined, cache: undefined });
  return rest(checked) === rest(now) ? undefined : 'other settings changed';
}
