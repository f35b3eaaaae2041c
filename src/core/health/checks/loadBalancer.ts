/**
 * The load balancer, seen from the load balancer: nginx runs and its configuration passes
 * nginx -t; each Gluu node's 443 answers there (as nginx reaches it); OpenID discovery through
 * nginx answers 200 with the load balancer as issuer; and every node takes its share. Which node
 * answered is read back from nginx's upstream log (NGINX_UPSTREAM_LOG) by a marker in the query,
 * so no header of the nodes' is needed. One SSH command gives all of it.
 */
import { randomBytes } from 'node:crypto';
import { nodesPrimaryFirst } from '../../config/resolve';
import type { ClusterConfig } from '../../config/types';
import { NGINX_UPSTREAM_LOG } from '../../render/nginx';
import { sh, type Shell } from '../../ssh/shell';
import { failureVerdict, rowOf, type HealthCheck, type Verdict } from '../check';
import type { HealthContext } from '../context';
import { answered, curlWords, NO_CURL, parseProbes, probesScript, type Probe, type ProbeResult } from '../httpProbe';
import type { HealthRow } from '../model';

export const DISCOVERY_PATH = '/.well-known/openid-configuration';
/** The query parameter that marks the check's own requests in the upstream log. */
export const MARKER = 'gluu-cluster-health';
/** Lines of the upstream log searched for the marker (the newest; the log is shared with traffic). */
const LOG_TAIL_LINES = 5000;

export interface NginxFacts {
  installed: boolean;
  running: boolean;
  /** nginx -t's exit code and output. */
  testExit?: number;
  testOutput: string[];
  /** The upstream log exists. */
  log: boolean;
  /** Its lines with the marker. */
  logLines: string[];
  probes: Map<string, ProbeResult>;
  curl: boolean;
}

const upstreamId = (i: number) => `upstream-${i}`;
const discoveryId = (i: number) => `discovery-${i}`;

/** Requests through the load balancer: twice the nodes, so round robin reaches each one twice. */
export const discoveryRequests = (config: ClusterConfig) => 2 * config.nodes.length;

export function lbScript(config: ClusterConfig, nonce: string): Shell {
  const lb = config.loadBalancer.host;
  const probes: Probe[] = [
    ...nodesPrimaryFirst(config).map((n, i) => ({ id: upstreamId(i), url: `https://${n.host}:443/`, maxTimeS: 3 })),
    ...Array.from({ length: discoveryRequests(config) }, (_, i) => ({
      id: discoveryId(i),
      url: `https://${lb}${DISCOVERY_PATH}?${MARKER}=${nonce}-${i}`,
      resolve: `${lb}:443:127.0.0.1`,
      maxTimeS: 5,
    })),
  ];
  return sh`if command -v nginx >/dev/null 2>&1; then echo '@@installed'; fi
pidfile=$(nginx -V 2>&1 | sed -n 's/.*--pid-path=\([^ ]*\).*/\1/p'); [ -n "$pidfile" ] || pidfile=/run/nginx.pid
p=$(cat "$pidfile" 2>/dev/null)
if { [ -n "$p" ] && grep -qx nginx "/proc/$p/comm" 2>/dev/null; } || ss -ltnp 2>/dev/null | grep -q ':443 .*"nginx"'; then echo '@@running'; fi
if command -v nginx >/dev/null 2>&1; then t=$(nginx -t 2>&1); echo "@@nginx-t $?"; printf '%s\n' "$t" | sed 's/^/@@t /'; fi
${probesScript(probes)}
if [ -f ${NGINX_UPSTREAM_LOG} ]; then echo '@@log'; tail -n ${LOG_TAIL_LINES} ${NGINX_UPSTREAM_LOG} | grep -F ${`${MARKER}=${nonce}-`} | sed 's/^/@@l /'; fi
exit 0`;
}

export function parseLbFacts(stdout: string): NginxFacts {
  const lines = stdout.split('\n');
  const has = (l: string) => lines.includes(l);
  const t = lines.map((l) => /^@@nginx-t (\d+)$/.exec(l)).find(Boolean);
  return {
    installed: has('@@installed'),
    running: has('@@running'),
    ...(t ? { testExit: Number(t[1]) } : {}),
    testOutput: lines.filter((l) => l.startsWith('@@t ')).map((l) => l.slice(4)),
    log: has('@@log'),
    logLines: lines.filter((l) => l.startsWith('@@l ')).map((l) => l.slice(4)),
    probes: parseProbes(stdout),
    curl: !has(NO_CURL),
  };
}

