/**
 * Cluster Health on one sandbox the whole plan has clustered: the load balancer, web applications,
 * cache and certificates (healthServices.ts), then replication, files and drift
 * (healthCluster.ts). Each test makes a real fault, sees it reported, undoes it and waits until
 * every row is ok again, so the next test starts from a healthy cluster.
 */
import { healthClusterTests } from './healthCluster';
import { type BuiltCluster, buildHealthSandbox } from './healthSandbox';
import { healthServicesTests } from './healthServices';

describe('cluster health on a sandbox the whole plan built', function () {
  this.timeout(900000);
  let built: BuiltCluster | undefined;
  const cluster = () => {
    if (!built) throw new Error('the sandbox was not built (see the before hook)');
    return built;
  };

  before(async () => {
    built = await buildHealthSandbox();
  });
  after(async () => {
    await built?.sb.down();
  });

  healthServicesTests(cluster);
  healthClusterTests(cluster);
});
