/**
 * The hosts checks of `gluu-cluster health` on the sandbox, with real faults: a node's clock
 * shifted (its SSH sessions see it through libfaketime; the hosts share the machine's kernel
 * clock) and a node's sshd stopped. Each fault is seen on the right host with the cause, the
 * exit code is what a monitoring system expects, and the report is back to ok once it is undone.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { HEALTH_CHECKS } from '../../src/core/health/checks';
import { healthContext } from '../../src/core/health/context';
import type { HealthReport, HealthRow } from '../../src/core/health/model';
import { runHealth } from '../../src/core/health/run';
import { planInput } from '../../src/core/plan/plan';
import { sshConnector } from '../../src/core/run/sshConnector';
import { sandboxCli, sandboxUp, type Sandbox } from './sandbox';
import { sandboxSsh } from './sandboxSsh';

const IDP2 = 'idp2.gluu.test';

describe('cluster health: hosts, on the sandbox', function () {
  this.timeout(120000);
  let sb: Sandbox;

  const health = async (...args: string[]) => {
    const r = await sandboxCli(sb.clusterFile, {}, ['health', '--json', '--only', 'hosts', ...args]);
    let report: HealthReport;
    try {
      report = JSON.parse(r.out) as HealthReport;
    } catch {
      throw new Error(`health printed no JSON (exit ${r.code}):\n${r.out}${r.err}`);
    }
    return { code: r.code, report, err: r.err };
  };
  const row = (report: HealthReport, host: string, check: string): HealthRow => {
    const found = report.rows.find((r) => r.host === host && r.check === check);
    assert.ok(found, `no ${check} row for ${host} in ${JSON.stringify(report.rows)}`);
    return found;
  };
  const allOk = (report: HealthReport) =>
    assert.ok(
      report.rows.every((r) => r.state === 'ok'),
      report.rows
        .filter((r) => r.state !== 'ok')
        .map((r) => `${r.host} ${r.check}: ${r.state} ${r.reason}`)
        .join('\n'),
    );

  before(async () => {
    sb = await sandboxUp({ name: 'health-hosts' });
  });
  after(async () => {
    if (sb) await sb.down();
  });

  it('a healthy sandbox: SSH, clock and disk ok on every host, exit 0, JSON version 1', async () => {
    const { code, report } = await health();
    allOk(report);
    assert.equal(code, 0);
    assert.equal(report.version, 1);
    assert.equal(report.state, 'ok');
    assert.deepEqual([...new Set(report.rows.map((r) => r.host))].sort(), ['idp1.gluu.test', 'idp2.gluu.test', 'lb.gluu.test']);
    assert.deepEqual([...new Set(report.rows.map((r) => r.check))].sort(), ['clock', 'disk', 'ssh']);
  });

  it("a node's clock 90 s ahead is critical on that node (and between nodes), 5 s a warning; back in time, ok", async () => {
    try {
      await sb.shiftClock(IDP2, 90);
      let { code, report } = await health();
      const clock = row(report, IDP2, 'clock');
      assert.equal(clock.state, 'critical', clock.reason);
      assert.match(clock.reason, /idp2\.gluu\.test's clock is 9\d s ahead of this machine's clock, 9\d s from idp1\.gluu\.test's/);
      // idp1 agrees with this machine but not with idp2: the nodes disagree, so it is flagged too.
      assert.equal(row(report, 'idp1.gluu.test', 'clock').state, 'critical');
      assert.equal(row(report, 'lb.gluu.test', 'clock').state, 'ok');
      assert.equal(code, 2);

      await sb.shiftClock(IDP2, -5);
      ({ code, report } = await health());
      assert.equal(row(report, IDP2, 'clock').state, 'warning', row(report, IDP2, 'clock').reason);
      assert.match(row(report, IDP2, 'clock').reason, /behind this machine's clock/);
      assert.equal(code, 1);
    } finally {
      await sb.shiftClock(IDP2, 0);
    }
    const { code, report } = await health();
    allOk(report);
    assert.equal(code, 0);
  });

  it('a node whose sshd is down: its rows critical with the SSH error, the others still ok, exit 2', async () => {
    const fingerprint = sb.hosts[IDP2].fingerprint;
    await sb.sshd[IDP2].stop();
    try {
      const { code, report } = await health();
      assert.equal(code, 2);
      for (const check of ['ssh', 'clock', 'disk']) {
        const r = row(report, IDP2, check);
        assert.equal(r.state, 'critical');
        assert.match(r.reason, /^idp2\.gluu\.test cannot be reached over SSH: /);
      }
      assert.ok(report.rows.filter((r) => r.host !== IDP2).every((r) => r.state === 'ok'));
    } finally {
      await sb.shiftClock(IDP2, 0); // starts its sshd again, with the same host key
    }
    assert.equal(sb.hosts[IDP2].fingerprint, fingerprint);
    allOk((await health()).report);
  });

  it('rounds of checks in one session (the periodic check) reuse its pooled connections: no new SSH connection after the first', async () => {
    const ssh = sandboxSsh(sb);
    const addresses = new Set(Object.values(sb.hosts).map((h) => h.address));
    // This process's established connections to the sandbox's sshd, by local port.
    const sshSockets = () =>
      execFileSync('ss', ['-tnHp', 'state', 'established', '( dport = :22 )'], { encoding: 'utf8' })
        .split('\n')
        .filter((l) => l.includes(`pid=${process.pid},`))
        .map((l) => l.trim().split(/\s+/))
        .filter((w) => addresses.has(w[3].replace(/:22$/, '')))
        .map((w) => w[2])
        .sort();
    const round = () =>
      runHealth(
        HEALTH_CHECKS,
        healthContext(ssh.config, planInput(ssh.config), {
          connector: sshConnector(ssh.pool, ssh.config),
          storedSecret: async () => undefined,
          secretHint: () => 'not stored',
        }),
        { groups: ['hosts'] },
      );
    try {
      allOk(await round());
      const first = sshSockets();
      assert.equal(first.length, addresses.size, `one connection per host: ${first.join(' ')}`);
      allOk(await round());
      allOk(await round());
      assert.deepEqual(sshSockets(), first, 'the same connections, none new');
    } finally {
      await ssh.close();
    }
  });

  it('the table form names each host and check; exit codes are the same', async () => {
    const r = await sandboxCli(sb.clusterFile, {}, ['health', '--only', 'hosts']);
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /^Cluster "sandbox": healthy \(9 checks in [\d.]+ s\)/);
    assert.match(r.out, /\n {2}OK {4}idp2\.gluu\.test {2}Clock: /);
    const bad = await sandboxCli(sb.clusterFile, {}, ['health', '--only', 'nonsense']);
    assert.equal(bad.code, 3, 'bad usage is unknown to a monitoring system');
    assert.match(bad.err, /unknown group "nonsense"; groups: hosts, replication/);
  });
});
