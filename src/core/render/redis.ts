/**
 * Redis settings for the cache host. The manual comments out `bind 127.0.0.1`, which leaves
 * Redis listening on every interface without a password; instead it listens on the cache host's
 * own address (and loopback) and requires a password kept in the editor's secret storage.
 */
import type { Content } from '../plan/actions';
import type { CacheHost } from '../config/types';

export const REDIS_CONF = '/etc/redis/redis.conf';
/** Our settings live in their own file, included last so they win over the distribution's. */
export const REDIS_GLUU_CONF = '/etc/redis/gluu-cluster.conf';

/** `password`: the secret that becomes requirepass (the new one when the password changes). */
export function renderRedisSettings(cache: CacheHost, password: 'redis' | 'redisNew' = 'redis'): Content {
  return [
    '# Written by Gluu Cluster: Redis for the Gluu cluster cache.\n',
    `bind ${cache.address} 127.0.0.1\n`,
    `port ${cache.port}\n`,
    'protected-mode yes\n',
    'requirepass ',
    { secret: password, encoding: 'redis-string' },
    '\n',
  ];
}

/**
 * A value as a redis.conf string: double-quoted with backslash escapes (redis' sdssplitargs),
 * so a password with spaces, quotes or backslashes is read back exactly.
 */
export function redisString(value: string): string {
  const escaped = value
    .replace(/[\\"]/g, (c) => `\\${c}`)
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\t/g, '\\t');
  return `"${escaped}"`;
}
