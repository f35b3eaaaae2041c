/**
 * The health framework's rules without servers: the worst state and the exit codes monitoring
 * systems read, the words of the status bar, how a failure of a host becomes its rows (an
 * unreachable host critical, a timeout or a missing password unknown, never ok), a check that
 * hangs, and the hosts check's clock and disk verdicts.
 */
import * as assert from 'node:assert/strict';
import { EXAMPLE_CLUSTER_FILE } from '../../src/core/config/example';
import { parseClusterFile } from '../../src/core/config/parse';
import type { ClusterConfig } from '../../src/core/config/types';
import { perHost, type HealthCheck } from '../../src/core/health/check';
import { clockVerdict, diskVerdict, hostsCheck, parseFacts } from '../../src/core/health/checks/hosts';
import { healthContext, type HealthPorts } from '../../src/core/health/context';
import {
  countStates,
  EXIT_CODES,
  hostHealth,
  summaryWords,
  worst,
  type HealthReport,
  type HealthRow,
  type HealthState,
} from '../../src/core/health/model';
import { healthTree } from '../../src/core/health/tree';
import { runHealth } from '../../src/core/health/run';
import { healthTable } from '../../src/core/health/table';
import { healthPeriodMs, skipRound } from '../../src/core/health/schedule';
import { planInput } from '../../src/core/plan/plan';
import type { Connector, ExecOptions, RemoteHost } from '../../src/core/run/remote';
import { sh, type Shell } from '../../src/core/ssh/shell';

function config(): ClusterConfig {
  const r = parseClusterFile(EXAMPLE_CLUSTER_FILE);
  assert.ok(r.config, JSON.stringify(r.problems));
  return r.config;
}

type Answer = (script: string, o: ExecOptions) => Promise<{ code: number; out?: string }> | { code: number; out?: string };

/** Hosts in memory: `answers[host]` decides each command; a host without one cannot be reached. */
function connector(answers: Record<string, Answer>): Connector {
  return {
    async host(name) {
      const answer = answers[name];
      if (!answer) throw new Error(`connect ECONNREFUSED ${name}:22`);
      const remote: Partial<RemoteHost> = {
        async exec(command: Shell, o: ExecOptions) {
          const r = await answer(command.text, o);
          if (r.out) o.onStdout?.(r.out);
          return { code: r.code };
        },
      };
      return remote as RemoteHost;
    },
  };
}

function ports(c: Connector, secrets: Record<string, string> = {}): HealthPorts {
  return {
    connector: c,
    storedSecret: async (n) => secrets[n],
    secretHint: (n) => `set the ${n} variable`,
  };
}

describe('health: states, exit codes and words', () => {
  it('the worst state is critical, then unknown, then warning, then ok', () => {
    const cases: [HealthState[], HealthState][] = [
      [[], 'ok'],
      [['ok', 'warning'], 'warning'],
      [['warning', 'unknown'], 'unknown'],
      [['unknown', 'critical', 'warning'], 'critical'],
    ];
    for (const [states, want] of cases) assert.equal(worst(states), want, states.join());
  });

  it('exits as a Nagios plugin does: 0 ok, 1 warning, 2 critical, 3 unknown', () => {
    assert.deepEqual(EXIT_CODES, { ok: 0, warning: 1, critical: 2, unknown: 3 });
  });

  it('says "healthy" only with no row that is not ok', () => {
    assert.equal(summaryWords({ ok: 5, warning: 0, critical: 0, unknown: 0 }), 'healthy');
    assert.equal(summaryWords({ ok: 5, warning: 2, critical: 1, unknown: 1 }), '1 critical, 2 warnings, 1 unknown');
    assert.equal(summaryWords({ ok: 0, warning: 1, critical: 0, unknown: 0 }), '1 warning');
  });

  it("a host's health is its own rows' (not the cluster-wide ones): the worst state and the counts", () => {
    const row = (host: string, state: HealthState): HealthRow => ({
      group: 'hosts',
      check: 'x',
      title: 'X',
      host,
      state,
      reason: '',
      checkedAt: '2026-12-02T06:00:00.000Z',
    });
    const rows = [row('a', 'ok'), row('a', 'warning'), row('b', 'ok'), row('', 'critical'), row('a', 'critical')];
    const report: HealthReport = {
      version: 1,
      cluster: 'c',
      startedAt: '2026-12-02T06:00:00.000Z',
      ms: 1,
      state: 'critical',
      counts: countStates(rows),
      rows,
    };
    assert.deepEqual(hostHealth(report, 'a'), { state: 'critical', counts: { ok: 1, warning: 1, critical: 1, unknown: 0 } });
    assert.deepEqual(hostHealth(report, 'b'), { state: 'ok', counts: { ok: 1, warning: 0, critical: 0, unknown: 0 } });
    assert.equal(hostHealth(report, 'c'), undefined, 'a host the report has no row about');
  });
});

