/**
 * Certificates: Apache's httpd.crt (/etc/certs in the container on each node, /etc/nginx/ssl on
 * the load balancer, where the nginx step copies the primary's) is the primary's everywhere and
 * not about to expire, and each node's JRE cacerts holds the aliases the keystores step imports,
 * with the certificate that is in /etc/certs now.
 *
 * A different httpd.crt on one host is critical, not a warning: each node's Java applications
 * (oxTrust, Shibboleth) call https://<load balancer> and trust the certificate imported into their
 * cacerts as <lb>_httpd, while nginx presents its own copy; when the two differ those calls fail
 * TLS on that node, and clients that pin the certificate fail against it. Expiry: under 30 days a
 * warning, expired critical. A missing or stale httpd alias is critical for the same reason; the
 * other aliases (Shibboleth, Asimba, LDAP) a warning.
 */
import { X509Certificate } from 'node:crypto';
import { primaryNode } from '../../config/resolve';
import type { ClusterConfig } from '../../config/types';
import { hostPath } from '../../gluu/container';
import { jksFingerprints } from '../../gluu/jks';
import { NGINX_SSL_DIR } from '../../render/nginx';
import { CERTS_DIR, JRE_CACERTS, KEYTOOL } from '../../plan/steps/common';
import { cacertsAliases, keystoreAlias, keystoreCerts } from '../../plan/steps/keystores';
import { lines, sh, type Shell } from '../../ssh/shell';
import { failureVerdict, rowOf, type HealthCheck, type Verdict } from '../check';
import type { HealthContext } from '../context';
import type { HealthRow } from '../model';

export const EXPIRY_WARN_DAYS = 30;
const DAY_MS = 86400000;

export interface CertFacts {
  /** SHA-256 "AB:CD:…", or undefined when the file is missing or unreadable. */
  fingerprint?: string;
  notAfter?: string;
  /** Why the file that is there could not be read as a certificate. */
  unreadable?: string;
  keytool: boolean;
  /** Per certificate name present in /etc/certs: the file's fingerprint and the alias's (undefined when absent). */
  aliases: { name: string; file: string; alias?: string }[];
}

/**
 * The files' bytes, base64, as "@@file PATH BASE64" or "@@nofile PATH" lines: the certificates are
 * read here (crypto's X509Certificate), not by an openssl process per file on the host.
 */
export function readFilesScript(files: readonly string[]): Shell {
  return lines(
    ...files.map((f) => sh`if [ -f ${f} ]; then printf '@@file %s %s\n' ${f} "$(base64 -w0 < ${f})"; else printf '@@nofile %s\n' ${f}; fi`),
  );
}

/** What readFilesScript printed: path → bytes (a missing file has no entry). */
export function parseFiles(stdout: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const l of stdout.split('\n')) {
    const m = /^@@file (\S+) ?(\S*)$/.exec(l.trim());
    if (m) files.set(m[1], Buffer.from(m[2], 'base64'));
  }
  return files;
}

/** A certificate file's fingerprint and expiry in openssl's words ("Nov 30 00:00:00 2027 GMT"). */
export function readCertificate(bytes: Buffer | undefined): Pick<CertFacts, 'fingerprint' | 'notAfter' | 'unreadable'> {
  if (!bytes) return {};
  try {
    const x = new X509Certificate(bytes);
    return { fingerprint: x.fingerprint256, notAfter: x.validTo };
  } catch (e) {
    return { unreadable: (e as Error).message };
  }
}

/**
 * The keystore's aliases with keytool, for a cacerts that is not JKS (jks.ts reads JKS here):
 * listed once, as the keystores step lists them (`cacertsAliases`).
 */
export function keytoolScript(): Shell {
  return sh`[ -x ${KEYTOOL} ] || { echo '@@nokeytool'; exit 0; }
${cacertsAliases()}`;
}

