/**
 * On every node, the Gluu certificates go into the JRE's cacerts under "<lb-host>_<name>", as
 * cluster-mgr's keystore_Config.py does (delete the old alias, import the file); files that do
 * not exist on this installation (openldap.crt on OpenDJ, asimba.crt without Asimba) are skipped.
 *
 * Unlike cluster-mgr, an alias that already holds its file's certificate is left alone, and the
 * check compares fingerprints, not just alias names: keytool starts a JVM (about a second of CPU)
 * per call, and cacerts is listed once per node (`keytool -list -v`) instead of once per
 * certificate: with six certificates, checking a current node starts one JVM instead of six, and
 * a first run nine instead of nineteen. Comparing fingerprints also catches an alias left from
 * an older file (a certificate copied again from the primary), which an alias-exists check calls
 * done.
 */
import type { ClusterConfig } from '../../config/types';
import { lines, sh, type Shell } from '../../ssh/shell';
import type { StepRenderer } from '../stepPlan';
import { CERTS_DIR, JRE_CACERTS, KEYTOOL, exec } from './common';

/** JRE default store password: public knowledge, not a secret. */
const STOREPASS = 'changeit';

/**
 * keytool starts a third faster with the client compiler and the serial collector; in English
 * whatever the host's locale, since its listing is parsed ("Alias name:").
 */
const FAST_JVM = sh`-J-XX:TieredStopAtLevel=1 -J-XX:+UseSerialGC -J-Duser.language=en`;

export function keystoreCerts(config: ClusterConfig): string[] {
  return ['httpd', 'shibIDP', 'idp-encryption', 'idp-signing', 'asimba', config.gluu.ldap];
}

export const keystoreAlias = (config: ClusterConfig, name: string) => `${config.loadBalancer.host}_${name}`;

/**
 * cacerts' entries as "@@alias ALIAS SHA256" lines with one keytool start, aliases in lower case
 * as JKS keeps them (-v: Java 8 prints SHA-256 only there). Nothing when keytool cannot read it.
 */
export function cacertsAliases(): Shell {
  const program = `/^Alias name: / { a = tolower(substr($0, 13)) } /^[ \t]*SHA256: / { sub(/^[ \t]*SHA256: /, ""); print "@@alias", a, $0 }`;
  return sh`${KEYTOOL} ${FAST_JVM} -list -v -keystore ${JRE_CACERTS} -storepass ${STOREPASS} 2>/dev/null | awk ${program}`;
}

/**
 * Shell functions, each certificate then one line: `fingerprints NAME ALIAS` sets want (the
 * file's SHA-256, upper-case hex with colons as keytool prints it) and have (its alias's in
 * cacerts, listed once into $entries); `holds NAME ALIAS` succeeds when a present file's alias
 * holds it; `put NAME ALIAS` imports the file unless `holds` says so, deleting a stale alias
 * first ($have, which `holds` set; its status is the import's).
 */
const FUNCTIONS = lines(
  sh`entries=$(${cacertsAliases()})`,
  sh`fingerprints() { want=$(openssl x509 -noout -fingerprint -sha256 -in ${CERTS_DIR}/"$1".crt 2>/dev/null | sed 's/^[^=]*=//' | tr a-f A-F); have=$(printf '%s\n' "$entries" | awk -v a="$(printf '%s' "$2" | tr A-Z a-z)" '$2 == a { print $3 }'); }`,
  sh`holds() { [ ! -f ${CERTS_DIR}/"$1".crt ] || { fingerprints "$1" "$2"; [ -n "$want" ] && [ "$have" = "$want" ]; }; }`,
  sh`put() {
  [ -f ${CERTS_DIR}/"$1".crt ] || { echo "skip $1.crt: not on this node"; return 0; }
  if holds "$1" "$2"; then echo "$2 already holds $1.crt"; return 0; fi
  { [ -z "$have" ] || ${KEYTOOL} ${FAST_JVM} -delete -alias "$2" -keystore ${JRE_CACERTS} -storepass ${STOREPASS} -noprompt; } && ${KEYTOOL} ${FAST_JVM} -import -trustcacerts -alias "$2" -file ${CERTS_DIR}/"$1".crt -keystore ${JRE_CACERTS} -storepass ${STOREPASS} -noprompt
}`,
);

/** `holds` or `put` for every certificate, one per line, stopping at the first that fails. */
function eachCert(config: ClusterConfig, fn: 'holds' | 'put'): Shell {
  const calls = keystoreCerts(config).map((n) =>
    fn === 'put' ? sh`put ${n} ${keystoreAlias(config, n)}` : sh`holds ${n} ${keystoreAlias(config, n)}`,
  );
  return lines(FUNCTIONS, ...calls.map((c, i) => (i < calls.length - 1 ? sh`${c} &&` : c)));
}

export const renderKeystores: StepRenderer = ({ config }, resolved) => ({
  before: [],
  targets: resolved.targets.map((t) => ({
    host: t.host,
    label: t.host,
    actions: [
      exec(t.host, `import ${CERTS_DIR}/<name>.crt into cacerts as ${keystoreAlias(config, '<name>')}`, eachCert(config, 'put'), true),
    ],
    check: { script: eachCert(config, 'holds'), container: true },
    verify: { script: eachCert(config, 'holds'), container: true },
  })),
  after: [],
  notes: [
    `Aliases are "${config.loadBalancer.host}_<name>". Idempotent: an alias that holds its file's certificate is kept, a stale one is deleted and imported again; cacerts is listed once per node (each keytool call starts a JVM).`,
  ],
});
