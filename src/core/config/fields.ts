/**
 * The shape of the cluster file, described once. The validator walks this description and
 * the JSON Schema shipped for editors is generated from it (see jsonSchema.ts), so the two
 * cannot drift apart; a unit test checks them against each other with an independent
 * JSON Schema implementation.
 */

/** Value formats with one regular expression each (used by the validator and the schema). */
export const FORMATS = {
  // RFC 1123 host name: dot-separated labels of letters, digits and inner hyphens. This also
  // keeps shell metacharacters, quotes and spaces out of anything that reaches a command.
  hostname: '^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$',
  ipv4: '^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$',
  ipv6: '^(?:(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}|(?:[0-9A-Fa-f]{1,4}:){1,7}:|(?:[0-9A-Fa-f]{1,4}:){1,6}:[0-9A-Fa-f]{1,4}|(?:[0-9A-Fa-f]{1,4}:){1,5}(?::[0-9A-Fa-f]{1,4}){1,2}|(?:[0-9A-Fa-f]{1,4}:){1,4}(?::[0-9A-Fa-f]{1,4}){1,3}|(?:[0-9A-Fa-f]{1,4}:){1,3}(?::[0-9A-Fa-f]{1,4}){1,4}|(?:[0-9A-Fa-f]{1,4}:){1,2}(?::[0-9A-Fa-f]{1,4}){1,5}|[0-9A-Fa-f]{1,4}:(?::[0-9A-Fa-f]{1,4}){1,6}|:(?:(?::[0-9A-Fa-f]{1,4}){1,7}|:))$',
  gluuVersion: '^3\\.1\\.[0-9]{1,2}(?:\\.[0-9]{1,2})?$',
  // An LDAP distinguished name: attribute=value pairs; no control characters.
  dn: '^[A-Za-z][A-Za-z0-9-]*=[^\\u0000-\\u001f]+$',
  // A local file path (identity file); ~ is expanded by the SSH layer.
  path: '^[^\\u0000-\\u001f]+$',
  // A Host alias from ~/.ssh/config.
  sshAlias: '^[A-Za-z0-9._-]+$',
  // [user@]host[:port] for a jump host, or a ~/.ssh/config alias.
  jumpHost: '^(?:[A-Za-z0-9._-]+@)?[A-Za-z0-9._-]+(?::[0-9]{1,5})?$',
  userName: '^[a-z_][a-z0-9_.-]{0,31}$',
  clusterName: '^[A-Za-z0-9][A-Za-z0-9 ._-]{0,62}$',
  // A path on the Gluu servers (csync2 include/exclude patterns). csync2.cfg has no quoting: a
  // space, ";", "{", "}", "#" or quote would end the statement there, and what follows could
  // start another one (a group syncing with some other host). No control characters either.
  remotePath: '^[^\\u0000-\\u0020\\u007f;{}#"\'\\s]+$',
} as const;

export type FormatName = keyof typeof FORMATS;

/** Human wording for a format, used in error messages. */
export const FORMAT_HINTS: Record<FormatName, string> = {
  hostname: 'a host name (RFC 1123: letters, digits, hyphens and dots; no spaces, quotes or shell characters)',
  ipv4: 'an IPv4 address',
  ipv6: 'an IPv6 address',
  gluuVersion: 'a Gluu Server 3.1.x version such as 3.1.5',
  dn: 'an LDAP DN such as o=gluu',
  path: 'a file path on one line',
  sshAlias: 'a Host alias from ~/.ssh/config (letters, digits, . _ -)',
  jumpHost: 'a jump host as [user@]host[:port]',
  userName: 'a Unix user name',
  clusterName: 'a name of letters, digits, spaces, dots, underscores and hyphens',
  remotePath: 'a path without spaces, ";", "{", "}", "#" or quotes (csync2.cfg cannot quote them)',
};

