/**
 * `gluu-cluster ldap get | set-cache | set-idp-servers`: the LDAP editor's core without the
 * editor. The password comes from GLUU_CLUSTER_LDAP_ADMIN_PASSWORD; a self-signed certificate is
 * accepted only when its fingerprint is given with --ldap-cert-fingerprint (or a CA file is in
 * the cluster file) — the CLI cannot ask, so it refuses and prints what to check.
 */
import type { ClusterConfig } from '../config/types';
import { primaryNode } from '../config/resolve';
import { LDAPS_PORT } from '../gluu/facts';
import type { SshPool } from '../ssh/pool';
import { HOST_KEY_ADVICE, HOST_KEY_HELP } from '../run/cliHostKeys';
import { applianceAccess, readSnapshot } from './access';
import { applyLdapAction } from './apply';
import type { CertificateTrust, PinnedCertificate } from './certificates';
import { readableValue, IDP_ATTRIBUTE } from './edits';
import { cacheProblems, serverProblem } from './cacheConfig';
import { idpProblems } from './idpAuth';
import { REDIS_PROVIDER_TYPES } from './protocol';

export const LDAP_PASSWORD_ENV = 'GLUU_CLUSTER_LDAP_ADMIN_PASSWORD';

export type LdapSubcommand = 'get' | 'set-cache' | 'set-idp-servers';
export const LDAP_SUBCOMMANDS: readonly LdapSubcommand[] = ['get', 'set-cache', 'set-idp-servers'];

const LDAP_COMMON_OPTIONS = `  --config FILE            the cluster file (default: ./gluu-cluster.yaml)
  --node HOST              the Gluu node whose LDAP to use (default: the primary)
  --ldap-cert-fingerprint AA:BB:…
                           the SHA-256 fingerprint of the node's self-signed LDAP certificate
                           (not needed with gluu.ldapAccess.caFile)
${HOST_KEY_HELP}
  -h, --help               show this help

The directory manager password comes from ${LDAP_PASSWORD_ENV}. The connection goes through
an SSH tunnel to the node (or directly with gluu.ldapAccess.via: direct).

${HOST_KEY_ADVICE}
`;

/** `gluu-cluster ldap --help` and `gluu-cluster ldap SUB --help`. */
export const LDAP_HELP: Record<'ldap' | LdapSubcommand, string> = {
  ldap: `Usage: gluu-cluster ldap get|set-cache|set-idp-servers [options]

Reads or changes the appliance entry's cache configuration and oxIDPAuthentication, with
compare-and-swap writes (a value someone else changed in the meantime is refused).

Subcommands:
  get                      print both JSON attributes (config decoded) and their problems
  set-cache                set the cache to REDIS (default server: the cluster's cache host)
  set-idp-servers          set the IDP authentication servers (default: every node on 1636)

Options:
  --servers HOST:PORT,…    set-cache and set-idp-servers: the servers to write
  --provider-type STANDALONE|CLUSTER|SHARDED
                           set-cache: the Redis provider type (default: STANDALONE)
${LDAP_COMMON_OPTIONS}
"gluu-cluster ldap SUBCOMMAND --help" shows one subcommand.
`,
  get: `Usage: gluu-cluster ldap get [--node HOST] --config FILE [--ldap-cert-fingerprint AA:BB:…]

Prints the node's appliance entry: the cache configuration and each oxIDPAuthentication value,
as stored (config decoded, passwords masked), followed by the problems the editor would show.
Changes nothing.

Options:
${LDAP_COMMON_OPTIONS}`,
  'set-cache': `Usage: gluu-cluster ldap set-cache [--servers HOST:PORT,…] [--provider-type TYPE] --config FILE

Sets the cache configuration to REDIS with the given servers (default: the cluster's cache host
and port) and Redis provider type, as one compare-and-swap LDAP modify.

Options:
  --servers HOST:PORT,…    the Redis servers (default: the cache host of the cluster file)
  --provider-type STANDALONE|CLUSTER|SHARDED
                           the Redis provider type (default: STANDALONE)
${LDAP_COMMON_OPTIONS}`,
  'set-idp-servers': `Usage: gluu-cluster ldap set-idp-servers [--servers HOST:PORT,…] --config FILE

Sets the servers of each oxIDPAuthentication value (default: every node of the cluster on
1636), as one compare-and-swap LDAP modify.

Options:
  --servers HOST:PORT,…    the LDAP servers (default: every node on 1636)
${LDAP_COMMON_OPTIONS}`,
};

const normalise = (fp: string) =>
  fp
    .replace(/^SHA256:/i, '')
    .replace(/:/g, '')
    .toUpperCase();

