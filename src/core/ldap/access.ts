/**
 * Everything needed to reach a node's appliance entry, from the cluster file: the endpoint
 * (tunnel or direct), the bind DN, the CA file if any. The editor and the CLI differ only in how
 * they ask for the password and for trust in a certificate.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { nodesPrimaryFirst } from '../config/resolve';
import type { ClusterConfig } from '../config/types';
import { LDAPS_PORT } from '../gluu/facts';
import type { SshPool } from '../ssh/pool';
import { snapshotOf, withAppliance, type ApplianceAccess } from './appliance';
import type { CertificateTrust } from './certificates';
import { ldapEndpoint } from './endpoint';
import { LdapError } from './errors';
import type { EditorSnapshot } from './protocol';

/** The CA file named by gluu.ldapAccess.caFile (relative to the cluster file's folder), if any. */
export function readCaFile(config: ClusterConfig, clusterFileDir: string): string | undefined {
  const f = config.gluu.ldapAccess.caFile;
  if (!f) return undefined;
  const file = f.startsWith('~/') ? join(homedir(), f.slice(2)) : isAbsolute(f) ? f : join(clusterFileDir, f);
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new LdapError('TLS_FAILED', `Cannot read gluu.ldapAccess.caFile ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}.`);
  }
}

export function applianceAccess(
  config: ClusterConfig,
  node: string,
  o: { pool: SshPool; password: () => Promise<string>; trust: CertificateTrust; clusterFileDir: string },
): ApplianceAccess {
  const caPem = readCaFile(config, o.clusterFileDir);
  return {
    endpoint: ldapEndpoint(config, node, o.pool),
    bindDN: config.gluu.bindDN,
    baseDN: config.gluu.baseDN,
    password: o.password,
    trust: o.trust,
    ...(caPem !== undefined ? { caPem } : {}),
  };
}

/** What the editor (and `gluu-cluster ldap get`) shows of a node's appliance entry. */
export function readSnapshot(config: ClusterConfig, access: ApplianceAccess, canRestore = false): Promise<EditorSnapshot> {
  return withAppliance(access, async (s) =>
    snapshotOf(await s.read(), {
      cluster: config.name,
      node: access.endpoint.node,
      nodes: nodesPrimaryFirst(config).map((n) => n.host),
      ldapsPort: LDAPS_PORT,
      via: access.endpoint.via,
      canRestore,
      ...(config.cache ? { clusterCacheServer: `${config.cache.host}:${config.cache.port}` } : {}),
    }),
  );
}