/** What keytoolScript printed: alias → SHA-256, or undefined when keytool is not there. */
export function parseKeytool(stdout: string): Map<string, string> | undefined {
  if (stdout.split('\n').includes('@@nokeytool')) return undefined;
  const aliases = new Map<string, string>();
  for (const l of stdout.split('\n')) {
    const w = l.trim().split(' ');
    if (w[0] === '@@alias' && w.length === 3) aliases.set(w[1], w[2]);
  }
  return aliases;
}

/**
 * A host's facts: its httpd.crt (`httpdFile`) and, on a node, each keystores-step certificate in
 * /etc/certs against its alias in `keystore` (undefined: keytool is missing).
 */
export function certFacts(
  config: ClusterConfig,
  files: Map<string, Buffer>,
  httpdFile: string,
  keystore: Map<string, string> | undefined | 'none',
): CertFacts {
  const aliases =
    keystore === 'none'
      ? []
      : keystoreCerts(config).flatMap((n) => {
          const file = readCertificate(files.get(`${CERTS_DIR}/${n}.crt`)).fingerprint;
          if (!file) return [];
          const alias = keystore?.get(keystoreAlias(config, n).toLowerCase());
          return [{ name: n, file, ...(alias ? { alias } : {}) }];
        });
  return { ...readCertificate(files.get(httpdFile)), keytool: keystore !== undefined, aliases };
}

/** The node's cacerts as JKS fingerprints; undefined when it cannot be downloaded or is not JKS (keytool reads it then). */
async function readKeystore(ctx: HealthContext, host: string): Promise<Map<string, string> | undefined> {
  try {
    const remote = await ctx.remote(host);
    return jksFingerprints(await remote.download(hostPath(ctx.config, JRE_CACERTS, true)));
  } catch {
    return undefined;
  }
}

const short = (f: string) => `${f.slice(0, 11)}…`;

/**
 * The httpd.crt of one host against the primary's (`reference`, undefined when it could not be
 * read) and the clock. `fixStep`: what copies it there (certs on nodes, nginx on the balancer).
 */
export function httpdVerdict(
  host: string,
  path: string,
  f: CertFacts,
  reference: string | undefined,
  isPrimary: boolean,
  now: number,
  fixStep: string,
): Verdict {
  if (f.unreadable) return { state: 'critical', reason: `${path} on ${host} is not a certificate (${f.unreadable})`, fixStep };
  if (!f.fingerprint) return { state: 'critical', reason: `${host} has no ${path}`, fixStep };
  const end = f.notAfter ? Date.parse(f.notAfter) : NaN;
  const days = Number.isNaN(end) ? undefined : Math.floor((end - now) / DAY_MS);
  const details = [`SHA-256 ${f.fingerprint}`, `not after ${f.notAfter ?? '?'}`];
  const value = days;
  if (!isPrimary && reference && f.fingerprint !== reference)
    return {
      state: 'critical',
      reason: `${path} on ${host} is not the primary's (SHA-256 ${short(f.fingerprint)} instead of ${short(reference)}): calls through the load balancer fail TLS there`,
      details,
      fixStep,
      ...(value !== undefined ? { value } : {}),
    };
  if (days === undefined)
    return { state: 'unknown', reason: `the expiry date of ${path} on ${host} could not be read ("${f.notAfter ?? ''}")`, details };
  if (days < 0) return { state: 'critical', reason: `${path} on ${host} expired on ${f.notAfter}`, details, value };
  if (days < EXPIRY_WARN_DAYS)
    return { state: 'warning', reason: `${path} on ${host} expires in ${days} days (${f.notAfter})`, details, value };
  if (!isPrimary && !reference)
    return {
      state: 'unknown',
      reason: `${path} on ${host} expires in ${days} days; the primary's could not be read to compare`,
      details,
      value,
    };
  return {
    state: 'ok',
    reason: `${path} on ${host} is ${isPrimary ? "the primary's own" : "the primary's"}, expires in ${days} days`,
    details,
    value,
  };
}

