/**
 * The comparisons of the drift check, as pure functions: what a host has against what the cluster
 * file (and the user's copies of the generated files) say. Each difference is a warning naming
 * the step that writes the value, or saying that none does.
 */
import { createHash } from 'node:crypto';
import type { ClusterConfig } from '../../config/types';
import { wantedOxLdapServers } from '../../gluu/oxLdap';
import { splitServers } from '../../ldap/cacheConfig';
import { decodeStored, planEdits } from '../../ldap/edits';
import { hostsLines } from '../../plan/steps/hosts';
import { ldapCacheChange, ldapIdpChange } from '../../plan/steps/ldapAttributes';
import { readNginxConf } from '../../render/nginxConf';
import type { Verdict } from '../check';

const list = (xs: readonly string[]) => (xs.length ? xs.join(', ') : 'none');

/** The cache configuration against the ldap-cache step's change (what a run of it would write). */
export function cacheDrift(
  config: ClusterConfig,
  host: string,
  attribute: 'oxCacheConfiguration' | 'oxCacheConfig',
  stored: string | null,
): Verdict {
  const change = ldapCacheChange(config);
  if (!change) return { state: 'ok', reason: 'no cache host in the cluster file: the cache configuration is not managed' };
  const snapshot = decodeStored(attribute, stored, []);
  const r = planEdits(snapshot, 'cache', change);
  const decoded = snapshot.cache?.decoded as { cacheProviderType?: unknown; redisConfiguration?: { servers?: unknown } } | undefined;
  const has = `${String(decoded?.cacheProviderType ?? 'none')} ${list(splitServers(decoded?.redisConfiguration?.servers))}`;
  const want = `REDIS ${config.cache!.host}:${config.cache!.port}`;
  if (r.errors.length) return { state: 'warning', reason: `${attribute} on ${host}: ${r.errors[0]}`, fixStep: 'ldap-cache' };
  if (r.changes.length)
    return {
      state: 'warning',
      reason: `${attribute} on ${host} has cache provider ${has}, the cluster file says ${want}`,
      details: [`has:  ${has}`, `want: ${want}`],
      fixStep: 'ldap-cache',
    };
  return { state: 'ok', reason: `${attribute} on ${host}: ${want}, as the cluster file says` };
}

/** oxIDPAuthentication against the ldap-idp-auth step's change. */
export function idpDrift(config: ClusterConfig, host: string, stored: readonly string[]): Verdict {
  const change = ldapIdpChange(config);
  const snapshot = decodeStored('oxCacheConfiguration', null, [...stored]);
  const r = planEdits(snapshot, 'idpAuthentication', change);
  const servers = snapshot.idp.map((v) =>
    list(((v.decoded?.config as { servers?: unknown } | undefined)?.servers as string[] | undefined) ?? []),
  );
  const want = change.servers.join(', ');
  if (r.errors.length) return { state: 'warning', reason: `oxIDPAuthentication on ${host}: ${r.errors[0]}`, fixStep: 'ldap-idp-auth' };
  if (r.changes.length)
    return {
      state: 'warning',
      reason: `oxIDPAuthentication on ${host} lists the servers ${servers.join(' / ')}, the cluster file says ${want}`,
      details: [...servers.map((s) => `has:  ${s}`), `want: ${want}`],
      fixStep: 'ldap-idp-auth',
    };
  return { state: 'ok', reason: `oxIDPAuthentication on ${host} lists ${want}, as the cluster file says` };
}

/** Each upstream block's servers (the first word of each `server` line), by upstream name. */
export function nginxUpstreams(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const { directives } = readNginxConf(text);
  for (const d of directives) {
    if (d.name.value === 'upstream' && d.args[0]) out.set(d.args[0].value, out.get(d.args[0].value) ?? []);
    const up =
      d.context[d.context.length - 1] === 'upstream'
        ? directives.filter((x) => x.name.value === 'upstream' && x.blockStart !== undefined)
        : [];
    if (d.name.value === 'server' && up.length) {
      // The upstream block this server line is in: the last one opened before it.
      const owner = up.filter((u) => u.blockStart! <= d.name.start).pop();
      if (owner?.args[0]) out.get(owner.args[0].value)?.push(d.args[0]?.value ?? '');
    }
  }
  return out;
}

const sha = (t: string) => createHash('sha256').update(t).digest('hex').slice(0, 12);

/**
 * nginx.conf on the load balancer against the copy the nginx step pushes (the user's when there
 * is one): the upstreams' servers first, since they decide where requests go; any other difference
 * too, since the step replaces the whole file.
 */
