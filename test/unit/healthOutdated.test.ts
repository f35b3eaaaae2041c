import { strict as assert } from 'node:assert';
import { EXAMPLE_CLUSTER_FILE } from '../../src/core/config/example';
import { parseClusterFile } from '../../src/core/config/parse';
import type { ClusterConfig } from '../../src/core/config/types';
import { healthOutdatedBy } from '../../src/core/health/outdated';

/** The example cluster file with each [from, to] replaced once (the replacement must apply). */
function config(...edits: [string, string][]): ClusterConfig {
  let text = EXAMPLE_CLUSTER_FILE;
  for (const [from, to] of edits) {
    assert.ok(text.includes(from), `the example has ${JSON.stringify(from)}`);
    text = text.replace(from, to);
  }
  const parsed = parseClusterFile(text);
  assert.deepEqual(parsed.problems, []);
  return parsed.config!;
}

const IDP2 = '  - host: idp2.example.org\n    address: 138.197.65.243\n';

describe('health: a report outdated by the cluster file', () => {
  it('is current while the file says the same, even with lines moved or comments changed', () => {
    const moved = config(['# Gluu Cluster — describes', '\n\n# Gluu Cluster — describes'], ['# replace them with yours.', '# yours.']);
    assert.equal(healthOutdatedBy(config(), moved), undefined);
    assert.equal(healthOutdatedBy(config(), config()), undefined);
  });

  it('names a node added and a node removed', () => {
    const three = config([IDP2, `${IDP2}  - host: idp3.example.org\n    address: 10.0.0.3\n`]);
    assert.equal(healthOutdatedBy(config(), three), 'idp3.example.org added');
    assert.equal(healthOutdatedBy(three, config()), 'idp3.example.org removed');
  });

  it('names a host whose address or role changed, and the load balancer too', () => {
    assert.equal(healthOutdatedBy(config(), config(['138.197.65.243', '10.9.9.9'])), 'idp2.example.org changed');
    assert.equal(healthOutdatedBy(config(), config(['address: 45.55.232.15', 'address: 10.1.1.1'])), 'loadbalancer.example.org changed');
    // the primary moves: both nodes' roles change
    const moved = config(['    primary: true\n', ''], [IDP2, `${IDP2}    primary: true\n`]);
    assert.equal(healthOutdatedBy(config(), moved), 'idp1.example.org changed, idp2.example.org changed');
  });

  it('lists every change in one line: added, removed, changed, then the cache', () => {
    const now = config(
      [IDP2, '  - host: idp3.example.org\n    address: 10.0.0.3\n'],
      ['159.203.126.10', '10.0.0.1'],
      ['  port: 6379', '  port: 6380'],
    );
    assert.equal(
      healthOutdatedBy(config(), now),
      'idp3.example.org added, idp2.example.org removed, idp1.example.org changed, the cache host changed',
    );
  });

  it('says other settings changed when no host did (what the checks compare against)', () => {
    assert.equal(healthOutdatedBy(config(), config(['intervalMinutes: 10', 'intervalMinutes: 5'])), 'other settings changed');
    assert.equal(healthOutdatedBy(config(), config(['servers: [0.pool.ntp.org, ', 'servers: ['])), 'other settings changed');
  });
});
