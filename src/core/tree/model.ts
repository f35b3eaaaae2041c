/**
 * What the Nodes and Clustering Steps views show, as a pure function of the parsed cluster
 * files. The editor adapters (src/vscode/tree) only turn these into TreeItems.
 */
import type { ParsedClusterFile } from '../config/parse';
import { nodesPrimaryFirst } from '../config/resolve';
import type { ClusterConfig, HostRole, Problem, SshSettings } from '../config/types';
import { STEPS } from '../plan/catalogue';
import { planInput, renderStep } from '../plan/plan';
import { resolveStep } from '../plan/targets';

/** One cluster file in the workspace. */
export interface ClusterSource {
  /** Stable key: the cluster file's URI string. */
  key: string;
  /** Workspace folder name, shown when there are several clusters. */
  folderName: string;
  parsed: ParsedClusterFile;
}

export type NodeItemKind = 'cluster' | 'host' | 'error';

export interface NodeItem {
  kind: NodeItemKind;
  /** Stable across refreshes, so expansion and selection survive. */
  id: string;
  label: string;
  description?: string;
  /** Markdown. */
  tooltip: string;
  /** Codicon id. */
  icon: string;
  /** Drives the context menu through `when: viewItem == ...`. */
  contextValue: string;
  clusterKey: string;
  role?: HostRole;
  /** Every role of the host: its own, plus 'cache' for the node the cache runs on. */
  roles?: HostRole[];
  host?: string;
  address?: string;
  /** Where the entry is in the cluster file. */
  path?: (string | number)[];
  problem?: Problem;
  children?: NodeItem[];
}

export const ROLE_ICONS: Record<HostRole, string> = {
  primary: 'star-full',
  node: 'server',
  loadBalancer: 'globe',
  cache: 'database',
};

export const ROLE_LABELS: Record<HostRole, string> = {
  primary: 'primary',
  node: 'node',
  loadBalancer: 'load balancer',
  cache: 'cache',
};

/**
 * contextValue per role: menus test `viewItem =~ /^gluu\.node\./` etc. A node the cache runs on
 * gets CACHE_ROLE_SUFFIX after its own ("gluu.node.secondary.cache"), so menus for a node and
 * menus for a cache host (`/\.cache$/`) both apply to it.
 */
export const CONTEXT_VALUES: Record<HostRole, string> = {
  primary: 'gluu.node.primary',
  node: 'gluu.node.secondary',
  loadBalancer: 'gluu.loadBalancer',
  cache: 'gluu.cache',
};

export const CACHE_ROLE_SUFFIX = '.cache';

/** "root@idp1.example.org:22 via admin@bastion" — the SSH target a person would type. */
export function sshTarget(host: string, ssh: SshSettings): string {
  if (ssh.hostAlias) return `${ssh.hostAlias} (~/.ssh/config)${ssh.jumpHost ? ` via ${ssh.jumpHost}` : ''}`;
  const user = ssh.user ? `${ssh.user}@` : '';
  const port = ssh.port && ssh.port !== 22 ? `:${ssh.port}` : '';
  return `${user}${host}${port}${ssh.jumpHost ? ` via ${ssh.jumpHost}` : ''}`;
}

function escapeMd(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}

function hostTooltip(roles: HostRole[], host: string, address: string, ssh: SshSettings, extra: string[] = []): string {
  return [
    `**${escapeMd(host)}** — ${roles.map((r) => ROLE_LABELS[r]).join(', ')}`,
    '',
    `Address: \`${address}\``,
    '',
    `SSH: \`${sshTarget(host, ssh)}\``,
    ...extra.flatMap((e) => ['', e]),
  ].join('\n');
}

