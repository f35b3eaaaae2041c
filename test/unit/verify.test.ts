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
    for (const x of unchecked) {
      // The LDAP steps are read as Cluster Health reads them: with a stored password only (none here).
      if (x.stepId === 'ldap-cache' || x.stepId === 'ldap-idp-auth')
        assert.match(x.reason, /needs a password that is not stored/, x.stepId);
      else assert.match(x.reason, /has no read-only check/, x.stepId);
    }
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

  it("reads the LDAP steps' values with the stored password: what the cluster file says holds, a changed value does not", async () => {
    const config = parseClusterFile(EXAMPLE_CLUSTER_FILE).config!;
    const servers = config.nodes.map((n) => `${n.host}:1636`);
    const entry = (idpServers: string[]) =>
      [
        'dn: inum=@!1111,ou=appliances,o=gluu',
        `oxCacheConfiguration: ${JSON.stringify({ cacheProviderType: 'REDIS', redisConfiguration: { redisProviderType: 'STANDALONE', servers: `${config.cache!.host}:${config.cache!.port}`, password: 'enc' } })}`,
        `oxIDPAuthentication: ${JSON.stringify({ type: 'auth', config: JSON.stringify({ configId: 'auth_ldap_server', servers: idpServers, bindPassword: 'enc', useSSL: 'true' }) })}`,
        '',
      ].join('\n');
    const verifyWith = async (idpServers: string[]) => {
      const stdin: string[] = [];
      const connector: Connector = {
        async host() {
          return {
            exec: async (c: { text: string }, o: { stdin?: string; onStdout?: (t: string) => void }) => {
              if (!c.text.includes('/ldapsearch ')) return { code: 1 };
              stdin.push(o.stdin ?? '');
              o.onStdout?.(`@@begin 0\n${entry(idpServers)}\n@@end 0 0\n`);
              return { code: 0 };
            },
          } as unknown as RemoteHost;
        },
      };
      let state: ClusterRunState = {};
      const session = new RunSession(config, planInput(config), {
        connector,
        secrets: { get: async () => 'asked', stored: async (n) => (n === 'ldapAdmin' ? 'stored-pw' : undefined) },
        output: { begin: () => ({ output: () => undefined, end: () => undefined }), notice: () => undefined },
        prompts: { confirm: async () => false },
        state: { load: () => state, save: async (s) => void (state = s) },
      });
      const rows = (await session.verify()).rows.filter((x) => x.stepId === 'ldap-cache' || x.stepId === 'ldap-idp-auth');
      return { rows: Object.fromEntries(rows.map((x) => [x.stepId, x])), stdin, state };
    };
    const good = await verifyWith(servers);
    assert.equal(good.rows['ldap-cache'].verdict, 'holds', good.rows['ldap-cache'].reason);
    assert.equal(good.rows['ldap-idp-auth'].verdict, 'holds', good.rows['ldap-idp-auth'].reason);
    assert.equal(stepState(good.state['ldap-idp-auth'], [good.rows['ldap-idp-auth'].host]), 'done', 'adopted');
    assert.ok(good.stdin.length > 0 && good.stdin.every((x) => x === 'stored-pw'), 'the stored password, on stdin only');
    const changed = await verifyWith(servers.slice(0, 1));
    assert.equal(changed.rows['ldap-cache'].verdict, 'holds');
    assert.equal(changed.rows['ldap-idp-auth'].verdict, 'does-not-hold');
    assert.match(changed.rows['ldap-idp-auth'].reason, /lists the servers .*, the cluster file says /);
  });
});
