/** `gluu-cluster health`'s readable form: one block per group, one line per row, worst first. */
import { GROUP_TITLES, HEALTH_GROUPS, summaryWords, type HealthReport, type HealthState } from './model';

const MARK: Record<HealthState, string> = { ok: 'OK  ', warning: 'WARN', critical: 'CRIT', unknown: 'UNKN' };

export function healthTable(report: HealthReport): string {
  const lines: string[] = [
    `Cluster "${report.cluster}": ${summaryWords(report.counts)} (${report.rows.length} checks in ${(report.ms / 1000).toFixed(1)} s)`,
  ];
  const width = Math.max(0, ...report.rows.map((r) => r.host.length));
  for (const g of HEALTH_GROUPS) {
    const rows = report.rows.filter((r) => r.group === g);
    if (!rows.length) continue;
    lines.push('', GROUP_TITLES[g]);
    for (const r of rows) {
      lines.push(
        `  ${MARK[r.state]}  ${(r.host || '(cluster)').padEnd(width)}  ${r.title}: ${r.reason}${r.fixStep ? ` [fix: gluu-cluster run --step ${r.fixStep}]` : ''}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
