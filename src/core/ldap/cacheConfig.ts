/**
 * Gluu's cache configuration JSON (oxCacheConfiguration in 3.1.x): the provider and each
 * provider's settings. Checks what Gluu would choke on or silently misuse, most of all Redis
 * STANDALONE with several servers (Gluu then talks to one arbitrary server and never fails over).
 */
import { FORMATS } from '../config/fields';
import { CACHE_PROVIDERS, REDIS_PROVIDER_TYPES } from './protocol';

export interface FieldProblem {
  /** Where in the JSON, e.g. ['redisConfiguration', 'servers']. */
  path: string[];
  message: string;
  severity: 'error' | 'warning';
}

// The cluster file's own formats: one definition of a host name and an address.
const HOSTNAME = new RegExp(FORMATS.hostname);
const IPV4 = new RegExp(FORMATS.ipv4);
const IPV6 = new RegExp(FORMATS.ipv6);

/** Why "host:port" is not one, or undefined when it is ("[::1]:6379" for IPv6). */
export function serverProblem(s: string): string | undefined {
  const m = /^(\[[0-9A-Fa-f:.]+\]|[^:\s[\]]+):(\d{1,5})$/.exec(s.trim());
  if (!m) return `"${s}" is not host:port`;
  const [, host, portText] = m;
  const port = Number(portText);
  if (port < 1 || port > 65535) return `port ${portText} of "${s}" is not between 1 and 65535`;
  if (host.startsWith('[')) return IPV6.test(host.slice(1, -1)) ? undefined : `"${host}" in "${s}" is not an IPv6 address`;
  if (/^[\d.]+$/.test(host) ? !IPV4.test(host) : !HOSTNAME.test(host)) return `"${host}" in "${s}" is not a host name or IPv4 address`;
  return undefined;
}

/** Redis servers are one comma-separated string; memcached's are separated by spaces or commas. */
export function splitServers(value: unknown): string[] {
  return typeof value === 'string' ? value.split(/[\s,]+/).filter((s) => s.length > 0) : [];
}

export const joinRedisServers = (servers: string[]): string =>
  servers
    .map((s) => s.trim())
    .filter(Boolean)
    .join(',');
export const joinMemcachedServers = (servers: string[]): string =>
  servers
    .map((s) => s.trim())
    .filter(Boolean)
    .join(' ');

function obj(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function expiration(problems: FieldProblem[], section: string, c: Record<string, unknown> | undefined): void {
  const v = c?.defaultPutExpiration;
  if (v !== undefined && !(Number.isInteger(v) && (v as number) >= 0)) {
    problems.push({
      path: [section, 'defaultPutExpiration'],
      message: 'defaultPutExpiration is a whole number of seconds (0 or more)',
      severity: 'error',
    });
  }
}

/** Problems of a decoded cache configuration, errors first. */
export function cacheProblems(c: Record<string, unknown>): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const provider = c.cacheProviderType;
  if (!(CACHE_PROVIDERS as readonly unknown[]).includes(provider)) {
    problems.push({
      path: ['cacheProviderType'],
      message: `cacheProviderType must be one of ${CACHE_PROVIDERS.join(', ')}`,
      severity: 'error',
    });
  }
  /** A provider's server list: each host:port, and at least one when it is the provider in use. */
  const serverList = (section: string, provider: string, value: unknown): string[] => {
    const servers = splitServers(value);
    if (c.cacheProviderType === provider && servers.length === 0)
      problems.push({ path: [section, 'servers'], message: `${provider} needs at least one server (host:port)`, severity: 'error' });
    for (const srv of servers) {
      const p = serverProblem(srv);
      if (p) problems.push({ path: [section, 'servers'], message: p, severity: 'error' });
    }
    return servers;
  };
  const redis = obj(c.redisConfiguration);
  const memcached = obj(c.memcachedConfiguration);
  if (provider === 'REDIS' && !redis)
    problems.push({ path: ['redisConfiguration'], message: 'REDIS needs a redisConfiguration', severity: 'error' });
  if (redis) {
    const servers = serverList('redisConfiguration', 'REDIS', redis.servers);
    const type = redis.redisProviderType ?? 'STANDALONE';
    if (!(REDIS_PROVIDER_TYPES as readonly unknown[]).includes(type)) {
      problems.push({
        path: ['redisConfiguration', 'redisProviderType'],
        message: `redisProviderType must be one of ${REDIS_PROVIDER_TYPES.join(', ')}`,
        severity: 'error',
      });
    }
    if (type === 'STANDALONE' && servers.length > 1) {
      problems.push({
        path: ['redisConfiguration', 'servers'],
        message: `STANDALONE with ${servers.length} servers: Gluu uses one of them, chosen arbitrarily, and never fails over to the others. Use one server, or CLUSTER / SHARDED.`,
        severity: 'warning',
      });
    }
    if (redis.useSSL !== undefined && typeof redis.useSSL !== 'boolean')
      problems.push({ path: ['redisConfiguration', 'useSSL'], message: 'useSSL is true or false', severity: 'error' });
    if (redis.useSSL === true && !redis.sslTrustStoreFilePath) {
      problems.push({
        path: ['redisConfiguration', 'sslTrustStoreFilePath'],
        message: 'useSSL without sslTrustStoreFilePath: Gluu checks the Redis certificate against the JRE default trust store',
        severity: 'warning',
      });
    }
    expiration(problems, 'redisConfiguration', redis);
  }
  if (memcached) {
    serverList('memcachedConfiguration', 'MEMCACHED', memcached.servers);
    for (const k of ['maxOperationQueueLength', 'bufferSize']) {
      const v = memcached[k];
      if (v !== undefined && !(Number.isInteger(v) && (v as number) > 0))
        problems.push({ path: ['memcachedConfiguration', k], message: `${k} is a whole number above 0`, severity: 'error' });
    }
    expiration(problems, 'memcachedConfiguration', memcached);
  } else if (provider === 'MEMCACHED') {
    problems.push({ path: ['memcachedConfiguration'], message: 'MEMCACHED needs a memcachedConfiguration', severity: 'error' });
  }
  expiration(problems, 'inMemoryConfiguration', obj(c.inMemoryConfiguration));
  expiration(problems, 'nativePersistenceConfiguration', obj(c.nativePersistenceConfiguration));
  return errorsFirst(problems);
}

/** Errors before warnings, each in the order found. */
export const errorsFirst = (problems: FieldProblem[]): FieldProblem[] =>
  problems.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
