/** Every health check, in the order of the groups they report in. */
import type { HealthCheck } from '../check';
import { driftCheck } from './drift';
import { filesCheck } from './files';
import { hostsCheck } from './hosts';
import { replicationCheck } from './replication';

export const HEALTH_CHECKS: readonly HealthCheck[] = [hostsCheck, replicationCheck, filesCheck, driftCheck];
