/**
 * Reading a node's LDAP for a health check: ldapsearch run ON the node, inside the Gluu
 * container, against its own LDAPS listener on 127.0.0.1:1636, as the directory manager with the
 * stored password in a 0600 file (stdin → withPasswordFile). A health check runs unattended, so
 * it never asks anyone to trust a certificate: the connection does not leave the node (loopback),
 * and the server's certificate names the node, not 127.0.0.1, so it is not verified there.
 */
import type { ClusterConfig } from '../config/types';
import { LDAPS_PORT } from '../gluu/facts';
import { SYMAS_BIN } from '../gluu/openldap';
import { OPENDJ } from '../plan/steps/common';
import { sh, type Shell } from '../ssh/shell';
import { withPasswordFile, type HealthContext } from './context';

export interface LdapSearch {
  base: string;
  scope: 'base' | 'one' | 'sub';
  filter: string;
  /** Attributes to return ([] for all user attributes). */
  attributes: readonly string[];
}

export interface LdapEntry {
  dn: string;
  /** Values by attribute name in lower case (servers answer in their own case). */
  attributes: Record<string, string[]>;
}

/** The first value of an attribute, looked up case-insensitively. */
export function firstValue(entry: LdapEntry, name: string): string | undefined {
  return entry.attributes[name.toLowerCase()]?.[0];
}

/** Why a search failed: ldapsearch's exit code is the LDAP result code (49 a refused password). */
export class LdapReadError extends Error {
  constructor(
    message: string,
    readonly code: number | null,
  ) {
    super(message);
  }
}

export const LDAP_NO_SUCH_OBJECT = 32;
export const LDAP_INVALID_CREDENTIALS = 49;

/** The ldapsearch command of the node's LDAP flavour, reading the password from "$pw". */
export function ldapSearchCommand(config: ClusterConfig, q: LdapSearch): Shell {
  const dn = config.gluu.bindDN;
  const tail = sh`-b ${q.base} -s ${q.scope} ${q.filter} ${[...q.attributes]}`;
  if (config.gluu.ldap === 'openldap') {
    // LDAPTLS_REQCERT=never: loopback on the node itself, see the header.
    return sh`LDAPTLS_REQCERT=never ${SYMAS_BIN}/ldapsearch -LLL -o ldif-wrap=no -x -H ${`ldaps://127.0.0.1:${LDAPS_PORT}/`} -D ${dn} -y "$pw" ${tail}`;
  }
  // OpenDJ 3.0: -Z LDAPS, -X trust all (loopback), -j the password file's first line, -T no wrapping.
  return sh`${OPENDJ}/bin/ldapsearch -h 127.0.0.1 -p ${LDAPS_PORT} -Z -X -D ${dn} -j "$pw" -T ${tail}`;
}

/**
 * Entries of an LDIF text: "name: value", "name:: base64", continuation lines (a leading space)
 * joined, comments and "version:" skipped. Values of `name:< url` are not fetched (kept as the URL).
 */
export function parseLdif(text: string): LdapEntry[] {
  const entries: LdapEntry[] = [];
  let current: LdapEntry | undefined;
  const logical: string[] = [];
  for (const raw of text.replace(/\r\n/g, '\n').split('\n')) {
    if (raw.startsWith(' ') && logical.length > 0 && logical[logical.length - 1] !== '') logical[logical.length - 1] += raw.slice(1);
    else logical.push(raw);
  }
  for (const line of logical) {
    if (line === '') {
      current = undefined;
      continue;
    }
    if (line.startsWith('#')) continue;
    const m = /^([A-Za-z0-9][A-Za-z0-9;.-]*)(::?|:<)\s?(.*)$/.exec(line);
    if (!m) continue;
    const [, name, sep, rest] = m;
    const value = sep === '::' ? Buffer.from(rest, 'base64').toString('utf8') : rest;
    if (name.toLowerCase() === 'dn') {
      current = { dn: value, attributes: {} };
      entries.push(current);
    } else if (current) {
      (current.attributes[name.toLowerCase()] ??= []).push(value);
    }
  }
  return entries;
}

/** The first line of ldapsearch's complaint, for a one-line reason. */
function firstLine(s: string): string {
  return (
    s
      .split('\n')
      .map((l) => l.trim())
      .find(Boolean) ?? ''
  );
}

/**
 * Searches the node's own LDAP and returns the entries ([] when the base does not exist).
 * Throws LdapReadError (a refused password, the server down, the tool missing) and the
 * context's errors (unreachable, timeout, password not stored).
 */
export async function ldapSearchOn(ctx: HealthContext, host: string, q: LdapSearch): Promise<LdapEntry[]> {
  const password = await ctx.secret('ldapAdmin');
  const r = await ctx.exec(host, withPasswordFile(ldapSearchCommand(ctx.config, q)), { container: true, stdin: password });
  if (r.code === 0) return parseLdif(r.stdout);
  if (r.code === LDAP_NO_SUCH_OBJECT) return [];
  const why = firstLine(r.stderr) || firstLine(r.stdout);
  if (r.code === LDAP_INVALID_CREDENTIALS)
    throw new LdapReadError(`LDAP on ${host} refuses the stored directory manager password for "${ctx.config.gluu.bindDN}"`, r.code);
  if (r.code === 127) throw new LdapReadError(`ldapsearch is not installed on ${host} (${why || 'command not found'})`, r.code);
  throw new LdapReadError(`ldapsearch on ${host} exited ${r.code ?? 'on a signal'}${why ? `: ${why}` : ''}`, r.code);
}
