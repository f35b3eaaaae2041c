/**
 * Verify Cluster's rules: what the run state says after a verification (a step that holds is
 * "already done" there; one that no longer holds is "not run" there; a step never run stays
 * never run; marks by hand stay), with an in-memory connector whose checks pass or fail by rule.
 */
import * as assert from 'node:assert/strict';
import { EXAMPLE_CLUSTER_FILE } from '../../src/core/config/example';
import { parseClusterFile } from '../../src/core/config/parse';
import { planInput } from '../../src/core/plan/plan';
import type { Connector, RemoteHost } from '../../src/core/run/remote';
import type { ClusterRunState } from '../../src/core/session/state';
import { RunSession } from '../../src/core/session/session';
import { stepState } from '../../src/core/session/state';
import { withVerified, type VerifyRow } from '../../src/core/session/verify';

describe('Verify Cluster', () => {
  const row = (stepId: string, host: string, verdict: VerifyRow['verdict']): VerifyRow => ({
    stepId,
    title: stepId,
    host,
    verdict,
    reason: verdict,
  });

  it('records holds as already done, a lost step as not run, and leaves never-run steps and marks alone', () => {
    const before: ClusterRunState = {
      hosts: { hosts: { a: { status: 'done', at: 1 }, b: { status: 'done', at: 1 } } },
      nginx: { hosts: {}, mark: { status: 'done', reason: 'by hand', at: 1 } },
    };
    const after = withVerified(
      before,
      [
        row('hosts', 'a', 'holds'),
        row('hosts', 'b', 'does-not-hold'),
        row('csync2', 'a', 'does-not-hold'),
        row('certs', 'a', 'holds'),
        row('nginx', 'lb', 'does-not-hold'),
        row('keystores', 'a', 'cannot-tell'),
      ],
      5,
    );
    assert.equal(after.hosts.hosts.a.status, 'already-done');
    assert.equal(after.hosts.hosts.b.status, 'not-run');
    assert.match(after.hosts.hosts.b.message ?? '', /^Verify Cluster: does-not-hold/);
    assert.equal(stepState(after.hosts, ['a', 'b']), 'not-run');
    assert.equal(after.csync2, undefined, 'a step that never ran and does not hold stays never run');
    assert.equal(stepState(after.certs, ['a']), 'done', 'adopted: the check passes');
    assert.equal(stepState(after.nginx, ['lb']), 'done', "the operator's mark stays");
    assert.equal(after.keystores, undefined);
  });

  it('runs each applicable step’s check on its hosts and records the answers; nothing else runs', async () => {
    const parsed = parseClusterFile(EXAMPLE_CLUSTER_FILE);
    const config = parsed.config!;
    const commands: string[] = [];
    const connector: Connector = {
      async host(name) {
        return {
          // The hosts step's check holds everywhere; every other check fails.
          exec: async (c: { text: string }) => {
            commands.push(`${name}: ${c.text.slice(0, 40)}`);
            return { code: c.text.includes('/etc/hosts') ? 0 : 1 };
          },
          upload: async () => undefined,
          remove: async () => undefined,
        } as unknown as RemoteHost;
      },
    };
    let state: ClusterRunState = {};
    const session = new RunSession(config, planInput(config), {
      connector,
      secrets: { get: async () => 'pw' },
      output: { begin: () => ({ output: () => undefined, end: () => undefined }), notice: () => undefined },
      prompts: { confirm: async () => false },
      state: { load: () => state, save: async (s) => void (state = s) },
    });
    const r = await session.verify();
    assert.equal(r.stopped, undefined);
    const hostsRows = r.rows.filter((x) => x.stepId === 'hosts');
    assert.ok(hostsRows.length >= 3 && hostsRows.every((x) => x.verdict === 'holds'), JSON.stringify(hostsRows));
    const unchecked = r.rows.filter((x) => x.verdict === 'cannot-tell');
    assert.ok(unchecked.length > 0);
    for (const x of unchecked) assert.match(x.reason, /has no read-only check/, x.stepId);
    assert.ok(r.rows.filter((x) => x.stepId !== 'hosts').every((x) => x.verdict !== 'holds'));
    assert.equal(
      stepState(
        state.hosts,
        hostsRows.map((x) => x.host),
      ),
      'done',
    );
    assert.ok(commands.length > 0 && commands.every((c) => !/\bsetup\.py\b/.test(c)), 'only checks ran');
  });
});
