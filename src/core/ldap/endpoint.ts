/**
 * Where the editor reaches a node's LDAPS: by default through the node's pooled SSH connection
 * (a direct-tcpip channel to 127.0.0.1:<port> on the node — works while LDAP listens on localhost
 * only, and opens nothing to the network), or directly to <address>:<port> when the cluster
 * file says `gluu.ldapAccess.via: direct`.
 */
import type { ClusterConfig } from '../config/types';
import { sshTargetOf } from '../run/sshConnector';
import type { SshPool } from '../ssh/pool';
import type { LdapEndpoint } from './certificates';

export function ldapEndpoint(config: ClusterConfig, node: string, pool: SshPool): LdapEndpoint {
  const entry = config.nodes.find((n) => n.host === node);
  if (!entry) throw new Error(`"${node}" is not a Gluu node of cluster "${config.name}"`);
  const { via, port } = config.gluu.ldapAccess;
  if (via === 'direct') return { node, via: `ldaps://${entry.address}:${port}`, host: entry.address, port };
  return {
    node,
    via: `SSH tunnel to ${node} → 127.0.0.1:${port}`,
    // TLS names: the certificate is pinned, so the name only matters with a CA file (SNI + check).
    host: node,
    port,
    open: async () => (await pool.get(sshTargetOf(config, node))).forwardOut('127.0.0.1', port),
  };
}
