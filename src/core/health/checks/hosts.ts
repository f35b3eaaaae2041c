/**
 * Hosts: each host answers over SSH (and how fast), its clock agrees with this machine's and
 * with the other nodes' (replication needs synchronized clocks), and the file systems where Gluu
 * and LDAP keep their data have room. One command per host gives all three.
 */
import type { ClusterConfig } from '../../config/types';
import { containerRoot } from '../../gluu/facts';
import { sh } from '../../ssh/shell';
import { allHosts, failureVerdict, rowOf, type HealthCheck, type Verdict } from '../check';
import type { HealthContext } from '../context';
import type { HealthRow } from '../model';

/** Clock offsets: over 1 s a warning, over 60 s critical (OpenLDAP and OpenDJ order changes by time). */
export const CLOCK_WARN_MS = 1000;
export const CLOCK_CRITICAL_MS = 60000;
/** Free space: below either limit of a level, that level. */
export const DISK_CRITICAL = { percent: 5, bytes: 512 * 2 ** 20 };
export const DISK_WARN = { percent: 10, bytes: 2 * 2 ** 30 };

export interface HostFacts {
  /** The host's clock minus this machine's at the moment the host read it (ms). */
  offsetMs: number;
  /** Half the round trip: how exact the offset is. */
  uncertaintyMs: number;
  roundTripMs: number;
  disks: DiskFacts[];
}

export interface DiskFacts {
  path: string;
  mount: string;
  freeBytes: number;
  sizeBytes: number;
}

/** Where a host keeps what matters: the Gluu container (LDAP data inside it) on nodes, / elsewhere. */
export function dataPaths(config: ClusterConfig, host: string): string[] {
  const node = config.nodes.find((n) => n.host === host);
  if (!node) return ['/'];
  return config.gluu.container === 'none' ? ['/', '/opt'] : ['/', containerRoot(config.gluu.version)];
}

/** `date` in ns, then `df -P -k` of each path that exists (POSIX output: one line per path). */
function factsScript(paths: readonly string[]) {
  return sh`date +%s%N; for p in ${paths}; do [ -e "$p" ] && df -P -k "$p" | awk -v p="$p" 'NR==2 { print "disk", p, $6, $2, $4 }'; done; exit 0`;
}

export function parseFacts(stdout: string, before: number, after: number): HostFacts {
  const lines = stdout.split('\n').filter(Boolean);
  const ns = lines[0]?.trim() ?? '';
  if (!/^\d{10,}$/.test(ns)) throw new Error(`the host did not print its clock (date +%s%N gave "${ns}")`);
  const remoteMs = Number(ns.slice(0, -6)) + Number(ns.slice(-6)) / 1e6;
  const roundTripMs = after - before;
  const disks: DiskFacts[] = [];
  for (const l of lines.slice(1)) {
    const m = /^disk (\S+) (\S+) (\d+) (\d+)$/.exec(l);
    if (m) disks.push({ path: m[1], mount: m[2], sizeBytes: Number(m[3]) * 1024, freeBytes: Number(m[4]) * 1024 });
  }
  return { offsetMs: remoteMs - (before + after) / 2, uncertaintyMs: roundTripMs / 2, roundTripMs, disks };
}

const seconds = (ms: number) =>
  Math.abs(ms) < 1000 ? `${Math.round(ms)} ms` : Math.abs(ms) >= 10000 ? `${Math.round(ms / 1000)} s` : `${(ms / 1000).toFixed(1)} s`;

/** The clock's verdict: the offset beyond what the round trip can explain decides. */
export function clockVerdict(host: string, f: HostFacts, spreadMs: number | undefined, furthest: string | undefined): Verdict {
  const certain = Math.max(0, Math.abs(f.offsetMs) - f.uncertaintyMs);
  const spreadCertain = spreadMs === undefined ? 0 : Math.max(0, spreadMs - f.uncertaintyMs);
  const worstMs = Math.max(certain, spreadCertain);
  const direction = f.offsetMs >= 0 ? 'ahead of' : 'behind';
  const fromHere = `${seconds(Math.abs(f.offsetMs))} ${direction} this machine's clock`;
  const fromNodes = spreadMs !== undefined && furthest ? `, ${seconds(spreadMs)} from ${furthest}'s` : '';
  const value = Math.round(f.offsetMs);
  if (worstMs > CLOCK_CRITICAL_MS)
    return {
      state: 'critical',
      reason: `${host}'s clock is ${fromHere}${fromNodes}: replication needs synchronized clocks (over 60 s)`,
      value,
    };
  if (worstMs > CLOCK_WARN_MS)
    return { state: 'warning', reason: `${host}'s clock is ${fromHere}${fromNodes}: keep it synchronized (NTP); over 1 s`, value };
  return {
    state: 'ok',
    reason: `${host}'s clock is within ${seconds(Math.max(certain, spreadCertain, f.uncertaintyMs))} of this machine's${spreadMs !== undefined ? " and the other nodes'" : ''}`,
    value,
  };
}

