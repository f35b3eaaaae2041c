/**
 * LDAP replication, in the order that keeps its readings honest: first what only reads (each
 * node's syncrepl peers, or OpenDJ's replication status), then the probe (an entry written on
 * each node must reach every other, and is removed again), and only after it the contextCSNs and
 * entry counts, so the probe's own writes have settled and every node has a change from every
 * writer. A node behind in contextCSN is read again a second later before it is reported: a
 * change that was just made is not yet a lag. Last, whether every node holds the same Gluu
 * configuration (configAgreement.ts), which the others cannot see.
 */
import { nodesPrimaryFirst, primaryNode } from '../../config/resolve';
import type { ClusterConfig } from '../../config/types';
import { REPLICATED_DATABASES, managerDN, peerUrl, serverIds } from '../../gluu/openldap';
import { openldapProbeTools } from '../../plan/steps/openldapScripts';
import { probeLoop, type ProbeBase } from '../../plan/steps/replicationProbe';
import { sh } from '../../ssh/shell';
import { failureVerdict, perHost, rowOf, type HealthCheck, type Verdict } from '../check';
import { withPasswordFile, type HealthContext } from '../context';
import { attributeValues, LdapSearchFailed, ldapSearchesOn, type LdapEntry } from '../ldapSearch';
import type { HealthRow } from '../model';
import { configDifferences, configVerdict } from './configAgreement';
import { csnLags, csnVerdict } from './contextCsn';
import { opendjProbeTools, statusCommand, statusVerdict } from './opendjReplication';
import { parseProbe, probeVerdict } from './probeReport';
import { parseProviders, providersScript, syncreplVerdict } from './syncreplPeers';

/** How long a probe entry has to reach the other nodes: well within the check's 30 s. */
export const PROBE_WAIT_SECONDS = 5;
const PROBE_TIMEOUT_MS = 25000;
/** ldapsearch's exit when it cannot reach the server. */
const CANNOT_CONTACT = 255;

const SYNCREPL = { group: 'replication', id: 'syncrepl', title: 'Syncrepl peers' } as const;
const STATUS = { group: 'replication', id: 'status', title: 'Replication status' } as const;
const PROBE = { group: 'replication', id: 'probe', title: 'Replication probe' } as const;
const CSN = { group: 'replication', id: 'contextcsn', title: 'contextCSN' } as const;
const ENTRIES = { group: 'replication', id: 'entries', title: 'Entry count' } as const;
const CONFIG = { group: 'replication', id: 'config', title: 'Gluu configuration' } as const;

/** An LDAP read that failed: a server that does not answer is critical, anything else unknown. */
function ldapFailure(e: unknown, what: string, host: string): Verdict {
  if (e instanceof LdapSearchFailed && e.code === CANNOT_CONTACT)
    return { state: 'critical', reason: `LDAP on ${host} does not answer (${what}): ${e.message}` };
  return failureVerdict(e, `${what} on ${host}`);
}

async function runProbe(ctx: HealthContext, bases: ProbeBase[]): Promise<HealthRow[]> {
  const { config } = ctx;
  const nodes = nodesPrimaryFirst(config);
  const primary = primaryNode(config).host;
  const openldap = config.gluu.ldap === 'openldap';
  const words = nodes.map((n) => (openldap ? peerUrl(n) : n.host));
  const hostOf = (w: string) => nodes[words.indexOf(w)]?.host ?? w;
  const tools = openldap ? openldapProbeTools(sh`"$pw"`, 'report') : opendjProbeTools(config);
  try {
    const password = await ctx.secret('ldapAdmin');
    const r = await ctx.exec(primary, withPasswordFile(probeLoop(tools, words, bases, PROBE_WAIT_SECONDS, 'report')), {
      container: true,
      stdin: password,
      timeoutMs: PROBE_TIMEOUT_MS,
      urgent: true,
    });
    const events = parseProbe(r.stdout);
    const fix = openldap ? 'openldap-replication' : 'replication-enable';
    return nodes.map((n, i) => rowOf(PROBE, ctx, n.host, probeVerdict(n.host, words[i], events, hostOf, PROBE_WAIT_SECONDS, fix)));
  } catch (e) {
    // The probe runs on the primary: if it cannot, no node's row can say anything else.
    const v = failureVerdict(e, `the replication probe on ${primary}`);
    return nodes.map((n) => rowOf(PROBE, ctx, n.host, v));
  }
}

/** What one node's LDAP says: contextCSN values and entries of each replicated database it has, and its Gluu configuration. */
interface NodeReading {
  csns: Map<string, string[]>;
  counts: Map<string, number>;
  config: LdapEntry[];
}

interface Reading {
  /** By host, in the cluster file's order (the messages name the nodes that way). */
  readings: Map<string, NodeReading>;
  failed: Map<string, Verdict>;
}

