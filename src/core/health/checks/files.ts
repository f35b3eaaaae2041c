/**
 * Files (csync2), on the hosts outside the Gluu containers where csync2 runs: each node's cron
 * line (the one the csync2 step writes) and its cron daemon, the files csync2 still has to send
 * (`csync2 -cr /` records what changed since the last run, as cron's `csync2 -x` would first,
 * then `csync2 -M` lists the dirty entries; no file is touched), and a probe file written on the
 * primary in an included folder and sent with one `csync2 -x` of that file alone, the way cron
 * would send it: it must reach every other node; then it is removed and the removal sent too.
 * The probe runs after the other reads (csync2's database is a lock for one run at a time).
 */
import { nodesPrimaryFirst, primaryNode } from '../../config/resolve';
import type { ClusterConfig } from '../../config/types';
import { UNDER_SYSTEMD } from '../../plan/steps/common';
import { CSYNC2_CRON_MARK, csync2CronLine } from '../../plan/steps/csync2';
import { csync2IncludePaths } from '../../render/csync2';
import { sh } from '../../ssh/shell';
import { failureVerdict, perHost, rowOf, type HealthCheck, type Verdict } from '../check';
import type { HealthContext } from '../context';
import type { HealthRow } from '../model';

/** How long the probe file has to appear on (and vanish from) the other nodes after csync2 -x. */
export const FILE_PROBE_WAIT_SECONDS = 5;

const CRON = { group: 'files', id: 'cron', title: 'csync2 cron' } as const;
const UNSYNCED = { group: 'files', id: 'unsynced', title: 'Files to sync' } as const;
const PROBE = { group: 'files', id: 'probe', title: 'File probe' } as const;

/** Prints "cron-line LINE" (empty when none), "cron-daemon running|stopped", then "csync2 missing" or the dirty list after "dirty RC". */
function readScript() {
  return sh`printf 'cron-line %s\n' "$(crontab -l 2>/dev/null | grep -F ${CSYNC2_CRON_MARK} | head -n 1)"
if ${UNDER_SYSTEMD}; then
  if systemctl is-active --quiet cron || systemctl is-active --quiet crond; then echo cron-daemon running; else echo cron-daemon stopped; fi
else
  d=stopped; for f in /var/run/crond.pid /run/crond.pid /var/run/cron.pid; do [ -s "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null && d=running; done; echo cron-daemon "$d"
fi
command -v csync2 >/dev/null 2>&1 || { echo csync2 missing; exit 0; }
e=$(csync2 -cr / 2>&1) || { printf 'check-failed %s\n' "$(printf '%s' "$e" | tr '\n' ' ' | cut -c1-200)"; exit 0; }
out=$(csync2 -M 2>&1); echo "dirty $?"; printf '%s\n' "$out"`;
}

export interface CsyncFacts {
  cronLine: string;
  cronRunning: boolean;
  csync2: boolean;
  checkFailed?: string;
  /** Files still to send, each with the peers it is still due to. */
  dirty: Map<string, Set<string>>;
  dirtyFailed?: string;
}

/** The read script's output. `csync2 -M` prints "FLAG\tME\tPEER\tFILE" per entry and exits 2 when there is none. */
export function parseCsyncFacts(stdout: string): CsyncFacts {
  const lines = stdout.split('\n');
  const f: CsyncFacts = { cronLine: '', cronRunning: false, csync2: true, dirty: new Map() };
  let inDirty = false;
  const dirtyOut: string[] = [];
  for (const l of lines) {
    if (inDirty) {
      if (l.trim()) dirtyOut.push(l);
      continue;
    }
    if (l.startsWith('cron-line ')) f.cronLine = l.slice('cron-line '.length).trim();
    else if (l.startsWith('cron-daemon ')) f.cronRunning = l.endsWith('running');
    else if (l === 'csync2 missing') f.csync2 = false;
    else if (l.startsWith('check-failed')) f.checkFailed = l.slice('check-failed'.length).trim();
    else if (l.startsWith('dirty ')) {
      const rc = Number(l.slice(6));
      inDirty = true;
      if (rc !== 0 && rc !== 2) f.dirtyFailed = `csync2 -M exited ${rc}`;
    }
  }
  for (const l of dirtyOut) {
    const cells = l.split('\t');
    if (cells.length >= 4) {
      const file = cells.slice(3).join('\t');
      (f.dirty.get(file) ?? f.dirty.set(file, new Set()).get(file)!).add(cells[2]);
    } else if (f.dirtyFailed) f.dirtyFailed += `: ${l.trim()}`;
  }
  return f;
}

