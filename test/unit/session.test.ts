/**
 * The run session's rules, with an in-memory connector (no SSH, no root): prerequisites,
 * staleness, marks, re-run confirmation, stop at the first failure, secrets asked before
 * anything connects, interactive steps without a terminal. The real-SSH runs are in
 * test/integration and the editor's in test/vscode.
 */
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { EXAMPLE_CLUSTER_FILE } from '../../src/core/config/example';
import { parseClusterFile } from '../../src/core/config/parse';
import type { ClusterConfig } from '../../src/core/config/types';
import type { SecretName } from '../../src/core/plan/actions';
import { planInput } from '../../src/core/plan/plan';
import type { Connector, ExecResult, RemoteHost } from '../../src/core/run/remote';
import type { Question, SessionPorts } from '../../src/core/session/ports';
import { runStep } from '../../src/core/run/runner';
import { RunSession, neededSecrets } from '../../src/core/session/session';
import { dependentsOf, stepState, type ClusterRunState } from '../../src/core/session/state';
import { FIXTURES } from './paths';

/** Hosts in memory: every command "succeeds" unless a rule says otherwise; every call is logged. */
class MemoryHosts implements Connector {
  readonly calls: string[] = [];
  /** Exit code for commands whose text matches. */
  readonly rules: { re: RegExp; code: number }[] = [];
  readonly files = new Map<string, Buffer>();
  private readonly last = new Map<string, Buffer>();

  async host(name: string): Promise<RemoteHost> {
    this.calls.push(`connect ${name}`);
    return {
      exec: async (command, opts): Promise<ExecResult> => {
        this.calls.push(`${name}: ${command.text}`);
        // The runner checks a relayed copy with sha256sum: answer with the sum of what arrived.
        if (/^sha256sum /.test(command.text)) {
          opts.onStdout?.(`${createHash('sha256').update(this.last.get(name)!).digest('hex')}  file\n`);
          return { code: 0 };
        }
        const rule = this.rules.find((r) => r.re.test(command.text));
        return { code: rule ? rule.code : 0 };
      },
      upload: async (path, data) => {
        this.files.set(`${name}:${path}`, data);
        this.last.set(name, data);
      },
      download: async () => Buffer.from('ip=10.0.0.1\n'),
      remove: async (path) => void this.files.delete(`${name}:${path}`),
    };
  }
}

interface Harness {
  session: RunSession;
  hosts: MemoryHosts;
  state: () => ClusterRunState;
  setState: (s: ClusterRunState) => void;
  notices: string[];
  questions: Question[];
  asked: SecretName[];
}

function harness(
  o: {
    config?: ClusterConfig;
    answer?: boolean;
    interactive?: boolean;
    /** Exit code of every interactive command (setup.py). */
    interactiveCode?: number;
    secrets?: Partial<Record<SecretName, string>>;
    missing?: boolean;
  } = {},
): Harness {
  const config = o.config ?? parseClusterFile(EXAMPLE_CLUSTER_FILE).config!;
  const hosts = new MemoryHosts();
  let state: ClusterRunState = {};
  const notices: string[] = [];
  const questions: Question[] = [];
  const asked: SecretName[] = [];
  const secrets = o.secrets ?? { ldapAdmin: 'dm-pass', redis: 'r-pass' };
  const ports: SessionPorts = {
    connector: hosts,
    secrets: {
      get: async (name) => {
        asked.push(name);
        const v = secrets[name];
        if (v === undefined) throw new Error('cancelled');
        return v;
      },
      ...(o.missing ? { missing: (names: readonly SecretName[]) => `set ${names.join(', ')} first` } : {}),
    },
    output: { begin: () => ({ output: () => undefined, end: () => undefined }), notice: (m) => void notices.push(m) },
    prompts: {
      confirm: async (q) => {
        questions.push(q);
        return o.answer ?? true;
      },
    },
    state: { load: () => state, save: async (s) => void (state = s) },
    ...(o.interactive ? { interactive: async () => ({ code: o.interactiveCode ?? 0 }) } : {}),
    now: () => 1000,
  };
  return {
    session: new RunSession(config, planInput(config), ports),
    hosts,
    state: () => state,
    setState: (s) => void (state = s),
    notices,
    questions,
    asked,
  };
}

