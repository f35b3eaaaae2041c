/**
 * The proof that LDAP replicates: an entry written on each node must appear on every other, then
 * be deleted everywhere. One loop for both LDAP flavours and both users: the OpenLDAP replication
 * step ("prove": stop at the first failure, with its message) and the health check ("report":
 * one line per pair with the delay, every probe removed again, never stop early). The tools
 * differ per flavour; the loop calls them as shell functions:
 *   seen TARGET DN MANAGER    0 when the entry exists on TARGET
 *   add TARGET MANAGER        adds the LDIF on stdin on TARGET
 *   del TARGET DN MANAGER     deletes DN on TARGET
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
export const PROBE_LINE = { arrived: 'probe-arrived', missing: 'probe-missing', unwritten: 'probe-unwritten', left: 'probe-left' } as const;

/**
 * `tools` defines seen/add/del; `targets` are the nodes' words in order; every base is probed
 * from every target. The deadline of a write is shared by its bases and peers: a node that does
 * not answer costs `waitSeconds` once per writer, not once per pair.
 */
export function probeLoop(
  tools: Shell,
  targets: readonly string[],
  bases: readonly ProbeBase[],
  waitSeconds: number,
  mode: ProbeMode,
): Shell {
  const prove = mode === 'prove';
  const perBase = bases.map((b, i) => {
    const ldif = sh`printf 'dn: %s\nobjectClass: organizationalRole\ncn: %s\ndescription: written by Gluu Cluster to prove replication; removed again\n' "$probe${i}" "$cn"`;
    const write = prove
      ? sh`${ldif} | add "$from" ${b.manager} >/dev/null || { echo "could not write the probe entry on $from" >&2; exit 1; }`
      : sh`if ! e=$(${ldif} | add "$from" ${b.manager} 2>&1 >/dev/null); then echo ${PROBE_LINE.unwritten} "$from" ${b.suffix} "$(printf '%s' "$e" | tr '\n' ' ' | cut -c1-200)"; ok${i}=; else ok${i}=1; fi`;
    const wait = prove
      ? sh`waitfor "$to" "$probe${i}" present ${b.manager} || { echo "an entry written on $from did not reach $to within ${waitSeconds} s" >&2; del "$from" "$probe${i}" ${b.manager}; exit 1; }
    echo "written on $from, read on $to after $(( ($(now) - t0) / 1000000 )) ms"`
      : sh`if [ -n "$ok${i}" ]; then
      if waitfor "$to" "$probe${i}" present ${b.manager}; then echo ${PROBE_LINE.arrived} "$from" "$to" ${b.suffix} "$(( ($(now) - t0) / 1000000 ))"; else echo ${PROBE_LINE.missing} "$from" "$to" ${b.suffix}; fi
    fi`;
    const remove = prove
      ? sh`del "$from" "$probe${i}" ${b.manager} || { echo "could not remove the probe entry $probe${i} from $from" >&2; exit 1; }
  for to in ${targets}; do
    waitfor "$to" "$probe${i}" absent ${b.manager} || { echo "the probe entry removed on $from is still on $to after ${waitSeconds} s" >&2; exit 1; }
  done`
      : sh`if [ -n "$ok${i}" ]; then
    if del "$from" "$probe${i}" ${b.manager} >/dev/null 2>&1; then
      for to in ${targets}; do waitfor "$to" "$probe${i}" absent ${b.manager} || echo ${PROBE_LINE.left} "$to" ${b.suffix} "$probe${i}"; done
    else echo ${PROBE_LINE.left} "$from" ${b.suffix} "$probe${i}"; fi
  fi`;
    return {
      name: sh`probe${i}="cn=$cn,"${b.suffix}`,
      write,
      wait,
      remove,
    };
  });
  const join = (parts: Shell[]) =>
    parts.reduce(
      (a, p) => sh`${a}
  ${p}`,
    );
  // One writer after another when proving (the first failure stops the step); all writers at
  // once when reporting (each in its own subshell, its lines whole), so the time does not grow
  // with the square of the nodes.
  const body = sh`  cn="gluu-cluster-probe-$run-$(printf '%s' "$from" | tr -cd 'a-z0-9')"
  ${join(perBase.map((p) => p.name))}
  ${join(perBase.map((p) => p.write))}
  t0=$(now); end=$(( t0 + ${waitSeconds}000000000 ))
  for to in ${targets}; do
    [ "$to" = "$from" ] && continue
    ${join(perBase.map((p) => p.wait))}
  done
  end=$(( $(now) + ${waitSeconds}000000000 ))
  ${join(perBase.map((p) => p.remove))}`;
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
${
  prove
    ? sh`for from in ${targets}; do
${body}
done`
    : sh`for from in ${targets}; do (
${body}
) & done
wait`
}`;
}
