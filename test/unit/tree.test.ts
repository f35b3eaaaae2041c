import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { EXAMPLE_CLUSTER_FILE } from '../../src/core/config/example';
import { parseClusterFile } from '../../src/core/config/parse';
import { STEPS } from '../../src/core/plan/catalogue';
import { nodeTree, sshTarget, stepTree, type ClusterSource } from '../../src/core/tree/model';
import { FIXTURES } from './paths';

const source = (text: string, key = 'file:///ws/gluu-cluster.yaml', folderName = 'ws'): ClusterSource => ({
  key,
  folderName,
  parsed: parseClusterFile(text),
});

describe('tree model', () => {
  it('lists load balancer, cache, then nodes with the primary first and marked', () => {
    const text = EXAMPLE_CLUSTER_FILE.replace('    primary: true\n', '').replace(
      '    address: 138.197.65.243\n',
      '    address: 138.197.65.243\n    primary: true\n',
    );
    const items = nodeTree([source(text)]);
    assert.deepEqual(
      items.map((i) => [i.label, i.description, i.icon, i.contextValue]),
      [
        ['loadbalancer.example.org', '45.55.232.15 · load balancer', 'globe', 'gluu.loadBalancer'],
        ['idp1.example.org', '159.203.126.10:6379 · cache (on a node)', 'database', 'gluu.cache'],
        ['idp2.example.org', '138.197.65.243 · primary', 'star-full', 'gluu.node.primary'],
        ['idp1.example.org', '159.203.126.10 · node', 'server', 'gluu.node.secondary'],
      ],
    );
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
    assert.equal(items[0].children!.length, 4);
    assert.equal(items[1].children![0].kind, 'error');
  });

  it("lists the manual's steps in order with resolved targets", () => {
    const steps = stepTree('k', parseClusterFile(EXAMPLE_CLUSTER_FILE).config!);
    assert.deepEqual(
      steps.map((s) => s.stepId),
      STEPS.map((s) => s.id),
    );
    assert.deepEqual(
      steps.map((s) => s.stepId),
      [
        'hosts',
        'setup-properties',
        'run-setup',
        'ldap-listen',
        'replication-enable',
        'replication-init',
        'replication-secure',
        'opendj-keystore',
        'csync2',
        'nginx',
        'redis',
        'ldap-cache',
        'ldap-idp-auth',
        'certs',
        'keystores',
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
    assert.match(by['replication-enable'].description, /skipped: only for OpenDJ; this cluster uses OpenLDAP/);
    assert.equal(by.certs.description, 'certs — idp2.example.org → idp1.example.org, idp3.example.org, idp4');
    assert.equal(by.keystores.description, 'keystores — idp2.example.org, idp1.example.org, idp3.example.org, idp4');
  });
});