export function cronVerdict(config: ClusterConfig, host: string, f: CsyncFacts): Verdict {
  const want = csync2CronLine(config, host);
  if (!f.cronLine)
    return {
      state: 'critical',
      reason: `${host} has no csync2 line in root's crontab: its changes are never sent to the other nodes`,
      fixStep: 'csync2',
    };
  if (!f.cronRunning)
    return {
      state: 'critical',
      reason: `cron is not running on ${host}: its csync2 line never fires (start cron there)`,
      details: [f.cronLine],
    };
  if (f.cronLine !== want)
    return {
      state: 'warning',
      reason: `${host}'s csync2 cron line differs from the cluster file's: "${f.cronLine}"`,
      details: [`has:  ${f.cronLine}`, `want: ${want}`],
      fixStep: 'csync2',
    };
  return { state: 'ok', reason: `${host} runs csync2 -x from cron (${want.split(' ').slice(0, 5).join(' ')}) and cron is running` };
}

/**
 * `nodes`: the cluster's Gluu nodes. An entry due to a host that is not one of them (a removed
 * node's, left in the database) is never sent, and every `csync2 -x` then fails trying to reach
 * that host: the csync2 step drops such entries (csync2 -R).
 */
export function unsyncedVerdict(host: string, f: CsyncFacts, nodes: readonly string[]): Verdict {
  if (!f.csync2) return { state: 'unknown', reason: `csync2 is not installed on ${host}`, fixStep: 'csync2' };
  if (f.checkFailed) return { state: 'unknown', reason: `csync2 -cr / failed on ${host}: ${f.checkFailed}` };
  if (f.dirtyFailed) return { state: 'unknown', reason: `${f.dirtyFailed} on ${host}` };
  const files = [...f.dirty.keys()].sort();
  if (files.length === 0) return { state: 'ok', reason: `${host} has no file left to send`, value: 0 };
  const strangers = [...new Set([...f.dirty.values()].flatMap((peers) => [...peers]))].filter((p) => !nodes.includes(p)).sort();
  return {
    state: 'warning',
    reason: strangers.length
      ? `${host} still has file(s) to send to ${strangers.join(', ')}, not a node of the cluster: csync2 -x fails on them at every run`
      : `${host} has ${files.length} file(s) not yet sent: ${files.slice(0, 3).join(', ')}${files.length > 3 ? ', …' : ''}`,
    details: files.map((x) => `${x} (to ${[...f.dirty.get(x)!].sort().join(', ')})`),
    value: files.length,
    ...(strangers.length ? { fixStep: 'csync2' } : {}),
  };
}

/** Waits for the probe file to be (or stop being) on a node; prints the milliseconds it took, or "timeout". */
function waitScript(file: string, present: boolean) {
  const test = present ? sh`[ -f ${file} ]` : sh`[ ! -e ${file} ]`;
  return sh`t0=$(date +%s%N); end=$(( t0 + ${FILE_PROBE_WAIT_SECONDS}000000000 ))
until ${test}; do [ "$(date +%s%N)" -lt "$end" ] || { echo timeout; exit 0; }; sleep 0.1; done
echo $(( ($(date +%s%N) - t0) / 1000000 ))`;
}

