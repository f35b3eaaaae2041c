/**
 * The proof that LDAP replicates: an entry written on each node must appear on every other, then
 * be deleted everywhere. One entry point for both LDAP flavours and both users: the OpenLDAP
 * replication step ("prove": one writer after another, stop at the first failure, with its
 * message) and the health check ("report": one line per pair with the delay, every probe removed
 * again, never stop early). The tools differ per flavour; the scripts call them as shell functions:
 *   seen TARGET DN MANAGER             0 when the entry exists on TARGET
 *   probes TARGET BASE MANAGER PREFIX  the cn of each entry one level under BASE whose cn starts with PREFIX;
 *                                      exits non-zero when the search fails (the server does not answer)
 *   add TARGET MANAGER                 adds the LDIF on stdin on TARGET
 *   del TARGET DN MANAGER              deletes DN on TARGET
 * A TARGET is whatever the tools connect to (an ldaps URL for OpenLDAP, a host name for OpenDJ).
 */
import { sh, type Shell } from '../../ssh/shell';

export interface ProbeBase {
  /** The suffix the probe entry goes under. */
  suffix: string;
  /** Who may write there (each database has its own directory manager in OpenLDAP). */
  manager: string;
}

export type ProbeMode = 'prove' | 'report';

/** Lines of the "report" mode (parsed by health/checks/replicationProbe.ts). */
export const PROBE_LINE = {
  arrived: 'probe-arrived',
  missing: 'probe-missing',
  unwritten: 'probe-unwritten',
  left: 'probe-left',
  unread: 'probe-unread',
} as const;

/** What a round's search prints for a reader whose search failed (its entries are then not waited for). */
const UNREAD = '@@unread';

/**
 * `tools` defines the functions above; `targets` are the nodes' words in order; every base is
 * probed from every target.
 */
export function probeLoop(
  tools: Shell,
  targets: readonly string[],
  bases: readonly ProbeBase[],
  waitSeconds: number,
  mode: ProbeMode,
): Shell {
  return mode === 'prove' ? proveLoop(tools, targets, bases, waitSeconds) : probeReport(tools, targets, bases, waitSeconds);
}

/**
 * The step's proof: one writer after another, so the first failure stops the step with its
 * message. The deadline of a write is shared by its bases and peers.
 */
function proveLoop(tools: Shell, targets: readonly string[], bases: readonly ProbeBase[], waitSeconds: number): Shell {
  const perBase = bases.map((b, i) => {
    const ldif = sh`printf 'dn: %s\nobjectClass: organizationalRole\ncn: %s\ndescription: written by Gluu Cluster to prove replication; removed again\n' "$probe${i}" "$cn"`;
    return {
      name: sh`probe${i}="cn=$cn,"${b.suffix}`,
      write: sh`${ldif} | add "$from" ${b.manager} >/dev/null || { echo "could not write the probe entry on $from" >&2; exit 1; }`,
      wait: sh`waitfor "$to" "$probe${i}" present ${b.manager} || { echo "an entry written on $from did not reach $to within ${waitSeconds} s" >&2; del "$from" "$probe${i}" ${b.manager}; exit 1; }
    echo "written on $from, read on $to after $(( ($(now) - t0) / 1000000 )) ms"`,
      remove: sh`del "$from" "$probe${i}" ${b.manager} || { echo "could not remove the probe entry $probe${i} from $from" >&2; exit 1; }
  for to in ${targets}; do
    waitfor "$to" "$probe${i}" absent ${b.manager} || { echo "the probe entry removed on $from is still on $to after ${waitSeconds} s" >&2; exit 1; }
  done`,
    };
  });
  const join = (parts: Shell[]) =>
    parts.reduce(
      (a, p) => sh`${a}
  ${p}`,
    );
  return sh`${tools}
now() { date +%s%N; }
waitfor() { # target dn present|absent manager
  while :; do
    if seen "$1" "$2" "$4"; then [ "$3" = present ] && return 0; else [ "$3" = absent ] && return 0; fi
    [ "$(now)" -lt "$end" ] || return 1
    sleep 0.05
  done
}
run=$$-$(date +%s)
for from in ${targets}; do
  cn="gluu-cluster-probe-$run-$(printf '%s' "$from" | tr -cd 'a-z0-9')"
  ${join(perBase.map((p) => p.name))}
  ${join(perBase.map((p) => p.write))}
  t0=$(now); end=$(( t0 + ${waitSeconds}000000000 ))
  for to in ${targets}; do
    [ "$to" = "$from" ] && continue
    ${join(perBase.map((p) => p.wait))}
  done
  end=$(( $(now) + ${waitSeconds}000000000 ))
  ${join(perBase.map((p) => p.remove))}
done`;
}

