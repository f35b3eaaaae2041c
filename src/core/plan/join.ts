/**
 * Join Node: what adding a node to a running cluster runs, step by step and host by host. The
 * steps are the plan's own (one definition drives the whole plan and the join); each says here
 * whether it runs on the new node only, on every host it normally runs on (the cluster-wide
 * configuration that must now name the new node), or not at all (what a new node does not
 * change). Existing nodes keep serving: the only restart is the new node's, and the load balancer
 * sends requests to the new node only after it, as the last step.
 */
import { primaryNode } from '../config/resolve';
import type { ClusterConfig } from '../config/types';
import { STEPS } from './catalogue';
import { forHost, planInput, renderStep } from './plan';
import type { PlanInput, StepPlan } from './stepPlan';

export type JoinScope = 'new-node' | 'every-host' | 'left-alone';

/** Per step of the catalogue: where it runs in a join, and why (shown in the plan). */
export const JOIN_SCOPES: Readonly<Record<string, { scope: JoinScope; why: string }>> = {
  hosts: { scope: 'every-host', why: "every host's /etc/hosts gets the new node's name" },
  'time-sync': { scope: 'new-node', why: "the new node keeps its clock with the cluster's servers" },
  'setup-properties': { scope: 'new-node', why: "the new node installs with the primary's setup.properties" },
  'run-setup': { scope: 'new-node', why: 'Gluu is installed on the new node' },
  'ldap-listen': { scope: 'new-node', why: "the new node's OpenDJ listens on its address" },
  'replication-enable': { scope: 'every-host', why: 'the primary enables replication with the new node (only what is not enabled yet)' },
  'replication-init': { scope: 'new-node', why: "the new node receives the primary's data" },
  'replication-secure': { scope: 'every-host', why: 'an enable resets encryption on the node it adds: set again for every node' },
  'opendj-keystore': { scope: 'new-node', why: "the new node gets the primary's keystore" },
  'openldap-listen': { scope: 'new-node', why: "the new node's OpenLDAP listens on its address" },
  'openldap-init': { scope: 'new-node', why: "the new node's directory is the primary's, with its own server id" },
  'openldap-replication': { scope: 'every-host', why: 'every node pulls from the new node, and the new node from every other' },
  csync2: { scope: 'every-host', why: 'csync2.cfg names the new node on every node, and a first sync reaches it' },
  nginx: {
    scope: 'every-host',
    why: "nginx.conf gets the new node's upstream (checked with nginx -t, then reloaded), last: the load balancer sends requests to the new node only once it serves",
  },
  redis: { scope: 'left-alone', why: 'the cache host does not change' },
  'ldap-cache': { scope: 'left-alone', why: 'the cache configuration names the cache host, which does not change' },
  'ldap-idp-auth': { scope: 'every-host', why: "oxIDPAuthentication lists the new node's LDAP" },
  certs: { scope: 'new-node', why: "the new node gets the primary's certificates" },
  keystores: { scope: 'new-node', why: "the new node's Java trusts them" },
  'ox-ldap-servers': { scope: 'every-host', why: "every node's ox-ldap.properties lists the new node's LDAP" },
  restart: {
    scope: 'new-node',
    why: 'the new node starts with its configuration; the other nodes keep serving (they read the new LDAP server at their next restart)',
  },
};

export interface JoinStep {
  plan: StepPlan;
  scope: Exclude<JoinScope, 'left-alone'>;
  why: string;
}

/** Why `host` cannot join `config`, or undefined. */
export function cannotJoin(config: ClusterConfig, host: string): string | undefined {
  if (!config.nodes.some((n) => n.host === host))
    return `${host} is not a Gluu node in the cluster file: add it there first (Add Gluu Node…), then join it`;
  if (primaryNode(config).host === host) return `${host} is the primary: the other nodes join it, it does not join them`;
  return undefined;
}

/**
 * The steps a join of `host` runs, in the plan's order, each rendered for where it runs. A
 * new-node step is the cluster's plan on that node alone; one that runs on the primary on behalf
 * of each node (OpenDJ's initialize, the keystore copy) is rendered for the primary and the new
 * node alone, so that it acts on the new node only.
 */
export function joinSteps(input: PlanInput, host: string): JoinStep[] {
  let pair: PlanInput | undefined;
  const pairInput = () =>
    (pair ??= planInput(
      { ...input.config, nodes: input.config.nodes.filter((n) => n.primary || n.host === host) },
      {},
      input.generatedFolder,
    ));
  // The plan's order, but the load balancer last (a node that does not serve yet would get requests).
  const order = [...STEPS.filter((s) => s.id !== 'nginx'), ...STEPS.filter((s) => s.id === 'nginx')];
  return order.flatMap((s) => {
    const j = JOIN_SCOPES[s.id];
    if (!j || j.scope === 'left-alone') return [];
    const plan = renderStep(s.id, input);
    if (plan.resolved.skipReason) return [];
    let scoped = plan;
    if (j.scope === 'new-node') {
      scoped = forHost(plan, host);
      if (scoped.targets.length === 0) scoped = renderStep(s.id, pairInput());
    }
    if (scoped.targets.length === 0) return [];
    return [{ plan: scoped, scope: j.scope, why: j.why }];
  });
}
