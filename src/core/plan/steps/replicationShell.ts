/**
 * Shell pieces of the OpenDJ replication steps. They run on the primary inside the container and
 * stay within POSIX sh (bash under chroot, the login shell over the console's ssh; dash as well).
 * Every OpenDJ call is written out in full — no "$@" assembled at run time — so the plan shows,
 * and the conformance test checks, each exact invocation a script can make.
 */
import { primaryNode } from '../../config/resolve';
import type { ClusterConfig } from '../../config/types';
import { LDAPS_PORT } from '../../gluu/facts';
import { DSREPLICATION_EXIT, LDAPSEARCH_EXIT } from '../../opendj/exitCodes';
import { REPLICATES_AWK } from '../../opendj/replicationStatus';
import { sh, type Shell } from '../../ssh/shell';
import type { SecretFile } from '../actions';
import { ADMIN_PORT, OPENDJ } from './common';

export const DSREPLICATION = `${OPENDJ}/bin/dsreplication`;
const LDAPSEARCH = `${OPENDJ}/bin/ldapsearch`;

/** Gluu 3.1.x keeps its site data under o=site; Gluu's Cluster Manager replicates it with o=gluu. */
export const SITE_DN = 'o=site';

/** Base DNs replicated where both servers have them (detected, never assumed). */
export function optionalDNs(config: ClusterConfig): string[] {
  return [SITE_DN].filter((dn) => dn.toLowerCase() !== config.gluu.baseDN.toLowerCase());
}

/** A server as `dsreplication status` names it: the host given to enable, and its admin port. */
export const serverOf = (host: string) => `${host}:${ADMIN_PORT}`;

/**
 * Reads the primary's script-friendly replication status into $st. Exit 8 means the tool could
 * not bind as the global administrator (or reach the primary): before the first enable that
 * administrator does not exist yet. `firstEnable` reads that as "nothing replicates yet" (an
 * unreachable primary then fails the enable itself); otherwise it ends the script with the code.
 */
export function readStatus(config: ClusterConfig, pw: SecretFile, mode: 'firstEnable' | 'required'): Shell {
  const primary = primaryNode(config).host;
  const connecting = DSREPLICATION_EXIT.errorConnecting;
  const onConnecting =
    mode === 'firstEnable'
      ? sh`echo ${`dsreplication status could not bind to ${primary} as the replication administrator (exit ${connecting}): no replication is enabled yet (the first enable creates that administrator).`}; st=""`
      : sh`echo ${`dsreplication status could not bind to ${primary} as the replication administrator (exit ${connecting}): is replication enabled (replication-enable)?`} >&2; exit ${connecting}`;
  return sh`st=$(${DSREPLICATION} status -n -X -s -h ${primary} -p ${ADMIN_PORT} -I admin -j ${pw.path}); rc=$?; case $rc in 0) ;; ${connecting}) ${onConnecting};; *) echo "dsreplication status exited $rc" >&2; exit $rc;; esac`;
}

/** `replicates DN SERVER`: $st lists SERVER (host:port) replicating DN (the rule of replicationStatus.ts). */
export const replicatesFunction = sh`replicates() { printf '%s\n' "$st" | GC_DN="$1" GC_SERVER="$2" awk ${REPLICATES_AWK}; }`;

/**
 * Sets the shell variable `name` to 1 when `host` has the entry `dn`, to 0 when it does not
 * (ldapsearch's result 32); any other result (the server unreachable, a refused bind) ends the
 * script with that code and ldapsearch's message. A base search over LDAPS, as the directory manager.
 */
export function detectEntry(config: ClusterConfig, pw: SecretFile, host: string, dn: string, name: string): Shell {
  const { found, noSuchObject } = LDAPSEARCH_EXIT;
  return sh`e=$(${LDAPSEARCH} -h ${host} -p ${LDAPS_PORT} -Z -X -D ${config.gluu.bindDN} -j ${pw.path} -b ${dn} -s base ${'(objectClass=*)'} 1.1 2>&1 >/dev/null); r=$?; case $r in ${found}) ${name}=1;; ${noSuchObject}) ${name}=0;; *) printf '%s\n' "$e" >&2; echo ${`looking for ${dn} on ${host}: ldapsearch exited`} "$r" >&2; exit $r;; esac`;
}

/** Commands one after another, whatever each exits with (`a; b; c`). */
export function seq(...parts: Shell[]): Shell {
  return parts.slice(1).reduce((acc, p) => sh`${acc}; ${p}`, parts[0]);
}

/**
 * `case KEY in …` with one arm per key (a string of 0/1 flags) and a default: how a script picks
 * one of several fully written-out commands.
 */
export function caseOf(key: Shell, arms: { key: string; body: Shell }[], otherwise: Shell): Shell {
  const listed = arms.reduce((acc, a) => sh`${acc}${a.key}) ${a.body};; `, sh``);
  return sh`case ${key} in ${listed}*) ${otherwise};; esac`;
}

/** Every combination of `n` flags as 0/1 strings, all ones first (for 2: 11, 10, 01, 00). */
export function flagKeys(n: number): string[] {
  const keys: string[] = [];
  for (let i = 2 ** n - 1; i >= 0; i--) keys.push(i.toString(2).padStart(n, '0'));
  return keys;
}
