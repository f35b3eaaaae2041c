/** Fills in the defaults of a structurally valid cluster file. */
import { containerRoot, defaultBindDN, LDAPS_PORT, REDIS_DEFAULT_PORT, SSH_DEFAULT_PORT, SSH_DEFAULT_USER } from '../gluu/facts';
import { DEFAULT_CSYNC2_EXCLUDE, DEFAULT_CSYNC2_INCLUDE } from './fields';
import type { CacheHost, ClusterConfig, ClusterHost, ContainerMode, GluuNode, LdapFlavour, SshSettings } from './types';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' ? (v as Obj) : {});

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

export function resolveConfig(raw: Obj): ClusterConfig {
  const gluu = obj(raw.gluu);
  const ldap = (gluu.ldap as LdapFlavour | undefined) ?? 'opendj';
  const sshDefaults = obj(raw.ssh) as SshSettings;
  const lb = obj(raw.loadBalancer);
  const loadBalancer: ClusterHost = {
    host: String(lb.host),
    address: String(lb.address),
    role: 'loadBalancer',
    ssh: mergeSsh(sshDefaults, lb.ssh as SshSettings | undefined),
    path: ['loadBalancer'],
  };
  const nodes: GluuNode[] = (raw.nodes as Obj[]).map((n, index) => ({
    host: String(n.host),
    address: String(n.address),
    primary: n.primary === true,
    role: n.primary === true ? 'primary' : 'node',
    ssh: mergeSsh(sshDefaults, n.ssh as SshSettings | undefined),
    path: ['nodes', index],
    index,
  }));
  let cache: CacheHost | undefined;
  if (raw.cache) {
    const c = obj(raw.cache);
    const onNode = nodes.find((n) => n.host === c.host);
    cache = {
      host: String(c.host),
      address: (c.address as string | undefined) ?? onNode?.address ?? '',
      port: (c.port as number | undefined) ?? REDIS_DEFAULT_PORT,
      onNode: onNode?.host,
      ssh: mergeSsh(sshDefaults, (c.ssh as SshSettings | undefined) ?? onNode?.ssh),
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