/**
 * Each node's Gluu configuration and, with `csn`, the contextCSNs (with `counting`, also the
 * entries) of every replicated database: one command per node; a node that could not be read is
 * in `failed` with its verdict.
 */
async function readNodes(ctx: HealthContext, o: { csn: boolean; counting: boolean }): Promise<Reading> {
  const found = new Map<string, NodeReading>();
  const failed = new Map<string, Verdict>();
  const databases = o.csn ? REPLICATED_DATABASES : [];
  const requests = [
    ...databases.flatMap((db) => [
      { base: db.suffix, scope: 'base' as const, filter: '(objectClass=*)', attributes: ['contextCSN'] },
      ...(o.counting ? [{ base: db.suffix, scope: 'sub' as const, filter: '(objectClass=*)', attributes: ['1.1'] }] : []),
    ]),
    { base: `ou=appliances,${ctx.config.gluu.baseDN}`, scope: 'sub' as const, filter: '(objectClass=*)', attributes: ['*'] },
  ];
  const per = o.counting ? 2 : 1;
  const what = `reading ${[o.csn && 'contextCSN', o.counting && 'the entries', 'the Gluu configuration'].filter(Boolean).join(', ')}`;
  await Promise.all(
    ctx.config.nodes.map(async (n) => {
      try {
        const results = await ldapSearchesOn(ctx, n.host, requests, { urgent: true });
        const reading: NodeReading = { csns: new Map(), counts: new Map(), config: results[results.length - 1] };
        databases.forEach((db, i) => {
          const [entry] = results[i * per];
          if (entry) reading.csns.set(db.suffix, attributeValues(entry, 'contextCSN'));
          if (o.counting && results[i * per + 1].length) reading.counts.set(db.suffix, results[i * per + 1].length);
        });
        found.set(n.host, reading);
      } catch (e) {
        failed.set(n.host, ldapFailure(e, what, n.host));
      }
    }),
  );
  const readings = new Map(ctx.config.nodes.filter((n) => found.has(n.host)).map((n) => [n.host, found.get(n.host)!]));
  return { readings, failed };
}

/**
 * A reading, and a second one a second later when the first shows what a change still on its way
 * could explain (a node behind, configurations that differ): a change just made is not a fault.
 */
async function settledReading(read: (again: boolean) => Promise<Reading>, unsettled: (r: Reading) => boolean) {
  const first = await read(false);
  if (!unsettled(first)) return { first, last: first };
  await new Promise((r) => setTimeout(r, 1000));
  return { first, last: await read(true) };
}

/** suffix → host → contextCSN values, as csnLags wants them. */
function csnsBySuffix(readings: ReadonlyMap<string, NodeReading>): Map<string, Map<string, string[]>> {
  const csns = new Map<string, Map<string, string[]>>(REPLICATED_DATABASES.map((d) => [d.suffix, new Map()]));
  for (const [host, r] of readings) for (const [suffix, values] of r.csns) csns.get(suffix)!.set(host, values);
  return csns;
}

const lagsOf = (r: Reading) => csnLags(csnsBySuffix(r.readings));
const behind = (lags: ReadonlyMap<string, readonly unknown[]>) => [...lags.values()].some((l) => l.length > 0);
const configDiffsOf = (r: Reading) => configDifferences(new Map([...r.readings].map(([host, n]) => [host, n.config])));

/**
 * Whether the nodes hold the same Gluu configuration (configAgreement.ts). `settled`: every node
 * was read and has applied every change, so a difference is not one still on its way.
 */
function configRows(ctx: HealthContext, r: Reading, settled: boolean): HealthRow[] {
  const diffs = configDiffsOf(r);
  return ctx.config.nodes.map((n) =>
    rowOf(
      CONFIG,
      ctx,
      n.host,
      r.failed.get(n.host) ?? configVerdict(n.host, diffs, r.readings.get(n.host)?.config.length ?? 0, settled, [...r.failed.keys()]),
    ),
  );
}

/**
 * contextCSN, entry count and Gluu configuration rows from one reading per node. A node behind in
 * contextCSN, or configurations that differ, are read again a second later before they are
 * reported (without counting entries then).
 */
async function csnEntryAndConfigRows(ctx: HealthContext): Promise<HealthRow[]> {
  const ids = serverIds(ctx.config.nodes);
  const sidNames = new Map([...ids].map(([host, id]) => [id.toString(16).padStart(3, '0'), host]));
  const { first, last } = await settledReading(
    (again) => readNodes(ctx, { csn: true, counting: !again }),
    (r) => behind(lagsOf(r)) || configDiffsOf(r).length > 0,
  );
  const lags = lagsOf(last);
  const counts = new Map([...first.readings].map(([host, r]) => [host, r.counts]));
  const nodes = ctx.config.nodes;
  return [
    ...nodes.map((n) => rowOf(CSN, ctx, n.host, last.failed.get(n.host) ?? csnVerdict(n.host, lags.get(n.host) ?? [], sidNames))),
    ...nodes.map((n) => rowOf(ENTRIES, ctx, n.host, first.failed.get(n.host) ?? entryVerdict(n.host, counts))),
    ...configRows(ctx, last, last.failed.size === 0 && !behind(lags)),
  ];
}

