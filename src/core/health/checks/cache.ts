/**
 * The cache (only with a cache host in the cluster file): Redis answers PING with the stored
 * password, is not open to every network without one, and Gluu's cache configuration in LDAP
 * (the appliance entry's oxCacheConfiguration) points every node at it: provider REDIS, the
 * cache host among the servers, a password present. Read on the cache host and the primary.
 */
import { primaryNode } from '../../config/resolve';
import type { CacheHost, ClusterConfig } from '../../config/types';
import { APPLIANCE_FILTER } from '../../ldap/appliance';
import { splitServers } from '../../ldap/cacheConfig';
import { sh, type Shell } from '../../ssh/shell';
import { failureVerdict, rowOf, type HealthCheck, type Verdict } from '../check';
import { SecretNotStored, withPasswordFile, type HealthContext } from '../context';
import { firstValue, readAppliance, type LdapEntry } from '../ldapSearch';
import type { HealthRow } from '../model';

/** What the cache host says: PING with the password and without, and where Redis listens. */
export interface RedisFacts {
  cli: boolean;
  /** redis-cli's answer (stdout and stderr) to PING with the stored password. */
  withPassword: string;
  /** ... and without any. */
  withoutPassword: string;
  /** Local addresses of the sockets listening on the port ("0.0.0.0", "::", "10.0.0.2"), or undefined without ss. */
  listening?: string[];
}

/**
 * One command on the cache host. The password arrives on stdin into "$pw" and reaches redis-cli
 * through REDISCLI_AUTH (its environment), never its arguments.
 */
export function redisScript(cache: CacheHost): Shell {
  const cli = sh`redis-cli -h ${cache.address} -p ${cache.port}`;
  return withPasswordFile(sh`command -v redis-cli >/dev/null 2>&1 || { echo '@@nocli'; exit 0; }
a=$(REDISCLI_AUTH="$(cat "$pw")" ${cli} ping 2>&1 | tr '\n' ' ')
printf '@@auth %s\n' "$a"
n=$(${cli} ping 2>&1 | tr '\n' ' ')
printf '@@noauth %s\n' "$n"
if command -v ss >/dev/null 2>&1; then ss -ltn | awk 'NR > 1 { print "@@listen", $4 }'; echo '@@ss'; fi
exit 0`);
}

/** "0.0.0.0:6379", "[::]:6379", "*:6379", "127.0.0.1%lo:6379" → address and port. */
export function splitListen(local: string): { address: string; port: number } | undefined {
  const m = /^\[?(.*?)\]?(?:%[^:\]]+)?:(\d+)$/.exec(local);
  return m ? { address: m[1], port: Number(m[2]) } : undefined;
}

export function parseRedisFacts(stdout: string, port: number): RedisFacts {
  const lines = stdout.split('\n');
  const value = (tag: string) => (lines.find((l) => l.startsWith(`${tag} `)) ?? '').slice(tag.length + 1).trim();
  const listening = lines
    .filter((l) => l.startsWith('@@listen '))
    .map((l) => splitListen(l.slice(9).trim()))
    .filter((a) => a?.port === port)
    .map((a) => a!.address);
  return {
    cli: !lines.includes('@@nocli'),
    withPassword: value('@@auth'),
    withoutPassword: value('@@noauth'),
    ...(lines.includes('@@ss') ? { listening } : {}),
  };
}

const REFUSED = /WRONGPASS|invalid password|invalid username-password|AUTH failed|NOAUTH/i;
const everywhere = (a: string) => a === '0.0.0.0' || a === '::' || a === '*';

/** PING with the stored password. */
export function redisVerdict(host: string, cache: CacheHost, f: RedisFacts): Verdict {
  const fixStep = 'redis';
  const where = `${cache.address}:${cache.port}`;
  if (!f.cli) return { state: 'unknown', reason: `redis-cli is not installed on ${host}: Redis cannot be asked` };
  if (f.withPassword === 'PONG') return { state: 'ok', reason: `Redis on ${host} (${where}) answers PING with the stored password` };
  if (REFUSED.test(f.withPassword))
    return {
      state: 'critical',
      reason: `the stored Redis password is refused by Redis on ${host} (changed behind Gluu Cluster's back?)`,
      fixStep,
    };
  if (/refused|Could not connect|timed out|No route/i.test(f.withPassword))
    return { state: 'critical', reason: `Redis on ${host} does not answer on ${where}: ${f.withPassword}`, fixStep };
  return { state: 'critical', reason: `Redis on ${host} answers PING with "${f.withPassword}", not PONG`, fixStep };
}

