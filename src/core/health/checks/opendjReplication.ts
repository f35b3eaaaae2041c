/**
 * OpenDJ's side of the replication check: `dsreplication status -s` on the primary (the product's
 * own reading of it, opendj/replicationStatus.ts) judged per node and base DN, and the probe
 * loop's tools for OpenDJ's ldapsearch and ldapmodify. Passwords only in the 0600 file "$pw".
 */
import type { ClusterConfig } from '../../config/types';
import { LDAPS_PORT } from '../../gluu/facts';
import { parseReplicationStatus, type StatusRow } from '../../opendj/replicationStatus';
import { ADMIN_PORT, OPENDJ } from '../../plan/steps/common';
import { DSREPLICATION, SITE_DN, serverOf } from '../../plan/steps/replicationShell';
import { sh, type Shell } from '../../ssh/shell';
import type { Verdict } from '../check';

/** Age of the oldest missing change over this: critical. Any missing change: warning. */
export const AOMC_CRITICAL_MS = 60000;

const M_C = 7;
const A_O_M_C = 8;

/** The status as the replication steps read it, the password from "$pw" (withPasswordFile). */
export function statusCommand(config: ClusterConfig, primary: string): Shell {
  return sh`${DSREPLICATION} status -n -X -s -h ${primary} -p ${ADMIN_PORT} -I admin -j "$pw"`;
}

/** ldapsearch/ldapmodify against each node's LDAPS port as the directory manager (the health probe's probes/add/del). */
export function opendjProbeTools(config: ClusterConfig): Shell {
  const conn = sh`-h "$1" -p ${LDAPS_PORT} -Z -X -D ${config.gluu.bindDN} -j "$pw"`;
  return sh`probes() { r=$(${OPENDJ}/bin/ldapsearch ${conn} -T -b "$2" -s one "(cn=$4*)" cn) || return; printf '%s\n' "$r" | sed -n 's/^cn: //p'; }
add() { ${OPENDJ}/bin/ldapmodify ${conn} -a; }
del() { printf 'dn: %s\nchangetype: delete\n' "$2" | ${OPENDJ}/bin/ldapmodify ${conn}; }`;
}

/**
 * "Age of the oldest missing change" as milliseconds: empty is none. OpenDJ prints the moment that
 * change was made (a Java Date, or epoch milliseconds), so the age is now minus it; a small number
 * is taken as an age already.
 */
export function aomcAgeMs(cell: string | undefined, now: number): number | undefined {
  const v = (cell ?? '').trim();
  if (v === '' || v === '0') return undefined;
  if (/^\d+$/.test(v)) {
    const n = Number(v);
    return n > 1e11 ? Math.max(0, now - n) : n;
  }
  const t = Date.parse(v.replace(/ ([A-Z]{3,4}) (\d{4})$/, ' $2 $1'));
  return Number.isNaN(t) ? undefined : Math.max(0, now - t);
}

/** The base DNs the status should list every node for: the cluster's, and o=site when any server replicates it. */
export function statusBaseDNs(config: ClusterConfig, rows: readonly StatusRow[]): string[] {
  const site =
    SITE_DN.toLowerCase() !== config.gluu.baseDN.toLowerCase() && rows.some((r) => r.suffixDN.toLowerCase() === SITE_DN.toLowerCase());
  return [config.gluu.baseDN, ...(site ? [SITE_DN] : [])];
}

export function statusVerdict(config: ClusterConfig, host: string, statusText: string, now: number): Verdict {
  const rows = parseReplicationStatus(statusText);
  const server = serverOf(host).toLowerCase();
  const critical: string[] = [];
  const warnings: string[] = [];
  const fine: string[] = [];
  let worstAge = 0;
  for (const dn of statusBaseDNs(config, rows)) {
    const row = rows.find((r) => r.suffixDN.toLowerCase() === dn.toLowerCase() && r.server.toLowerCase() === server);
    if (!row) {
      critical.push(`${host} is not listed for ${dn} in dsreplication status`);
      continue;
    }
    if (row.replicationEnabled !== 'true') {
      critical.push(`replication of ${dn} is not enabled on ${host}`);
      continue;
    }
    const missing = Number(row.cells[M_C] ?? '0') || 0;
    const age = aomcAgeMs(row.cells[A_O_M_C], now);
    if (age !== undefined) worstAge = Math.max(worstAge, age);
    if (age !== undefined && age > AOMC_CRITICAL_MS)
      critical.push(`${host} misses ${missing} change(s) of ${dn}, the oldest ${Math.round(age / 1000)} s old`);
    else if (missing > 0)
      warnings.push(
        `${host} misses ${missing} change(s) of ${dn}${age !== undefined ? `, the oldest ${Math.round(age / 1000)} s old` : ''}`,
      );
    else fine.push(dn);
  }
  const details = [...critical, ...warnings, ...(fine.length ? [`in step: ${fine.join(', ')}`] : [])];
  const more = (list: string[]) => (list.length > 1 ? ` (and ${list.length - 1} more)` : '');
  if (critical.length)
    return {
      state: 'critical',
      reason: critical[0] + more(critical),
      details,
      value: worstAge,
      ...(critical.some((c) => c.includes('not listed') || c.includes('not enabled')) ? { fixStep: 'replication-enable' } : {}),
    };
  if (warnings.length) return { state: 'warning', reason: warnings[0] + more(warnings), details, value: worstAge };
  return { state: 'ok', reason: `${host} replicates ${fine.join(' and ')} with no missing changes`, details, value: 0 };
}
