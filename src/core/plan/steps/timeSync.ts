/**
 * Synchronized clocks on every node and the load balancer (what the manual leaves out; Cluster
 * Manager installs ntpdate with a cron line): replication orders changes by their time, and TLS
 * and tokens go by the clock. Each host uses what it has: systemd-timesyncd (a drop-in with the
 * cluster's servers), else chrony (a conf.d file), else an ntpdate cron line every 15 minutes, as
 * Cluster Manager does. The servers come from the cluster file (`time.servers`). The offset itself
 * is the health check's: its clock rows compare every host with this machine and the nodes with
 * each other.
 */
import type { ClusterConfig } from '../../config/types';
import { and, sh, type Shell } from '../../ssh/shell';
import type { StepRenderer } from '../stepPlan';
import { ensurePackage, exec, UNDER_SYSTEMD } from './common';

const TIMESYNCD_DROP_IN = '/etc/systemd/timesyncd.conf.d/gluu-cluster.conf';
const CHRONY_CONF = '/etc/chrony/conf.d/gluu-cluster.conf';
export const NTPDATE_CRON_MARK = '# gluu-cluster ntpdate';
const CRON_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

const HAS_TIMESYNCD = sh`${UNDER_SYSTEMD} && systemctl cat systemd-timesyncd.service >/dev/null 2>&1`;
const HAS_CHRONY = sh`command -v chronyc >/dev/null 2>&1 && [ -d /etc/chrony ]`;

/** The crontab line of the ntpdate fallback. */
export function ntpdateCronLine(config: ClusterConfig): string {
  return `*/15 * * * * ${CRON_PATH} ntpdate -s ${config.time.servers.join(' ')} ${NTPDATE_CRON_MARK}`;
}

const timesyncdText = (config: ClusterConfig) => `[Time]\nNTP=${config.time.servers.join(' ')}\n`;
const chronyText = (config: ClusterConfig) => config.time.servers.map((s) => `server ${s} iburst\n`).join('');

/** Exits 0 when the host keeps its clock with the cluster's servers, whichever way it does. */
function holds(config: ClusterConfig): Shell {
  return sh`if ${HAS_TIMESYNCD}; then [ "$(cat ${TIMESYNCD_DROP_IN} 2>/dev/null)" = ${timesyncdText(config).replace(/\n$/, '')} ]
elif ${HAS_CHRONY}; then [ "$(cat ${CHRONY_CONF} 2>/dev/null)" = ${chronyText(config).replace(/\n$/, '')} ]
else command -v ntpdate >/dev/null 2>&1 && crontab -l 2>/dev/null | grep -qxF ${ntpdateCronLine(config)}; fi`;
}

function configure(config: ClusterConfig): Shell {
  const chronyConfDir = sh`{ grep -q '^confdir /etc/chrony/conf.d' /etc/chrony/chrony.conf 2>/dev/null || printf '%s\n' 'confdir /etc/chrony/conf.d' >> /etc/chrony/chrony.conf; }`;
  return sh`if ${HAS_TIMESYNCD}; then
  ${and(
    sh`mkdir -p /etc/systemd/timesyncd.conf.d`,
    sh`printf '%s' ${timesyncdText(config)} > ${TIMESYNCD_DROP_IN}`,
    sh`timedatectl set-ntp true`,
    sh`systemctl restart systemd-timesyncd`,
  )} && echo 'systemd-timesyncd keeps the clock'
elif ${HAS_CHRONY}; then
  ${and(
    sh`mkdir -p /etc/chrony/conf.d`,
    sh`printf '%s' ${chronyText(config)} > ${CHRONY_CONF}`,
    chronyConfDir,
    sh`{ if ${UNDER_SYSTEMD}; then systemctl restart chrony; else service chrony restart; fi; }`,
  )} && echo 'chrony keeps the clock'
else
  ${and(
    ensurePackage('ntpdate', 'ntpdate'),
    sh`{ crontab -l 2>/dev/null | grep -vF ${NTPDATE_CRON_MARK}; printf '%s\n' ${ntpdateCronLine(config)}; } | crontab -`,
  )} && echo 'no systemd-timesyncd or chrony here: ntpdate sets the clock every 15 minutes (cron)'
fi`;
}

export const renderTimeSync: StepRenderer = ({ config }, resolved) => ({
  before: [],
  targets: resolved.targets.map((t) => ({
    host: t.host,
    label: t.host,
    actions: [exec(t.host, `keep the clock with ${config.time.servers.join(', ')}`, configure(config), false)],
    check: { script: holds(config), container: false },
    verify: { script: holds(config), container: false },
  })),
  after: [],
  notes: [
    `Servers: ${config.time.servers.join(', ')} (time.servers in the cluster file). Each host uses systemd-timesyncd where it runs, else chrony, else an ntpdate cron line every 15 minutes (Cluster Manager's way).`,
    'Idempotent: the same file or cron line is written again. The clock offset itself is checked by Cluster Health (warning over 1 s, critical over 60 s, between this machine and every host and between the nodes).',
  ],
});
