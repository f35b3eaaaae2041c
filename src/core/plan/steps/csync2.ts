/**
 * File replication with csync2, outside the containers. The primary makes the shared key and one
 * TLS certificate (subject CN=csync2, which GnuTLS needs to match on every node) and gets the
 * generated csync2.cfg; the extension relays all four files to the other nodes. Then every node
 * gets its FQDN hostname and the csync2 listener, the nodes sync one after the other (primary
 * first, forcing its files to win) and each gets a cron line, staggered over the interval.
 */
import { nodesPrimaryFirst, primaryNode } from '../../config/resolve';
import type { ClusterConfig } from '../../config/types';
import { and, sh } from '../../ssh/shell';
import {
  CSYNC2_CERT_SUBJECT,
  CSYNC2_CFG_PATH,
  CSYNC2_KEY_PATH,
  CSYNC2_SSL_CERT,
  CSYNC2_SSL_KEY,
  csync2CronSchedules,
  csync2IncludePaths,
} from '../../render/csync2';
import type { Action } from '../actions';
import { generatedUpload } from '../generated';
import type { StepRenderer } from '../stepPlan';
import { ensurePackage, exec, UNDER_SYSTEMD } from './common';

export const CSYNC2_CRON_MARK = '# gluu-cluster csync2';
const CRON_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The crontab line the step writes on `host` (the health check looks for the same line). */
export function csync2CronLine(config: ClusterConfig, host: string): string {
  return `${csync2CronSchedules(config).get(host)} ${CRON_PATH} csync2 -x ${CSYNC2_CRON_MARK}`;
}