describe('health: failures become rows', () => {
  const check = { group: 'hosts', id: 'x', title: 'X' } as const;

  it('an unreachable host is critical with the SSH error; the others still report', async () => {
    const c = config();
    const ctx = healthContext(c, planInput(c), ports(connector({ 'idp1.example.org': () => ({ code: 0, out: 'fine\n' }) })));
    const rows = await perHost(check, ctx, ['idp1.example.org', 'idp2.example.org'], async (h) => {
      const r = await ctx.exec(h, { text: 'true' } as Shell);
      return { state: 'ok', reason: `${h} said ${r.stdout.trim()}` };
    });
    assert.deepEqual(
      rows.map((r) => [r.host, r.state]),
      [
        ['idp1.example.org', 'ok'],
        ['idp2.example.org', 'critical'],
      ],
    );
    assert.match(rows[1].reason, /idp2\.example\.org cannot be reached over SSH: connect ECONNREFUSED/);
  });

  it('a command past its limit is stopped and unknown, not ok and not hanging', async () => {
    const c = config();
    let aborted = false;
    const slow: Connector = {
      async host() {
        return {
          exec: async (_c: Shell, o: ExecOptions) =>
            new Promise((resolve) =>
              o.signal?.addEventListener('abort', () => ((aborted = true), resolve({ code: null, cancelled: true }))),
            ),
        } as unknown as RemoteHost;
      },
    };
    const ctx = healthContext(c, planInput(c), ports(slow), 50);
    const rows = await perHost(check, ctx, ['idp1.example.org'], async (h) => {
      await ctx.exec(h, { text: 'sleep 100' } as Shell);
      return { state: 'ok', reason: 'never' };
    });
    assert.equal(rows[0].state, 'unknown');
    assert.match(rows[0].reason, /no answer from idp1\.example\.org within 0 s/);
    assert.ok(aborted, 'the command was stopped');
  });

  it('something two checks read (the appliance entry) is read once per run', async () => {
    const c = config();
    const ctx = healthContext(c, planInput(c), ports(connector({})));
    let reads = 0;
    const read = async () => ++reads;
    assert.deepEqual(await Promise.all([ctx.once('appliance', read), ctx.once('appliance', read)]), [1, 1]);
    assert.equal(reads, 1);
    assert.equal(await healthContext(c, planInput(c), ports(connector({}))).once('appliance', read), 2, 'a new run reads again');
  });

  it('runs at most 4 commands on a host at once; an urgent one (the next phase of replication) goes ahead of the queue', async () => {
    const c = config();
    const started: string[] = [];
    const finish: (() => void)[] = [];
    let running = 0;
    let most = 0;
    const ctx = healthContext(
      c,
      planInput(c),
      ports(
        connector({
          'idp1.example.org': (script) => {
            started.push(script);
            most = Math.max(most, ++running);
            return new Promise((resolve) => finish.push(() => (running--, resolve({ code: 0 }))));
          },
        }),
      ),
    );
    const run = (name: string, urgent = false) => ctx.exec('idp1.example.org', sh`echo ${name}`, { urgent });
    const all = [...['a', 'b', 'c', 'd', 'e', 'f'].map((n) => run(n)), run('probe', true)];
    const settle = () => new Promise((r) => setImmediate(r));
    await settle();
    assert.deepEqual(started, ['echo a', 'echo b', 'echo c', 'echo d'], 'four at once, the others queued');
    finish.shift()!();
    await settle();
    assert.equal(started[4], 'echo probe', 'the urgent command takes the first free slot');
    while (finish.length) {
      finish.shift()!();
      await settle();
    }
    await Promise.all(all);
    assert.deepEqual(started.slice(5), ['echo e', 'echo f'], 'then the queue in order');
    assert.equal(most, 4, 'never more than four at once');
  });

  it('a password that is not stored makes the row unknown and says how to store it', async () => {
    const c = config();
    const ctx = healthContext(c, planInput(c), ports(connector({})));
    const rows = await perHost(check, ctx, ['idp1.example.org'], async () => {
      await ctx.secret('redis');
      return { state: 'ok', reason: 'never' };
    });
    assert.equal(rows[0].state, 'unknown');
    assert.match(rows[0].reason, /needs a password that is not stored: set the redis variable/);
  });

  it('a whole check that overruns its limit is one unknown row; the report is not held up', async () => {
    const c = config();
    const stuck: HealthCheck = { group: 'cache', id: 'stuck', title: 'Stuck', run: () => new Promise(() => undefined) };
    const fine: HealthCheck = { group: 'hosts', id: 'fine', title: 'Fine', run: async (ctx) => [{ ...base(ctx), state: 'ok' }] };
    const base = (ctx: { stamp(): string }) => ({
      group: 'hosts' as const,
      check: 'fine',
      title: 'Fine',
      host: 'lb.example.org',
      reason: 'fine',
      checkedAt: ctx.stamp(),
    });
    const report = await runHealth([stuck, fine], healthContext(c, planInput(c), ports(connector({}))), { checkTimeoutMs: 30 });
    assert.equal(report.state, 'unknown');
    assert.deepEqual(report.counts, { ok: 1, warning: 0, critical: 0, unknown: 1 });
    assert.match(report.rows.find((r) => r.check === 'stuck')!.reason, /Stuck did not finish within 0 s/);
    assert.match(healthTable(report), /1 unknown/);
  });
});

