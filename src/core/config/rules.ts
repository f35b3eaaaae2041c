/**
 * Rules that look across entries: one primary, unique hosts and addresses, a sane cache host.
 * They run in the same pass as the structure checks, also on a file with structure errors: a
 * host or address that is missing or of the wrong type is '' (see resolveConfig) and skipped
 * here, since validate.ts already reports it.
 */
import type { ClusterConfig, Problem } from './types';

export type RuleProblem = Omit<Problem, 'range'>;

/**
 * `refused(path)`: whether the structure check already reported the value at `path` (or inside
 * it); a rule that depends on such a value says nothing rather than guess.
 */
export function crossEntryRules(config: ClusterConfig, refused: (path: (string | number)[]) => boolean = () => false): RuleProblem[] {
  const out: RuleProblem[] = [];
  const error = (code: string, message: string, path: (string | number)[]) => out.push({ severity: 'error', code, message, path });
  const warn = (code: string, message: string, path: (string | number)[]) => out.push({ severity: 'warning', code, message, path });

  const primaries = config.nodes.filter((n) => n.primary);
  // No nodes at all (or no list), or a "primary" that is not true/false, is the structure check's to report.
  if (config.nodes.length > 0 && primaries.length === 0 && !config.nodes.some((n) => refused([...n.path, 'primary']))) {
    error('primary-count', 'no node is marked "primary: true"; mark the node Gluu was installed on first', ['nodes']);
  } else if (primaries.length > 1) {
    for (const p of primaries.slice(1)) {
      error('primary-count', `only one node can be the primary; "${primaries[0].host}" already is`, [...p.path, 'primary']);
    }
  }
  if (config.nodes.length === 1) {
    warn('single-node', 'a cluster needs at least two Gluu nodes to replicate between', ['nodes']);
  }

  // Hosts and addresses must be unique across the load balancer and the nodes.
  const hosts = [config.loadBalancer, ...config.nodes];
  const seenHost = new Map<string, string>();
  const seenAddr = new Map<string, string>();
  for (const h of hosts) {
    const name = h.host.toLowerCase();
    const label = h.role === 'loadBalancer' ? 'the load balancer' : h.host ? `node "${h.host}"` : 'another node';
    // An empty one is missing or not text: the structure check reports it.
    if (name && seenHost.has(name))
      error('duplicate-host', `host "${h.host}" is already used by ${seenHost.get(name)}`, [...h.path, 'host']);
    else if (name) seenHost.set(name, label);
    const addr = h.address.toLowerCase();
    if (addr && seenAddr.has(addr))
      error('duplicate-address', `address ${h.address} is already used by ${seenAddr.get(addr)}`, [...h.path, 'address']);
    else if (addr) seenAddr.set(addr, label);
  }

  const cache = config.cache;
  if (cache?.host) {
    if (cache.host.toLowerCase() === config.loadBalancer.host.toLowerCase()) {
      // The manual: "this can not be configured on your NGINX server or you'll get routing issues".
      error(
        'cache-on-lb',
        'the cache cannot run on the load balancer (the manual warns of routing issues); use a Gluu node or a separate host',
        ['cache', 'host'],
      );
    }
    if (!cache.onNode && !cache.address) {
      error('cache-address', `cache host "${cache.host}" is not one of the nodes; give its "address"`, ['cache']);
    }
    if (cache.onNode && cache.address) {
      const node = config.nodes.find((n) => n.host === cache.onNode);
      if (node && node.address !== cache.address) {
        error('cache-address', `cache host "${cache.host}" is a node with address ${node.address}, not ${cache.address}`, [
          'cache',
          'address',
        ]);
      }
    }
  }
  return out;
}