function hostItems(key: string, config: ClusterConfig): NodeItem[] {
  const items: NodeItem[] = [];
  const lb = config.loadBalancer;
  items.push({
    kind: 'host',
    id: `${key}#lb`,
    label: lb.host,
    description: `${lb.address} · ${ROLE_LABELS.loadBalancer}`,
    tooltip: hostTooltip(['loadBalancer'], lb.host, lb.address, lb.ssh),
    icon: ROLE_ICONS.loadBalancer,
    contextValue: CONTEXT_VALUES.loadBalancer,
    clusterKey: key,
    role: 'loadBalancer',
    roles: ['loadBalancer'],
    host: lb.host,
    address: lb.address,
    path: lb.path,
  });
  const cache = config.cache;
  const redisPort = (port: number) => `Redis port: \`${port}\``;
  // A cache on one of the nodes is a role of that node's row; only a separate host has its own.
  if (cache && !cache.onNode) {
    items.push({
      kind: 'host',
      id: `${key}#cache`,
      label: cache.host,
      description: `${cache.address}:${cache.port} · ${ROLE_LABELS.cache}`,
      tooltip: hostTooltip(['cache'], cache.host, cache.address, cache.ssh, [redisPort(cache.port)]),
      icon: ROLE_ICONS.cache,
      contextValue: CONTEXT_VALUES.cache,
      clusterKey: key,
      role: 'cache',
      roles: ['cache'],
      host: cache.host,
      address: cache.address,
      path: cache.path,
    });
  }
  for (const n of nodesPrimaryFirst(config)) {
    const hasCache = cache?.onNode === n.host;
    const roles: HostRole[] = hasCache ? [n.role, 'cache'] : [n.role];
    items.push({
      kind: 'host',
      id: `${key}#node:${n.host.toLowerCase()}`,
      label: n.host,
      description: `${n.address} · ${roles.map((r) => ROLE_LABELS[r]).join(', ')}${hasCache ? ` :${cache.port}` : ''}`,
      tooltip: hostTooltip(roles, n.host, n.address, n.ssh, [
        ...(n.primary ? ['Replication starts from this node.'] : []),
        ...(hasCache ? [`The cluster's cache (Redis) runs on this node. ${redisPort(cache.port)}`] : []),
      ]),
      icon: ROLE_ICONS[n.role],
      contextValue: `${CONTEXT_VALUES[n.role]}${hasCache ? CACHE_ROLE_SUFFIX : ''}`,
      clusterKey: key,
      role: n.role,
      roles,
      host: n.host,
      address: n.address,
      path: n.path,
    });
  }
  return items;
}

function errorItem(source: ClusterSource): NodeItem {
  const errors = source.parsed.problems.filter((p) => p.severity === 'error');
  const first = errors[0];
  return {
    kind: 'error',
    id: `${source.key}#error`,
    label: errors.length === 1 ? 'The cluster file has a problem' : `The cluster file has ${errors.length} problems`,
    description: first ? `line ${first.range.start.line + 1}: ${first.message}` : undefined,
    tooltip: errors.map((p) => `- line ${p.range.start.line + 1}: ${escapeMd(p.message)}`).join('\n'),
    icon: 'error',
    contextValue: 'gluu.error',
    clusterKey: source.key,
    problem: first,
  };
}

/** Items of the Nodes view. With one cluster file the hosts are top level; with several, each cluster is a group. */
export function nodeTree(sources: ClusterSource[]): NodeItem[] {
  const perCluster = sources.map((s) => (s.parsed.config ? hostItems(s.key, s.parsed.config) : [errorItem(s)]));
  if (sources.length === 1) return perCluster[0];
  return sources.map((s, i) => ({
    kind: 'cluster',
    id: `${s.key}#cluster`,
    label: s.parsed.config?.name ?? s.folderName,
    description: s.folderName,
    tooltip: `Cluster file in workspace folder **${escapeMd(s.folderName)}**`,
    icon: 'server-environment',
    contextValue: 'gluu.cluster',
    clusterKey: s.key,
    children: perCluster[i],
  }));
}

export interface StepItem {
  id: string;
  stepId: string;
  label: string;
  description: string;
  tooltip: string;
  icon: string;
  contextValue: string;
  clusterKey: string;
  skipped: boolean;
  /**
   * The hosts its run state is about: the rendered plan's targets, which the runner records
   * outcomes by (not the scope's hosts: replication-init, say, runs on the primary for the others).
   */
  targets: string[];
}

/** Items of the Clustering Steps view for one cluster, in the manual's order. */
export function stepTree(key: string, config: ClusterConfig): StepItem[] {
  // Targets do not depend on the user's copies of the generated files: fresh ones do.
  const input = planInput(config);
  return STEPS.map((step, i) => {
    const r = resolveStep(step, config);
    return {
      id: `${key}#step:${step.id}`,
      stepId: step.id,
      label: `${i + 1}. ${step.title}`,
      description: r.skipReason ? `does not apply: ${r.skipReason}` : `${step.id} — ${r.targetLabel}`,
      tooltip: [
        `**${escapeMd(step.title)}** (\`${step.id}\`)`,
        '',
        `Manual: ${escapeMd(step.section)}`,
        '',
        escapeMd(step.summary),
        '',
        `Runs on: ${escapeMd(r.targetLabel)}`,
        ...(step.interactive ? ['', 'Interactive: opens a terminal per node.'] : []),
        ...(r.skipReason ? ['', `Does not apply: ${escapeMd(r.skipReason)}`] : []),
      ].join('\n'),
      icon: r.skipReason ? 'circle-slash' : step.interactive ? 'terminal' : 'circle-large-outline',
      contextValue: r.skipReason ? 'gluu.step.notApplicable' : 'gluu.step',
      clusterKey: key,
      skipped: Boolean(r.skipReason),
      targets: r.skipReason ? [] : renderStep(step.id, input).targets.map((t) => t.host),
    };
  });
}
