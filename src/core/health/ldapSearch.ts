/**
 * Reads LDAP entries on a node, with the node's own ldapsearch run over SSH inside the Gluu
 * container, bound as the directory manager: the password reaches the tool in a 0600 file filled
 * from stdin (withPasswordFile), never in argv. OpenLDAP is asked at the node's own LDAPS URL (the
 * one its peers use, so its certificate names it) trusting the node's own certificate; OpenDJ as
 * the replication steps ask it (-Z -X: its certificate is self-signed and not kept anywhere else).
 */
import { primaryNode } from '../config/resolve';
import type { ClusterConfig } from '../config/types';
import { LDAPS_PORT } from '../gluu/facts';
import { OPENLDAP_CERT, SYMAS_BIN, peerUrl } from '../gluu/openldap';
import { APPLIANCE_FILTER } from '../ldap/appliance';
import { OPENDJ } from '../plan/steps/common';
import { lines, sh, type Shell } from '../ssh/shell';
import { withPasswordFile, type ExecHealthOptions, type HealthContext } from './context';

export interface LdapSearchRequest {
  base: string;
  scope: 'base' | 'one' | 'sub';
  filter: string;
  /** ["1.1"] for DNs only. */
  attributes: readonly string[];
}

export interface LdapEntry {
  dn: string;
  /** Values by attribute name as the server printed it; look names up with `attributeValues`. */
  attributes: Record<string, string[]>;
}

/** ldapsearch's exit code for a base that does not exist (the LDAP result code). */
export const NO_SUCH_OBJECT = 32;

/** ldapsearch's exit code for a refused bind (the LDAP result code). */
export const INVALID_CREDENTIALS = 49;

export class LdapSearchFailed extends Error {
  constructor(
    readonly host: string,
    readonly code: number | null,
    stderr: string,
    bindDN = 'the directory manager',
  ) {
    const why = stderr.trim().split('\n').filter(Boolean).slice(-2).join(' ');
    super(
      code === INVALID_CREDENTIALS
        ? `LDAP on ${host} refuses the stored password for "${bindDN}"`
        : code === 127
          ? `ldapsearch is not installed on ${host}${why ? ` (${why})` : ''}`
          : `ldapsearch on ${host} exited ${code ?? 'without a code'}${why ? `: ${why}` : ''}`,
    );
  }
}

/** The ldapsearch command of the cluster's LDAP flavour; "$pw" names the password file. */
export function ldapSearchCommand(config: ClusterConfig, host: string, r: LdapSearchRequest): Shell {
  const node = config.nodes.find((n) => n.host === host);
  if (!node) throw new Error(`${host} is not a Gluu node of the cluster`);
  if (config.gluu.ldap === 'openldap')
    return sh`LDAPTLS_CACERT=${OPENLDAP_CERT} ${SYMAS_BIN}/ldapsearch -LLL -o ldif-wrap=no -x -H ${peerUrl(node)} -D ${config.gluu.bindDN} -y "$pw" -b ${r.base} -s ${r.scope} ${r.filter} ${[...r.attributes]}`;
  return sh`${OPENDJ}/bin/ldapsearch -h ${host} -p ${LDAPS_PORT} -Z -X -T -D ${config.gluu.bindDN} -j "$pw" -b ${r.base} -s ${r.scope} ${r.filter} ${[...r.attributes]}`;
}

/**
 * The entries `r` finds on `host`; none when the base does not exist. Throws LdapSearchFailed
 * for any other failure (slapd down, a refused bind), HostUnreachable, CheckTimeout, SecretNotStored.
 */
export async function ldapSearchOn(ctx: HealthContext, host: string, r: LdapSearchRequest): Promise<LdapEntry[]> {
  return (await ldapSearchesOn(ctx, host, [r]))[0];
}

/**
 * Several searches on `host` in one command (one SSH session, one password file), answered in
 * order; a base that does not exist gives none. Throws as ldapSearchOn for the first search that
 * fails, as if they had run one after another.
 */
