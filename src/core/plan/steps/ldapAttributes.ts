/**
 * The two JSON attributes of the Gluu appliance entry that the manual edits in JXplorer: the
 * cache configuration (REDIS with the cache host) and oxIDPAuthentication's servers (every node
 * on LDAPS 1636). The LDAP layer writes them with compare-and-swap; the preview shows the change.
 */
import { nodesPrimaryFirst, primaryNode } from '../../config/resolve';
import type { ClusterConfig } from '../../config/types';
import { LDAPS_PORT } from '../../gluu/facts';
import type { StepRenderer } from '../stepPlan';

/** What the ldap-cache step merges into the cache configuration (the Redis password aside), or none without a cache host. */
export function ldapCacheChange(config: ClusterConfig): Record<string, unknown> | undefined {
  const cache = config.cache;
  if (!cache) return undefined;
  return { cacheProviderType: 'REDIS', redisConfiguration: { redisProviderType: 'STANDALONE', servers: `${cache.host}:${cache.port}` } };
}

/** What the ldap-idp-auth step merges into oxIDPAuthentication's config: every node on LDAPS, the primary first. */
export function ldapIdpChange(config: ClusterConfig): { servers: string[] } {
  return { servers: nodesPrimaryFirst(config).map((n) => `${n.host}:${LDAPS_PORT}`) };
}

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
            title: `cache provider REDIS on ${cache.host}:${cache.port}, with the Redis password encoded for Gluu`,
            attribute: 'cache',
            change: ldapCacheChange(config)!,
            // The redis step makes Redis require this password: without it in the cache
            // configuration, oxAuth and oxTrust on every node lose their cache.
            encoded: { secret: 'redis', path: ['redisConfiguration', 'password'], host: primary.host, container: true },
          },
        ],
      },
    ],
    after: [],
    notes: [
      'The attribute is oxCacheConfiguration in Gluu 3.1.x (the manual calls it oxCacheConfig); the editor finds which one the entry has.',
      "redisConfiguration.password is the Redis password encoded with the primary's Gluu salt (every node has the same salt: the secondaries were installed from its setup.properties), as oxAuth decodes it. The plain password reaches the node only on the encoder's stdin.",
      'Only the changed fields are written; everything else in the JSON is kept. Idempotent (the encoding of one password with one salt is always the same).',
    ],
  };
};

export const renderLdapIdpAuth: StepRenderer = ({ config }) => {
  const primary = primaryNode(config);
  const change = ldapIdpChange(config);
  const servers = change.servers;
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
            change,
          },
        ],
      },
    ],
    after: [],
    notes: ['In 3.1.x the "config" member is itself a JSON string; it is written back the same way. Idempotent.'],
  };
};
