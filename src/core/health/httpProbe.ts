/**
 * HTTPS requests made ON a host with curl (the view from the load balancer or from the node
 * itself, not from the editor's machine): each probe prints one line "@@probe ID STATUS EXIT
 * BODY-BASE64", so any body (JSON over several lines, HTML) comes back whole and unambiguous.
 */
import { lines, sh, type Shell } from '../ssh/shell';

export interface Probe {
  id: string;
  url: string;
  /** curl --resolve HOST:PORT:ADDRESS: the name in the URL (and Host, SNI) reached at ADDRESS. */
  resolve?: string;
  maxTimeS: number;
}

export interface ProbeResult {
  /** The HTTP status; 0 when no answer came (curl's "000"). */
  status: number;
  /** curl's exit code: 0, or why no answer came (see curlWords). */
  curlExit: number;
  body: string;
}

/** The line a script prints when the host has no curl: the probes cannot run. */
export const NO_CURL = '@@nocurl';

/** One probe's command; needs "$b", a temporary file the script made. */
export function probeCommand(p: Probe): Shell {
  const resolve = p.resolve ? sh`--resolve ${p.resolve}` : sh``;
  return sh`code=$(curl -sk --max-time ${p.maxTimeS} ${resolve} -o "$b" -w '%{http_code}' ${p.url}); rc=$?; printf '@@probe %s %s %s ' ${p.id} "$code" "$rc"; base64 < "$b" | tr -d '\n'; echo; : > "$b"`;
}

/** The probes one after another, with curl's absence said once. */
export function probesScript(probes: readonly Probe[]): Shell {
  return sh`if command -v curl >/dev/null 2>&1; then
b=$(mktemp) || exit 3
${lines(...probes.map(probeCommand))}
rm -f "$b"
else echo ${NO_CURL}; fi`;
}

/** The probes' answers by id, from a script's output (other lines are ignored). */
export function parseProbes(stdout: string): Map<string, ProbeResult> {
  const out = new Map<string, ProbeResult>();
  for (const line of stdout.split('\n')) {
    const m = /^@@probe (\S+) (\d*) (\d+) ?(\S*)$/.exec(line);
    if (!m) continue;
    out.set(m[1], { status: Number(m[2] || 0), curlExit: Number(m[3]), body: Buffer.from(m[4], 'base64').toString('utf8') });
  }
  return out;
}

const CURL_EXIT: Record<number, string> = {
  6: 'the host name does not resolve',
  7: 'connection refused or no route',
  28: 'no answer in time',
  35: 'the TLS handshake failed',
  52: 'the server closed the connection without an answer',
  56: 'the connection broke while receiving',
};

/** Why a probe got no answer, in words (curl's exit code named). */
export function curlWords(r: ProbeResult): string {
  return `${CURL_EXIT[r.curlExit] ?? 'curl failed'} (curl exit ${r.curlExit})`;
}

/** Whether an HTTP answer came at all (any status). */
export const answered = (r: ProbeResult | undefined): r is ProbeResult => r !== undefined && r.status > 0;
