/**
 * The shell the OpenLDAP replication steps run on the nodes (inside the Gluu container), kept
 * apart from the step definitions because it is long: restarting solserver and waiting for its
 * socket, splicing the generated replication file into slapd.conf, and the probe that proves
 * replication end to end. Values go in through the quoting helper only.
 */
import type { ClusterConfig, GluuNode } from '../../config/types';
import { LDAPS_PORT } from '../../gluu/facts';
import { listensOn } from '../../gluu/listening';
import { PEERS_BUNDLE, SLAPD_CONF, SOLSERVER, SYMAS_BIN, SYMAS_SBIN, peerUrl } from '../../gluu/openldap';
import { PASSWORD_PLACEHOLDER } from '../../render/openldapReplication';
import { sh, type Shell } from '../../ssh/shell';
import { probeLoop, type ProbeMode } from './replicationProbe';

/** Seconds a node has to come back (solserver) or a change to reach every node (the probe). */
export const WAIT_SECONDS = 30;

/** solserver restarted, then up to WAIT_SECONDS for its LDAPS socket (on `address`, or loopback). */
export function restartSolserver(address = '127.0.0.1'): Shell {
  return sh`service ${SOLSERVER} restart && { i=0; until ${listensOn(address, LDAPS_PORT)}; do i=$((i+1)); [ $i -le ${WAIT_SECONDS * 10} ] || { echo ${`${SOLSERVER} did not listen on ${address}:${LDAPS_PORT} within ${WAIT_SECONDS} s`} >&2; exit 1; }; sleep 0.1; done; }`;
}

/** Whether slapd.conf has a database with this suffix (Gluu writes `suffix "o=site"`). */
export function hasDatabase(suffix: string): Shell {
  return sh`grep -Eiq ${`^suffix[[:space:]]+"?${suffix.replace(/[.]/g, (c) => `\\${c}`)}"?[[:space:]]*$`} ${SLAPD_CONF}`;
}

// Removes earlier BEGIN/END blocks of ours, then writes each section of the fragment: "global"
// before the first database line, "database SUFFIX" at the end of the database with that suffix.
// The password (first line of pwfile) replaces the placeholder, double-quoted as slapd.conf reads it.
const SPLICE = `
function flush() {
  if (cur != "" && (("database " cur) in body) && !(cur in done)) { done[cur] = 1; emit("database " cur) }
}
function emit(name) {
  printf "# BEGIN gluu-cluster replication: %s (from the cluster's openldap-replication.conf)\\n%s# END gluu-cluster replication: %s\\n", name, body[name], name
}
BEGIN {
  getline pw < pwfile
  q = ""
  for (k = 1; k <= length(pw); k++) { c = substr(pw, k, 1); if (c == "\\\\" || c == "\\"") q = q "\\\\"; q = q c }
  sec = ""
  while ((getline line < frag) > 0) {
    if (line ~ /^#== .* ==[ \\t]*$/) { sec = line; sub(/^#== /, "", sec); sub(/ ==[ \\t]*$/, "", sec); sec = tolower(sec); continue }
    if (sec == "") continue
    out = ""
    while ((i = index(line, placeholder)) > 0) { out = out substr(line, 1, i - 1) "\\"" q "\\""; line = substr(line, i + length(placeholder)) }
    body[sec] = body[sec] out line "\\n"
  }
}
/^# BEGIN gluu-cluster replication/ { skip = 1; next }
/^# END gluu-cluster replication/ { skip = 0; next }
skip { next }
/^database[ \\t]/ { flush(); if (!g) { g = 1; if ("global" in body) emit("global") } cur = ""; print; next }
/^suffix[ \\t]/ { s = $0; sub(/^suffix[ \\t]+/, "", s); gsub(/[" \\t]/, "", s); cur = tolower(s) }
{ print }
END { flush(); if (!g) exit 3 }
`;

/** Prints `conf` with the sections of `fragment` spliced in, the password from `pwFile` filled in (exit 3: no database in conf). */
export function spliceReplication(conf: string, fragment: string, pwFile: string): Shell {
  return sh`awk -v frag=${fragment} -v pwfile=${pwFile} -v placeholder=${PASSWORD_PLACEHOLDER} ${SPLICE} ${conf}`;
}

/**
 * slapd.conf with the fragment spliced in, as `${SLAPD_CONF}.gluu-cluster.new` (0600: it holds the
 * replication password), checked with slaptest; then solserver stopped, the new file in place
 * (the previous kept as .gluu-cluster.prev, the first original as .gluu-cluster.bak), the new
 * indexes built, solserver started. If the check, the indexing or the start fails, the previous
 * slapd.conf comes back and solserver starts with it.
 */