/** Open to every network without a password is the manual's setting and the real danger. */
export function exposureVerdict(host: string, cache: CacheHost, f: RedisFacts): Verdict {
  const fixStep = 'redis';
  if (!f.cli) return { state: 'unknown', reason: `redis-cli is not installed on ${host}: Redis cannot be asked` };
  const open = f.withoutPassword === 'PONG';
  if (!open && !/NOAUTH|Authentication required/i.test(f.withoutPassword))
    return {
      state: 'unknown',
      reason: `Redis on ${host} does not answer PING on ${cache.address}:${cache.port}, so whether it needs a password is unknown`,
    };
  if (!open) return { state: 'ok', reason: `Redis on ${host} requires a password` };
  if (!f.listening)
    return { state: 'critical', reason: `Redis on ${host} requires no password (ss is missing: where it listens is unknown)`, fixStep };
  const all = f.listening.filter(everywhere);
  if (all.length)
    return {
      state: 'critical',
      reason: `Redis on ${host} listens on every interface (${all.join(', ')}) and requires no password: anyone on the network can read and change the cache`,
      fixStep,
    };
  return {
    state: 'warning',
    reason: `Redis on ${host} requires no password (listening on ${f.listening.join(', ') || 'nothing'})`,
    fixStep,
  };
}

/** Gluu's cache configuration in the appliance entry. */
export function cacheConfigVerdict(config: ClusterConfig, reader: string, entries: readonly LdapEntry[]): Verdict {
  const cache = config.cache!;
  const fixStep = 'ldap-cache';
  if (entries.length === 0)
    return {
      state: 'critical',
      reason: `${reader}'s LDAP has no appliance entry ${APPLIANCE_FILTER} under ou=appliances,${config.gluu.baseDN}`,
    };
  const text = firstValue(entries[0], 'oxCacheConfiguration') ?? firstValue(entries[0], 'oxCacheConfig');
  if (text === undefined) return { state: 'critical', reason: `the appliance entry on ${reader} has no oxCacheConfiguration`, fixStep };
  let c: { cacheProviderType?: unknown; redisConfiguration?: { servers?: unknown; password?: unknown } };
  try {
    c = JSON.parse(text) as typeof c;
  } catch {
    return { state: 'critical', reason: `oxCacheConfiguration on ${reader} is not JSON`, fixStep };
  }
  if (c.cacheProviderType !== 'REDIS')
    return {
      state: 'critical',
      reason: `Gluu's cache provider on ${reader} is ${JSON.stringify(c.cacheProviderType)}, not REDIS: the nodes do not share sessions`,
      fixStep,
    };
  const servers = splitServers(c.redisConfiguration?.servers);
  const wanted = [`${cache.host}:${cache.port}`, `${cache.address}:${cache.port}`];
  if (!servers.some((s) => wanted.includes(s)))
    return {
      state: 'critical',
      reason: `Gluu's Redis servers on ${reader} are "${servers.join(',')}", without the cache host ${cache.host}:${cache.port}`,
      fixStep,
    };
  const pw = c.redisConfiguration?.password;
  if (typeof pw !== 'string' || pw === '')
    return { state: 'critical', reason: `Gluu's Redis configuration on ${reader} has no password: the nodes cannot open Redis`, fixStep };
  return { state: 'ok', reason: `Gluu's cache on ${reader}: REDIS on ${servers.join(',')}, with a password` };
}

const REDIS = { group: 'cache', id: 'redis', title: 'Redis' } as const;
const EXPOSURE = { group: 'cache', id: 'exposure', title: 'Redis exposure' } as const;
const LDAP = { group: 'cache', id: 'ldap', title: 'Cache configuration in LDAP' } as const;

export const cacheCheck: HealthCheck = {
  group: 'cache',
  id: 'cache',
  title: 'Cache',
  applies: (config) => config.cache !== undefined,
  async run(ctx: HealthContext): Promise<HealthRow[]> {
    const config = ctx.config;
    const cache = config.cache!;
    const host = cache.host;
    const primary = primaryNode(config).host;
    const redisRows = async (): Promise<HealthRow[]> => {
      try {
        // Whether Redis is open needs no password: without one stored, only the PING row is unknown.
        let missing: SecretNotStored | undefined;
        const password = await ctx.secret('redis').catch((e: unknown) => {
          if (!(e instanceof SecretNotStored)) throw e;
          missing = e;
          return '';
        });
        const r = await ctx.exec(host, redisScript(cache), { stdin: password });
        const f = parseRedisFacts(r.stdout, cache.port);
        const ping = missing ? failureVerdict(missing, `Redis on ${host}`) : redisVerdict(host, cache, f);
        return [rowOf(REDIS, ctx, host, ping), rowOf(EXPOSURE, ctx, host, exposureVerdict(host, cache, f))];
      } catch (e) {
        const v = failureVerdict(e, `Redis on ${host}`);
        return [rowOf(REDIS, ctx, host, v), rowOf(EXPOSURE, ctx, host, v)];
      }
    };
    const ldapRow = async (): Promise<HealthRow> => {
      try {
        const entry = await readAppliance(ctx);
        return rowOf(LDAP, ctx, primary, cacheConfigVerdict(config, primary, entry ? [entry] : []));
      } catch (e) {
        return rowOf(LDAP, ctx, primary, failureVerdict(e, `Reading the cache configuration on ${primary}`));
      }
    };
    const [redis, ldap] = await Promise.all([redisRows(), ldapRow()]);
    return [...redis, ldap];
  },
};