const gib = (b: number) => (b >= 2 ** 30 ? `${(b / 2 ** 30).toFixed(1)} GiB` : `${Math.round(b / 2 ** 20)} MiB`);

export function diskVerdict(host: string, disks: readonly DiskFacts[]): Verdict {
  if (disks.length === 0) return { state: 'unknown', reason: `df printed nothing for ${host}'s data paths` };
  const level = (d: DiskFacts) => {
    const pct = d.sizeBytes ? (100 * d.freeBytes) / d.sizeBytes : 0;
    if (pct < DISK_CRITICAL.percent || d.freeBytes < DISK_CRITICAL.bytes) return 2;
    if (pct < DISK_WARN.percent || d.freeBytes < DISK_WARN.bytes) return 1;
    return 0;
  };
  const seen = new Set<string>();
  const unique = disks.filter((d) => !seen.has(d.mount) && seen.add(d.mount));
  const worstDisk = unique.reduce((a, b) => (level(b) > level(a) || (level(b) === level(a) && b.freeBytes < a.freeBytes) ? b : a));
  const words = (d: DiskFacts) => `${gib(d.freeBytes)} free of ${gib(d.sizeBytes)} on ${d.mount} (${d.path})`;
  const details = unique.map(words);
  const l = level(worstDisk);
  const value = worstDisk.freeBytes;
  if (l === 2) return { state: 'critical', reason: `${host} is almost out of disk space: ${words(worstDisk)}`, details, value };
  if (l === 1) return { state: 'warning', reason: `${host} is low on disk space: ${words(worstDisk)}`, details, value };
  return { state: 'ok', reason: `${host} has room: ${words(worstDisk)}`, details, value };
}

const SSH = { group: 'hosts', id: 'ssh', title: 'SSH' } as const;
const CLOCK = { group: 'hosts', id: 'clock', title: 'Clock' } as const;
const DISK = { group: 'hosts', id: 'disk', title: 'Disk space' } as const;

export const hostsCheck: HealthCheck = {
  group: 'hosts',
  id: 'host',
  title: 'Host',
  async run(ctx: HealthContext): Promise<HealthRow[]> {
    const hosts = allHosts(ctx.config);
    const facts = new Map<string, HostFacts>();
    // Per host in the order an operator reads them: SSH, clock, disk.
    const byHost = new Map<string, { ssh?: HealthRow; clock?: HealthRow; disk?: HealthRow }>(hosts.map((h) => [h, {}]));
    await Promise.all(
      hosts.map(async (host) => {
        const t0 = ctx.now();
        try {
          await ctx.remote(host);
          const connectMs = ctx.now() - t0;
          const before = ctx.now();
          const r = await ctx.exec(host, factsScript(dataPaths(ctx.config, host)));
          const f = parseFacts(r.stdout, before, ctx.now());
          facts.set(host, f);
          const mine = byHost.get(host)!;
          mine.ssh = rowOf(SSH, ctx, host, {
            state: 'ok',
            reason: `${host} answers over SSH (connected in ${connectMs} ms, a command in ${Math.round(f.roundTripMs)} ms)`,
            value: connectMs,
          });
          mine.disk = rowOf(DISK, ctx, host, diskVerdict(host, f.disks));
        } catch (e) {
          const v = failureVerdict(e, `SSH to ${host}`);
          byHost.set(host, { ssh: rowOf(SSH, ctx, host, v), clock: rowOf(CLOCK, ctx, host, v), disk: rowOf(DISK, ctx, host, v) });
        }
      }),
    );
    // Between nodes: the offsets of the Gluu nodes (the hosts that replicate) against each other.
    const nodeHosts = ctx.config.nodes.map((n) => n.host).filter((h) => facts.has(h));
    for (const [host, f] of facts) {
      let spread: number | undefined;
      let furthest: string | undefined;
      if (nodeHosts.includes(host) && nodeHosts.length > 1) {
        for (const other of nodeHosts) {
          if (other === host) continue;
          const d = Math.abs(f.offsetMs - facts.get(other)!.offsetMs);
          if (spread === undefined || d > spread) [spread, furthest] = [d, other];
        }
      }
      byHost.get(host)!.clock = rowOf(CLOCK, ctx, host, clockVerdict(host, f, spread, furthest));
    }
    return [...byHost.values()].flatMap((r) => [r.ssh, r.clock, r.disk].filter((x): x is HealthRow => x !== undefined));
  },
};