export function nginxVerdict(lb: string, f: NginxFacts): Verdict {
  const fixStep = 'nginx';
  if (!f.installed) return { state: 'critical', reason: `nginx is not installed on ${lb}`, fixStep };
  const failed = f.testExit !== undefined && f.testExit !== 0;
  const why = f.testOutput.filter((l) => /emerg|error|fail/i.test(l)).pop() ?? f.testOutput.pop() ?? '';
  if (!f.running)
    return {
      state: 'critical',
      reason: `nginx is not running on ${lb} (no live process in its pid file, none listening on 443)${failed ? ` and nginx -t fails: ${why}` : ''}`,
      fixStep,
      details: f.testOutput,
    };
  if (failed)
    return {
      state: 'critical',
      reason: `nginx -t fails on ${lb} (a reload or restart would fail): ${why}`,
      fixStep,
      details: f.testOutput,
    };
  return { state: 'ok', reason: `nginx runs on ${lb} and nginx -t passes` };
}

/** From the load balancer to one node's 443: any HTTP answer means nginx can reach it. */
export function upstreamVerdict(lb: string, node: string, r: ProbeResult | undefined): Verdict {
  const title = `Upstream ${node}`;
  if (!r) return { title, state: 'unknown', reason: `${lb} printed no answer for ${node}:443` };
  if (answered(r)) return { title, state: 'ok', reason: `${lb} reaches ${node}:443 (HTTP ${r.status})`, value: r.status };
  return { title, state: 'critical', reason: `${lb} cannot reach ${node}:443: ${curlWords(r)}`, fixStep: 'restart' };
}

/** OpenID discovery through nginx: every answer 200, JSON, issuer https://<lb>. */
export function discoveryVerdict(lb: string, results: readonly (ProbeResult | undefined)[]): Verdict {
  const url = `https://${lb}${DISCOVERY_PATH}`;
  const issuer = `https://${lb}`;
  const got = results.filter((r): r is ProbeResult => r !== undefined);
  if (got.length === 0) return { state: 'unknown', reason: `${lb} printed no answer for ${url}` };
  const none = got.filter((r) => !answered(r));
  if (none.length === got.length)
    return { state: 'critical', reason: `${url} does not answer on ${lb}: ${curlWords(none[0])}`, fixStep: 'nginx' };
  const problems: string[] = [];
  for (const r of got) {
    if (!answered(r)) problems.push(`no answer: ${curlWords(r)}`);
    else if (r.status !== 200) problems.push(`HTTP ${r.status}`);
    else {
      let doc: unknown;
      try {
        doc = JSON.parse(r.body);
      } catch {
        problems.push('200 but not JSON');
        continue;
      }
      const iss = (doc as { issuer?: unknown })?.issuer;
      if (iss !== issuer) problems.push(`issuer ${JSON.stringify(iss)}, not ${issuer}`);
    }
  }
  if (problems.length) {
    const first = problems[0];
    return {
      state: 'critical',
      reason: `${url} through ${lb}: ${problems.length} of ${got.length} requests failed (${first})`,
      details: problems,
    };
  }
  return { state: 'ok', reason: `${url} answers 200 with issuer ${issuer} (${got.length} requests through ${lb})` };
}

export interface UpstreamAnswer {
  /** Every address nginx tried, in order ("10.0.0.2:443"); the last one answered. */
  tried: string[];
  status: number;
}

/** A line of the upstream log: "$msec $request_uri $upstream_addr $status" ($upstream_addr: "a, b" when nginx tried several). */
export function parseUpstreamLine(line: string): UpstreamAnswer | undefined {
  const words = line.trim().split(' ');
  if (words.length < 4) return undefined;
  const status = Number(words[words.length - 1]);
  const upstream = words.slice(2, -1).join(' ');
  if (!Number.isInteger(status) || upstream === '-') return undefined;
  return { tried: upstream.split(/\s*[,:]\s+|\s+:\s*/).filter(Boolean), status };
}

/** "10.0.0.2:443" or "[fd00::2]:443" → the address without its port. */
export const addressOf = (a: string) => a.replace(/^\[(.*)\]:\d+$/, '$1').replace(/^([^:]+):\d+$/, '$1');

/**
 * Which nodes answered the marked requests. A node that answered none while others did is a
 * warning: the cluster still serves, but without that node (nginx passed its requests on).
 */
