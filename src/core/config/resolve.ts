/** Fills in the defaults of a structurally valid cluster file. */
import { containerRoot, defaultBindDN, LDAPS_PORT, REDIS_DEFAULT_PORT, SSH_DEFAULT_PORT, SSH_DEFAULT_USER } from '../gluu/facts';
import { DEFAULT_CSYNC2_EXCLUDE, DEFAULT_CSYNC2_INCLUDE, DEFAULT_NTP_SERVERS } from './fields';
import type { CacheHost, ClusterConfig, ClusterHost, ContainerMode, GluuNode, LdapFlavour, SshSettings } from './types';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
/** A text value, or '' where the file has none or something else (reported by validate.ts). */
const text = (v: unknown): string => (typeof v === 'string' ? v : '');
/** SSH settings only when they are a mapping: a broken one must not be spread into the defaults. */
const sshOf = (v: unknown): SshSettings | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as SshSettings) : undefined);

/** Host override on top of cluster defaults on top of OpenSSH's defaults. */
export function mergeSsh(defaults: SshSettings, override: SshSettings | undefined): SshSettings {
  const merged: SshSettings = { ...defaults, ...(override ?? {}) };
  // A ~/.ssh/config alias supplies its own User and Port; don't shadow them with ours.
  if (!merged.hostAlias) {
    merged.user ??= SSH_DEFAULT_USER;
    merged.port ??= SSH_DEFAULT_PORT;
  }
  return merged;
}

/**
 * Never throws, also on a file with structure errors (the cross-entry rules run on it in the same
 * pass): a host or address of the wrong type becomes '', which the rules skip.
 */
export function resolveConfig(raw: Obj): ClusterConfig {
  const gluu = obj(raw.gluu);
  const ldap = (gluu.ldap as LdapFlavour | undefined) ?? 'opendj';
  const sshDefaults = obj(raw.ssh) as SshSettings;
  const lb = obj(raw.loadBalancer);
  const loadBalancer: ClusterHost = {
    host: text(lb.host),
    address: text(lb.address),
    role: 'loadBalancer',
    ssh: mergeSsh(sshDefaults, sshOf(lb.ssh)),
    path: ['loadBalancer'],
  };
  const nodes: GluuNode[] = (Array.isArray(raw.nodes) ? (raw.nodes as unknown[]) : []).map(obj).map((n, index) => ({
    host: text(n.host),
    address: text(n.address),
    primary: n.primary === true,
    role: n.primary === true ? 'primary' : 'node',
    ssh: mergeSsh(sshDefaults, sshOf(n.ssh)),
    path: ['nodes', index],
    index,
  }));
  let cache: CacheHost | undefined;
  if (raw.cache) {
    const c = obj(raw.cache);
    const host = text(c.host);
    const onNode = host ? nodes.find((n) => n.host === host) : undefined;
    cache = {
      host,
      address: text(c.address) || (onNode?.address ?? ''),
      port: typeof c.port === 'number' ? c.port : REDIS_DEFAULT_PORT,
      onNode: onNode?.host,
      ssh: mergeSsh(sshDefaults, sshOf(c.ssh) ?? onNode?.ssh),
      path: ['cache'],
    };
  }
  const csync2 = obj(raw.csync2);
  return {
    name: String(raw.name),
    gluu: {
      version: String(gluu.version),
      container: (gluu.container as ContainerMode | undefined) ?? 'chroot',
      ldap,
      baseDN: (gluu.baseDN as string | undefined) ?? 'o=gluu',
      bindDN: (gluu.bindDN as string | undefined) ?? defaultBindDN(ldap),
      ldapAccess: {
        via: (obj(gluu.ldapAccess).via as 'tunnel' | 'direct' | undefined) ?? 'tunnel',
        port: (obj(gluu.ldapAccess).port as number | undefined) ?? LDAPS_PORT,
        ...(typeof obj(gluu.ldapAccess).caFile === 'string' ? { caFile: obj(gluu.ldapAccess).caFile as string } : {}),
      },
    },
    ssh: sshDefaults,
    loadBalancer,
    cache,
    nodes,
    csync2: {
      include: (csync2.include as string[] | undefined) ?? [...DEFAULT_CSYNC2_INCLUDE],
      exclude: (csync2.exclude as string[] | undefined) ?? [...DEFAULT_CSYNC2_EXCLUDE],
      intervalMinutes: (csync2.intervalMinutes as number | undefined) ?? 10,
      staggered: (csync2.staggered as boolean | undefined) ?? true,
    },
    time: { servers: (obj(raw.time).servers as string[] | undefined) ?? [...DEFAULT_NTP_SERVERS] },
  };
}

/** Primary first, then the other nodes in file order. */
export function nodesPrimaryFirst(config: ClusterConfig): GluuNode[] {
  return [...config.nodes].sort((a, b) => Number(b.primary) - Number(a.primary) || a.index - b.index);
}

export function primaryNode(config: ClusterConfig): GluuNode {
  return config.nodes.find((n) => n.primary) ?? config.nodes[0];
}

export function secondaryNodes(config: ClusterConfig): GluuNode[] {
  const primary = primaryNode(config);
  return config.nodes.filter((n) => n !== primary);
}

export { containerRoot };
