import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { EXAMPLE_CLUSTER_FILE } from '../../src/core/config/example';
import { parseClusterFile } from '../../src/core/config/parse';
import { STEPS } from '../../src/core/plan/catalogue';
import { nodeTree, sshTarget, stepTree, type ClusterSource } from '../../src/core/tree/model';
import { describeHostRuns, describeRunsOnHost, RUN_STATUS_WORDS, statusWords } from '../../src/core/tree/status';
import { FIXTURES, ROOT } from './paths';

const source = (text: string, key = 'file:///ws/gluu-cluster.yaml', folderName = 'ws'): ClusterSource => ({
  key,
  folderName,
  parsed: parseClusterFile(text),
});

describe('tree model', () => {
  it('lists load balancer, then nodes with the primary first and marked; a cache on a node is a role of its row', () => {
    const text = EXAMPLE_CLUSTER_FILE.replace('    primary: true\n', '').replace(
      '    address: 138.197.65.243\n',
      '    address: 138.197.65.243\n    primary: true\n',
    );
    const items = nodeTree([source(text)]);
    assert.deepEqual(
      items.map((i) => [i.label, i.description, i.icon, i.contextValue]),
      [
        ['loadbalancer.example.org', '45.55.232.15 · load balancer', 'globe', 'gluu.loadBalancer'],
        ['idp2.example.org', '138.197.65.243 · primary', 'star-full', 'gluu.node.primary'],
        ['idp1.example.org', '159.203.126.10 · node, cache :6379', 'server', 'gluu.node.secondary.cache'],
      ],
    );
    const idp1 = items[2];
    assert.deepEqual(idp1.roles, ['node', 'cache']);
    assert.match(idp1.tooltip, /^\*\*idp1\\\.example\\\.org\*\* — node, cache\n/);
    assert.match(idp1.tooltip, /cache \(Redis\) runs on this node\. Redis port: `6379`/);
    // The primary can carry the cache too.
    const onPrimary = nodeTree([source(EXAMPLE_CLUSTER_FILE)]);
    assert.deepEqual(
      onPrimary.map((i) => [i.label, i.description, i.contextValue]),
      [
        ['loadbalancer.example.org', '45.55.232.15 · load balancer', 'gluu.loadBalancer'],
        ['idp1.example.org', '159.203.126.10 · primary, cache :6379', 'gluu.node.primary.cache'],
        ['idp2.example.org', '138.197.65.243 · node', 'gluu.node.secondary'],
      ],
    );
  });

  it('keeps a row of its own for a separate cache host', () => {
    const full = readFileSync(path.join(FIXTURES, 'cluster-files', 'good', 'four-nodes-full.yaml'), 'utf8');
    const items = nodeTree([source(full)]);
    const caches = items.filter((i) => i.roles?.includes('cache'));
    assert.deepEqual(
      caches.map((i) => [i.label, i.description, i.icon, i.contextValue]),
      [['cache.example.org', '10.0.0.9:6380 · cache', 'database', 'gluu.cache']],
    );
    assert.equal(items.filter((i) => i.label === 'cache.example.org').length, 1);
  });

  it('offers a node that carries the cache every menu of a node of its kind and of a cache host', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      contributes: { menus: Record<string, { command: string; when?: string; group?: string }[]> };
    };
    const menus = pkg.contributes.menus['view/item/context'].filter((m) => m.when?.includes('view == gluuCluster.nodes'));
    /** The viewItem part of a when clause, for the Nodes view's entries. */
    const offers = (contextValue: string) =>
      menus
        .filter((m) => {
          const eq = /viewItem == (\S+)/.exec(m.when!);
          if (eq) return eq[1] === contextValue;
          const re = /viewItem =~ \/(.+?)\/(?=\s|$)/.exec(m.when!);
          return re ? new RegExp(re[1]).test(contextValue) : false;
        })
        .map((m) => `${m.command} ${m.group}`);
    for (const role of ['gluu.node.primary', 'gluu.node.secondary']) {
      const withCache = `${role}.cache`;
      const got = new Set(offers(withCache));
      for (const m of [...offers(role), ...offers('gluu.cache')]) assert.ok(got.has(m), `${withCache} offers ${m}`);
    }
    assert.ok(offers('gluu.node.secondary.cache').includes('gluuCluster.setPrimary 3_edit@1'));
    assert.ok(!offers('gluu.node.primary.cache').includes('gluuCluster.setPrimary 3_edit@1'));
  });

  it('gives stable ids that survive a refresh and differ per cluster', () => {
    const a = nodeTree([source(EXAMPLE_CLUSTER_FILE)]).map((i) => i.id);
    const b = nodeTree([source(EXAMPLE_CLUSTER_FILE.replace('example-cluster', 'renamed'))]).map((i) => i.id);
    assert.deepEqual(a, b);
    assert.equal(new Set(a).size, a.length);
  });

  it('puts the SSH target in a Markdown tooltip', () => {
    const full = readFileSync(path.join(FIXTURES, 'cluster-files', 'good', 'four-nodes-full.yaml'), 'utf8');
    const items = nodeTree([source(full)]);
    const idp1 = items.find((i) => i.label === 'idp1.example.org')!;
    assert.match(idp1.tooltip, /SSH: `deploy@idp1\.example\.org:2222 via admin@bastion\.example\.org:22`/);
    const lb = items.find((i) => i.role === 'loadBalancer')!;
    assert.match(lb.tooltip, /SSH: `gluu-lb \(~\/\.ssh\/config\) via admin@bastion/);
    assert.equal(sshTarget('h', { user: 'root', port: 22 }), 'root@h');
  });

  it('shows one error item pointing at the first problem of a broken file', () => {
    const items = nodeTree([source('name: c\nnodes: 3\n')]);
    assert.equal(items.length, 1);
    assert.equal(items[0].kind, 'error');
    assert.equal(items[0].contextValue, 'gluu.error');
    assert.equal(items[0].problem?.range.start.line, 0);
    assert.match(items[0].label, /3 problems/);
  });

  it('groups hosts per cluster in a multi-root workspace', () => {
    const items = nodeTree([
      source(EXAMPLE_CLUSTER_FILE, 'file:///a/gluu-cluster.yaml', 'a'),
      source('broken: [', 'file:///b/gluu-cluster.yaml', 'b'),
    ]);
    assert.deepEqual(
      items.map((i) => [i.kind, i.label, i.description]),
      [
        ['cluster', 'example-cluster', 'a'],
        ['cluster', 'b', 'b'],
      ],
    );
    assert.equal(items[0].children!.length, 3);
    assert.equal(items[1].children![0].kind, 'error');
  });

  it("lists the manual's steps in order with resolved targets", () => {
    const steps = stepTree('k', parseClusterFile(EXAMPLE_CLUSTER_FILE).config!);
    // A step's state is about the hosts the runner records it by: replication-init runs on the primary.
    assert.deepEqual(steps.find((s) => s.stepId === 'replication-init')!.targets, ['idp1.example.org']);
    assert.deepEqual(steps.find((s) => s.stepId === 'hosts')!.targets, [
      'idp1.example.org',
      'idp2.example.org',
      'loadbalancer.example.org',
    ]);
    assert.deepEqual(
      steps.map((s) => s.stepId),
      STEPS.map((s) => s.id),
    );
    assert.deepEqual(
      steps.map((s) => s.stepId),
      [
        'hosts',
        'time-sync',
        'setup-properties',
        'run-setup',
        'ldap-listen',
        'replication-enable',
        'replication-init',
        'replication-secure',
        'opendj-keystore',
        'openldap-listen',
        'openldap-init',
        'openldap-replication',
        'csync2',
        'nginx',
        'redis',
        'ldap-cache',
        'ldap-idp-auth',
        'certs',
        'keystores',
        'ox-ldap-servers',
        'restart',
      ],
    );
    const by = Object.fromEntries(steps.map((s) => [s.stepId, s]));
    assert.equal(by['replication-enable'].description, 'replication-enable — idp1.example.org ↔ idp2.example.org');
    assert.equal(by['setup-properties'].description, 'setup-properties — idp1.example.org → idp2.example.org');
    assert.equal(by.hosts.description, 'hosts — idp1.example.org, idp2.example.org, loadbalancer.example.org');
    assert.equal(by.redis.description, 'redis — idp1.example.org:6379');
    assert.equal(by['run-setup'].icon, 'terminal');
  });

  it('marks OpenDJ-only steps skipped on an OpenLDAP cluster and resolves N nodes', () => {
    const full = readFileSync(path.join(FIXTURES, 'cluster-files', 'good', 'four-nodes-full.yaml'), 'utf8');
    const steps = stepTree('k', parseClusterFile(full).config!);
    const by = Object.fromEntries(steps.map((s) => [s.stepId, s]));
    assert.equal(by['replication-enable'].skipped, true);
    assert.match(by['replication-enable'].description, /does not apply: only for OpenDJ; this cluster uses OpenLDAP/);
    assert.equal(by.certs.description, 'certs — idp2.example.org → idp1.example.org, idp3.example.org, idp4');
    assert.equal(by.keystores.description, 'keystores — idp2.example.org, idp1.example.org, idp3.example.org, idp4');
  });
});

describe('run status words', () => {
  const at = (n: number) => `t${n}`;
  it('words every status of a host and of a step, never the raw status', () => {
    assert.equal(statusWords('not-run'), 'not run');
    assert.equal(statusWords('already-done'), 'already done');
    assert.equal(statusWords('not-run', 'step'), 'partly run');
    assert.equal(statusWords('done', 'step'), 'done');
    // A status the table does not know yet still reads as words.
    assert.equal(statusWords('some-new-status'), 'some new status');
    for (const [status, w] of Object.entries(RUN_STATUS_WORDS)) {
      assert.doesNotMatch(`${w.host} ${w.step}`, /-/, status);
    }
  });

  it('lists the hosts of a step and the steps of a host in words', () => {
    const hosts = {
      'idp1.example.org': { status: 'already-done', at: 1 },
      'idp2.example.org': { status: 'not-run', at: 2 },
      'idp3.example.org': { status: 'failed', at: 3, exitCode: 1, message: 'boom' },
    };
    assert.equal(
      describeHostRuns(hosts, at),
      [
        '- `idp1.example.org`: already done, t1',
        '- `idp2.example.org`: not run, t2',
        '- `idp3.example.org`: failed (exit 1) — boom, t3',
      ].join('\n'),
    );
    assert.equal(
      describeRunsOnHost(
        { hosts: { hosts }, csync2: { hosts: { 'idp1.example.org': { status: 'not-run', at: 4 } } } },
        'idp2.example.org',
        at,
      ),
      '**Last runs on this host**\n\n- `hosts`: not run, t2',
    );
    assert.equal(describeRunsOnHost({ hosts: { hosts } }, 'idp9', at), undefined);
  });
});