export function applyReplicationConfig(
  fragment: string,
  pwFile: string,
  databases: readonly { suffix: string; directory: string; accesslogDirectory: string }[],
): Shell {
  const conf = SLAPD_CONF;
  const next = `${conf}.gluu-cluster.new`;
  const prev = `${conf}.gluu-cluster.prev`;
  // Every change log database is in the global section, so each needs its folder, owned like o=gluu's.
  const dirs = databases.map(
    (d) =>
      sh`mkdir -p ${d.accesslogDirectory} && chown "$(stat -c %U:%G ${databases[0].directory})" ${d.accesslogDirectory} && chmod 700 ${d.accesslogDirectory}`,
  );
  const reindex = databases.map(
    (d) =>
      sh`{ ! ${hasDatabase(d.suffix)} || { ${SYMAS_SBIN}/slapindex -q -f ${conf} -b ${d.suffix} entryCSN entryUUID && chown -R "$(stat -c %U:%G ${d.directory})" ${d.directory}; }; }`,
  );
  const joined = (parts: Shell[]) => parts.reduce((a, b) => sh`${a} && ${b}`);
  return sh`umask 077
${spliceReplication(conf, fragment, pwFile)} > ${next} || { rm -f ${next}; echo ${`${conf} has no database section to add the replication to, or the fragment could not be read; nothing was changed`} >&2; exit 1; }
chown --reference=${conf} ${next} && chmod 600 ${next}
${joined(dirs)} || exit 1
${SYMAS_SBIN}/slaptest -u -f ${next} || { rm -f ${next}; echo ${'slaptest refused the new slapd.conf (above); nothing was changed'} >&2; exit 1; }
[ -e ${`${conf}.gluu-cluster.bak`} ] || cp -p ${conf} ${`${conf}.gluu-cluster.bak`}
cp -p ${conf} ${prev}
service ${SOLSERVER} stop
mv ${next} ${conf}
if ! { ${joined(reindex)} && ${restartSolserver()}; }; then
  echo ${`solserver did not start with the new configuration: the previous slapd.conf is back (${prev} is it); the new one is ${conf}.gluu-cluster.failed`} >&2
  cp -p ${conf} ${`${conf}.gluu-cluster.failed`}; cp -p ${prev} ${conf}; service ${SOLSERVER} stop; ${restartSolserver()}; exit 1
fi`;
}

/**
 * The probe loop's tools for OpenLDAP: each node at its ldaps URL, trusting every node's
 * certificate. The step's proof reads one entry at a time (seen), the health check's report lists
 * them (probes).
 */
export function openldapProbeTools(pwFile: string | Shell, mode: ProbeMode, caFile: string = PEERS_BUNDLE): Shell {
  const tool = (name: string) => sh`LDAPTLS_CACERT=${caFile} ${SYMAS_BIN}/${name} -x -H "$1" -y ${pwFile}`;
  const read =
    mode === 'prove'
      ? sh`seen() { ${tool('ldapsearch')} -D "$3" -LLL -o ldif-wrap=no -b "$2" -s base 1.1 2>/dev/null | grep -q '^dn:'; }`
      : sh`probes() { r=$(${tool('ldapsearch')} -D "$3" -LLL -o ldif-wrap=no -b "$2" -s one "(cn=$4*)" cn) || return; printf '%s\n' "$r" | sed -n 's/^cn: //p'; }`;
  return sh`${read}
add() { ${tool('ldapadd')} -D "$2"; }
del() { ${tool('ldapdelete')} -D "$3" "$2"; }`;
}

/**
 * The proof that the cluster replicates, run on the primary against every node over LDAPS: an
 * entry written on each node must appear on every other (the delay is printed), then be deleted
 * everywhere; finally every node's contextCSN of `suffix` must agree (one value per server id).
 */
export function replicationProbe(config: ClusterConfig, nodes: readonly GluuNode[], pwFile: string): Shell {
  const dn = config.gluu.bindDN;
  const base = config.gluu.baseDN;
  const urls = nodes.map((n) => peerUrl(n));
  const search = sh`LDAPTLS_CACERT=${PEERS_BUNDLE} ${SYMAS_BIN}/ldapsearch -LLL -o ldif-wrap=no -x -D ${dn} -y ${pwFile}`;
  return sh`${probeLoop(openldapProbeTools(pwFile, 'prove'), urls, [{ suffix: base, manager: dn }], WAIT_SECONDS, 'prove')}
csns() { ${search} -H "$1" -b ${base} -s base contextCSN 2>/dev/null | sed -n 's/^contextCSN: //p' | sort | tr '\n' ' '; }
end=$(( $(now) + ${WAIT_SECONDS}000000000 ))
while :; do
  first=""; same=1
  for u in ${urls}; do c=$(csns "$u"); [ -n "$c" ] || same=0; if [ -z "$first" ]; then first=$c; elif [ "$c" != "$first" ]; then same=0; fi; done
  [ $same = 1 ] && { echo "contextCSN of ${base} agrees on every node: $first"; break; }
  [ "$(now)" -lt "$end" ] || { echo "contextCSN of ${base} still differs between the nodes after ${WAIT_SECONDS} s:" >&2; for u in ${urls}; do echo "  $u: $(csns "$u")" >&2; done; exit 1; }
  sleep 0.1
done`;
}
