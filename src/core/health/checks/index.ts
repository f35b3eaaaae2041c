/** Every health check, in the order of the groups they report in. */
import type { HealthCheck } from '../check';
import { cacheCheck } from './cache';
import { certificatesCheck } from './certificates';
import { driftCheck } from './drift';
import { filesCheck } from './files';
import { hostsCheck } from './hosts';
import { loadBalancerCheck } from './loadBalancer';
import { replicationCheck } from './replication';
import { webAppsCheck } from './webApps';

export const HEALTH_CHECKS: readonly HealthCheck[] = [
  hostsCheck,
  replicationCheck,
  filesCheck,
  loadBalancerCheck,
  webAppsCheck,
  cacheCheck,
  driftCheck,
  certificatesCheck,
];