/** One node's counts against the others' (nodes that could not be read are left out). */
export function entryVerdict(host: string, counts: ReadonlyMap<string, ReadonlyMap<string, number>>): Verdict {
  const mine = counts.get(host) ?? new Map<string, number>();
  const diffs: string[] = [];
  const words = [...mine].map(([db, c]) => `${c} under ${db}`);
  for (const [db, c] of mine) {
    const others = [...counts].filter(([h]) => h !== host).map(([h, m]) => [h, m.get(db)] as const);
    const differ = others.filter(([, o]) => o !== undefined && o !== c);
    if (differ.length) diffs.push(`${host} has ${c} entries under ${db}, ${differ.map(([h, o]) => `${h} ${o}`).join(', ')}`);
  }
  const total = [...mine.values()].reduce((a, b) => a + b, 0);
  if (diffs.length) return { state: 'warning', reason: diffs[0], details: diffs, value: total };
  return { state: 'ok', reason: `${host} has ${words.join(' and ') || 'no entries'}, as every other node`, value: total };
}

async function openldapRows(ctx: HealthContext): Promise<HealthRow[]> {
  const { config } = ctx;
  const hosts = config.nodes.map((n) => n.host);
  const suffixesOn = new Map<string, Set<string>>();
  const syncrepl = await perHost(SYNCREPL, ctx, hosts, async (host) => {
    const r = await ctx.exec(host, providersScript(), { container: true, urgent: true });
    if (r.code !== 0)
      return { state: 'unknown', reason: `cannot read slapd.conf on ${host}: ${r.stderr.trim() || `awk exited ${r.code}`}` };
    const providers = parseProviders(r.stdout);
    suffixesOn.set(host, new Set(providers.keys()));
    return syncreplVerdict(config, host, providers);
  });
  // Probe every replicated database every node has (each is its own syncrepl); the base DN at least.
  const bases = REPLICATED_DATABASES.filter(
    (d) => d.suffix === config.gluu.baseDN || hosts.every((h) => suffixesOn.get(h)?.has(d.suffix.toLowerCase())),
  ).map((d) => ({ suffix: d.suffix, manager: managerDN(config, d.suffix) }));
  const probe = await runProbe(ctx, bases);
  return [...syncrepl, ...probe, ...(await csnEntryAndConfigRows(ctx))];
}

async function opendjRows(ctx: HealthContext): Promise<HealthRow[]> {
  const { config } = ctx;
  const primary = primaryNode(config).host;
  let status: HealthRow[];
  try {
    const password = await ctx.secret('ldapAdmin');
    const r = await ctx.exec(primary, withPasswordFile(statusCommand(config, primary)), {
      container: true,
      stdin: password,
      timeoutMs: 25000,
    });
    const v = (host: string): Verdict =>
      r.code === 0
        ? statusVerdict(config, host, r.stdout, ctx.now())
        : {
            state: r.code === 8 ? 'critical' : 'unknown',
            reason: `dsreplication status on ${primary} exited ${r.code}${r.code === 8 ? ': it could not connect to or bind at the primary as the replication administrator' : ''}: ${r.stderr.trim().split('\n').pop() ?? ''}`,
          };
    status = config.nodes.map((n) => rowOf(STATUS, ctx, n.host, v(n.host)));
  } catch (e) {
    const v = failureVerdict(e, `dsreplication status on ${primary}`);
    status = config.nodes.map((n) => rowOf(STATUS, ctx, n.host, v));
  }
  const probe = await runProbe(ctx, [{ suffix: config.gluu.baseDN, manager: config.gluu.bindDN }]);
  // OpenDJ has no contextCSN: the status rows say whether every node has applied every change.
  const { last } = await settledReading(
    () => readNodes(ctx, { csn: false, counting: false }),
    (r) => configDiffsOf(r).length > 0,
  );
  return [
    ...status,
    ...probe,
    ...configRows(
      ctx,
      last,
      status.every((r) => r.state === 'ok'),
    ),
  ];
}

export const replicationCheck: HealthCheck = {
  group: 'replication',
  id: 'replication',
  title: 'LDAP replication',
  applies: (config: ClusterConfig) => config.nodes.length > 1,
  run: (ctx) => (ctx.config.gluu.ldap === 'openldap' ? openldapRows(ctx) : opendjRows(ctx)),
};
