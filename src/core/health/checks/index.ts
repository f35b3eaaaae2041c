/** Every health check, in the order of the groups they report in. */
import type { HealthCheck } from '../check';
import { hostsCheck } from './hosts';

export const HEALTH_CHECKS: readonly HealthCheck[] = [hostsCheck];
