/**
 * The replication steps' choice of what to enable and initialize, made twice — by the TypeScript
 * rule (src/core/opendj/replicationStatus.ts) and by the script the step runs on the primary —
 * checked to agree: the scripts run here in bash and dash with a stand-in dsreplication that
 * prints `dsreplication status -s` fixtures (test/fixtures/opendj) and a stand-in ldapsearch that
 * says which server has o=site. Exit codes as in CLI-FACTS.md.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseClusterFile } from '../../src/core/config/parse';
import type { ClusterConfig } from '../../src/core/config/types';
import { baseDNsToEnable, baseDNsToInitialize, parseReplicationStatus, replicates } from '../../src/core/opendj/replicationStatus';
import type { ExecAction } from '../../src/core/plan/actions';
import { planInput, renderStep } from '../../src/core/plan/plan';
import { FakeTools, SHELLS, optionValues } from './fakeTools';
import { FIXTURES } from './paths';

const four = (): ClusterConfig =>
  parseClusterFile(readFileSync(path.join(FIXTURES, 'cluster-files', 'good', 'four-nodes-opendj.yaml'), 'utf8')).config!;
const status = (name: string) => path.join(FIXTURES, 'opendj', name);
const statusText = (name: string) => readFileSync(status(name), 'utf8');
const SECONDARIES = ['idp2.example.org', 'idp3.example.org', 'idp4.example.org'];
const ALL = ['idp1.example.org', ...SECONDARIES];
const withSite = (hosts: string[]) => hosts.map((h) => `${h} o=site`).join('\n');

function step(id: string) {
  const p = renderStep(id, planInput(four()));
  const actions = p.targets[0].actions as ExecAction[];
  return { actions, check: p.targets[0].check?.script.text, verify: p.targets[0].verify!.script.text };
}

describe('dsreplication status -s, read in TypeScript', () => {
  it('reads the TAB-separated cells; "true" in the 4th cell for the exact DN and server is what replicates', () => {
    const rows = parseReplicationStatus(statusText('status-partial.tsv'));
    assert.equal(rows.length, 8);
    assert.deepEqual(rows[0].cells.length, 10, 'the empty age-of-oldest-change cell keeps its place');
    assert.ok(replicates(rows, 'o=gluu', 'idp2.example.org:4444'));
    assert.ok(replicates(rows, 'O=Gluu', 'idp3.example.org:4444'), 'DN and host compare without case');
    assert.ok(!replicates(rows, 'o=gluu', 'idp4.example.org:4444'), 'a replica that does not replicate has three cells');
    assert.ok(!replicates(rows, 'o=site', 'idp3.example.org:4444'), '"false" is not enabled');
    assert.equal(rows[7].suffixDN, '', 'a replication server without a replica: no suffix, "true" in the 4th cell');
    assert.equal(rows[7].replicationEnabled, 'true');
    assert.ok(!replicates(rows, 'o=site', 'idp4.example.org:4444'), 'it counts for no base DN');
    assert.ok(!replicates(rows, 'o=gluu', 'idp2.example.org:8989'), 'the admin port is part of the server');
    assert.deepEqual(parseReplicationStatus(statusText('status-none.txt'))[0].replicationEnabled, undefined);
    assert.ok(!replicates(parseReplicationStatus('o=gluu\tidp1.example.org:4444\t3202\ttrue\r\n'), 'o=gluu', 'idp9:4444'));
    assert.ok(replicates(parseReplicationStatus('o=gluu\tidp1.example.org:4444\t1\ttrue\r\n'), 'o=gluu', 'idp1.example.org:4444'));
  });

  it('chooses what to enable and initialize per pair', () => {
    const rows = parseReplicationStatus(statusText('status-partial.tsv'));
    assert.deepEqual(baseDNsToEnable(rows, 'idp2.example.org:4444', ['o=gluu'], ['o=site']), []);
    assert.deepEqual(baseDNsToEnable(rows, 'idp3.example.org:4444', ['o=gluu'], ['o=site']), ['o=site']);
    assert.deepEqual(baseDNsToEnable(rows, 'idp4.example.org:4444', ['o=gluu'], ['o=site']), ['o=gluu', 'o=site']);
    assert.deepEqual(baseDNsToEnable(rows, 'idp4.example.org:4444', ['o=gluu'], []), ['o=gluu']);
    const primary = 'idp1.example.org:4444';
    assert.deepEqual(baseDNsToInitialize(rows, primary, 'idp2.example.org:4444', 'o=gluu', ['o=site']), ['o=gluu', 'o=site']);
    assert.deepEqual(baseDNsToInitialize(rows, primary, 'idp3.example.org:4444', 'o=gluu', ['o=site']), ['o=gluu']);
  });
});

for (const shell of SHELLS) {
  describe(`the replication scripts run in ${shell} (stand-in OpenDJ tools)`, () => {
    let tools: FakeTools;
    before(() => (tools = new FakeTools()));
    after(() => tools.cleanup());

    const enableCalls = (r: ReturnType<FakeTools['run']>) => r.calls.filter((c) => c[0] === 'dsreplication' && c[1] === 'enable');

    // [status fixture or undefined, status exit code, hosts with o=site]
    const scenarios: [string, string | undefined, number, string[]][] = [
      ['before any enable (status cannot bind: exit 8)', undefined, 8, ALL],
      ['after a partial failure', 'status-partial.tsv', 0, ALL],
      ['after a partial failure, idp4 without o=site', 'status-partial.tsv', 0, ALL.slice(0, 3)],
      ['with no o=site on the primary', 'status-unreplicated.tsv', 0, SECONDARIES],
      ['when everything replicates', 'status-all.tsv', 0, ALL],
    ];
    for (const [name, fixture, rc, site] of scenarios) {
      it(`enables what the TypeScript rule says, ${name}`, () => {
        const rows = parseReplicationStatus(fixture ? statusText(fixture) : '');
        const { actions } = step('replication-enable');
        SECONDARIES.forEach((node, i) => {
          const r = tools.run(shell, actions[i].script.text, {
            ...(fixture ? { GC_FAKE_STATUS: status(fixture) } : {}),
            GC_FAKE_STATUS_RC: String(rc),
            GC_FAKE_ENTRIES: withSite(site),
          });
          assert.equal(r.code, 0, `${node}: ${r.stderr}`);
          const onBoth = site.includes('idp1.example.org') && site.includes(node);
          const expected = baseDNsToEnable(rows, `${node}:4444`, ['o=gluu'], onBoth ? ['o=site'] : []);
          const calls = enableCalls(r);
          if (expected.length === 0) {
            assert.deepEqual(calls, [], `${node}: nothing to enable`);
            assert.match(r.stdout, /nothing to enable/);
          } else {
            assert.equal(calls.length, 1, `${node}: one enable`);
            assert.deepEqual(optionValues(calls[0], '--baseDN'), expected, node);
            assert.deepEqual(optionValues(calls[0], '--host2'), [node]);
          }
        });
      });
    }

    it('the check passes only when every pair replicates every base DN it should', () => {
      const { check, verify } = step('replication-enable');
      assert.equal(check, verify);
      const entries = { GC_FAKE_ENTRIES: withSite(ALL) };
      assert.equal(tools.run(shell, check!, { GC_FAKE_STATUS: status('status-all.tsv'), ...entries }).code, 0);
      assert.notEqual(tools.run(shell, check!, { GC_FAKE_STATUS: status('status-partial.tsv'), ...entries }).code, 0);
      assert.notEqual(tools.run(shell, check!, { GC_FAKE_STATUS_RC: '8', ...entries }).code, 0, 'no administrator yet: not done');
      // Only o=gluu replicates: done where no server has o=site, not done where they all have it.
      const gluuOnly = tools.file('gluu-only.tsv', statusText('status-all.tsv').replace(/^o=site.*\n/gm, ''));
      assert.equal(tools.run(shell, check!, { GC_FAKE_STATUS: gluuOnly, GC_FAKE_ENTRIES: '' }).code, 0, 'no o=site anywhere');
      assert.notEqual(tools.run(shell, check!, { GC_FAKE_STATUS: gluuOnly, ...entries }).code, 0, 'o=site present, not replicated');
    });

    it("acts on dsreplication's exit codes (CLI-FACTS.md): 5 already replicated, 8 no administrator yet, others fail", () => {
      const { actions } = step('replication-enable');
      const base = { GC_FAKE_STATUS: status('status-unreplicated.tsv'), GC_FAKE_ENTRIES: withSite(ALL) };
      const five = tools.run(shell, actions[0].script.text, { ...base, GC_FAKE_ENABLE_RC: '5' });
      assert.equal(five.code, 0, 'exit 5: nothing left to enable; the verification decides');
      assert.match(five.stdout, /exited 5: nothing left to enable/);
      assert.equal(tools.run(shell, actions[0].script.text, { ...base, GC_FAKE_ENABLE_RC: '11' }).code, 11);
      const broken = tools.run(shell, actions[0].script.text, { ...base, GC_FAKE_STATUS_RC: '16' });
      assert.equal(broken.code, 16, 'a status that fails otherwise stops the script');
      assert.deepEqual(enableCalls(broken), [], 'and nothing is enabled');
      const down = tools.run(shell, actions[1].script.text, { ...base, GC_FAKE_DOWN: 'idp3.example.org' });
      assert.equal(down.code, 91, 'o=site cannot be looked for on idp3: the script stops with ldapsearch’s code');
      assert.match(down.stderr, /looking for o=site on idp3\.example\.org: ldapsearch exited 91/);
      assert.deepEqual(enableCalls(down), []);
    });

    it('initializes o=site where the status shows both servers replicating it, and explains exits 7 and 10', () => {
      const { actions, verify } = step('replication-init');
      const rows = parseReplicationStatus(statusText('status-partial.tsv'));
      SECONDARIES.forEach((node, i) => {
        const r = tools.run(shell, actions[i].script.text, { GC_FAKE_STATUS: status('status-partial.tsv') });
        assert.equal(r.code, 0, r.stderr);
        const init = r.calls.filter((c) => c[0] === 'dsreplication' && c[1] === 'initialize');
        assert.equal(init.length, 1);
        const expected = baseDNsToInitialize(rows, 'idp1.example.org:4444', `${node}:4444`, 'o=gluu', ['o=site']);
        assert.deepEqual(optionValues(init[0], '--baseDN'), expected, node);
        assert.deepEqual(optionValues(init[0], '--hostDestination'), [node]);
      });
      const seven = tools.run(shell, actions[0].script.text, { GC_FAKE_STATUS: status('status-partial.tsv'), GC_FAKE_INIT_RC: '7' });
      assert.equal(seven.code, 7);
      assert.match(seven.stderr, /exited 7: no base DN is replicated .* run replication-enable first/);
      const ten = tools.run(shell, actions[0].script.text, { GC_FAKE_STATUS: status('status-partial.tsv'), GC_FAKE_INIT_RC: '10' });
      assert.equal(ten.code, 10);
      assert.match(ten.stderr, /exited 10: idp2\.example\.org was not found/);
      const noAdmin = tools.run(shell, actions[0].script.text, { GC_FAKE_STATUS_RC: '8' });
      assert.equal(noAdmin.code, 8);
      assert.match(noAdmin.stderr, /is replication enabled \(replication-enable\)\?/);
      assert.equal(tools.run(shell, verify, { GC_FAKE_STATUS: status('status-all.tsv') }).code, 0);
      assert.notEqual(tools.run(shell, verify, { GC_FAKE_STATUS: status('status-partial.tsv') }).code, 0, 'idp4 does not replicate');
    });
  });
}
