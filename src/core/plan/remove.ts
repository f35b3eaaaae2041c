/**
 * Remove Node from Cluster: what taking a node out of a running cluster runs, in the order that
 * keeps the cluster serving. The load balancer stops sending to it first (nothing may depend on
 * the node's web applications, or on NGINX being reachable after); then replication lets go of it
 * (OpenLDAP: every other node's syncrepl from it goes with the regenerated configuration; OpenDJ:
 * `dsreplication disable --disableAll` from the primary, with -I so the other servers' references
 * go too, and nothing to do when the topology no longer lists it); then csync2 (the new csync2.cfg
 * on the others, and on the node itself its cron line, listener and database); then
 * oxIDPAuthentication, every ox-ldap.properties and /etc/hosts. The steps on the other hosts are
 * the plan's own, rendered for the cluster without the node, from freshly generated files.
 *
 * What needs the removed node itself (its csync2, its OpenDJ replication server) is marked: when
 * the node cannot be reached the removal goes on without it and lists what is left.
 */
import { primaryNode } from '../config/resolve';
import type { ClusterConfig, GluuNode } from '../config/types';
import { sh } from '../ssh/shell';
import { CSYNC2_CFG_PATH } from '../render/csync2';
import type { StepDefinition } from './catalogue';
import { planInput, renderStep } from './plan';
import type { PlanInput, StepPlan } from './stepPlan';
import { CSYNC2_CRON_MARK } from './steps/csync2';
import { ADMIN_PORT, exec, ldapPasswordFile, UNDER_SYSTEMD } from './steps/common';
import { DSREPLICATION, readStatus, serverOf } from './steps/replicationShell';

export interface RemoveStep {
  plan: StepPlan;
  why: string;
  /** Runs on the node being removed: when it fails (the node is down), the removal goes on and says what is left. */
  onRemovedNode?: boolean;
}

/** Why `host` cannot be removed from `config`, or undefined. */
export function cannotRemove(config: ClusterConfig, host: string): string | undefined {
  const node = config.nodes.find((n) => n.host === host);
  if (!node) return `${host} is not a Gluu node of the cluster file`;
  if (primaryNode(config).host === host && config.nodes.length > 1)
    return `${host} is the primary, which cannot be removed while other nodes exist: make another node the primary first (Make Primary only changes the cluster file and which node the steps run from)`;
  if (config.cache?.host === host)
    return `${host} is the cache host (Redis): move the cache to another host in the cluster file and run the cache steps first`;
  if (config.nodes.length < 2) return `${host} is the only node`;
  return undefined;
}

/** The cluster as it is after the removal. */
export function withoutNode(config: ClusterConfig, host: string): ClusterConfig {
  return { ...config, nodes: config.nodes.filter((n) => n.host !== host) };
}

const definition = (id: string, title: string, summary: string, ldap?: 'opendj'): StepDefinition => ({
  id,
  title,
  section: '5. Removing a node',
  summary,
  scope: 'all-nodes',
  requires: [],
  ...(ldap ? { ldap } : {}),
});

/** A plan of one target's actions, outside the catalogue (nothing records it as a step of the plan). */
function single(
  def: StepDefinition,
  host: string,
  label: string,
  actions: StepPlan['targets'][number]['actions'],
  notes: string[],
): StepPlan {
  return {
    step: def,
    resolved: { step: def, targets: [{ host, role: 'node' }], targetLabel: label },
    before: [],
    targets: [{ host, label, actions }],
    after: [],
    notes,
  };
}

/** On the primary: `dsreplication disable --disableAll` for the node, unless the topology no longer lists it. */
function opendjDisable(config: ClusterConfig, removed: GluuNode): StepPlan {
  const primary = primaryNode(config).host;
  const pw = ldapPasswordFile('remove-replication');
  const script = sh`${readStatus(config, pw, 'required')}
if printf '%s\n' "$st" | awk -F '\t' -v s=${serverOf(removed.host)} '$2 == s { found = 1 } END { exit !found }'; then
  ${DSREPLICATION} disable -h ${removed.host} -p ${ADMIN_PORT} --disableAll -I admin -j ${pw.path} -X -n
else
  echo ${`${removed.host} is not in the replication topology any more: nothing to disable`}
fi`;
  return single(
    definition(
      'remove-replication',
      'Take the node out of OpenDJ replication',
      `dsreplication disable --disableAll for ${removed.host}, from the primary.`,
      'opendj',
    ),
    primary,
    `${primary} (primary) for ${removed.host}`,
    [exec(primary, `disable replication of ${removed.host} (every server's references to it go too)`, script, true, [pw])],
    ['With -I (the replication administrator) dsreplication removes the references on the other servers too (CLI-FACTS.md).'],
  );
}

/** On the removed node: its csync2 cron line, listener and database go, so it neither pushes nor accepts files. */
function csync2Off(removed: GluuNode): StepPlan {
  const script = sh`{ crontab -l 2>/dev/null | grep -vF ${CSYNC2_CRON_MARK}; } | crontab -
if ${UNDER_SYSTEMD} && systemctl list-unit-files csync2.socket >/dev/null 2>&1; then systemctl disable --now csync2.socket; fi
if [ -f /etc/inetd.conf ] && grep -q '^csync2[[:space:]]' /etc/inetd.conf; then sed -i '/^csync2[[:space:]]/d' /etc/inetd.conf; [ -x /etc/init.d/openbsd-inetd ] && /etc/init.d/openbsd-inetd restart; fi
rm -f /var/lib/csync2/*.db* ${CSYNC2_CFG_PATH}`;
  return single(
    definition(
      'remove-csync2',
      'Take csync2 off the node',
      `The csync2 cron line, listener, database and csync2.cfg removed from ${removed.host}.`,
    ),
    removed.host,
    removed.host,
    [exec(removed.host, 'remove the csync2 cron line, listener, database and configuration', script, false)],
    ['The node keeps its files; it only stops pushing them and accepting them.'],
  );
}

/**
 * The removal of `host`, in order. `input` is the cluster with the node still in it; the steps on
 * the others render from the cluster without it and from freshly generated files (an edited copy
 * in the generated folder still names the node: regenerate it afterwards).
 */
export function removeSteps(input: PlanInput, host: string): RemoveStep[] {
  const { config } = input;
  const removed = config.nodes.find((n) => n.host === host)!;
  const rest = planInput(withoutNode(config, host), {}, input.generatedFolder);
  const step = (id: string, why: string): RemoveStep[] => {
    const plan = renderStep(id, rest);
    return plan.resolved.skipReason || plan.targets.length === 0 ? [] : [{ plan, why }];
  };
  const openldap = config.gluu.ldap === 'openldap';
  return [
    ...step('nginx', `the load balancer stops sending requests to ${host} first`),
    ...(openldap
      ? step('openldap-replication', `no other node pulls from ${host} any more (its syncrepl goes from every node's configuration)`)
      : [{ plan: opendjDisable(config, removed), why: `${host} leaves the replication topology`, onRemovedNode: true }]),
    ...step('csync2', `csync2.cfg on the other nodes no longer names ${host}`),
    { plan: csync2Off(removed), why: `${host} neither pushes nor accepts files any more`, onRemovedNode: true },
    ...step('ldap-idp-auth', `oxIDPAuthentication no longer lists ${host}'s LDAP`),
    ...step('ox-ldap-servers', `no node's ox-ldap.properties lists ${host}'s LDAP`),
    ...step('hosts', `no host's /etc/hosts names ${host}`),
  ];
}
