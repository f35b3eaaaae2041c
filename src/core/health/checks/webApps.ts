/**
 * Each node's web applications, asked on the node itself (curl there, to Apache on 127.0.0.1:443
 * with the load balancer's name as Host and SNI, the name Gluu was installed with), so a node is
 * judged on its own and not through nginx, which hides a dead node by passing its requests on:
 *
 * - oxAuth's /.well-known/openid-configuration: 200, JSON, issuer https://<load balancer>.
 *   Anything else is critical: sign-ins that reach this node fail (or, with another issuer,
 *   its tokens are refused by clients).
 * - oxTrust's /identity/: 200 or 302 (Gluu 3.1 sends /identity/ on to its login page). Anything
 *   else is a warning: people still sign in through oxAuth; administration and oxTrust's
 *   scheduled jobs (cache refresh) are what stop.
 * - Shibboleth's /idp/shibboleth (its metadata): 200, critical otherwise (SAML sign-ins fail) —
 *   only on nodes where the IdP is installed (/opt/shibboleth-idp in the container). A cluster
 *   without Shibboleth gets no row; a node without it while other nodes have it gets a warning
 *   (the load balancer's /idp route sends some people to it).
 */
import { nodesPrimaryFirst } from '../../config/resolve';
import type { ClusterConfig } from '../../config/types';
import { hostPath } from '../../gluu/container';
import { sh, type Shell } from '../../ssh/shell';
import { failureVerdict, rowOf, type HealthCheck, type Verdict } from '../check';
import type { HealthContext } from '../context';
import { answered, curlWords, NO_CURL, parseProbes, probesScript, type Probe, type ProbeResult } from '../httpProbe';
import type { HealthRow } from '../model';
import { DISCOVERY_PATH } from './loadBalancer';

export const SHIBBOLETH_DIR = '/opt/shibboleth-idp';
export const IDENTITY_PATH = '/identity/';
export const SHIBBOLETH_PATH = '/idp/shibboleth';
const IDENTITY_OK = [200, 302];
const fixStep = 'restart';

export function webAppsScript(config: ClusterConfig): Shell {
  const lb = config.loadBalancer.host;
  const at = (id: string, path: string): Probe => ({ id, url: `https://${lb}${path}`, resolve: `${lb}:443:127.0.0.1`, maxTimeS: 5 });
  return sh`if [ -d ${hostPath(config, SHIBBOLETH_DIR, true)} ]; then echo '@@shibboleth'; fi
${probesScript([at('oxauth', DISCOVERY_PATH), at('identity', IDENTITY_PATH), at('shibboleth', SHIBBOLETH_PATH)])}
exit 0`;
}

const noAnswer = (r: ProbeResult) => (answered(r) ? `HTTP ${r.status}` : `no answer: ${curlWords(r)}`);

export function oxauthVerdict(node: string, issuer: string, r: ProbeResult | undefined): Verdict {
  const what = `oxAuth on ${node} (${DISCOVERY_PATH})`;
  if (!r) return { state: 'unknown', reason: `${node} printed no answer for ${DISCOVERY_PATH}` };
  if (r.status !== 200) return { state: 'critical', reason: `${what}: ${noAnswer(r)}, not 200`, fixStep, value: r.status };
  let iss: unknown;
  try {
    iss = (JSON.parse(r.body) as { issuer?: unknown })?.issuer;
  } catch {
    return { state: 'critical', reason: `${what} answers 200 but not with JSON`, fixStep, value: r.status };
  }
  if (iss !== issuer)
    return {
      state: 'critical',
      reason: `${what} names issuer ${JSON.stringify(iss)}, not ${issuer}: clients refuse its tokens`,
      value: r.status,
    };
  return { state: 'ok', reason: `${what} answers 200 with issuer ${issuer}`, value: r.status };
}

export function identityVerdict(node: string, r: ProbeResult | undefined): Verdict {
  const what = `oxTrust on ${node} (${IDENTITY_PATH})`;
  if (!r) return { state: 'unknown', reason: `${node} printed no answer for ${IDENTITY_PATH}` };
  if (IDENTITY_OK.includes(r.status)) return { state: 'ok', reason: `${what} answers ${r.status}`, value: r.status };
  return {
    state: 'warning',
    reason: `${what}: ${noAnswer(r)}, not 200 or 302 — sign-ins still work (oxAuth); administration and oxTrust's jobs do not`,
    fixStep,
    value: r.status,
  };
}

/** Undefined: no row (Shibboleth is on no node of the cluster). */
export function shibbolethVerdict(node: string, installed: boolean, anywhere: boolean, r: ProbeResult | undefined): Verdict | undefined {
  if (!anywhere) return undefined;
  const what = `Shibboleth on ${node} (${SHIBBOLETH_PATH})`;
  if (!installed)
    return {
      state: 'warning',
      reason: `Shibboleth is not installed on ${node} (no ${SHIBBOLETH_DIR}) but is on other nodes: SAML sign-ins the load balancer sends here fail`,
    };
  if (!r) return { state: 'unknown', reason: `${node} printed no answer for ${SHIBBOLETH_PATH}` };
  if (r.status === 200) return { state: 'ok', reason: `${what} answers 200`, value: r.status };
  return { state: 'critical', reason: `${what}: ${noAnswer(r)}, not 200`, fixStep, value: r.status };
}

const OXAUTH = { group: 'webApps', id: 'oxauth', title: 'oxAuth' } as const;
const IDENTITY = { group: 'webApps', id: 'identity', title: 'oxTrust (identity)' } as const;
const SHIBBOLETH = { group: 'webApps', id: 'shibboleth', title: 'Shibboleth IdP' } as const;

interface NodeAnswers {
  installed: boolean;
  curl: boolean;
  probes: Map<string, ProbeResult>;
}

export const webAppsCheck: HealthCheck = {
  group: 'webApps',
  id: 'web',
  title: 'Web applications',
  async run(ctx: HealthContext): Promise<HealthRow[]> {
    const config = ctx.config;
    const issuer = `https://${config.loadBalancer.host}`;
    const nodes = nodesPrimaryFirst(config).map((n) => n.host);
    const results = await Promise.all(
      nodes.map(async (node): Promise<NodeAnswers | Verdict> => {
        try {
          const r = await ctx.exec(node, webAppsScript(config), { timeoutMs: 20000 });
          return {
            installed: r.stdout.split('\n').includes('@@shibboleth'),
            curl: !r.stdout.includes(NO_CURL),
            probes: parseProbes(r.stdout),
          };
        } catch (e) {
          return failureVerdict(e, `The web applications check on ${node}`);
        }
      }),
    );
    const anywhere = results.some((r) => 'installed' in r && r.installed);
    return nodes.flatMap((node, i) => {
      const r = results[i];
      if (!('installed' in r)) return [rowOf(OXAUTH, ctx, node, r), rowOf(IDENTITY, ctx, node, r)];
      if (!r.curl) {
        const v: Verdict = { state: 'unknown', reason: `curl is not installed on ${node}: its web applications cannot be asked there` };
        return [rowOf(OXAUTH, ctx, node, v), rowOf(IDENTITY, ctx, node, v)];
      }
      const shib = shibbolethVerdict(node, r.installed, anywhere, r.probes.get('shibboleth'));
      return [
        rowOf(OXAUTH, ctx, node, oxauthVerdict(node, issuer, r.probes.get('oxauth'))),
        rowOf(IDENTITY, ctx, node, identityVerdict(node, r.probes.get('identity'))),
        ...(shib ? [rowOf(SHIBBOLETH, ctx, node, shib)] : []),
      ];
    });
  },
};
