/**
 * Facts about Gluu 3.1.x with OpenLDAP (Symas OpenLDAP, service `solserver`) that the OpenLDAP
 * replication steps rely on, and the server id each node gets.
 */
import type { ClusterConfig, GluuNode } from '../config/types';
import { LDAPS_PORT } from './facts';

export const SYMAS_ETC = '/opt/symas/etc/openldap';
export const SLAPD_CONF = `${SYMAS_ETC}/slapd.conf`;
/** Holds HOST_LIST, the URLs slapd listens on (Gluu's default: ldaps://127.0.0.1:1636/ only). */
export const SYMAS_CONF = `${SYMAS_ETC}/symas-openldap.conf`;
export const SOLSERVER = 'solserver';
export const SYMAS_BIN = '/opt/symas/bin';
export const SYMAS_SBIN = '/opt/symas/sbin';
/** The certificate slapd serves on every node (self-signed by Gluu's setup). */
export const OPENLDAP_CERT = '/etc/certs/openldap.crt';
/** Every node's certificate in one file: what a node's syncrepl trusts when it connects to a peer. */
export const PEERS_BUNDLE = `${SYMAS_ETC}/gluu-cluster-peers.pem`;
/** Where each peer's certificate is relayed before the bundle is made. */
export const PEERS_DIR = `${SYMAS_ETC}/gluu-cluster-peers`;
export const GLUU_DATA = '/opt/gluu/data';

/** The databases Gluu 3.1.x keeps in OpenLDAP; o=site only where setup made it. */
export const REPLICATED_DATABASES = [
  {
    suffix: 'o=gluu',
    directory: `${GLUU_DATA}/main_db`,
    accesslog: 'cn=accesslog',
    accesslogDirectory: `${GLUU_DATA}/accesslog_db`,
    ridOffset: 0,
  },
  {
    suffix: 'o=site',
    ridOffset: 500,
    directory: `${GLUU_DATA}/site_db`,
    accesslog: 'cn=accesslog-site',
    accesslogDirectory: `${GLUU_DATA}/accesslog_site_db`,
  },
] as const;

export type ReplicatedDatabase = (typeof REPLICATED_DATABASES)[number];

/** The URL a node's slapd listens on for its peers: its serverID URL and its peers' provider URL (the same text). */
export const peerUrl = (n: GluuNode): string => `ldaps://${n.host}:${LDAPS_PORT}/`;

/** The bind DN of a database's directory manager: Gluu's for o=gluu, the same name under the suffix for the others. */
export function managerDN(config: ClusterConfig, suffix: string): string {
  return suffix === config.gluu.baseDN ? config.gluu.bindDN : config.gluu.bindDN.replace(/,[^,]+$/, `,${suffix}`);
}

/**
 * Each node's serverID (1–499), stable for a node whatever other nodes come and go: derived
 * from its host name (FNV-1a), so adding or removing another node never renumbers it. A clash
 * of two names (unlikely with a handful of nodes) moves the later node, in primary-first order,
 * to the next free id.
 */
/**
 * serverID may go to 4095, but a syncrepl's rid has at most three digits and the rids of one
 * slapd must differ: o=gluu's syncrepl use the peer's server id, o=site's 500 more (ridOffset).
 */
export const MAX_SERVER_ID = 499;

export function serverIds(nodes: readonly GluuNode[]): Map<string, number> {
  // The cluster file allows far fewer nodes; this keeps the probing below finite.
  if (nodes.length > MAX_SERVER_ID) throw new Error(`at most ${MAX_SERVER_ID} nodes can replicate OpenLDAP`);
  const taken = new Set<number>();
  const ids = new Map<string, number>();
  const ordered = [...nodes].sort((a, b) => Number(b.primary) - Number(a.primary) || a.index - b.index);
  for (const n of ordered) {
    let id = (fnv1a(n.host.toLowerCase()) % MAX_SERVER_ID) + 1;
    while (taken.has(id)) id = (id % MAX_SERVER_ID) + 1;
    taken.add(id);
    ids.set(n.host, id);
  }
  return ids;
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (const c of Buffer.from(s, 'utf8')) h = Math.imul(h ^ c, 0x01000193) >>> 0;
  return h;
}
