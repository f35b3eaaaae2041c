/** Resolves a step's scope against a cluster: which hosts it runs on, and how to say so. */
import { nodesPrimaryFirst, primaryNode, secondaryNodes } from '../config/resolve';
import type { ClusterConfig, HostRole } from '../config/types';
import type { StepDefinition } from './catalogue';

export interface StepTarget {
  /** Host the step's commands run on. */
  host: string;
  role: HostRole;
  /** For copies and pairings: the other end (the primary). */
  peer?: string;
}

export interface ResolvedStep {
  step: StepDefinition;
  targets: StepTarget[];
  /** e.g. "idp1.example.org ↔ idp2.example.org" */
  targetLabel: string;
  /** Why the step does not apply to this cluster, when it does not. */
  skipReason?: string;
}

const list = (hosts: string[]): string => hosts.join(', ');

export function resolveStep(step: StepDefinition, config: ClusterConfig): ResolvedStep {
  const primary = primaryNode(config);
  const others = secondaryNodes(config);
  const all = nodesPrimaryFirst(config);
  const node = (n: { host: string; role: HostRole }, peer?: string): StepTarget => ({
    host: n.host,
    role: n.role,
    ...(peer ? { peer } : {}),
  });
  let targets: StepTarget[];
  let targetLabel: string;
  switch (step.scope) {
    case 'nodes-and-lb':
      targets = [...all.map((n) => node(n)), node(config.loadBalancer)];
      targetLabel = list(targets.map((t) => t.host));
      break;
    case 'all-nodes':
      targets = all.map((n) => node(n));
      targetLabel = list(targets.map((t) => t.host));
      break;
    case 'secondaries':
      targets = others.map((n) => node(n));
      targetLabel = list(targets.map((t) => t.host));
      break;
    case 'primary-to-secondaries':
      targets = others.map((n) => node(n, primary.host));
      targetLabel = `${primary.host} → ${list(others.map((n) => n.host))}`;
      break;
    case 'primary-with-secondaries':
      targets = [node(primary)];
      targetLabel = `${primary.host} ↔ ${list(others.map((n) => n.host))}`;
      break;
    case 'primary-for-all':
      targets = [node(primary)];
      targetLabel = `on ${primary.host} for ${list(all.map((n) => n.host))}`;
      break;
    case 'load-balancer':
      targets = [node(config.loadBalancer, primary.host)];
      targetLabel = config.loadBalancer.host;
      break;
    case 'cache-host':
      targets = config.cache ? [{ host: config.cache.host, role: 'cache' }] : [];
      targetLabel = config.cache ? `${config.cache.host}:${config.cache.port}` : 'no cache host';
      break;
    case 'ldap':
      targets = [node(primary)];
      targetLabel = `LDAP on ${primary.host}`;
      break;
  }
  let skipReason: string | undefined;
  if (step.ldap && step.ldap !== config.gluu.ldap) {
    skipReason = `only for ${step.ldap === 'opendj' ? 'OpenDJ' : 'OpenLDAP'}; this cluster uses ${config.gluu.ldap === 'opendj' ? 'OpenDJ' : 'OpenLDAP'}`;
  } else if (step.scope === 'cache-host' && !config.cache) {
    skipReason = 'no cache host in the cluster file';
  } else if (targets.length === 0) {
    skipReason = 'no other node to copy to';
  }
  return { step, targets, targetLabel, ...(skipReason ? { skipReason } : {}) };
}