/**
 * The health check's probe, in four phases that each run on every node at once: every node writes
 * its entries; every node is read, one search per base per round listing all the probe entries it
 * has (a round costs one LDAP call per node and base, not one per pair: the work grows with the
 * nodes, not with their square, which matters where each call starts a JVM, as OpenDJ's tools do);
 * every node deletes its own; every node is read until none is left. A written entry leaves the
 * file "<base>.<cn>" holding "<time after the write> <writer> <cn>" in a temporary folder: that is
 * how the readers know what to wait for and since when.
 */
function probeReport(tools: Shell, targets: readonly string[], bases: readonly ProbeBase[], waitSeconds: number): Shell {
  const join = (parts: Shell[]) =>
    parts.reduce(
      (a, p) => sh`${a}
${p}`,
    );
  const write = bases.map((b, i) => {
    const ldif = sh`printf 'dn: cn=%s,%s\nobjectClass: organizationalRole\ncn: %s\ndescription: written by Gluu Cluster to check replication; removed again\n' "$cn" ${b.suffix} "$cn"`;
    return sh`  if e=$(${ldif} | add "$from" ${b.manager} 2>&1 >/dev/null); then echo "$(now) $from $cn" > ${i}."$cn"; else echo ${PROBE_LINE.unwritten} "$from" ${b.suffix} "$(printf '%s' "$e" | tr '\n' ' ' | cut -c1-200)"; fi`;
  });
  // A round searches every base that still has entries to wait for, once; an entry is there when
  // its cn is one of the words its base's search printed (matched by the shell: no process per entry). All bases share a round, so a base whose
  // entries never come does not delay the reading of the others.
  const round = join(
    bases.map(
      (b, i) =>
        sh`    case " $todo" in *" ${i}."*) got${i}=$({ probes "$to" ${b.suffix} ${b.manager} "$prefix" 2>/dev/null || echo ${UNREAD}; } | tr '\n' ' ');; esac`,
    ),
  );
  const which = sh`read t0 w c < "$f"; case $f in ${join(bases.map((b, i) => sh`${i}.*) got=$got${i}; s=${b.suffix};;`))} esac`;
  // A reader whose search failed is not waited for: its entries are reported unread, at once.
  const unread = sh`case " $got " in *" ${UNREAD} "*) echo ${PROBE_LINE.unread} "$w" "$to" "$s"; continue;; esac`;
  const arrive = sh`  todo=""
  for f in *.*; do [ -e "$f" ] || continue; read t0 w c < "$f"; [ "$w" = "$to" ] || todo="$todo $f"; done
  while [ -n "$todo" ]; do
${round}
    t=$(now); still=""
    for f in $todo; do ${which}; ${unread}; case " $got " in *" $c "*) echo ${PROBE_LINE.arrived} "$w" "$to" "$s" "$(( (t - t0) / 1000000 ))";; *) still="$still $f";; esac; done
    todo=$still
    [ -n "$todo" ] || break
    if [ "$t" -ge "$end" ]; then for f in $todo; do ${which}; echo ${PROBE_LINE.missing} "$w" "$to" "$s"; done; break; fi
    sleep 0.05
  done`;
  // A delete that fails is reported on the writer and not waited for on the others.
  const remove = bases.map(
    (b, i) =>
      sh`  if [ -e ${i}."$cn" ]; then del "$from" "cn=$cn,"${b.suffix} ${b.manager} >/dev/null 2>&1 || { echo ${PROBE_LINE.left} "$from" ${b.suffix} "cn=$cn,"${b.suffix}; rm -f ${i}."$cn"; }; fi`,
  );
  const gone = sh`  todo=""
  for f in *.*; do [ -e "$f" ] && todo="$todo $f"; done
  while [ -n "$todo" ]; do
${round}
    still=""
    for f in $todo; do ${which}; case " $got " in *" ${UNREAD} "*) continue;; *" $c "*) still="$still $f";; esac; done
    todo=$still
    [ -n "$todo" ] || break
    if [ "$(now)" -ge "$end" ]; then for f in $todo; do ${which}; echo ${PROBE_LINE.left} "$to" "$s" "cn=$c,$s"; done; break; fi
    sleep 0.05
  done`;
  const writers = (body: Shell[]) => sh`for from in ${targets}; do (
  cn="$prefix$(printf '%s' "$from" | tr -cd 'a-z0-9')"
${join(body)}
) & done
wait`;
  const readers = (body: Shell[]) => sh`for to in ${targets}; do (
${join(body)}
) & done
wait`;
  return sh`${tools}
now() { date +%s%N; }
prefix="gluu-cluster-probe-$$-$(date +%s)-"
d=$(mktemp -d) && cd "$d" || exit 1
trap 'cd / && rm -rf "$d"' EXIT
${writers(write)}
end=$(( $(now) + ${waitSeconds}000000000 ))
${readers([arrive])}
${writers(remove)}
end=$(( $(now) + ${waitSeconds}000000000 ))
${readers([gone])}`;
}
