/**
 * Redis on the cache host, bound to the cache host's address and loopback with a password
 * (requirepass) — not, as in the manual, open on every interface without one. The password is
 * written into its own 0640 config file, never into a command line.
 */
import { REDIS_CONF, REDIS_GLUU_CONF, renderRedisSettings } from '../../render/redis';
import type { CacheHost } from '../../config/types';
import { and, sh, type Shell } from '../../ssh/shell';
import type { SecretFile } from '../actions';
import type { StepRenderer } from '../stepPlan';
import { ensurePackage, exec, restartService } from './common';

export const REDIS_PASSWORD_FILE = '/root/.gluu-cluster-redis.pw';

/** redis-cli against the cache host, authenticated with the password in `auth` (never on its command line). */
export function redisCli(cache: CacheHost, auth: SecretFile | undefined, args: Shell): Shell {
  const cli = sh`redis-cli -h ${cache.address} -p ${cache.port} ${args}`;
  return auth ? sh`REDISCLI_AUTH="$(cat ${auth.path})" ${cli}` : cli;
}

const REFUSED = (host: string) =>
  `Redis on ${host} already requires a password and refuses the one given: nothing was changed (writing it would lock every Gluu node out of the cache). Check the Redis password (in the editor: Forget Stored Passwords, then run the step again; from the CLI: GLUU_CLUSTER_REDIS_PASSWORD).`;

export const renderRedis: StepRenderer = ({ config }, resolved) => {
  const cache = config.cache;
  if (!cache) return { before: [], targets: [], after: [], notes: ['No cache host in the cluster file: nothing to do.'] };
  const host = resolved.targets[0].host;
  const include = `include ${REDIS_GLUU_CONF}`;
  const pw: SecretFile = { path: REDIS_PASSWORD_FILE, secret: 'redis' };
  const ping = (auth: boolean) => redisCli(cache, auth ? pw : undefined, sh`ping`);
  return {
    before: [],
    targets: [
      {
        host,
        label: `${host} (cache)`,
        actions: [
          exec(host, 'install redis-server', ensurePackage('redis-server', 'redis-server'), false),
          // A mistyped password must not become the live one: Redis would restart requiring it and
          // every Gluu node would lose its cache. When Redis already requires a password and
          // refuses the one given, stop before anything changes.
          exec(
            host,
            'make sure a Redis that already requires a password accepts the one given',
            sh`case "$(${ping(false)} 2>&1)" in *NOAUTH*) [ "$(${ping(true)} 2>&1)" = PONG ] || { printf '%s\n' ${REFUSED(host)} >&2; false; } ;; esac`,
            false,
            [pw],
          ),
          {
            kind: 'upload',
            title: `write ${REDIS_GLUU_CONF}: bind ${cache.address} 127.0.0.1, port ${cache.port}, requirepass ••••`,
            to: { host, path: REDIS_GLUU_CONF, container: false },
            content: renderRedisSettings(cache),
            mode: 0o640,
          },
          exec(
            host,
            `include it last in ${REDIS_CONF} and restart redis-server`,
            and(
              sh`{ chown redis:redis ${REDIS_GLUU_CONF} 2>/dev/null || true; }`,
              sh`{ grep -qxF ${include} ${REDIS_CONF} || printf '%s\n' ${include} >>${REDIS_CONF}; }`,
              restartService('redis-server'),
            ),
            false,
          ),
        ],
        check: {
          script: and(sh`grep -qxF ${include} ${REDIS_CONF}`, sh`${ping(true)} | grep -qx PONG`),
          container: false,
          secretFiles: [pw],
        },
        // Answers with the password, refuses without it.
        verify: {
          script: and(sh`${ping(true)} | grep -qx PONG`, sh`${ping(false)} 2>&1 | grep -q NOAUTH`),
          container: false,
          secretFiles: [pw],
        },
      },
    ],
    after: [],
    notes: [
      `Security: Redis listens on ${cache.address} and 127.0.0.1 only and requires a password (requirepass). The manual comments out "bind" and leaves Redis open to every network without a password.`,
      'Redis traffic is not encrypted; keep the cache host on a private network or add stunnel (see the manual).',
      'Idempotent: the settings file is rewritten and included once.',
    ],
  };
};
