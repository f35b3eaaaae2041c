/**
 * The two JSON attributes of the Gluu appliance entry that the manual edits in JXplorer: the
 * cache configuration (REDIS with the cache host) and oxIDPAuthentication's servers (every node
 * on LDAPS 1636). The LDAP layer writes them with compare-and-swap; the preview shows the change.
 */
import { nodesPrimaryFirst, primaryNode } from '../../config/resolve';
import { LDAPS_PORT } from '../../gluu/facts';
import type { StepRenderer } from '../stepPlan';

export const renderLdapCache: StepRenderer = ({ config }) => {
  const primary = primaryNode(config);
  const cache = config.cache;
  if (!cache)
    return { before: [], targets: [], after: [], notes: ['No cache host in the cluster file: the cache configuration stays as it is.'] };
  return {
    before: [],
    targets: [
      {
        host: primary.host,
        label: `LDAP on ${primary.host}`,
        actions: [
          {
            kind: 'ldap',
            host: primary.host,
            title: `cache provider REDIS on ${cache.host}:${cache.port}`,
            attribute: 'cache',
            change: {
              cacheProviderType: 'REDIS',
              redisConfiguration: { redisProviderType: 'STANDALONE', servers: `${cache.host}:${cache.port}` },
            },
          },
        ],
      },
    ],
    after: [],
    notes: [
      'The attribute is oxCacheConfiguration in Gluu 3.1.x (the manual calls it oxCacheConfig); the editor finds which one the entry has.',
      'Only the changed fields are written; everything else in the JSON is kept. Idempotent.',
    ],
  };
};

export const renderLdapIdpAuth: StepRenderer = ({ config }) => {
  const primary = primaryNode(config);
  const servers = nodesPrimaryFirst(config).map((n) => `${n.host}:${LDAPS_PORT}`);
  return {
    before: [],
    targets: [
      {
        host: primary.host,
        label: `LDAP on ${primary.host}`,
        actions: [
          {
            kind: 'ldap',
            host: primary.host,
            title: `oxIDPAuthentication servers: ${servers.join(', ')}`,
            attribute: 'idpAuthentication',
            change: { servers },
          },
        ],
      },
    ],
    after: [],
    notes: ['In 3.1.x the "config" member is itself a JSON string; it is written back the same way. Idempotent.'],
  };
};