export async function ldapSearchesOn(
  ctx: HealthContext,
  host: string,
  requests: readonly LdapSearchRequest[],
  o: Pick<ExecHealthOptions, 'timeoutMs' | 'urgent'> = {},
): Promise<LdapEntry[][]> {
  const password = await ctx.secret('ldapAdmin');
  // Each search between markers on stdout, and its error messages between the same markers on
  // stderr: builtins only around the tools (no temporary file, no process to trim the message).
  const searches = requests.map(
    (r, i) =>
      sh`printf '@@begin %s\n' ${i}; printf '@@begin %s\n' ${i} >&2; ${ldapSearchCommand(ctx.config, host, r)}; printf '\n@@end %s %s\n' ${i} "$?"`,
  );
  const res = await ctx.exec(host, withPasswordFile(lines(...searches)), { ...o, container: true, stdin: password });
  if (res.code !== 0) throw new LdapSearchFailed(host, res.code, res.stderr, ctx.config.gluu.bindDN);
  const errors = res.stderr.split(/^@@begin (\d+)\n/m);
  const stderrOf = (i: number) => {
    const at = errors.indexOf(String(i), 1);
    return at < 0
      ? ''
      : errors[at + 1]
          .trim()
          .replace(/\s*\n\s*/g, ' ')
          .slice(0, 400);
  };
  return requests.map((_, i) => {
    const begin = res.stdout.indexOf(`@@begin ${i}\n`);
    const endAt = res.stdout.indexOf(`\n@@end ${i} `, begin);
    const end = endAt < 0 ? undefined : /^@@end \d+ (\d+)$/m.exec(res.stdout.slice(endAt + 1));
    if (begin < 0 || !end) throw new LdapSearchFailed(host, null, `the search printed no result: ${res.stderr}`, ctx.config.gluu.bindDN);
    const code = Number(end[1]);
    if (code === NO_SUCH_OBJECT) return [];
    if (code !== 0) throw new LdapSearchFailed(host, code, stderrOf(i), ctx.config.gluu.bindDN);
    return parseLdif(res.stdout.slice(begin + `@@begin ${i}\n`.length, endAt));
  });
}

/**
 * LDIF as ldapsearch prints it: entries apart by blank lines, "name: value", "name:: base64",
 * continuation lines starting with one space (OpenDJ wraps unless -T), "#" comments.
 */
export function parseLdif(text: string): LdapEntry[] {
  const entries: LdapEntry[] = [];
  const unfolded: string[] = [];
  for (const raw of text.split('\n')) {
    const l = raw.replace(/\r$/, '');
    if (l.startsWith(' ') && unfolded.length && unfolded[unfolded.length - 1] !== '') unfolded[unfolded.length - 1] += l.slice(1);
    else unfolded.push(l);
  }
  let current: LdapEntry | undefined;
  for (const l of unfolded) {
    if (l === '') {
      current = undefined;
      continue;
    }
    if (l.startsWith('#')) continue;
    const m = /^([^:]+)(::?)\s?(.*)$/.exec(l);
    if (!m) continue;
    const [, name, sep, rest] = m;
    const value = sep === '::' ? Buffer.from(rest, 'base64').toString('utf8') : rest;
    if (name.toLowerCase() === 'dn') {
      current = { dn: value, attributes: {} };
      entries.push(current);
    } else if (current) {
      (current.attributes[name] ??= []).push(value);
    }
  }
  return entries;
}

/**
 * The Gluu appliance entry on the primary with its cache configuration and oxIDPAuthentication
 * (undefined when there is none), read once per health run: the cache and drift checks both judge it.
 */
export function readAppliance(ctx: HealthContext): Promise<LdapEntry | undefined> {
  const primary = primaryNode(ctx.config).host;
  return ctx.once('appliance', async () => {
    const [entry] = await ldapSearchOn(ctx, primary, {
      base: `ou=appliances,${ctx.config.gluu.baseDN}`,
      scope: 'one',
      filter: APPLIANCE_FILTER,
      attributes: ['oxCacheConfiguration', 'oxCacheConfig', 'oxIDPAuthentication'],
    });
    return entry;
  });
}

/** An attribute's values, its name matched without regard to case. */
export function attributeValues(e: LdapEntry, name: string): string[] {
  const k = Object.keys(e.attributes).find((a) => a.toLowerCase() === name.toLowerCase());
  return k ? e.attributes[k] : [];
}

/** An attribute's first value (names without regard to case). */
export function firstValue(e: LdapEntry, name: string): string | undefined {
  return attributeValues(e, name)[0];
}
