/**
 * Join Node's and Remove Node from Cluster's plans (src/core/plan/join.ts, remove.ts): every step
 * of the catalogue says where it runs in a join; a join runs the new node's own set-up on it alone,
 * the cluster-wide configuration on every host it concerns, restarts only the new node, leaves the
 * cache alone; a removal takes the node out of the load balancer first and names it nowhere but
 * in what runs on it; both previews are golden for the manual's cluster and four-node clusters,
 * both LDAP flavours and every container mode.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { EXAMPLE_CLUSTER_FILE } from '../../src/core/config/example';
import { parseClusterFile } from '../../src/core/config/parse';
import type { ClusterConfig } from '../../src/core/config/types';
import { STEPS } from '../../src/core/plan/catalogue';
import { JOIN_SCOPES, cannotJoin, joinSteps } from '../../src/core/plan/join';
import { resolveStep } from '../../src/core/plan/targets';
import { planInput } from '../../src/core/plan/plan';
import { formatJoin, formatRemove, formatStep } from '../../src/core/plan/preview';
import { cannotRemove, removeSteps } from '../../src/core/plan/remove';
import { problems } from './opendjGrammar';
import { golden } from './golden';
import { FIXTURES } from './paths';
import { commands } from './shellWords';

const load = (f: string) => parseClusterFile(readFileSync(path.join(FIXTURES, 'cluster-files', 'good', f), 'utf8')).config!;
const manual = (ldap = 'opendj'): ClusterConfig => parseClusterFile(EXAMPLE_CLUSTER_FILE.replace('ldap: opendj', `ldap: ${ldap}`)).config!;
const four = (ldap: 'opendj' | 'openldap', container: ClusterConfig['gluu']['container']): ClusterConfig => {
  const c = load('four-nodes-opendj.yaml');
  return { ...c, gluu: { ...c.gluu, ldap, container } };
};

const last = (c: ClusterConfig) => c.nodes[c.nodes.length - 1].host;

/** The clusters of the golden previews: the manual's, both LDAP flavours; four nodes, the other container modes. */
const GOLDEN_CLUSTERS = [
  ['manual-example', manual()],
  ['manual-openldap', manual('openldap')],
  ['four-nodes-opendj-ssh-console', four('opendj', 'ssh-console')],
  ['four-nodes-openldap-none', four('openldap', 'none')],
] as const;

describe('Join Node: the plan', () => {
  it('says for every step of the catalogue where it runs in a join, and for nothing else', () => {
    assert.deepEqual(Object.keys(JOIN_SCOPES).sort(), STEPS.map((s) => s.id).sort());
  });

  for (const ldap of ['opendj', 'openldap'] as const) {
    it(`${ldap}: sets up the new node on it alone, tells every host about it, restarts only it, leaves the cache alone`, () => {
      const c = four(ldap, 'chroot');
      const host = last(c);
      const steps = joinSteps(planInput(c), host);
      const ids = steps.map((s) => s.plan.step.id);
      assert.deepEqual(
        ids,
        [...STEPS.map((s) => s.id).filter((id) => ids.includes(id) && id !== 'nginx'), 'nginx'],
        'in the order of the plan, the load balancer last',
      );
      // The new node's steps run on it, or on the primary on its behalf (OpenDJ's initialize).
      for (const s of steps.filter((x) => x.scope === 'new-node')) {
        const on = s.plan.targets.map((t) => t.host);
        assert.ok(on.length === 1 && (on[0] === host || on[0] === c.nodes[0].host), `${s.plan.step.id}: ${on.join(', ')}`);
      }
      const on = (id: string) => steps.find((s) => s.plan.step.id === id)?.plan.targets.map((t) => t.host);
      assert.deepEqual(on('restart'), [host]);
      assert.deepEqual(on('run-setup'), [host]);
      assert.deepEqual(on('hosts')?.sort(), [c.loadBalancer.host, ...c.nodes.map((n) => n.host)].sort());
      assert.deepEqual(on('nginx'), [c.loadBalancer.host]);
      assert.equal(on('ox-ldap-servers')?.length, c.nodes.length);
      assert.equal(on('redis'), undefined);
      assert.equal(on('ldap-cache'), undefined);
      // What a join leaves alone, of the steps that apply to the cluster: the cache.
      assert.deepEqual(
        STEPS.filter((s) => !resolveStep(s, c).skipReason && !ids.includes(s.id)).map((s) => s.id),
        ['redis', 'ldap-cache'],
      );
      const text = (id: string) => formatStep(c, steps.find((s) => s.plan.step.id === id)!.plan);
      if (ldap === 'openldap') {
        assert.deepEqual(on('openldap-init'), [host], "only the new node's directory is replaced");
        assert.equal(on('openldap-replication')?.length, c.nodes.length);
        assert.equal(on('replication-init'), undefined);
      } else {
        // Run on the primary on behalf of the new node alone: no other node is initialized again.
        assert.deepEqual(on('replication-init'), [c.nodes[0].host]);
        assert.match(text('replication-init'), new RegExp(`--hostDestination ${host.replaceAll('.', '\\.')}`));
        for (const other of c.nodes.slice(1, -1)) {
          assert.ok(!text('replication-init').includes(other.host), `replication-init leaves ${other.host} alone`);
          assert.ok(!text('opendj-keystore').includes(other.host), `opendj-keystore leaves ${other.host} alone`);
        }
        assert.equal(on('openldap-init'), undefined);
      }
    });
  }

  it('refuses the primary and a host that is not a node of the cluster file', () => {
    const c = manual();
    assert.match(cannotJoin(c, c.nodes[0].host)!, /is the primary/);
    assert.match(cannotJoin(c, 'idp9.example.org')!, /is not a Gluu node in the cluster file: add it there first/);
    assert.equal(cannotJoin(c, c.nodes[1].host), undefined);
  });

  for (const [name, config] of GOLDEN_CLUSTERS) {
    it(`matches the golden join preview for the ${name} cluster`, () => {
      golden(`join-${name}.txt`, formatJoin(config, last(config), joinSteps(planInput(config), last(config))));
    });
  }
});

