/**
 * Whether a TCP port listens where the other nodes can reach it, read from `ss -ltn` or, where
 * ss is missing, `netstat -ltn`. OpenDJ applies a new listen-address only after a restart (the
 * administration connector) or a disable and enable (a connection handler), and the property
 * reads 0.0.0.0 by default anyway (CLI-FACTS.md): the listening socket is the only proof. The
 * same holds for OpenLDAP's HOST_LIST, read only when solserver starts.
 *
 * Both tools put the local address:port in the 4th column. The forms a listener reachable from
 * the network takes there: 0.0.0.0:P, *:P, [::]:P, :::P (Java binds 0.0.0.0 as the IPv6 wildcard
 * on a dual-stack host), or the node's own address, possibly IPv4-mapped ([::ffff:a.b.c.d]:P,
 * ::ffff:a.b.c.d:P). 127.0.0.1 (Gluu's default for both LDAPs) is not reachable, so not enough.
 * The rule exists in TypeScript and as an awk program for the node; tests feed both the same output.
 */
import { sh, type Shell } from '../ssh/shell';

const WILDCARDS = new Set(['0.0.0.0', '*', '::', '']);

/** The address part of a local-address column, without brackets, zone and IPv4-mapping prefix. */
function splitLocal(column: string): { address: string; port: string } | undefined {
  const m = /^(.*):(\d+)$/.exec(column);
  if (!m) return undefined;
  const address = m[1]
    .replace(/^\[|\]$/g, '')
    .replace(/%.*$/, '')
    .toLowerCase()
    .replace(/^::ffff:/, '');
  return { address, port: m[2] };
}

/** Whether the `ss -ltn` / `netstat -ltn` output shows `port` listening on every address or on `address`. */
export function listensReachably(output: string, port: number, address: string): boolean {
  return output.split('\n').some((line) => {
    const local = splitLocal(line.trim().split(/\s+/)[3] ?? '');
    return !!local && local.port === String(port) && (WILDCARDS.has(local.address) || local.address === address.toLowerCase());
  });
}

/**
 * The same rule as an awk program: exits 0 when a line on stdin has $GC_PORT listening on a
 * wildcard address or on $GC_ADDRESS.
 */
export const LISTENS_AWK = [
  'BEGIN { r = 1 }',
  '{ a = $4; if (!match(a, /:[0-9]+$/)) next; p = substr(a, RSTART + 1); a = substr(a, 1, RSTART - 1);',
  'gsub(/^\\[|\\]$/, "", a); sub(/%.*$/, "", a); a = tolower(a); sub(/^::ffff:/, "", a);',
  'if (p == ENVIRON["GC_PORT"] && (a == "0.0.0.0" || a == "*" || a == "::" || a == "" || a == tolower(ENVIRON["GC_ADDRESS"]))) r = 0 }',
  'END { exit r }',
].join(' ');

/** The listening TCP sockets: ss, or netstat where ss is missing. */
const SOCKETS = sh`{ ss -ltn 2>/dev/null || netstat -ltn 2>/dev/null; }`;

/** Exits 0 when `port` listens on every address or on `address`. */
export function listensOn(address: string, port: number): Shell {
  return sh`${SOCKETS} | GC_PORT=${port} GC_ADDRESS=${address} awk ${LISTENS_AWK}`;
}

/** The same as a shell function for several ports: `listening PORT`. */
export function listeningFunction(address: string): Shell {
  return sh`listening() { ${SOCKETS} | GC_PORT="$1" GC_ADDRESS=${address} awk ${LISTENS_AWK}; }`;
}
