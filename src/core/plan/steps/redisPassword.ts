/**
 * Changing the Redis password of a running cluster, without locking Gluu out of its cache:
 * Redis first accepts the new password besides the current one (ACL SETUSER adds a password,
 * Redis 6 and later), then Gluu's cache configuration in LDAP gets the new one (encoded on the
 * primary with Gluu's salt), and only then does Redis drop the current one and keep the new one
 * in its settings file. Neither password is ever in a command line: each is in a 0600 file for
 * the command that needs it, or on the encoder's stdin.
 */
import { primaryNode } from '../../config/resolve';
import { REDIS_GLUU_CONF, renderRedisSettings } from '../../render/redis';
import { sh, type Shell } from '../../ssh/shell';
import type { SecretFile } from '../actions';
import type { StepRenderer } from '../stepPlan';
import { exec } from './common';
import { REDIS_PASSWORD_FILE, redisCli } from './redis';

export const NEW_REDIS_PASSWORD_FILE = '/root/.gluu-cluster-redis-new.pw';

export const renderRedisPasswordChange: StepRenderer = ({ config }, resolved) => {
  const cache = config.cache!;
  const host = resolved.targets[0].host;
  const primary = primaryNode(config).host;
  const current: SecretFile = { path: REDIS_PASSWORD_FILE, secret: 'redis' };
  const next: SecretFile = { path: NEW_REDIS_PASSWORD_FILE, secret: 'redisNew' };
  const cli = (auth: SecretFile, args: Shell) => redisCli(cache, auth, args);
  const refusesCurrent = `Redis on ${host} refuses the current password: nothing was changed. Check it (in the editor: Forget Stored Passwords, then try again; from the CLI: GLUU_CLUSTER_REDIS_PASSWORD).`;
  const oneOnly = `This Redis (before 6.0) holds one password: it requires the new one from now on, and Gluu's nodes are refused until the cache configuration in LDAP has it (the next action, seconds from now).`;
  return {
    before: [
      exec(
        host,
        'make sure Redis accepts the current password',
        sh`[ "$(${cli(current, sh`ping`)} 2>&1)" = PONG ] || { printf '%s\n' ${refusesCurrent} >&2; exit 1; }`,
        false,
        [current],
      ),
      // `-x` makes stdin the last argument: ">" + the new password, never on a command line.
      exec(
        host,
        'let Redis accept the new password besides the current one (until Redis restarts; its settings file still has the current one)',
        sh`r=$({ printf '>'; cat ${next.path}; } | ${cli(current, sh`-x ACL SETUSER default`)} 2>&1)
case "$r" in
  OK) echo 'Redis accepts both passwords for now' ;;
  *"unknown command"*) [ "$(${cli(current, sh`-x CONFIG SET requirepass`)} <${next.path} 2>&1)" = OK ] && printf '%s\n' ${oneOnly} ;;
  *) printf '%s\n' "$r" >&2; exit 1 ;;
esac`,
        false,
        [current, next],
      ),
    ],
    targets: [
      {
        host: primary,
        label: `LDAP on ${primary}`,
        actions: [
          {
            kind: 'ldap',
            host: primary,
            title: "Gluu's cache configuration: the new Redis password, encoded",
            attribute: 'cache',
            change: {},
            encoded: { secret: 'redisNew', path: ['redisConfiguration', 'password'], host: primary, container: true },
          },
        ],
      },
    ],
    after: [
      {
        kind: 'upload',
        title: `write the new password into ${REDIS_GLUU_CONF} (requirepass ••••)`,
        to: { host, path: REDIS_GLUU_CONF, container: false },
        content: renderRedisSettings(cache, 'redisNew'),
        mode: 0o640,
      },
      exec(
        host,
        'make Redis require only the new password, and check that the current one is refused now',
        sh`[ "$(${cli(next, sh`-x CONFIG SET requirepass`)} <${next.path} 2>&1)" = OK ] && [ "$(${cli(next, sh`ping`)} 2>&1)" = PONG ] && { cmp -s ${current.path} ${next.path} || ! ${cli(current, sh`ping`)} 2>&1 | grep -qx PONG; }`,
        false,
        [current, next],
      ),
    ],
    notes: [
      'Gluu keeps working throughout: Redis accepts both passwords while the cache configuration in LDAP changes (Redis 6 and later; an older Redis takes the new one at once, and Gluu is refused for the seconds until LDAP has it).',
      'If the LDAP write fails, Redis still requires the current password once it restarts (its settings file is unchanged) and Gluu still has the current one: run this again.',
      'If a later action fails, LDAP and Redis already use the new password; run this again with the same new password to finish.',
      'When it succeeds, the new password is the one the editor keeps (from the CLI: set GLUU_CLUSTER_REDIS_PASSWORD to it from now on).',
    ],
  };
};
