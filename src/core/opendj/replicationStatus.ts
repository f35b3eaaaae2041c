/**
 * What `dsreplication status -s` (OpenDJ 3.0, script-friendly) says, and the one rule the plan
 * reads from it: a server replicates a base DN when its row for that DN has "true" under
 * "Replication enabled". The rule exists twice, kept side by side here: in TypeScript, and as the
 * awk program the replication scripts run on the primary (the status is read there, where the
 * step runs). test/unit/replicationStatus.test.ts feeds both the same outputs.
 *
 * The format (CLI-FACTS.md; ReplicationCliMain.displayStatus, TabSeparatedTablePrinter): no
 * header, no legend; one line per replica, cells separated by a TAB, in the order Suffix DN,
 * Server (host:adminport, the host as given to `enable`), Entries, Replication enabled, DS ID,
 * RS ID, RS port, missing changes, age of the oldest missing change, security. Trailing empty
 * cells are dropped, so a replica that does not replicate has only its first three cells. A
 * replication server with no replica of a listed suffix gets a row with an empty first cell and
 * "true" in the fourth: matching the DN cell exactly keeps it from counting for any base DN.
 */

/** One line of the script-friendly status: its cells, TABs removed. */
export interface StatusRow {
  suffixDN: string;
  /** host:adminport */
  server: string;
  /** "true" or "false" for a replicated replica; absent for one that does not replicate. */
  replicationEnabled?: string;
  cells: string[];
}

const SUFFIX = 0;
const SERVER = 1;
const REPLICATION_ENABLED = 3;

export function parseReplicationStatus(text: string): StatusRow[] {
  return text
    .split('\n')
    .map((l) => l.replace(/\r$/, ''))
    .filter((l) => l.length > 0)
    .map((l) => {
      const cells = l.split('\t');
      return {
        suffixDN: cells[SUFFIX],
        server: cells[SERVER] ?? '',
        ...(cells[REPLICATION_ENABLED] !== undefined ? { replicationEnabled: cells[REPLICATION_ENABLED] } : {}),
        cells,
      };
    });
}

/**
 * Whether the status lists `server` (host:adminport) as replicating `baseDN`. DNs and host names
 * compare without regard to case (OpenDJ prints the DN as configured, the host as given).
 */
export function replicates(rows: readonly StatusRow[], baseDN: string, server: string): boolean {
  const dn = baseDN.toLowerCase();
  const srv = server.toLowerCase();
  return rows.some((r) => r.suffixDN.toLowerCase() === dn && r.server.toLowerCase() === srv && r.replicationEnabled === 'true');
}

/**
 * The base DNs `dsreplication enable` is still needed for between the primary and `server`
 * (host:port), in order: each required DN the status does not list it replicating, then each
 * optional DN that both servers have (`optionalOnBoth`) and it does not replicate. Empty: nothing
 * to enable. The enable step's script on the primary makes the same choice.
 */
export function baseDNsToEnable(rows: readonly StatusRow[], server: string, required: string[], optionalOnBoth: string[]): string[] {
  return [...required, ...optionalOnBoth].filter((dn) => !replicates(rows, dn, server));
}

/**
 * The base DNs `dsreplication initialize` copies from `primary` to `server`: the cluster's base
 * DN always (initialize itself refuses when it is not replicated), and each optional DN the
 * status lists both replicating. The initialize step's script makes the same choice.
 */
export function baseDNsToInitialize(
  rows: readonly StatusRow[],
  primary: string,
  server: string,
  baseDN: string,
  optional: string[],
): string[] {
  return [baseDN, ...optional.filter((dn) => replicates(rows, dn, primary) && replicates(rows, dn, server))];
}

/**
 * The same rule for the node, as an awk program (POSIX awk: mawk, gawk, busybox): exits 0 when a
 * line of the status on stdin has the DN in $GC_DN as its first cell, the host:port in $GC_SERVER
 * as its second and "true" as its fourth. The values come from the environment (ENVIRON), not
 * from `-v`, which would interpret backslashes in a DN. A trailing CR is dropped, as above.
 */
export const REPLICATES_AWK =
  'BEGIN { FS = "\\t"; r = 1 } { sub(/\\r$/, "") } tolower($1) == tolower(ENVIRON["GC_DN"]) && tolower($2) == tolower(ENVIRON["GC_SERVER"]) && $4 == "true" { r = 0 } END { exit r }';
