/**
 * Whether every node holds the same Gluu configuration: the entries under ou=appliances (the
 * appliance with the cache configuration and oxIDPAuthentication, and the oxAuth, oxTrust and IdP
 * configuration below it), compared attribute by attribute across nodes.
 *
 * contextCSN and the probe say that changes travel; they cannot see two nodes that hold different
 * values with every change applied. OpenLDAP 2.5's delta-syncrepl leaves nodes that way when the
 * same attribute is changed on two nodes within a few milliseconds: the peer's older change can be
 * checked for conflicts after accesslog lets the next write in but before the newer change's log
 * record is committed, finds no newer change, and is applied over it (slapd 2.5.13 on the
 * sandbox: 2 of 40 such pairs made right after a node's restart, 0 of 30 otherwise; the two
 * nodes swap values and both show the entryCSN of the newer change).
 * Values are compared by digest and never printed: the configuration holds encoded passwords.
 */
import { createHash } from 'node:crypto';
import type { Verdict } from '../check';
import type { LdapEntry } from '../ldapSearch';

export interface ConfigDifference {
  /** The entry's DN as the first node that has it printed it. */
  dn: string;
  /** The attribute, or undefined when the entry itself is missing on some node. */
  attribute?: string;
  /** Per host: a short digest of the sorted values, or "missing". */
  byHost: Map<string, string>;
}

const MISSING = 'missing';

/**
 * The appliance's status readings (gluuAppliance in Gluu 3.1.4's schema), which oxTrust's status
 * updater and cache refresh write every few minutes from whichever node runs them: measurements,
 * not configuration, and left out (two nodes writing them at once differ for no harm).
 */
const READINGS = new Set(
  [
    'gluuBandwidthRX',
    'gluuBandwidthTX',
    'gluuDSstatus',
    'gluuFreeDiskSpace',
    'gluuFreeMemory',
    'gluuFreeSwap',
    'gluuGroupCount',
    'gluuHTTPstatus',
    'gluuIpAddress',
    'gluuLastUpdate',
    'gluuLoadAvg',
    'gluuPersonCount',
    'gluuShibAssertionsIssued',
    'gluuShibFailedAuth',
    'gluuShibSecurityEvents',
    'gluuShibSuccessfulAuths',
    'gluuSslExpiry',
    'gluuSystemUptime',
    'gluuVDSstatus',
    'gluuVdsCacheRefreshLastUpdate',
    'gluuVdsCacheRefreshLastUpdateCount',
    'gluuVdsCacheRefreshProblemCount',
  ].map((n) => n.toLowerCase()),
);

/** A short, stable digest of an attribute's values (order does not matter in LDAP). */
function digest(values: readonly string[]): string {
  return createHash('sha256')
    .update(JSON.stringify([...values].sort()))
    .digest('hex')
    .slice(0, 8);
}

/**
 * Every entry and attribute whose values are not the same on every node. `entries` maps host →
 * what the subtree search found there; hosts that could not be read are left out by the caller.
 */
export function configDifferences(entries: ReadonlyMap<string, readonly LdapEntry[]>): ConfigDifference[] {
  const hosts = [...entries.keys()];
  // normalised DN → host → (lower-case attribute → digest); and the DN as printed.
  const byDn = new Map<string, { dn: string; on: Map<string, Map<string, string>> }>();
  for (const [host, list] of entries)
    for (const e of list) {
      const key = e.dn.toLowerCase().replace(/\s*,\s*/g, ',');
      const slot = byDn.get(key) ?? { dn: e.dn, on: new Map() };
      const attrs = new Map<string, string>();
      for (const [name, values] of Object.entries(e.attributes))
        if (!READINGS.has(name.toLowerCase())) attrs.set(name.toLowerCase(), digest(values));
      slot.on.set(host, attrs);
      byDn.set(key, slot);
    }
  const out: ConfigDifference[] = [];
  for (const { dn, on } of byDn.values()) {
    if (on.size < hosts.length) out.push({ dn, byHost: new Map(hosts.map((h) => [h, on.has(h) ? 'present' : MISSING])) });
    // Attributes among the nodes that have the entry.
    const names = new Set([...on.values()].flatMap((a) => [...a.keys()]));
    for (const name of [...names].sort()) {
      const byHost = new Map([...on].map(([h, attrs]) => [h, attrs.get(name) ?? MISSING]));
      if (new Set(byHost.values()).size > 1) out.push({ dn, attribute: name, byHost });
    }
  }
  return out;
}

/** The attribute names as Gluu spells them, for the messages (LDAP names are case-insensitive). */
const SPELLING = new Map(
  ['oxCacheConfiguration', 'oxCacheConfig', 'oxIDPAuthentication', 'oxAuthConfDynamic', 'oxTrustConfApplication'].map(
    (n) => [n.toLowerCase(), n] as const,
  ),
);

function words(d: ConfigDifference): string {
  if (!d.attribute) {
    const missing = [...d.byHost].filter(([, v]) => v === MISSING).map(([h]) => h);
    return `${d.dn} is missing on ${missing.join(', ')}`;
  }
  const parts = [...d.byHost].map(([h, v]) => (v === MISSING ? `${h} has none` : `${h} has ${v}`));
  return `${SPELLING.get(d.attribute) ?? d.attribute} of ${d.dn} differs (value digests): ${parts.join(', ')}`;
}

/**
 * One node's row. `settled`: every node's contextCSN agrees, so a difference is not a change still
 * on its way but one replication will never fix. `unread`: nodes that could not be read.
 */
export function configVerdict(
  host: string,
  diffs: readonly ConfigDifference[],
  entryCount: number,
  settled: boolean,
  unread: readonly string[] = [],
): Verdict {
  const mine = diffs.filter((d) => {
    const v = d.byHost.get(host);
    return v !== undefined && [...d.byHost.values()].some((o) => o !== v);
  });
  if (mine.length === 0)
    return {
      state: 'ok',
      reason: `${host} holds the same Gluu configuration as every other node${unread.length ? ` that could be read (not ${unread.join(', ')})` : ''} (${entryCount} entries under ou=appliances)`,
    };
  const more = mine.length > 1 ? ` (and ${mine.length - 1} more)` : '';
  const why = settled
    ? ' although every node has applied every change (contextCSN agrees): two changes made at once that LDAP did not reconcile. Write the value you want again on one node (the LDAP editor, or ldapmodify), and replication carries it to every node'
    : ': replication has not caught up yet (see contextCSN); check again once it has';
  return {
    state: settled ? 'critical' : 'warning',
    reason: `${words(mine[0])}${more}${why}`,
    details: mine.map(words),
    value: mine.length,
  };
}
