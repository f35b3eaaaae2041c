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
import { primaryNode } from '../../config/resolve';
import type { ClusterConfig } from '../../config/types';
import { hostPath } from '../../gluu/container';
import { jksFingerprints } from '../../gluu/jks';
import { NGINX_SSL_DIR } from '../../render/nginx';
import { CERTS_DIR, JRE_CACERTS, KEYTOOL } from '../../plan/steps/common';
import { keystoreAlias, keystoreCerts } from '../../plan/steps/keystores';
import { lines, sh, type Shell } from '../../ssh/shell';
import { failureVerdict, rowOf, type HealthCheck, type Verdict } from '../check';
import type { HealthContext } from '../context';
import type { HealthRow } from '../model';

export const EXPIRY_WARN_DAYS = 30;
const DAY_MS = 86400000;
/** The JRE's default store password: public, and the one the keystores step uses. */
const STOREPASS = 'changeit';

export interface CertFacts {
  openssl: boolean;
  /** SHA-256 "AB:CD:…", or undefined when the file is missing. */
  fingerprint?: string;
  notAfter?: string;
  keytool: boolean;
  /** Per certificate name present in /etc/certs: the file's fingerprint and the alias's ("-" when absent). */
  aliases: { name: string; file: string; alias?: string }[];
}

const fp = (file: Shell) => sh`openssl x509 -in ${file} -noout -fingerprint -sha256 2>/dev/null | sed 's/.*=//'`;

/**
 * `keytool -list -v` once (one JVM start, not one per alias: a JVM takes a second or more; the
 * client compiler and the serial collector start it a third faster; -v for SHA-256 on Java 8) as
 * "alias SHA256" lines, aliases in lower case as JKS keeps them.
 */
const KEYSTORE_FINGERPRINTS = `/^Alias name: / { a = tolower(substr($0, 13)) } /^[ \t]*SHA256: / { sub(/^[ \t]*SHA256: /, ""); print a, $0 }`;

/**
 * The host's certificate facts. `keystore`: 'keytool' reads each alias's fingerprint with keytool;
 * 'files' prints only the files' (the keystore is then read here, see jks.ts); false neither.
 */
export function certScript(config: ClusterConfig, file: string, keystore: 'keytool' | 'files' | false): Shell {
  const viaKeytool = keystore === 'keytool';
  const aliases = keystore
    ? keystoreCerts(config).map((n) => {
        const crt = `${CERTS_DIR}/${n}.crt`;
        const alias = keystoreAlias(config, n).toLowerCase();
        const fromKeystore = viaKeytool ? sh`$(printf '%s\n' "$ks" | awk -v al=${alias} '$1 == al { print $2; exit }')` : sh``;
        return sh`if [ -f ${crt} ]; then f=$(${fp(sh`${crt}`)}); a=${fromKeystore}; [ -n "$a" ] || a=-; printf '@@alias %s %s %s\n' ${n} "$f" "$a"; fi`;
      })
    : [];
  return sh`command -v openssl >/dev/null 2>&1 || { echo '@@noopenssl'; exit 0; }
if [ -f ${file} ]; then printf '@@fingerprint %s\n' "$(${fp(sh`${file}`)})"; printf '@@notafter %s\n' "$(openssl x509 -in ${file} -noout -enddate | sed 's/.*=//')"; fi
${
  viaKeytool
    ? sh`[ -x ${KEYTOOL} ] || { echo '@@nokeytool'; exit 0; }
ks=$(${KEYTOOL} -J-XX:TieredStopAtLevel=1 -J-XX:+UseSerialGC -list -v -keystore ${JRE_CACERTS} -storepass ${STOREPASS} 2>/dev/null | awk ${KEYSTORE_FINGERPRINTS})`
    : sh``
}
${lines(...aliases)}
exit 0`;
}

export function parseCertFacts(stdout: string): CertFacts {
  const lines = stdout.split('\n');
  const value = (tag: string) =>
    lines
      .find((l) => l.startsWith(`${tag} `))
      ?.slice(tag.length + 1)
      .trim() || undefined;
  const fingerprint = value('@@fingerprint');
  const notAfter = value('@@notafter');
  return {
    openssl: !lines.includes('@@noopenssl'),
    ...(fingerprint ? { fingerprint } : {}),
    ...(notAfter ? { notAfter } : {}),
    keytool: !lines.includes('@@nokeytool'),
    aliases: lines
      .filter((l) => l.startsWith('@@alias '))
      .map((l) => l.slice(8).split(' '))
      .filter((w) => w.length === 3)
      .map(([name, file, alias]) => ({ name, file, ...(alias !== '-' ? { alias } : {}) })),
  };
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

/** The files' facts with each alias's fingerprint taken from the keystore read here. */
export function withKeystore(f: CertFacts, keystore: Map<string, string>, config: ClusterConfig): CertFacts {
  return {
    ...f,
    aliases: f.aliases.map((a) => {
      const fingerprint = keystore.get(keystoreAlias(config, a.name).toLowerCase());
      return { name: a.name, file: a.file, ...(fingerprint ? { alias: fingerprint } : {}) };
    }),
  };
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
  if (!f.openssl) return { state: 'unknown', reason: `openssl is not installed on ${host}: ${path} cannot be read` };
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
  if (!f.openssl) return { state: 'unknown', reason: `openssl is not installed on ${host}: the keystore cannot be compared` };
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
      hosts.map(async (h) => {
        try {
          if (!h.node) return parseCertFacts((await ctx.exec(h.host, certScript(config, h.file, false), { timeoutMs: 20000 })).stdout);
          // The keystore read here when it is JKS (Java 8's cacerts): no JVM start on the node.
          const [files, keystore] = await Promise.all([
            ctx.exec(h.host, certScript(config, h.file, 'files'), { container: true, timeoutMs: 20000 }),
            readKeystore(ctx, h.host),
          ]);
          if (keystore) return withKeystore(parseCertFacts(files.stdout), keystore, config);
          const r = await ctx.exec(h.host, certScript(config, h.file, 'keytool'), { container: true, timeoutMs: 20000 });
          return parseCertFacts(r.stdout);
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
