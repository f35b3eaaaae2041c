/**
 * /etc/hosts on every node and the load balancer (and inside the nodes' containers), and each
 * host's FQDN as its hostname. Our lines live between markers, replaced as a block, so the step
 * can run again after a node is added.
 */
import { nodesPrimaryFirst } from '../../config/resolve';
import type { ClusterConfig } from '../../config/types';
import { and, sh, type Shell } from '../../ssh/shell';
import type { StepRenderer } from '../stepPlan';
import { exec } from './common';

export const HOSTS_BEGIN = '# BEGIN gluu-cluster';
export const HOSTS_END = '# END gluu-cluster';

export function hostsLines(config: ClusterConfig): string[] {
  return [config.loadBalancer, ...nodesPrimaryFirst(config)].map((h) => `${h.address} ${h.host}`);
}

/**
 * Our markers must pair up: a BEGIN without its END (a hand edit, a truncated copy) would make
 * the block replacement below drop every line after it. Refuse, and say which file to fix.
 */
function markersPaired(file: string): Shell {
  const problem = `${file}: unpaired gluu-cluster BEGIN/END markers; not editing it (the lines after them would be lost). Fix the markers by hand, then run the step again.`;
  return sh`{ awk -v b=${HOSTS_BEGIN} -v e=${HOSTS_END} '$0==b{if(open)bad=1;open=1} $0==e{if(!open)bad=1;open=0} END{exit (bad||open)?1:0}' ${file} || { printf '%s\n' ${problem} >&2; false; }; }`;
}

/**
 * The lines of /etc/hosts outside our block decide what we add: a name they already map to its
 * address is not added again (two equal lines make getaddrinfo return the address twice, and a
 * server told to listen on that name then binds it twice and fails: "Address already in use");
 * a name they map to another address is a conflict the first line would win, so it is refused.
 * mode=check exits 0 when every name resolves to its address; mode=write prints the new file.
 */
const HOSTS_AWK = `
BEGIN { n = split(want, w, "\\n"); for (i = 1; i <= n; i++) { split(w[i], f, " "); addr[tolower(f[2])] = f[1]; line[i] = w[i]; nm[i] = tolower(f[2]) } }
$0 == b { skip = 1; next }
$0 == e { skip = 0; next }
{ if (mode == "write" && !skip) print }
/^[ \\t]*#/ || NF < 2 { next }
{
  for (i = 2; i <= NF; i++) {
    if ($i ~ /^#/) break
    name = tolower($i)
    if (!(name in addr)) continue
    if ($1 == addr[name]) { if (skip) inblock[name] = 1; else outside[name] = 1 }
    else if (!skip) bad = bad FILENAME ": " $1 " " $i " (outside the gluu-cluster lines), but the cluster file says " addr[name] "\\n"
  }
}
END {
  if (bad != "") { printf "%s", bad > "/dev/stderr"; exit 4 }
  if (mode == "check") { for (i = 1; i <= n; i++) if (!(nm[i] in outside) && !(nm[i] in inblock)) exit 1; exit 0 }
  print b; for (i = 1; i <= n; i++) if (!(nm[i] in outside)) print line[i]; print e
}`;

export function hostsAwk(config: ClusterConfig, mode: 'check' | 'write', file: string): Shell {
  return sh`awk -v b=${HOSTS_BEGIN} -v e=${HOSTS_END} -v mode=${mode} -v want=${hostsLines(config).join('\\n')} ${HOSTS_AWK} ${file}`;
}

/** Replace our block in /etc/hosts, keeping the file's inode (it may be a bind mount). */
function writeHostsBlock(config: ClusterConfig): Shell {
  const conflict = 'Fix or remove those lines by hand (they would win over ours), then run the step again. Nothing was changed.';
  return and(
    markersPaired('/etc/hosts'),
    sh`tmp=$(mktemp)`,
    sh`{ ${hostsAwk(config, 'write', '/etc/hosts')} >"$tmp" || { printf '%s\n' ${conflict} >&2; rm -f "$tmp"; false; }; }`,
    sh`cat "$tmp" >/etc/hosts`,
    sh`rm -f "$tmp"`,
  );
}

function hostsPresent(config: ClusterConfig): Shell {
  return hostsAwk(config, 'check', '/etc/hosts');
}

function setHostname(fqdn: string): Shell {
  return and(sh`hostname ${fqdn}`, sh`printf '%s\n' ${fqdn} >/etc/hostname`);
}

export const renderHosts: StepRenderer = ({ config }, resolved) => ({
  before: [],
  targets: resolved.targets.map((t) => {
    const isNode = t.role !== 'loadBalancer';
    const inContainer = isNode && config.gluu.container !== 'none';
    return {
      host: t.host,
      label: t.host,
      actions: [
        exec(t.host, 'write the cluster hosts into /etc/hosts', writeHostsBlock(config), false),
        ...(inContainer ? [exec(t.host, "write them into the Gluu container's /etc/hosts", writeHostsBlock(config), true)] : []),
        exec(t.host, `set the hostname to ${t.host}`, setHostname(t.host), false),
      ],
      check: { script: and(hostsPresent(config), sh`[ "$(hostname)" = ${t.host} ]`), container: false },
      verify: { script: and(hostsPresent(config), sh`[ "$(hostname)" = ${t.host} ]`), container: false },
    };
  }),
  after: [],
  notes: [
    'Idempotent: the cluster lines sit between "# BEGIN gluu-cluster" and "# END gluu-cluster" and are replaced as a block.',
    'A name /etc/hosts already maps to its address is not added again; one it maps to another address stops the step (that line would win).',
  ],
});
