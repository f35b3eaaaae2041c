/**
 * Whether a node's slapd.conf pulls every replicated database from every other node: a syncrepl
 * with provider=<the peer's ldaps URL> in that database's section (what the openldap-replication
 * step splices in). slapd.conf holds the replication password, so only the suffix and the
 * provider of each syncrepl leave the node, never the line.
 */
import type { ClusterConfig } from '../../config/types';
import { REPLICATED_DATABASES, SLAPD_CONF, peerUrl } from '../../gluu/openldap';
import { sh, type Shell } from '../../ssh/shell';
import type { Verdict } from '../check';

// Joins slapd.conf's continuation lines (they start with white space), then prints
// "suffix SUFFIX" for each database and "provider URL" for each syncrepl.
const PROVIDERS_AWK = `
function flush() {
  if (cur ~ /^suffix[ \\t]/) { s = cur; sub(/^suffix[ \\t]+/, "", s); gsub(/"/, "", s); print "suffix", tolower(s) }
  if (cur ~ /^syncrepl[ \\t]/ && match(cur, /provider=[^ \\t]+/)) print "provider", substr(cur, RSTART + 9, RLENGTH - 9)
  if (cur ~ /^database[ \\t]/) print "database"
}
/^[ \\t]/ { cur = cur " " $0; next }
{ flush(); cur = $0 }
END { flush() }`;

export function providersScript(): Shell {
  return sh`awk ${PROVIDERS_AWK} ${SLAPD_CONF}`;
}

/** Suffix → the providers of its syncrepl lines, from the script's output. */
export function parseProviders(stdout: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let suffix: string | undefined;
  for (const l of stdout.split('\n')) {
    const [kind, ...rest] = l.trim().split(/\s+/);
    const v = rest.join(' ');
    if (kind === 'database') suffix = undefined;
    else if (kind === 'suffix') {
      suffix = v;
      if (!out.has(v)) out.set(v, []);
    } else if (kind === 'provider' && suffix !== undefined) out.get(suffix)!.push(v);
  }
  return out;
}

/** Which peers a node's databases do not pull from; a database the node does not have is skipped. */
export function syncreplVerdict(config: ClusterConfig, host: string, providers: ReadonlyMap<string, string[]>): Verdict {
  const peers = config.nodes.filter((n) => n.host !== host);
  const missing: string[] = [];
  const checked: string[] = [];
  for (const db of REPLICATED_DATABASES) {
    const have = providers.get(db.suffix.toLowerCase());
    if (!have) continue;
    checked.push(db.suffix);
    const norm = new Set(have.map((u) => u.toLowerCase().replace(/\/?$/, '/')));
    for (const p of peers) if (!norm.has(peerUrl(p).toLowerCase())) missing.push(`${db.suffix} from ${p.host} (${peerUrl(p)})`);
  }
  if (checked.length === 0)
    return { state: 'critical', reason: `${host}'s ${SLAPD_CONF} has none of the replicated databases`, fixStep: 'openldap-replication' };
  if (missing.length)
    return {
      state: 'critical',
      reason: `${host}'s ${SLAPD_CONF} has no syncrepl for ${missing[0]}${missing.length > 1 ? ` (and ${missing.length - 1} more)` : ''}: it does not replicate from that peer`,
      details: missing.map((m) => `no syncrepl for ${m}`),
      fixStep: 'openldap-replication',
    };
  return {
    state: 'ok',
    reason: `${host} pulls ${checked.join(' and ')} from every other node (${peers.map((p) => p.host).join(', ') || 'none'})`,
  };
}