/** Trust for the CLI: only the fingerprint the operator passed. */
export function cliCertificateTrust(fingerprint: string | undefined, err: (s: string) => void): CertificateTrust {
  const pins = new Map<string, PinnedCertificate>();
  return {
    lookup: async (id) => pins.get(id),
    add: async (id, pin) => void pins.set(id, pin),
    confirm: async (info) => {
      if (fingerprint && normalise(fingerprint) === normalise(info.fingerprint)) return true;
      err(
        fingerprint
          ? `the LDAP certificate of ${info.node} is SHA-256 ${info.fingerprint}, not the ${fingerprint} given with --ldap-cert-fingerprint\n`
          : `the LDAP certificate of ${info.node} (${info.subject}) is SHA-256 ${info.fingerprint}; check it on the node (openssl x509 -noout -fingerprint -sha256 -in /etc/certs/openldap.crt or opendj.crt), then pass --ldap-cert-fingerprint ${info.fingerprint}, or set gluu.ldapAccess.caFile\n`,
      );
      return false;
    },
  };
}

export function cliLdapPassword(): () => Promise<string> {
  return async () => {
    const v = process.env[LDAP_PASSWORD_ENV];
    if (v === undefined || v === '')
      throw new Error(`the LDAP editor needs the directory manager password: set ${LDAP_PASSWORD_ENV} in the environment`);
    return v;
  };
}

export interface LdapCliOptions {
  node?: string;
  servers?: string;
  providerType?: string;
  fingerprint?: string;
  clusterFileDir: string;
  pool: SshPool;
  out: (s: string) => void;
  err: (s: string) => void;
}

export async function ldapFromCli(config: ClusterConfig, sub: string, o: LdapCliOptions): Promise<number> {
  const node = o.node ?? primaryNode(config).host;
  if (!config.nodes.some((n) => n.host === node)) {
    o.err(`gluu-cluster: "${node}" is not a Gluu node of cluster "${config.name}"\n`);
    return 2;
  }
  const access = applianceAccess(config, node, {
    pool: o.pool,
    password: cliLdapPassword(),
    trust: cliCertificateTrust(o.fingerprint, o.err),
    clusterFileDir: o.clusterFileDir,
  });
  const servers = o.servers
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const s of servers ?? []) {
    const p = serverProblem(s);
    if (p) {
      o.err(`gluu-cluster: --servers: ${p}\n`);
      return 2;
    }
  }
  switch (sub) {
    case 'get': {
      const snap = await readSnapshot(config, access);
      o.out(`# ${snap.entryDN} on ${node} (${snap.via})\n`);
      o.out(
        `# ${snap.cacheAttribute}${snap.cache?.error ? ` — not valid JSON: ${snap.cache.error}` : ''}\n${snap.cache ? readableValue(snap.cacheAttribute, snap.cache.raw, { maskSecrets: true }) : '(no value)\n'}`,
      );
      for (const p of snap.cache?.decoded ? cacheProblems(snap.cache.decoded) : []) o.out(`# ${p.severity}: ${p.message}\n`);
      snap.idp.forEach((v, i) => {
        o.out(
          `\n# ${IDP_ATTRIBUTE} value ${i + 1}${v.error ? ` — not valid JSON: ${v.error}` : ''}\n${readableValue(IDP_ATTRIBUTE, v.raw, { maskSecrets: true })}`,
        );
        for (const p of v.decoded ? idpProblems(v.decoded) : []) o.out(`# ${p.severity}: ${p.message}\n`);
      });
      return 0;
    }
    case 'set-cache': {
      if (!servers?.length && !config.cache) {
        o.err('gluu-cluster: ldap set-cache needs --servers HOST:PORT[,HOST:PORT] (the cluster file has no cache host)\n');
        return 2;
      }
      const type = o.providerType ?? 'STANDALONE';
      if (!(REDIS_PROVIDER_TYPES as readonly string[]).includes(type)) {
        o.err(`gluu-cluster: --provider-type must be one of ${REDIS_PROVIDER_TYPES.join(', ')}\n`);
        return 2;
      }
      const list = servers?.length ? servers : [`${config.cache!.host}:${config.cache!.port}`];
      const change = { cacheProviderType: 'REDIS', redisConfiguration: { redisProviderType: type, servers: list.join(',') } };
      const r = await applyLdapAction(access, { kind: 'ldap', host: node, title: 'set-cache', attribute: 'cache', change });
      o.out(r.lines.map((l) => `${node} | ${l}\n`).join(''));
      return 0;
    }
    case 'set-idp-servers': {
      const list = servers?.length ? servers : config.nodes.map((n) => `${n.host}:${LDAPS_PORT}`);
      const r = await applyLdapAction(access, {
        kind: 'ldap',
        host: node,
        title: 'set-idp-servers',
        attribute: 'idpAuthentication',
        change: { servers: list },
      });
      o.out(r.lines.map((l) => `${node} | ${l}\n`).join(''));
      return 0;
    }
    default:
      o.err(`gluu-cluster: ldap what? get, set-cache or set-idp-servers\n`);
      return 2;
  }
}