describe('health: the hosts check', () => {
  it('reads the clock in ns and the df lines', () => {
    const f = parseFacts(
      '1700000000123456789\ndisk / / 1000000 400000\ndisk /opt/gluu-server-3.1.6 / 1000000 400000\n',
      1700000000000,
      1700000000100,
    );
    assert.equal(Math.round(f.offsetMs), 73);
    assert.equal(f.uncertaintyMs, 50);
    assert.deepEqual(
      f.disks.map((d) => [d.path, d.freeBytes]),
      [
        ['/', 409600000],
        ['/opt/gluu-server-3.1.6', 409600000],
      ],
    );
    assert.throws(() => parseFacts('1700000000%N\n', 0, 1), /did not print its clock/);
  });

  it('a clock off by more than the round trip explains: over 1 s a warning, over 60 s critical', () => {
    const at = (offsetMs: number, rtt = 20) => ({ offsetMs, uncertaintyMs: rtt / 2, roundTripMs: rtt, disks: [] });
    assert.equal(clockVerdict('idp2', at(300), 300, 'idp1').state, 'ok');
    assert.equal(clockVerdict('idp2', at(1500, 20), undefined, undefined).state, 'warning');
    // A slow link explains 1.5 s with a 4 s round trip: not the clock's fault.
    assert.equal(clockVerdict('idp2', at(1500, 4000), undefined, undefined).state, 'ok');
    const far = clockVerdict('idp2', at(-90000), 90000, 'idp1');
    assert.equal(far.state, 'critical');
    assert.match(far.reason, /idp2's clock is 90 s behind this machine's clock, 90 s from idp1's/);
    // Agreeing with this machine but not with the other node still counts.
    assert.equal(clockVerdict('idp2', at(10), 5000, 'idp1').state, 'warning');
  });

  it('disk space: under 10 % or 2 GiB free a warning, under 5 % or 512 MiB critical, the worst mount decides', () => {
    const GiB = 2 ** 30;
    const d = (mount: string, free: number, size = 100 * GiB) => ({ path: mount, mount, freeBytes: free, sizeBytes: size });
    assert.equal(diskVerdict('h', [d('/', 50 * GiB)]).state, 'ok');
    assert.equal(diskVerdict('h', [d('/', 50 * GiB), d('/opt', 8 * GiB)]).state, 'warning');
    const v = diskVerdict('h', [d('/', 50 * GiB), d('/opt', 0.3 * GiB)]);
    assert.equal(v.state, 'critical');
    assert.match(v.reason, /h is almost out of disk space: 307 MiB free of 100\.0 GiB on \/opt/);
    assert.equal(diskVerdict('h', []).state, 'unknown');
  });

  it('one unreachable node: its SSH, clock and disk rows are critical; the other hosts are judged', async () => {
    const c = config();
    const now = () => Date.now();
    const fine: Answer = () => ({ code: 0, out: `${BigInt(now()) * 1000000n}\ndisk / / 100000000 90000000\n` });
    const answers: Record<string, Answer> = {};
    for (const h of [c.loadBalancer.host, ...c.nodes.map((n) => n.host)]) answers[h] = fine;
    delete answers[c.nodes[1].host];
    const rows = await hostsCheck.run(healthContext(c, planInput(c), ports(connector(answers))));
    const down = rows.filter((r) => r.host === c.nodes[1].host);
    assert.deepEqual(
      down.map((r) => [r.check, r.state]),
      [
        ['ssh', 'critical'],
        ['clock', 'critical'],
        ['disk', 'critical'],
      ],
    );
    assert.ok(
      rows.filter((r) => r.host !== c.nodes[1].host).every((r) => r.state === 'ok'),
      JSON.stringify(rows, null, 1),
    );
  });
});

describe('health: the view items', () => {
  const row = (over: Partial<HealthRow>): HealthRow => ({
    group: 'hosts',
    check: 'clock',
    title: 'Clock',
    host: 'idp1',
    state: 'ok',
    reason: 'fine',
    checkedAt: '2026-11-30T06:00:05.000Z',
    ...over,
  });
  const report = (rows: HealthRow[]): HealthReport => ({
    version: 1,
    cluster: 'c',
    startedAt: rows[0].checkedAt,
    ms: 1,
    state: worst(rows.map((r) => r.state)),
    counts: countStates(rows),
    rows,
  });

  it('groups in a fixed order with their worst state; rows carry what their menus need', () => {
    const items = healthTree(
      'k',
      report([
        row({ group: 'cache', check: 'ping', title: 'Redis', host: 'idp1', state: 'unknown', reason: 'x', needsSecret: 'redis' }),
        row({}),
        row({ host: 'idp2', state: 'critical', reason: 'off by *90 s*', fixStep: 'hosts' }),
      ]),
      (id) => (id === 'hosts' ? 'Update /etc/hosts' : undefined),
    );
    assert.deepEqual(
      items.map((g) => [g.label, g.state, g.description]),
      [
        ['Hosts', 'critical', '1 of 2 not ok'],
        ['Cache', 'unknown', '1 of 1 not ok'],
      ],
    );
    const bad = items[0].rows[1];
    assert.equal(bad.label, 'idp2 — Clock');
    assert.equal(bad.description, 'off by *90 s* · 06:00:05');
    assert.equal(bad.contextValue, 'gluu.health.row.fix.host');
    assert.match(bad.tooltip, /off by \\\*90 s\\\*/, 'reasons are escaped in the Markdown tooltip');
    assert.match(bad.tooltip, /fixed by the step "Update \/etc\/hosts"/);
    assert.equal(items[1].rows[0].contextValue, 'gluu.health.row.secret.host');
  });
});

describe('health: the periodic check (gluuCluster.health.interval)', () => {
  it('runs only while the view is visible and the setting is a positive number, at most every 30 s', () => {
    assert.equal(healthPeriodMs(0, true), undefined);
    assert.equal(healthPeriodMs(120, false), undefined);
    assert.equal(healthPeriodMs(-5, true), undefined);
    assert.equal(healthPeriodMs('60', true), undefined, 'a setting that is not a number is off');
    assert.equal(healthPeriodMs(Number.NaN, true), undefined);
    assert.equal(healthPeriodMs(5, true), 30000);
    assert.equal(healthPeriodMs(300, true), 300000);
  });
  it('skips a round while the previous one or a step of the cluster runs, never queues it', () => {
    assert.equal(skipRound({ cluster: true, stepRunning: false, previousRunning: false }), undefined);
    assert.equal(skipRound({ cluster: true, stepRunning: true, previousRunning: false }), 'a step runs');
    assert.equal(skipRound({ cluster: true, stepRunning: false, previousRunning: true }), 'the previous round runs');
    assert.equal(skipRound({ cluster: false, stepRunning: false, previousRunning: false }), 'no cluster');
  });
});
