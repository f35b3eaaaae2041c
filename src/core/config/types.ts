/** The cluster file after validation, with every default filled in. */

export type ContainerMode = 'chroot' | 'ssh-console' | 'none';
export type LdapFlavour = 'opendj' | 'openldap';
export type HostRole = 'primary' | 'node' | 'loadBalancer' | 'cache';

/** SSH settings as written (all optional); merged from cluster defaults and host overrides. */
export interface SshSettings {
  user?: string;
  port?: number;
  identityFile?: string;
  hostAlias?: string;
  jumpHost?: string;
}

/** A host the extension talks to. `path` locates its entry in the cluster file. */
export interface ClusterHost {
  host: string;
  address: string;
  role: HostRole;
  /** Effective SSH settings: the host's own override on top of the cluster defaults. */
  ssh: SshSettings;
  path: (string | number)[];
}

export interface GluuNode extends ClusterHost {
  role: 'primary' | 'node';
  primary: boolean;
  /** Position in the file's `nodes` list. */
  index: number;
}

export interface CacheHost {
  host: string;
  address: string;
  port: number;
  /** The node the cache runs on, when it is one of the Gluu nodes. */
  onNode?: string;
  ssh: SshSettings;
  path: (string | number)[];
}

export interface ClusterConfig {
  name: string;
  gluu: {
    version: string;
    container: ContainerMode;
    ldap: LdapFlavour;
    baseDN: string;
    bindDN: string;
    ldapAccess: { via: 'tunnel' | 'direct'; port: number; caFile?: string };
  };
  ssh: SshSettings;
  loadBalancer: ClusterHost;
  cache?: CacheHost;
  /** Gluu nodes in file order. */
  nodes: GluuNode[];
  csync2: {
    include: string[];
    exclude: string[];
    intervalMinutes: number;
    staggered: boolean;
  };
  time: {
    /** NTP servers every host keeps its clock with. */
    servers: string[];
  };
}

export interface Position {
  /** 0-based line */
  line: number;
  /** 0-based column */
  col: number;
}
export interface Range {
  start: Position;
  end: Position;
}

export type Severity = 'error' | 'warning';

export interface Problem {
  severity: Severity;
  message: string;
  range: Range;
  /** Where in the file: key path, e.g. ['nodes', 1, 'host']. */
  path: (string | number)[];
  /** A stable code per rule, e.g. 'unknown-key'. */
  code: string;
}