export const renderCsync2: StepRenderer = (input, resolved) => {
  const { config } = input;
  const primary = primaryNode(config);
  const schedules = csync2CronSchedules(config);
  const shared = [
    { path: CSYNC2_KEY_PATH, mode: 0o600 },
    { path: CSYNC2_SSL_KEY, mode: 0o600 },
    { path: CSYNC2_SSL_CERT, mode: 0o644 },
    { path: CSYNC2_CFG_PATH, mode: 0o644 },
  ];
  const before: Action[] = [
    exec(primary.host, 'install csync2', ensurePackage('csync2', 'csync2'), false),
    exec(primary.host, 'create the shared key', sh`test -s ${CSYNC2_KEY_PATH} || csync2 -k ${CSYNC2_KEY_PATH}`, false),
    exec(
      primary.host,
      `create the TLS key and a self-signed certificate with subject ${CSYNC2_CERT_SUBJECT}`,
      sh`test -s ${CSYNC2_SSL_CERT} || { ${and(
        sh`openssl genrsa -out ${CSYNC2_SSL_KEY} 2048`,
        sh`chmod 600 ${CSYNC2_SSL_KEY}`,
        sh`openssl req -batch -new -key ${CSYNC2_SSL_KEY} -subj ${CSYNC2_CERT_SUBJECT} -out /etc/csync2_ssl_cert.csr`,
        sh`openssl x509 -req -days 3600 -in /etc/csync2_ssl_cert.csr -signkey ${CSYNC2_SSL_KEY} -out ${CSYNC2_SSL_CERT}`,
      )}; }`,
      false,
    ),
    generatedUpload(input, 'csync2.cfg', 'write', { host: primary.host, path: CSYNC2_CFG_PATH, container: false }),
  ];
  // systemd's csync2.socket where the package has one; else inetd, with csync2's line in
  // inetd.conf (the package adds it only when inetd was there first).
  const inetdLine = 'csync2 stream tcp nowait root /usr/sbin/csync2 csync2 -i -l';
  const listener = sh`if ${UNDER_SYSTEMD} && systemctl list-unit-files csync2.socket >/dev/null 2>&1; then systemctl enable --now csync2.socket; elif [ -x /etc/init.d/openbsd-inetd ]; then { grep -q '^csync2[[:space:]]' /etc/inetd.conf 2>/dev/null || printf '%s\n' ${inetdLine} >>/etc/inetd.conf; } && /etc/init.d/openbsd-inetd restart; elif [ -x /etc/init.d/xinetd ]; then /etc/init.d/xinetd restart; else echo 'no inetd or systemd socket for csync2: install openbsd-inetd' >&2; false; fi`;
  const targets = resolved.targets.map((t) => {
    const copies: Action[] =
      t.host === primary.host
        ? []
        : shared.map((f) => ({
            kind: 'relay' as const,
            title: `copy ${f.path} from ${primary.host}`,
            from: { host: primary.host, path: f.path, container: false },
            to: { host: t.host, path: f.path, container: false },
            mode: f.mode,
          }));
    // cron runs commands with PATH=/usr/bin:/bin, and csync2 lives in /usr/sbin: without the PATH
    // the line fires every interval and fails with "csync2: not found".
    const cronLine = csync2CronLine(config, t.host);
    return {
      host: t.host,
      label: t.host,
      actions: [
        ...(t.host === primary.host ? [] : [exec(t.host, 'install csync2', ensurePackage('csync2', 'csync2'), false)]),
        ...copies,
        exec(t.host, `hostname ${t.host} (csync2 finds itself in csync2.cfg by it)`, sh`hostname ${t.host}`, false),
        exec(t.host, 'start the csync2 listener (inetd or systemd socket)', listener, false),
        exec(
          t.host,
          `cron: ${schedules.get(t.host)} csync2 -x`,
          sh`{ crontab -l 2>/dev/null | grep -vF ${CSYNC2_CRON_MARK}; printf '%s\n' ${cronLine}; } | crontab -`,
          false,
        ),
      ],
      check: { script: and(sh`test -s ${CSYNC2_KEY_PATH}`, sh`crontab -l 2>/dev/null | grep -qF ${cronLine}`), container: false },
      verify: {
        script: and(sh`test -s ${CSYNC2_KEY_PATH}`, sh`test -s ${CSYNC2_CFG_PATH}`, sh`crontab -l | grep -qF ${cronLine}`),
        container: false,
      },
    };
  });
  const order = nodesPrimaryFirst(config);
  const probeDir = csync2IncludePaths(config)[0].replace(/\/$/, '');
  const probe = `${probeDir}/gluu-cluster-sync-check.txt`;
  // csync2 -R first: the database forgets what csync2.cfg no longer lists, above all the files
  // still due to a removed node, which every later csync2 -x would otherwise try (and fail) to send.
  const after: Action[] = [
    ...order.map((n) =>
      exec(
        n.host,
        n === primary ? 'first sync from the primary: its files win conflicts' : `sync ${n.host}`,
        and(sh`csync2 -R`, sh`csync2 -fr /`, sh`csync2 -xv`),
        false,
      ),
    ),
    // The proof that replication works: a file made on the primary reaches every node, and its
    // removal does too. (csync2 -T only compares files already in the local database.)
    exec(primary.host, `write ${probe} and sync it`, and(sh`mkdir -p ${probeDir}`, sh`date >${probe}`, sh`csync2 -xv`), false),
    ...order.filter((n) => n !== primary).map((n) => exec(n.host, `${probe} arrived on ${n.host}`, sh`test -f ${probe}`, false)),
    exec(primary.host, `remove ${probe} everywhere`, and(sh`rm -f ${probe}`, sh`csync2 -xv`), false),
  ];
  return {
    before,
    targets,
    after,
    notes: [
      `Certificates share the subject ${CSYNC2_CERT_SUBJECT}: with GnuTLS 3.7 csync2 refuses peers whose certificate subject differs.`,
      `Cron: ${[...schedules].map(([h, s]) => `${h} "${s}"`).join(', ')} — ${config.csync2.staggered ? 'staggered so one node syncs at a time' : 'all nodes at once'}.`,
      'Idempotent: key and certificate are kept when present, the cron line is replaced, csync2 -x only sends differences.',
    ],
  };
};