describe('Remove Node from Cluster: the plan', () => {
  it('refuses the primary while other nodes exist, the cache host, and a host that is not a node', () => {
    const c = four('openldap', 'none');
    assert.match(
      cannotRemove(c, c.nodes[0].host)!,
      /is the primary, which cannot be removed while other nodes exist: make another node the primary first/,
    );
    assert.match(cannotRemove({ ...c, cache: { ...c.cache!, host: c.nodes[1].host } }, c.nodes[1].host)!, /is the cache host/);
    assert.match(cannotRemove(c, 'idp9.example.org')!, /is not a Gluu node/);
    assert.equal(cannotRemove(c, last(c)), undefined);
  });

  for (const ldap of ['opendj', 'openldap'] as const) {
    it(`${ldap}: load balancer first, then replication, csync2, the LDAP server lists and /etc/hosts; only the node's own part names it`, () => {
      const c = four(ldap, 'chroot');
      const host = last(c);
      const steps = removeSteps(planInput(c), host);
      assert.deepEqual(
        steps.map((s) => s.plan.step.id),
        [
          'nginx',
          ldap === 'openldap' ? 'openldap-replication' : 'remove-replication',
          'csync2',
          'remove-csync2',
          'ldap-idp-auth',
          'ox-ldap-servers',
          'hosts',
        ],
      );
      for (const s of steps) {
        const text = formatStep(c, s.plan);
        if (s.onRemovedNode) continue;
        assert.ok(!s.plan.targets.some((t) => t.host === host), `${s.plan.step.id} does not run on ${host}`);
        assert.ok(!text.includes(host), `${s.plan.step.id} does not name ${host}`);
      }
      assert.deepEqual(
        steps.filter((s) => s.onRemovedNode).map((s) => s.plan.step.id),
        ldap === 'openldap' ? ['remove-csync2'] : ['remove-replication', 'remove-csync2'],
      );
    });
  }

  it("OpenDJ: the disable parses by OpenDJ 3.0's grammar, with -I so the other servers' references go, and the password in a file", () => {
    const c = four('opendj', 'none');
    const plan = removeSteps(planInput(c), last(c)).find((s) => s.plan.step.id === 'remove-replication')!.plan;
    const action = plan.targets[0].actions[0];
    assert.equal(action.kind, 'exec');
    const calls = commands(action.kind === 'exec' ? action.script.text : '').filter((x) => x[0].endsWith('/dsreplication'));
    const disable = calls.find((x) => x.includes('disable'))!;
    assert.deepEqual(problems('dsreplication', disable.slice(1)), [], disable.join(' '));
    assert.ok(
      disable.includes('--disableAll') && disable.includes('-I') && disable.includes('-j') && !disable.includes('-w'),
      disable.join(' '),
    );
    assert.equal(disable[disable.indexOf('-h') + 1], last(c));
  });

  it('numbers the steps of a join and a removal in their own order, their own steps included', () => {
    for (const [, config] of GOLDEN_CLUSTERS) {
      const host = last(config);
      const input = planInput(config);
      for (const [kind, text, count] of [
        ['Join', formatJoin(config, host, joinSteps(input, host)), joinSteps(input, host).length],
        ['Remove', formatRemove(config, host, removeSteps(input, host)), removeSteps(input, host).length],
      ] as const) {
        const numbers = [...text.matchAll(new RegExp(`^# ${kind} step (\\d+)/(\\d+) · `, 'gm'))].map((m) => `${m[1]}/${m[2]}`);
        assert.deepEqual(
          numbers,
          Array.from({ length: count }, (_, i) => `${i + 1}/${count}`),
          `${kind} of ${host}`,
        );
        assert.doesNotMatch(text, /^# Step \d+\/\d+ · /m, "no catalogue numbers, which ran out of order (and 0 for a removal's own steps)");
      }
    }
  });

  for (const [name, config] of GOLDEN_CLUSTERS) {
    it(`matches the golden remove preview for the ${name} cluster`, () => {
      golden(`remove-${name}.txt`, formatRemove(config, last(config), removeSteps(planInput(config), last(config))));
    });
  }
});
