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

/** Replace our block in /etc/hosts, keeping the file's inode (it may be a bind mount). */
function writeHostsBlock(config: ClusterConfig): Shell {
  const block = [HOSTS_BEGIN, ...hostsLines(config), HOSTS_END];
  return and(
    markersPaired('/etc/hosts'),
    sh`tmp=$(mktemp)`,
    sh`awk -v b=${HOSTS_BEGIN} -v e=${HOSTS_END} '$0==b{skip=1;next} $0==e{skip=0;next} !skip' /etc/hosts >"$tmp"`,
    sh`printf '%s\n' ${block} >>"$tmp"`,
    sh`cat "$tmp" >/etc/hosts`,
    sh`rm -f "$tmp"`,
  );
}

function hostsPresent(config: ClusterConfig): Shell {
  return and(...hostsLines(config).map((l) => sh`grep -qxF ${l} /etc/hosts`));
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
  notes: ['Idempotent: the cluster lines sit between "# BEGIN gluu-cluster" and "# END gluu-cluster" and are replaced as a block.'],
});
