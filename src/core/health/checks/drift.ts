/**
 * Drift: what is on the hosts against what the cluster file and the generated files (the user's
 * copies when there are) say. Reads only. The LDAP values are read on the primary, where the
 * ldap-cache and ldap-idp-auth steps write them (replication carries them to the others; the
 * replication group says whether it does).
 */
import { nodesPrimaryFirst, primaryNode } from '../../config/resolve';
import { hostPath } from '../../gluu/container';
import { NGINX_CONF_PATH } from '../../render/nginx';
import { CSYNC2_CFG_PATH } from '../../render/csync2';
import { sh } from '../../ssh/shell';
import { failureVerdict, perHost, rowOf, type HealthCheck, type Verdict } from '../check';
import type { HealthContext } from '../context';
import { attributeValues, readAppliance } from '../ldapSearch';
import type { HealthRow } from '../model';
import { cacheDrift, csync2Drift, hostsDrift, idpDrift, nginxDrift, oxLdapDrift } from './driftCompare';

const OX_LDAP = '/etc/gluu/conf/ox-ldap.properties';

const LDAP_CACHE = { group: 'drift', id: 'ldap-cache', title: 'Cache configuration' } as const;
const LDAP_IDP = { group: 'drift', id: 'ldap-idp', title: 'oxIDPAuthentication' } as const;
const NGINX = { group: 'drift', id: 'nginx', title: 'nginx.conf' } as const;
const CSYNC2 = { group: 'drift', id: 'csync2-cfg', title: 'csync2.cfg' } as const;
const HOSTS = { group: 'drift', id: 'hosts-file', title: '/etc/hosts' } as const;
const OX = { group: 'drift', id: 'ox-ldap', title: 'ox-ldap.properties' } as const;

/** A file's text, or a verdict saying why it could not be read. */
async function readFile(ctx: HealthContext, host: string, path: string, container = false): Promise<string | Verdict> {
  const r = await ctx.exec(host, sh`cat ${path}`, { container });
  if (r.code !== 0) return { state: 'warning', reason: `${path} cannot be read on ${host}: ${r.stderr.trim() || `cat exited ${r.code}`}` };
  return r.stdout;
}

/** The plan's step that writes what each of the LDAP drift rows compares (Verify Cluster's check of those steps). */
export const LDAP_DRIFT_STEPS: Readonly<Record<string, string>> = { [LDAP_CACHE.id]: 'ldap-cache', [LDAP_IDP.id]: 'ldap-idp-auth' };

/** The cache configuration and oxIDPAuthentication on the primary against the cluster file. */
export async function ldapDriftRows(ctx: HealthContext): Promise<HealthRow[]> {
  const { config } = ctx;
  const primary = primaryNode(config).host;
  try {
    const entry = await readAppliance(ctx);
    if (!entry) {
      const v: Verdict = { state: 'unknown', reason: `no Gluu appliance entry under ou=appliances,${config.gluu.baseDN} on ${primary}` };
      return [rowOf(LDAP_CACHE, ctx, primary, v), rowOf(LDAP_IDP, ctx, primary, v)];
    }
    const cacheName = attributeValues(entry, 'oxCacheConfig').length ? 'oxCacheConfig' : 'oxCacheConfiguration';
    const cache = attributeValues(entry, cacheName)[0] ?? null;
    return [
      rowOf(LDAP_CACHE, ctx, primary, cacheDrift(config, primary, cacheName, cache)),
      rowOf(LDAP_IDP, ctx, primary, idpDrift(config, primary, attributeValues(entry, 'oxIDPAuthentication'))),
    ];
  } catch (e) {
    const v = failureVerdict(e, `reading the appliance entry on ${primary}`);
    return [rowOf(LDAP_CACHE, ctx, primary, v), rowOf(LDAP_IDP, ctx, primary, v)];
  }
}

export const driftCheck: HealthCheck = {
  group: 'drift',
  id: 'drift',
  title: 'Drift from the cluster file',
  async run(ctx) {
    const { config, input } = ctx;
    const nodes = nodesPrimaryFirst(config).map((n) => n.host);
    const lb = config.loadBalancer.host;
    const text = (v: string | Verdict, f: (t: string) => Verdict) => (typeof v === 'string' ? f(v) : v);
    const rows = await Promise.all([
      ldapDriftRows(ctx),
      perHost(NGINX, ctx, [lb], async (h) =>
        text(await readFile(ctx, h, NGINX_CONF_PATH), (t) => nginxDrift(h, t, input.generated['nginx.conf'])),
      ),
      perHost(CSYNC2, ctx, nodes, async (h) =>
        text(await readFile(ctx, h, CSYNC2_CFG_PATH), (t) => csync2Drift(h, t, input.generated['csync2.cfg'])),
      ),
      perHost(HOSTS, ctx, [lb, ...nodes], async (h) => {
        const verdicts = [text(await readFile(ctx, h, '/etc/hosts'), (t) => hostsDrift(config, h, t))];
        // The hosts step writes the container's /etc/hosts too.
        if (nodes.includes(h) && config.gluu.container !== 'none')
          verdicts.push(
            text(await readFile(ctx, h, '/etc/hosts', true), (t) => hostsDrift(config, h, t, `${hostPath(config, '/etc/hosts', true)}`)),
          );
        return verdicts.find((v) => v.state !== 'ok') ?? verdicts[0];
      }),
      perHost(OX, ctx, nodes, async (h) => text(await readFile(ctx, h, OX_LDAP, true), (t) => oxLdapDrift(config, h, t))),
    ]);
    return rows.flat();
  },
};