const statusOf = async (h: Harness, id: string) => (await h.session.states()).get(id);
const h0 = () => harness();

describe('run session', () => {
  it('knows what depends on a step, transitively', () => {
    const d = dependentsOf('replication-enable');
    assert.deepEqual(d, ['replication-init', 'replication-secure', 'opendj-keystore']);
    assert.deepEqual(dependentsOf('certs'), ['keystores', 'restart']);
    assert.deepEqual(dependentsOf('restart'), []);
  });

  it('refuses a step whose prerequisite failed, names it and says how to proceed, and connects nowhere', async () => {
    const h = harness();
    await h.session.mark('run-setup', 'done', 'setup.py ran by hand');
    h.hosts.rules.push({ re: /dsconfig|java\.properties/, code: 1 });
    const first = await h.session.run({ kind: 'step', stepId: 'ldap-listen' });
    assert.equal(first.outcomes[0].status, 'failed');
    h.hosts.calls.length = 0;
    const r = await h.session.run({ kind: 'step', stepId: 'replication-enable' });
    assert.equal(r.outcomes.length, 0);
    assert.equal(r.stopped?.reason, 'blocked');
    assert.match(
      r.stopped!.message,
      /"Enable replication" \(replication-enable\) cannot run yet: "Open LDAP to the cluster" \(ldap-listen\) failed/,
    );
    assert.match(r.stopped!.message, /Run it first, or mark it done/);
    assert.deepEqual(h.hosts.calls, [], 'nothing connected');
    assert.deepEqual(h.notices, [r.stopped!.message]);
  });

  it('checks a prerequisite on the host a step runs on', async () => {
    const h = harness();
    // hosts done on idp1 only: setup-properties for idp2 needs hosts done on idp2.
    await h.session.run({ kind: 'step', stepId: 'hosts', host: 'idp1.example.org' });
    const r = await h.session.run({ kind: 'step', stepId: 'setup-properties', host: 'idp2.example.org' });
    assert.equal(r.stopped?.reason, 'blocked');
    assert.match(r.stopped!.message, /"Host names" \(hosts\) has not run on idp2\.example\.org/);
  });

  it('makes what depends on a step stale when it runs again, and a stale prerequisite blocks', async () => {
    const h = harness();
    assert.equal((await h.session.run({ kind: 'step', stepId: 'hosts' })).outcomes[0].status, 'done');
    assert.equal((await h.session.run({ kind: 'step', stepId: 'setup-properties' })).outcomes[0].status, 'done');
    assert.equal(await statusOf(h, 'setup-properties'), 'done');
    const again = await h.session.run({ kind: 'step', stepId: 'hosts' });
    assert.equal(h.questions.at(-1)?.kind, 'rerun', 'a done step asks first');
    assert.equal(again.outcomes[0].status, 'done');
    assert.equal(await statusOf(h, 'setup-properties'), 'stale');
    assert.equal(h.state()['setup-properties'].stale?.because, 'hosts');
    assert.equal(await statusOf(h, 'hosts'), 'done', 'the step itself is not stale');
    await h.session.mark('run-setup', 'done', 'by hand');
    // run-setup was marked after hosts ran again: it is not stale; setup-properties is.
    const r = await h.session.run({ kind: 'step', stepId: 'ldap-idp-auth' });
    assert.notEqual(r.stopped?.reason, 'blocked', r.stopped?.message);
    const certs = harness();
    await certs.session.run({ kind: 'step', stepId: 'hosts' });
    await certs.session.run({ kind: 'step', stepId: 'setup-properties' });
    await certs.session.mark('run-setup', 'done', 'by hand');
    await certs.session.run({ kind: 'step', stepId: 'setup-properties' });
    assert.equal(await statusOf(certs, 'run-setup'), 'stale', 'a mark goes stale too');
    const blocked = await certs.session.run({ kind: 'step', stepId: 'certs' });
    assert.equal(blocked.stopped?.reason, 'blocked');
    assert.match(blocked.stopped!.message, /"Run setup\.py" \(run-setup\) is stale \(setup-properties ran again since\)/);
  });

  it('makes the encryption step stale when replication-enable runs again (a new enable resets ssl-encryption), and the plan says so', async () => {
    assert.ok(dependentsOf('replication-enable').includes('replication-secure'), 'replication-secure depends on replication-enable');
    const h = harness();
    await h.session.mark('ldap-listen', 'done', 'opened by hand');
    for (const id of ['replication-enable', 'replication-init', 'replication-secure']) {
      assert.equal((await h.session.run({ kind: 'step', stepId: id })).outcomes[0].status, 'done', id);
    }
    assert.equal(await statusOf(h, 'replication-secure'), 'done');
    // Enable again (a node added, a partial failure to finish): a done step runs past its check once confirmed.
    const r = await h.session.run({ kind: 'step', stepId: 'replication-enable' });
    assert.equal(h.questions.at(-1)?.kind, 'rerun');
    assert.equal(r.outcomes[0].status, 'done');
    assert.equal(await statusOf(h, 'replication-secure'), 'stale');
    assert.equal(h.state()['replication-secure'].stale?.because, 'replication-enable');
    const notes = h.session.plan('replication-secure').notes.join('\n');
    assert.match(notes, /Runs again after any enable: .*ssl-encryption.*goes stale whenever replication-enable changes anything/);
    // Running it clears the staleness.
    await h.session.run({ kind: 'step', stepId: 'replication-init' }, { force: true });
    await h.session.run({ kind: 'step', stepId: 'replication-secure' });
    assert.equal(await statusOf(h, 'replication-secure'), 'done');
  });

  it('runs a stale step again without asking, which clears it', async () => {
    const h = harness();
    await h.session.run({ kind: 'step', stepId: 'hosts' });
    await h.session.run({ kind: 'step', stepId: 'setup-properties' });
    await h.session.run({ kind: 'step', stepId: 'hosts' });
    const asked = h.questions.length;
    await h.session.run({ kind: 'step', stepId: 'setup-properties' });
    assert.equal(h.questions.length, asked, 'no re-run question for a stale step');
    assert.equal(await statusOf(h, 'setup-properties'), 'done');
  });

  it('does not run a done step again when the operator declines', async () => {
    const h = harness();
    await h.session.run({ kind: 'step', stepId: 'hosts' });
    const declined = harness({ answer: false });
    await declined.session.mark('hosts', 'done', 'edited /etc/hosts by hand');
    declined.hosts.calls.length = 0;
    const r = await declined.session.run({ kind: 'step', stepId: 'hosts' });
    assert.equal(r.stopped?.reason, 'declined');
    assert.deepEqual(declined.hosts.calls, []);
  });

  it('records marks with their reason; reset forgets the step; a mark needs a reason', async () => {
    const h = harness();
    await h.session.mark('nginx', 'skipped', 'the load balancer is an F5 appliance');
    assert.deepEqual(h.state().nginx.mark, { status: 'skipped', reason: 'the load balancer is an F5 appliance', at: 1000 });
    assert.equal(await statusOf(h, 'nginx'), 'skipped');
    await assert.rejects(h.session.mark('nginx', 'done', '  '), /say why "nginx" is marked done/);
    await h.session.mark('nginx', 'reset');
    assert.equal(h.state().nginx, undefined);
    assert.equal(await statusOf(h, 'nginx'), 'never');
    await assert.rejects(h.session.mark('no-such-step', 'done', 'x'), /unknown step "no-such-step"/);
  });

  it('runs the remaining steps in order after one confirmation and stops at the first failure', async () => {
    const h = harness({ interactive: true });
    h.hosts.rules.push({ re: /csync2/, code: 3 });
    const r = await h.session.run({ kind: 'remaining' });
    assert.equal(h.questions.length, 1);
    const q = h.questions[0];
    assert.equal(q.kind, 'run-many');
    assert.deepEqual(q.kind === 'run-many' && q.plans.map((p) => p.step.id).slice(0, 4), [
      'hosts',
      'time-sync',
      'setup-properties',
      'run-setup',
    ]);
    const ran = r.outcomes.map((o) => `${o.stepId}:${o.status}`);
    assert.equal(ran.at(-1), 'csync2:failed');
    assert.ok(
      ran.slice(0, -1).every((s) => s.endsWith(':done')),
      ran.join(' '),
    );
    assert.equal(r.stopped?.reason, 'failed');
    assert.equal(await statusOf(h, 'nginx'), 'never', 'nothing after the failure ran');
    // The next "remaining" starts at the failed step.
    const again = harness({ interactive: true });
    await again.session.mark('hosts', 'done', 'x');
    const next = await again.session.run({ kind: 'next' });
    assert.equal(next.outcomes[0].stepId, 'time-sync');
  });

  it('never runs a step that loses data on a rerun again in a whole-plan run, even with force, unless it is named', async () => {
    const failing = harness({ interactive: true, interactiveCode: 1 });
    // Not installed yet (its check fails), and setup.py fails.
    failing.hosts.rules.push({ re: /test -f .*setup\.properties\.last/, code: 1 });
    const first = await failing.session.run({ kind: 'remaining' });
    assert.equal(first.outcomes.at(-1)?.stepId, 'run-setup');
    assert.equal(await statusOf(failing, 'run-setup'), 'failed');
    // The same state, setup.py now succeeding: a whole-plan run (with or without force) refuses.
    const h = harness({ interactive: true });
    h.hosts.rules.push({ re: /test -f .*setup\.properties\.last/, code: 1 });
    await h.session.mark('hosts', 'done', 'x');
    await h.session.mark('time-sync', 'done', 'x');
    await h.session.mark('setup-properties', 'done', 'x');
    // Copy the failed run's record of run-setup into this session's state.
    const saved = failing.state()['run-setup'];
    h.setState({ ...h.state(), 'run-setup': saved });
    for (const force of [false, true]) {
      const calls = h.hosts.calls.length;
      const r = await h.session.run({ kind: 'remaining' }, { force });
      assert.equal(r.stopped?.reason, 'blocked');
      assert.match(
        r.stopped!.message,
        /"Run setup\.py" \(run-setup\) ran before, and running it again loses data: setup\.py installs Gluu again over the node.*--force run-setup/,
      );
      assert.equal(h.hosts.calls.length, calls, 'nothing connected');
    }
    h.hosts.rules.length = 0; // setup.py now leaves setup.properties.last behind
    const named = await h.session.run({ kind: 'remaining' }, { forceSteps: ['run-setup'] });
    assert.equal(named.outcomes[0]?.stepId, 'run-setup');
    assert.equal(named.outcomes[0]?.status, 'done');
  });

  it('runs setup.py unattended (-n) where there is no terminal to answer it, as the CLI does', async () => {
    const h = harness();
    await h.session.mark('hosts', 'done', 'x');
    await h.session.mark('setup-properties', 'done', 'x');
    const r = await h.session.run({ kind: 'step', stepId: 'run-setup' }, { force: true });
    assert.equal(r.stopped, undefined, JSON.stringify(r.stopped));
    assert.equal(r.outcomes[0].status, 'done');
    assert.ok(
      h.hosts.calls.some((c) => c.startsWith('idp2.example.org: ') && c.includes('./setup.py -n')),
      h.hosts.calls.join('\n'),
    );
    assert.ok(!h.hosts.calls.some((c) => /setup\.py'?$/.test(c)), 'never the interactive form');
  });

  it('an interactive command without an unattended form fails where there is no terminal, saying where to run it', async () => {
    const config = parseClusterFile(EXAMPLE_CLUSTER_FILE).config!;
    const plan = h0().session.plan('run-setup');
    const asked = {
      ...plan,
      targets: plan.targets.map((t) => ({
        ...t,
        check: undefined,
        actions: t.actions.map((a) => (a.kind === 'interactive' ? { ...a, batch: undefined } : a)),
      })),
    };
    const hosts = new MemoryHosts();
    const outcome = await runStep(asked, {
      config,
      connector: hosts,
      secrets: { get: async () => '' },
      mask: (t) => t,
      listener: { output: () => undefined },
    });
    assert.equal(outcome.status, 'failed');
    assert.match(outcome.sequences[0].failure!.message, /this step needs a terminal to answer its prompts; run it from the editor/);
    assert.ok(!hosts.calls.some((c) => c.includes('setup.py')));
  });

  it('asks for every secret a step needs before anything connects', async () => {
    const h = harness({ missing: true });
    await h.session.mark('hosts', 'done', 'x');
    const r = await h.session.run({ kind: 'step', stepId: 'redis' });
    assert.equal(r.stopped?.reason, 'secrets');
    assert.equal(r.stopped?.message, 'set redis first');
    assert.deepEqual(h.hosts.calls, []);
    const cancelled = harness({ secrets: {} });
    await cancelled.session.mark('hosts', 'done', 'x');
    const c = await cancelled.session.run({ kind: 'step', stepId: 'redis' });
    assert.equal(c.stopped?.reason, 'secrets');
    assert.deepEqual(cancelled.asked, ['redis']);
    assert.deepEqual(cancelled.hosts.calls, [], 'a cancelled password prompt changes nothing anywhere');
    assert.equal(cancelled.state().redis, undefined, 'not even shown as running');
  });

  it('lists the secrets of a plan', () => {
    const h = harness();
    assert.deepEqual(neededSecrets(h.session.plan('redis')), ['redis']);
    assert.deepEqual(neededSecrets(h.session.plan('ldap-cache')), ['ldapAdmin', 'redis']);
    assert.deepEqual(neededSecrets(h.session.plan('ldap-idp-auth')), ['ldapAdmin']);
    assert.deepEqual(neededSecrets(h.session.plan('hosts')), []);
  });

  it('says a step does not apply, and that every step has run', async () => {
    const config = parseClusterFile(EXAMPLE_CLUSTER_FILE.replace('ldap: opendj', 'ldap: openldap')).config!;
    const h = harness({ config });
    const r = await h.session.run({ kind: 'step', stepId: 'replication-enable' });
    assert.equal(r.stopped?.reason, 'not-applicable');
    for (const [id] of await h.session.states()) await h.session.mark(id, 'done', 'x');
    const none = await h.session.run({ kind: 'remaining' });
    assert.equal(none.stopped?.reason, 'nothing-to-do');
  });

  it('derives one state per step: a running host wins, then a mark, then the worst host', () => {
    assert.equal(stepState(undefined, ['a']), 'never');
    assert.equal(stepState({ hosts: { a: { status: 'done', at: 1 }, b: { status: 'failed', at: 1 } } }, ['a', 'b']), 'failed');
    assert.equal(stepState({ hosts: { a: { status: 'done', at: 1 } } }, ['a', 'b']), 'not-run');
    assert.equal(stepState({ hosts: { a: { status: 'already-done', at: 1 } } }, ['a']), 'done');
    assert.equal(stepState({ hosts: { a: { status: 'failed', at: 1 } }, mark: { status: 'done', reason: 'x', at: 2 } }, ['a']), 'done');
    assert.equal(stepState({ hosts: { a: { status: 'running', at: 1 } }, mark: { status: 'done', reason: 'x', at: 2 } }, ['a']), 'running');
  });
});

describe('run session: join and remove a node', () => {
  const four = (): ClusterConfig => {
    const c = parseClusterFile(readFileSync(path.join(FIXTURES, 'cluster-files', 'good', 'four-nodes-opendj.yaml'), 'utf8')).config!;
    return { ...c, gluu: { ...c.gluu, ldap: 'openldap', container: 'none' } };
  };
  const NEW = 'idp4.example.org';
  const doneOn = (ids: string[], hosts: string[]): ClusterRunState =>
    Object.fromEntries(ids.map((id) => [id, { hosts: Object.fromEntries(hosts.map((x) => [x, { status: 'done' as const, at: 1 }])) }]));

  it('refuses to join a node into a cluster whose replication has not run, says how to adopt one built elsewhere, connects nowhere', async () => {
    const h = harness({ config: four(), interactive: true });
    const r = await h.session.join(NEW);
    assert.equal(r.stopped?.reason, 'blocked');
    assert.match(r.stopped!.message, /"Enable OpenLDAP replication" \(openldap-replication\) has not run/);
    assert.match(r.stopped!.message, /run Verify Cluster first: it records which steps hold/);
    assert.deepEqual(h.hosts.calls, []);
    assert.deepEqual(h.questions, []);
  });

  it('joins once replication and csync2 hold on the others; a failing step stops it naming what ran and what did not', async () => {
    const h = harness({ config: four(), interactive: true });
    const others = four()
      .nodes.filter((n) => n.host !== NEW)
      .map((n) => n.host);
    h.setState(doneOn(['openldap-replication', 'csync2'], others));
    const r = await h.session.join(NEW);
    const q = h.questions[0];
    assert.equal(q?.kind, 'join');
    assert.match(q.kind === 'join' ? q.preview : '', /^# Join idp4\.example\.org to the running cluster/);
    // The harness has no LDAP access: oxIDPAuthentication's step fails, the join stops there.
    assert.equal(r.stopped?.reason, 'failed');
    assert.match(
      r.stopped!.message,
      /^Joining idp4\.example\.org stopped at "[^"]+" \(ldap-idp-auth\), failed\. Done before it: hosts, time-sync, setup-properties, run-setup, openldap-listen, openldap-init, openldap-replication, csync2\. Not run: certs, keystores, ox-ldap-servers, restart, nginx\./,
    );
    assert.deepEqual(
      r.outcomes.map((o) => o.stepId),
      [
        'hosts',
        'time-sync',
        'setup-properties',
        'run-setup',
        'openldap-listen',
        'openldap-init',
        'openldap-replication',
        'csync2',
        'ldap-idp-auth',
      ],
    );
  });

  it('removes a node: the rest is done when the node cannot be reached, what needs it is listed, nothing goes stale', async () => {
    const h = harness({ config: four() });
    const everyone = [...four().nodes.map((n) => n.host), four().loadBalancer.host];
    // What depends on the steps the removal runs (nginx, csync2, replication) was done before.
    const dependents = ['ox-ldap-servers', 'restart', 'setup-properties', 'redis', 'ldap-cache'];
    assert.ok(dependentsOf('csync2').includes('ox-ldap-servers'));
    h.setState(doneOn(['hosts', ...dependents], everyone));
    // The csync2 clean-up on the removed node fails, as on a node that is down.
    h.hosts.rules.push({ re: /grep -vF '# gluu-cluster csync2'; \} \| crontab -/, code: 255 });
    const r = await h.session.remove(NEW);
    assert.equal(h.questions[0]?.kind, 'remove');
    assert.equal(r.stopped?.reason, 'failed', 'ldap-idp-auth fails without LDAP access in the harness');
    const ran = r.outcomes.map((o) => o.stepId);
    assert.deepEqual(ran.slice(0, 4), ['nginx', 'openldap-replication', 'csync2', 'remove-csync2']);
    assert.equal(r.left.length, 1);
    assert.match(r.left[0], /^Take csync2 off the node: /);
    for (const id of dependents) assert.notEqual(await statusOf(h, id), 'stale', id);
    assert.ok(!h.hosts.calls.some((c) => c.startsWith(`${NEW}: `) && !c.includes('crontab')), 'on the node only its csync2 clean-up ran');
  });
});