export function keystoreVerdict(host: string, f: CertFacts): Verdict {
  const fixStep = 'keystores';
  if (!f.keytool) return { state: 'unknown', reason: `${KEYTOOL} is not on ${host}: the keystore cannot be read` };
  if (f.aliases.length === 0)
    return { state: 'unknown', reason: `none of the certificates the keystores step imports is in ${CERTS_DIR} on ${host}` };
  const missing = f.aliases.filter((a) => !a.alias).map((a) => a.name);
  const stale = f.aliases.filter((a) => a.alias && a.alias !== a.file).map((a) => a.name);
  const problems = [
    ...(missing.length ? [`no alias for ${missing.join(', ')}`] : []),
    ...(stale.length ? [`another certificate than ${stale.map((n) => `${CERTS_DIR}/${n}.crt`).join(', ')}`] : []),
  ];
  if (problems.length === 0)
    return { state: 'ok', reason: `${host}'s cacerts holds the current ${f.aliases.map((a) => a.name).join(', ')}` };
  const httpd = missing.includes('httpd') || stale.includes('httpd');
  return {
    state: httpd ? 'critical' : 'warning',
    reason: `${host}'s cacerts (${JRE_CACERTS}) has ${problems.join(' and ')}${httpd ? ': its calls to the load balancer fail TLS' : ''}`,
    fixStep,
  };
}

const HTTPD = { group: 'certificates', id: 'httpd', title: 'httpd.crt' } as const;
const KEYSTORE = { group: 'certificates', id: 'keystore', title: 'Keystore aliases' } as const;

export const certificatesCheck: HealthCheck = {
  group: 'certificates',
  id: 'certificates',
  title: 'Certificates',
  async run(ctx: HealthContext): Promise<HealthRow[]> {
    const config = ctx.config;
    const primary = primaryNode(config).host;
    const lb = config.loadBalancer.host;
    const nodeFile = `${CERTS_DIR}/httpd.crt`;
    const lbFile = `${NGINX_SSL_DIR}/httpd.crt`;
    const hosts = [{ host: lb, file: lbFile, node: false }, ...config.nodes.map((n) => ({ host: n.host, file: nodeFile, node: true }))];
    const facts = await Promise.all(
      hosts.map(async (h): Promise<CertFacts | Verdict> => {
        try {
          if (!h.node)
            return certFacts(
              config,
              parseFiles((await ctx.exec(h.host, readFilesScript([h.file]), { timeoutMs: 20000 })).stdout),
              h.file,
              'none',
            );
          const wanted = [...new Set([h.file, ...keystoreCerts(config).map((n) => `${CERTS_DIR}/${n}.crt`)])];
          // The keystore is read here when it is JKS (Java 8's cacerts): no JVM start on the node.
          const [files, jks] = await Promise.all([
            ctx.exec(h.host, readFilesScript(wanted), { container: true, timeoutMs: 20000 }),
            readKeystore(ctx, h.host),
          ]);
          const keystore = jks ?? parseKeytool((await ctx.exec(h.host, keytoolScript(), { container: true, timeoutMs: 20000 })).stdout);
          return certFacts(config, parseFiles(files.stdout), h.file, keystore);
        } catch (e) {
          return failureVerdict(e, `Reading the certificates on ${h.host}`);
        }
      }),
    );
    const isFacts = (x: CertFacts | Verdict): x is CertFacts => 'aliases' in x;
    const p = facts[hosts.findIndex((h) => h.host === primary)];
    const reference = isFacts(p) ? p.fingerprint : undefined;
    return hosts.flatMap((h, i) => {
      const f = facts[i];
      if (!isFacts(f)) return [rowOf(HTTPD, ctx, h.host, f), ...(h.node ? [rowOf(KEYSTORE, ctx, h.host, f)] : [])];
      const httpd = httpdVerdict(h.host, h.file, f, reference, h.host === primary, ctx.now(), h.node ? 'certs' : 'nginx');
      return [rowOf(HTTPD, ctx, h.host, httpd), ...(h.node ? [rowOf(KEYSTORE, ctx, h.host, keystoreVerdict(h.host, f))] : [])];
    });
  },
};