export function nginxDrift(host: string, onHost: string, wanted: string): Verdict {
  if (onHost === wanted) return { state: 'ok', reason: `${host}'s nginx.conf is the one the nginx step pushes (sha256 ${sha(wanted)}…)` };
  const has = nginxUpstreams(onHost);
  const want = nginxUpstreams(wanted);
  const diffs: string[] = [];
  for (const name of new Set([...want.keys(), ...has.keys()])) {
    const a = has.get(name);
    const b = want.get(name);
    if (!a) diffs.push(`upstream ${name} is missing (want ${list(b!)})`);
    else if (!b) diffs.push(`upstream ${name} is not in the pushed file (has ${list(a)})`);
    else if (a.join(' ') !== b.join(' ')) diffs.push(`upstream ${name} has ${list(a)}, want ${list(b)}`);
  }
  const reason = diffs.length
    ? `${host}'s nginx.conf differs from the pushed one: ${diffs[0]}${diffs.length > 1 ? ` (and ${diffs.length - 1} more)` : ''}`
    : `${host}'s nginx.conf differs from the pushed one outside the upstreams (sha256 ${sha(onHost)}…, want ${sha(wanted)}…)`;
  return { state: 'warning', reason, details: diffs, fixStep: 'nginx' };
}

/** The `host` names of a csync2.cfg (passive "(name)" and "name@address" forms read as the name). */
export function csync2Hosts(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split('\n')) {
    const m = /^\s*host\s+([^;#]*);/.exec(raw.replace(/#.*$/, ''));
    if (m)
      for (const w of m[1].trim().split(/\s+/))
        if (w && w !== '(' && w !== ')')
          out.push(
            w
              .replace(/^\(|\)$/g, '')
              .replace(/@.*$/, '')
              .toLowerCase(),
          );
  }
  return out;
}

export function csync2Drift(host: string, onHost: string, wanted: string): Verdict {
  const has = csync2Hosts(onHost);
  const want = csync2Hosts(wanted);
  const same = (a: string[], b: string[]) => [...a].sort().join(' ') === [...b].sort().join(' ');
  if (!same(has, want))
    return {
      state: 'warning',
      reason: `${host}'s /etc/csync2.cfg syncs with ${list(has)}, the cluster's csync2.cfg with ${list(want)}`,
      details: [`has:  ${list(has)}`, `want: ${list(want)}`],
      fixStep: 'csync2',
    };
  if (onHost !== wanted)
    return {
      state: 'warning',
      reason: `${host}'s /etc/csync2.cfg has the same hosts but differs from the cluster's csync2.cfg elsewhere`,
      fixStep: 'csync2',
    };
  return { state: 'ok', reason: `${host}'s /etc/csync2.cfg is the cluster's (hosts ${list(want)})` };
}

/** The address /etc/hosts gives each name: its first line naming it wins, as for getaddrinfo. */
export function hostsAddresses(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const words = raw.replace(/#.*$/, '').trim().split(/\s+/).filter(Boolean);
    if (words.length < 2) continue;
    for (const name of words.slice(1)) if (!out.has(name.toLowerCase())) out.set(name.toLowerCase(), words[0]);
  }
  return out;
}

export function hostsDrift(config: ClusterConfig, host: string, text: string, where = '/etc/hosts'): Verdict {
  const map = hostsAddresses(text);
  const diffs: string[] = [];
  for (const line of hostsLines(config)) {
    const [address, name] = line.split(' ');
    const has = map.get(name.toLowerCase());
    if (has === undefined) diffs.push(`${name} is missing (the cluster file says ${address})`);
    else if (has !== address) diffs.push(`${name} is ${has}, the cluster file says ${address}`);
  }
  if (diffs.length)
    return {
      state: 'warning',
      reason: `${where} on ${host}: ${diffs[0]}${diffs.length > 1 ? ` (and ${diffs.length - 1} more)` : ''}`,
      details: diffs,
      fixStep: 'hosts',
    };
  return { state: 'ok', reason: `${where} on ${host} maps every cluster host to its address` };
}

export function oxLdapDrift(config: ClusterConfig, host: string, text: string): Verdict {
  const line = /^\s*servers\s*[:=]\s*(.*)$/m.exec(text);
  const has = line ? splitServers(line[1]) : [];
  const want = wantedOxLdapServers(config, host);
  if (has.join(',') === want.join(',')) return { state: 'ok', reason: `ox-ldap.properties on ${host} has servers: ${want.join(',')}` };
  return {
    state: 'warning',
    reason: `ox-ldap.properties on ${host} has servers: ${line ? has.join(',') || '(empty)' : '(no servers line)'}; the cluster file says ${want.join(',')}`,
    fixStep: 'ox-ldap-servers',
    details: [`has:  ${has.join(',')}`, `want: ${want.join(',')}`],
  };
}