export function balancingVerdict(config: ClusterConfig, f: NginxFacts): Verdict {
  const lb = config.loadBalancer.host;
  const fixStep = 'nginx';
  if (!f.log)
    return {
      state: 'unknown',
      reason: `${lb} has no ${NGINX_UPSTREAM_LOG}: its nginx.conf is from before Gluu Cluster logged upstreams; run the nginx step again`,
      fixStep,
    };
  const sent = discoveryRequests(config);
  const answers = f.logLines.map(parseUpstreamLine).filter((a): a is UpstreamAnswer => a !== undefined);
  if (answers.length === 0)
    return { state: 'unknown', reason: `none of the ${sent} requests through ${lb} reached a node (nothing in ${NGINX_UPSTREAM_LOG})` };
  const nodes = nodesPrimaryFirst(config);
  const nodeOf = (a: string) => nodes.find((n) => n.address === addressOf(a) || n.host === addressOf(a))?.host;
  const served = new Map<string, number>(nodes.map((n) => [n.host, 0]));
  const triedOnly = new Set<string>();
  const strangers = new Set<string>();
  for (const a of answers) {
    const last = a.tried[a.tried.length - 1];
    const node = nodeOf(last);
    if (!node) strangers.add(addressOf(last));
    else if (a.status < 500) served.set(node, served.get(node)! + 1);
    for (const t of a.tried.slice(0, -1)) {
      const n = nodeOf(t);
      if (n) triedOnly.add(n);
    }
  }
  const counts = [...served].map(([n, c]) => `${n} ${c}`).join(', ');
  const idle = [...served].filter(([, c]) => c === 0).map(([n]) => n);
  const details = f.logLines;
  const value = idle.length;
  if (idle.length === nodes.length)
    return { state: 'critical', reason: `no node answered the ${answers.length} requests through ${lb} without an error`, details, value };
  if (idle.length) {
    const why = idle.map((n) => (triedOnly.has(n) ? `${n} (nginx tried it and passed the request on)` : n));
    return {
      state: 'warning',
      reason: `${why.join(', ')} answered none of ${answers.length} requests through ${lb}: the cluster runs without ${idle.length === 1 ? 'it' : 'them'} (answers: ${counts})`,
      details,
      value,
      fixStep: 'restart',
    };
  }
  if (strangers.size)
    return {
      state: 'warning',
      reason: `${lb} sends requests to ${[...strangers].join(', ')}, no node's address in the cluster file (answers: ${counts})`,
      details,
      fixStep,
    };
  return { state: 'ok', reason: `every node answered through ${lb} (answers: ${counts})`, details, value };
}

const LB = { group: 'loadBalancer', id: 'nginx', title: 'nginx' } as const;

export const loadBalancerCheck: HealthCheck = {
  group: 'loadBalancer',
  id: 'nginx',
  title: 'Load balancer',
  async run(ctx: HealthContext): Promise<HealthRow[]> {
    const config = ctx.config;
    const lb = config.loadBalancer.host;
    const nodes = nodesPrimaryFirst(config);
    const row = (id: string, title: string, v: Verdict) => rowOf({ group: 'loadBalancer', id, title }, ctx, lb, v);
    const all = (v: Verdict): HealthRow[] => [
      row('nginx', 'nginx', v),
      ...nodes.map((n) => row('upstream', `Upstream ${n.host}`, v)),
      row('discovery', 'OpenID discovery', v),
      row('balancing', 'Balancing', v),
    ];
    const nonce = randomBytes(6).toString('hex');
    let f: NginxFacts;
    try {
      const r = await ctx.exec(lb, lbScript(config, nonce), { timeoutMs: 25000 });
      f = parseLbFacts(r.stdout);
    } catch (e) {
      return all(failureVerdict(e, `The load balancer check on ${lb}`));
    }
    const noCurl: Verdict = { state: 'unknown', reason: `curl is not installed on ${lb}: the requests cannot be made there` };
    return [
      rowOf(LB, ctx, lb, nginxVerdict(lb, f)),
      ...nodes.map((n, i) =>
        row('upstream', `Upstream ${n.host}`, f.curl ? upstreamVerdict(lb, n.host, f.probes.get(upstreamId(i))) : noCurl),
      ),
      row(
        'discovery',
        'OpenID discovery',
        f.curl
          ? discoveryVerdict(
              lb,
              Array.from({ length: discoveryRequests(config) }, (_, i) => f.probes.get(discoveryId(i))),
            )
          : noCurl,
      ),
      row('balancing', 'Balancing', f.curl ? balancingVerdict(config, f) : noCurl),
    ];
  },
};