interface Base {
  description: string;
}
export interface StringField extends Base {
  kind: 'string';
  /** One format, or several where any one will do (an address is IPv4 or IPv6). */
  format?: FormatName | FormatName[];
  enum?: readonly string[];
  default?: string;
}
export interface IntegerField extends Base {
  kind: 'integer';
  minimum: number;
  maximum: number;
  default?: number;
}
export interface BooleanField extends Base {
  kind: 'boolean';
  default?: boolean;
}
export interface ObjectField extends Base {
  kind: 'object';
  fields: Record<string, Field>;
  required?: readonly string[];
}
export interface ArrayField extends Base {
  kind: 'array';
  items: Field;
  minItems?: number;
  maxItems?: number;
  default?: readonly unknown[];
}
export type Field = StringField | IntegerField | BooleanField | ObjectField | ArrayField;

const port = (description: string, dflt?: number): IntegerField => ({
  kind: 'integer',
  minimum: 1,
  maximum: 65535,
  description,
  ...(dflt === undefined ? {} : { default: dflt }),
});

const address: StringField = {
  kind: 'string',
  format: ['ipv4', 'ipv6'],
  description: 'IP address (IPv4 or IPv6) the other hosts reach this host on; used for /etc/hosts and setup.properties.',
};

const hostname = (description: string): StringField => ({ kind: 'string', format: 'hostname', description });

/** The public NTP pool, when the cluster file names no servers. */
export const DEFAULT_NTP_SERVERS: readonly string[] = ['0.pool.ntp.org', '1.pool.ntp.org', '2.pool.ntp.org'];

/** SSH settings: the cluster-wide defaults and every per-host override have this shape. */
export const SSH_FIELD: ObjectField = {
  kind: 'object',
  description:
    "How to reach the host over SSH. Passwords are never written here: they are kept in the editor's secret storage and asked for when needed.",
  fields: {
    user: { kind: 'string', format: 'userName', description: 'Login user (default root).' },
    port: port('SSH port (default 22).'),
    identityFile: { kind: 'string', format: 'path', description: 'Private key file, e.g. ~/.ssh/id_ed25519.' },
    hostAlias: {
      kind: 'string',
      format: 'sshAlias',
      description: 'A Host alias from ~/.ssh/config; its HostName, User, Port, IdentityFile and ProxyJump apply.',
    },
    jumpHost: {
      kind: 'string',
      format: 'jumpHost',
      description: 'Jump host ([user@]host[:port] or an ~/.ssh/config alias) to connect through.',
    },
  },
};

/** The manual's csync2 include list, with /opt/gluu-server-<version> prepended at render time. */
export const DEFAULT_CSYNC2_INCLUDE: readonly string[] = [
  '/opt/gluu/jetty/identity/conf/shibboleth3/idp/',
  '/opt/gluu/jetty/identity/conf/shibboleth3/sp/',
  '/opt/shibboleth-idp/conf',
  '/opt/shibboleth-idp/metadata/',
  '/opt/shibboleth-idp/sp/',
  '/opt/shibboleth-idp/temp_metadata/',
  '/etc/gluu/conf/',
];
export const DEFAULT_CSYNC2_EXCLUDE: readonly string[] = ['*~', '.*'];

