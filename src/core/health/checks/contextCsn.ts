/**
 * OpenLDAP's contextCSN: one value per server id that ever changed the database, the time of the
 * newest change from that server this copy has applied (`YYYYmmddHHMMSS.uuuuuuZ#count#sid#mod`).
 * Two nodes in step hold the same value for every server id; a node whose value for a server id
 * is older than another node's has not yet applied that server's newer changes.
 */
import type { Verdict } from '../check';

/** Behind by more than this, or a server id missing: critical. Behind at all: warning. */
export const CSN_CRITICAL_MS = 60000;

export interface Csn {
  /** Milliseconds since the epoch (the microseconds cut). */
  ms: number;
  /** The server id as printed (three hex digits). */
  sid: string;
  raw: string;
}

const CSN = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})\.(\d{6})Z#[0-9a-f]+#([0-9a-f]+)#[0-9a-f]+$/i;

export function parseCsn(raw: string): Csn | undefined {
  const m = CSN.exec(raw.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, us] = m;
  return { ms: Date.UTC(+y, +mo - 1, +d, +h, +mi, +s) + Math.floor(+us / 1000), sid: m[8].toLowerCase(), raw: raw.trim() };
}

/** A node's contextCSN values of one database, by server id (the newest when one repeats). */
export function csnsBySid(values: readonly string[]): Map<string, Csn> {
  const out = new Map<string, Csn>();
  for (const v of values) {
    const c = parseCsn(v);
    const had = c && out.get(c.sid);
    if (c && (!had || had.ms < c.ms)) out.set(c.sid, c);
  }
  return out;
}

export interface CsnLag {
  database: string;
  sid: string;
  /** How far behind the newest node it is; undefined when it has no value for the server id. */
  behindMs?: number;
  /** The node that holds the newest value. */
  ahead: string;
}

/**
 * Per node, what it lacks against the others: for each database and server id, the difference
 * to the newest value any node holds. `csns` maps database → host → values; a host absent from
 * a database's map (it has no such database, or could not be read) is left out of it.
 */
export function csnLags(csns: ReadonlyMap<string, ReadonlyMap<string, readonly string[]>>): Map<string, CsnLag[]> {
  const lags = new Map<string, CsnLag[]>();
  for (const [database, byHost] of csns) {
    const parsed = new Map([...byHost].map(([h, v]) => [h, csnsBySid(v)] as const));
    const newest = new Map<string, { ms: number; host: string }>();
    for (const [host, bySid] of parsed)
      for (const [sid, c] of bySid) if (!newest.has(sid) || newest.get(sid)!.ms < c.ms) newest.set(sid, { ms: c.ms, host });
    for (const [host, bySid] of parsed) {
      const mine = lags.get(host) ?? [];
      for (const [sid, top] of newest) {
        const c = bySid.get(sid);
        if (!c) mine.push({ database, sid, ahead: top.host });
        else if (c.ms < top.ms) mine.push({ database, sid, behindMs: top.ms - c.ms, ahead: top.host });
      }
      lags.set(host, mine);
    }
  }
  return lags;
}

const secs = (ms: number) => (ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(ms < 10000 ? 1 : 0)} s`);

/** The verdict of one node's lags (`sidNames` turns a server id into the node that has it). */
export function csnVerdict(host: string, lags: readonly CsnLag[], sidNames: ReadonlyMap<string, string> = new Map()): Verdict {
  const who = (sid: string) =>
    sidNames.has(sid) ? `${sidNames.get(sid)} (server id ${parseInt(sid, 16)})` : `server id ${parseInt(sid, 16)}`;
  const words = (l: CsnLag) =>
    l.behindMs === undefined
      ? `${l.database}: no change from ${who(l.sid)}, which ${l.ahead} has`
      : `${l.database}: ${secs(l.behindMs)} behind ${l.ahead} in the changes of ${who(l.sid)}`;
  if (lags.length === 0) return { state: 'ok', reason: `${host}'s contextCSN agrees with every other node's`, value: 0 };
  const details = lags.map(words);
  const worstMs = Math.max(...lags.map((l) => l.behindMs ?? Infinity));
  const worst = lags.find((l) => (l.behindMs ?? Infinity) === worstMs)!;
  const critical = worstMs > CSN_CRITICAL_MS;
  return {
    state: critical ? 'critical' : 'warning',
    reason: `${host} is behind: ${words(worst)}${lags.length > 1 ? ` (and ${lags.length - 1} more)` : ''}`,
    details,
    ...(Number.isFinite(worstMs) ? { value: worstMs } : {}),
  };
}
