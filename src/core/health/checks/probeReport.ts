/**
 * What the replication probe (plan/steps/replicationProbe.ts, "report" mode) printed, as one
 * verdict per node: the entries written on it could be written, the entries written on the others
 * reached it (with the delay), and no probe entry stayed behind on it.
 */
import { PROBE_LINE } from '../../plan/steps/replicationProbe';
import type { Verdict } from '../check';

export interface ProbeEvents {
  arrived: { from: string; to: string; suffix: string; ms: number }[];
  missing: { from: string; to: string; suffix: string }[];
  unwritten: { on: string; suffix: string; why: string }[];
  left: { on: string; suffix: string; dn: string }[];
  /** The reader's search failed: whether the entry reached it is unknown. */
  unread: { from: string; to: string; suffix: string }[];
}

export function parseProbe(stdout: string): ProbeEvents {
  const e: ProbeEvents = { arrived: [], missing: [], unwritten: [], left: [], unread: [] };
  for (const l of stdout.split('\n')) {
    const w = l.trim().split(' ');
    if (w[0] === PROBE_LINE.arrived && w.length >= 5) e.arrived.push({ from: w[1], to: w[2], suffix: w[3], ms: Number(w[4]) });
    else if (w[0] === PROBE_LINE.missing && w.length >= 4) e.missing.push({ from: w[1], to: w[2], suffix: w[3] });
    else if (w[0] === PROBE_LINE.unwritten && w.length >= 3) e.unwritten.push({ on: w[1], suffix: w[2], why: w.slice(3).join(' ').trim() });
    else if (w[0] === PROBE_LINE.left && w.length >= 4) e.left.push({ on: w[1], suffix: w[2], dn: w.slice(3).join(' ') });
    else if (w[0] === PROBE_LINE.unread && w.length >= 4) e.unread.push({ from: w[1], to: w[2], suffix: w[3] });
  }
  return e;
}

/**
 * The verdict of `host` (whose probe word, an ldaps URL or the host name, is `word`); `hostOf`
 * turns a word back into its host. `waitSeconds`: how long an entry had to arrive.
 */
export function probeVerdict(
  host: string,
  word: string,
  e: ProbeEvents,
  hostOf: (word: string) => string,
  waitSeconds: number,
  fixStep?: string,
): Verdict {
  const problems: string[] = [];
  const notArrived = e.missing.filter((x) => x.to === word).length > 0;
  for (const u of e.unwritten.filter((x) => x.on === word))
    problems.push(`the probe entry could not be written on ${host} under ${u.suffix}${u.why ? `: ${u.why}` : ''}`);
  const unread = [...new Set(e.unread.filter((x) => x.to === word).map((x) => x.suffix))];
  if (unread.length) problems.push(`LDAP on ${host} did not answer the probe's search under ${unread.join(' and ')}`);
  for (const m of e.missing.filter((x) => x.to === word))
    problems.push(`an entry written on ${hostOf(m.from)} under ${m.suffix} did not reach ${host} within ${waitSeconds} s`);
  const left = e.left.filter((x) => x.on === word).map((x) => `the probe entry ${x.dn} is still on ${host}: remove it by hand`);
  const got = e.arrived.filter((x) => x.to === word);
  const slowest = got.reduce<(typeof got)[number] | undefined>((a, b) => (!a || b.ms > a.ms ? b : a), undefined);
  const details = [
    ...problems,
    ...left,
    ...got.map((a) => `written on ${hostOf(a.from)} under ${a.suffix}, read on ${host} after ${a.ms} ms`),
  ];
  if (problems.length)
    return {
      state: 'critical',
      reason: `${problems[0]}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`,
      details,
      // The step sets up replication; it cannot start a server that is down (a node whose search
      // fails reports its entries unread, not missing, so it gets no fix here).
      ...(fixStep && notArrived ? { fixStep } : {}),
    };
  if (left.length) return { state: 'warning', reason: left[0], details };
  if (!slowest) {
    const others = e.unwritten.filter((x) => x.on !== word).map((x) => hostOf(x.on));
    return others.length
      ? {
          state: 'unknown',
          reason: `no entry could reach ${host}: the probe could not be written on ${[...new Set(others)].join(', ')}`,
          details,
        }
      : { state: 'unknown', reason: `the probe printed nothing about ${host}`, details };
  }
  return {
    state: 'ok',
    reason: `entries written on the other nodes reached ${host} within ${slowest.ms} ms (slowest: from ${hostOf(slowest.from)} under ${slowest.suffix})`,
    details,
    value: slowest.ms,
  };
}