export const CLUSTER_FILE_FIELD: ObjectField = {
  kind: 'object',
  description: 'A Gluu Server cluster: the Gluu nodes, the load balancer, the cache host and how to reach them over SSH.',
  required: ['name', 'gluu', 'loadBalancer', 'nodes'],
  fields: {
    name: { kind: 'string', format: 'clusterName', description: 'Name of the cluster, shown in the editor.' },
    gluu: {
      kind: 'object',
      description: 'The Gluu Server installation on every node.',
      required: ['version'],
      fields: {
        version: {
          kind: 'string',
          format: 'gluuVersion',
          description: 'Gluu Server version, e.g. 3.1.5; the container lives in /opt/gluu-server-<version>.',
        },
        container: {
          kind: 'string',
          enum: ['chroot', 'ssh-console', 'none'],
          default: 'chroot',
          description:
            'How commands enter the Gluu container: chroot (Ubuntu 14/16, CentOS 6), ssh-console (systemd systems: ssh -p 60022 root@localhost), none (no container).',
        },
        ldap: {
          kind: 'string',
          enum: ['opendj', 'openldap'],
          default: 'opendj',
          description: 'LDAP server shipped with Gluu on the nodes.',
        },
        baseDN: { kind: 'string', format: 'dn', default: 'o=gluu', description: 'Base DN replicated between the nodes.' },
        bindDN: {
          kind: 'string',
          format: 'dn',
          description: 'Directory manager DN (default: cn=directory manager for OpenDJ, cn=directory manager,o=gluu for OpenLDAP).',
        },
        ldapAccess: {
          kind: 'object',
          description: "How the LDAP editor reaches a node's LDAP server.",
          fields: {
            via: {
              kind: 'string',
              enum: ['tunnel', 'direct'],
              default: 'tunnel',
              description:
                "tunnel (default): through the node's SSH connection to its LDAPS port on 127.0.0.1, which works while LDAP listens on localhost only and opens nothing to the network; direct: ldaps://<address>:<port> from this machine.",
            },
            port: port('LDAPS port on the node (default 1636).', 1636),
            caFile: {
              kind: 'string',
              format: 'path',
              description:
                "CA certificate (PEM) that signed the LDAP servers' certificates. Without it, each node's self-signed certificate is pinned after you confirm its fingerprint.",
            },
          },
        },
      },
    },
    ssh: { ...SSH_FIELD, description: "SSH defaults for every host; a host's own ssh settings override them." },
    loadBalancer: {
      kind: 'object',
      description: 'The load balancer (NGINX) in front of the Gluu nodes.',
      required: ['host', 'address'],
      fields: {
        host: hostname('Fully qualified host name of the load balancer; clients use it to reach Gluu.'),
        address,
        ssh: SSH_FIELD,
      },
    },
    cache: {
      kind: 'object',
      description: 'The Redis cache host for short-lived tokens. It may be one of the Gluu nodes, never the load balancer.',
      required: ['host'],
      fields: {
        host: hostname('Host name of the Redis server.'),
        address: { ...address, description: 'IP address of the cache host; needed only when it is not one of the nodes.' },
        port: port('Redis port (default 6379).', 6379),
        ssh: SSH_FIELD,
      },
    },
    nodes: {
      kind: 'array',
      minItems: 1,
      // Far beyond any Gluu cluster (multi-master replication meshes every pair of nodes); it
      // keeps the plan, whose commands grow with the square of the node count, printable.
      maxItems: 64,
      description: 'The Gluu Server nodes. Exactly one is the primary: the first one installed, whose data the others copy.',
      items: {
        kind: 'object',
        description: 'A Gluu Server node.',
        required: ['host', 'address'],
        fields: {
          host: hostname('Fully qualified host name of the node (its FQDN hostname).'),
          address,
          primary: { kind: 'boolean', default: false, description: 'The node Gluu was installed on first; replication starts from it.' },
          ssh: SSH_FIELD,
        },
      },
    },
    csync2: {
      kind: 'object',
      description: 'File system replication between the nodes with csync2.',
      fields: {
        include: {
          kind: 'array',
          items: { kind: 'string', format: 'remotePath', description: 'A path inside the Gluu container to keep in sync.' },
          default: DEFAULT_CSYNC2_INCLUDE,
          description: "Paths inside the Gluu container to keep in sync (default: the manual's list).",
        },
        exclude: {
          kind: 'array',
          items: { kind: 'string', format: 'remotePath', description: 'A csync2 exclude pattern.' },
          default: DEFAULT_CSYNC2_EXCLUDE,
          description: 'Patterns csync2 skips (default: *~ .*).',
        },
        intervalMinutes: {
          kind: 'integer',
          minimum: 1,
          maximum: 59,
          default: 10,
          description: 'Minutes between two csync2 runs on a node (cron).',
        },
        staggered: {
          kind: 'boolean',
          default: true,
          description: "Spread the nodes' cron runs evenly over the interval instead of running them all at once.",
        },
      },
    },
    time: {
      kind: 'object',
      description: 'Clock synchronization on every node and the load balancer (replication needs synchronized clocks).',
      fields: {
        servers: {
          kind: 'array',
          items: hostname('An NTP server.'),
          default: DEFAULT_NTP_SERVERS,
          description: 'NTP servers every host keeps its clock with (systemd-timesyncd or chrony where there, else an ntpdate cron line).',
        },
      },
    },
  },
};

/** Keys that look like a place to put a password; refused with a message that says where passwords go. */
export const SECRET_KEY_PATTERN = /^(pass(word|wd|phrase)?|pwd|secret|.*(password|passwd|passphrase|secret|token|credential).*)$/i;
