/**
 * Gluu's own LDAP client settings, /etc/gluu/conf/ox-ldap.properties (inside the container). Its
 * `servers:` line is where oxAuth and oxTrust look for LDAP; setup.py writes `localhost:1636`, so
 * a node whose LDAP server stops takes its web applications down with it. Cluster Manager writes
 * the node itself first, then every other node: oxAuth fails over to them. The file is per node,
 * so csync2 must never sync it (see PER_NODE_FILES).
 */
import { nodesPrimaryFirst } from '../config/resolve';
import type { ClusterConfig } from '../config/types';
import { LDAPS_PORT } from './facts';

export const OX_LDAP_PROPERTIES = '/etc/gluu/conf/ox-ldap.properties';

/**
 * Files each node keeps for itself, excluded from csync2 whatever the cluster file's excludes
 * (Cluster Manager's list): the LDAP servers in node order, the log rotation settings, the salt.
 */
export const PER_NODE_FILES: readonly string[] = [
  OX_LDAP_PROPERTIES,
  '/etc/gluu/conf/oxTrustLogRotationConfiguration.xml',
  '/etc/gluu/conf/salt',
];

/** The `servers:` a node should have: itself first, then the other nodes (primary first), host:1636. */
export function wantedOxLdapServers(config: ClusterConfig, host: string): string[] {
  const nodes = nodesPrimaryFirst(config);
  return [...nodes.filter((n) => n.host === host), ...nodes.filter((n) => n.host !== host)].map((n) => `${n.host}:${LDAPS_PORT}`);
}

/** Shibboleth's LDAP settings (inside the container), where the IdP is installed. */
export const SHIBBOLETH_LDAP_PROPERTIES = '/opt/shibboleth-idp/conf/ldap.properties';
export const SHIBBOLETH_LDAP_URL_KEY = 'idp.authn.LDAP.ldapURL';

/** The IdP's ldapURL on a node: the same order as ox-ldap.properties, as ldaps URLs separated by spaces. */
export function wantedShibbolethLdapUrls(config: ClusterConfig, host: string): string[] {
  return wantedOxLdapServers(config, host).map((s) => `ldaps://${s}`);
}