async function probeRows(ctx: HealthContext): Promise<HealthRow[]> {
  const { config } = ctx;
  const primary = primaryNode(config).host;
  const others = nodesPrimaryFirst(config)
    .filter((n) => n.host !== primary)
    .map((n) => n.host);
  const dir = csync2IncludePaths(config)[0].replace(/\/$/, '');
  // Not a dot file: the usual csync2.cfg excludes ".*".
  const file = `${dir}/gluu-cluster-health-probe-${ctx.now()}.txt`;
  const timeoutMs = (FILE_PROBE_WAIT_SECONDS + 10) * 1000;
  let written: Verdict;
  try {
    const w = await ctx.exec(primary, sh`mkdir -p ${dir} && date > ${file} && csync2 -x ${file} 2>&1`, { timeoutMs });
    written =
      w.code === 0
        ? { state: 'ok', reason: `${primary} wrote ${file} and sent it with csync2 -x` }
        : {
            state: 'critical',
            reason: `csync2 -x of ${file} failed on ${primary} (exit ${w.code}): ${w.stdout.trim().split('\n').pop() ?? ''}`,
          };
  } catch (e) {
    const v = failureVerdict(e, `the file probe on ${primary}`);
    return [primary, ...others].map((h) => rowOf(PROBE, ctx, h, v));
  }
  const arrived = await perHost(PROBE, ctx, others, async (host) => {
    const r = await ctx.exec(host, waitScript(file, true), { timeoutMs });
    const out = r.stdout.trim();
    if (out === 'timeout')
      return {
        state: 'critical',
        reason: `a file written on ${primary} and sent with csync2 -x did not reach ${host} within ${FILE_PROBE_WAIT_SECONDS} s (${file})`,
        fixStep: 'csync2',
      };
    return { state: 'ok', reason: `a file written on ${primary} reached ${host} ${out} ms after csync2 -x`, value: Number(out) };
  });
  // The removal, sent the same way; a node where it stays gets a warning on top of its row.
  const left: string[] = [];
  try {
    await ctx.exec(primary, sh`rm -f ${file} && csync2 -x ${file} 2>&1`, { timeoutMs });
    await Promise.all(
      others.map(async (host) => {
        const r = await ctx.exec(host, waitScript(file, false), { timeoutMs }).catch(() => undefined);
        if (r?.stdout.trim() === 'timeout') left.push(host);
      }),
    );
  } catch {
    left.push(primary);
  }
  const rows = [
    rowOf(
      PROBE,
      ctx,
      primary,
      left.includes(primary) ? { state: 'warning', reason: `could not remove ${file} on ${primary}: remove it by hand` } : written,
    ),
    ...arrived,
  ];
  return rows.map((r) =>
    r.state === 'ok' && left.includes(r.host)
      ? { ...r, state: 'warning' as const, reason: `${file} was removed on ${primary} but is still on ${r.host}: remove it by hand` }
      : r,
  );
}

export const filesCheck: HealthCheck = {
  group: 'files',
  id: 'files',
  title: 'Files (csync2)',
  applies: (config) => config.nodes.length > 1,
  async run(ctx) {
    const hosts = nodesPrimaryFirst(ctx.config).map((n) => n.host);
    const facts = new Map<string, CsyncFacts>();
    const cron = await perHost(CRON, ctx, hosts, async (host) => {
      const r = await ctx.exec(host, readScript(), { timeoutMs: 25000 });
      const f = parseCsyncFacts(r.stdout);
      facts.set(host, f);
      return cronVerdict(ctx.config, host, f);
    });
    const unsynced = hosts.map((host) => {
      const f = facts.get(host);
      const failed = cron.find((r) => r.host === host)!;
      return rowOf(UNSYNCED, ctx, host, f ? unsyncedVerdict(host, f, hosts) : { state: failed.state, reason: failed.reason });
    });
    const probe = await probeRows(ctx);
    return [...cron, ...unsynced, ...probe];
  },
};
