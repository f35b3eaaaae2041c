/** Every health check, in the order of the groups they report in. */
import type { HealthCheck } from '../check';
import { cacheCheck } from './cache';
import { certificatesCheck } from './certificates';
import { hostsCheck } from './hosts';
import { loadBalancerCheck } from './loadBalancer';
import { webAppsCheck } from './webApps';

export const HEALTH_CHECKS: readonly HealthCheck[] = [hostsCheck, loadBalancerCheck, webAppsCheck, cacheCheck, certificatesCheck];
