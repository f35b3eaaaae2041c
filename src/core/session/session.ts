/**
 * The one orchestration of the product. It chooses what runs (one step on every host or on one,
 * the next step, every remaining step, everything again), refuses a step whose prerequisites
 * have not succeeded, asks before running a done step again, asks for every secret a step needs
 * before anything connects, applies the plan's LDAP changes itself, and records each outcome
 * (making what depends on a step stale when it ran again). The editor and the CLI only provide
 * the ports; neither has a run loop of its own.
 */
import type { ClusterConfig } from '../config/types';
import type { HealthCheck } from '../health/check';
import { HEALTH_CHECKS } from '../health/checks';
import { LDAP_DRIFT_STEPS, ldapDriftRows } from '../health/checks/drift';
import { healthContext } from '../health/context';
import type { HealthReport, HealthRow } from '../health/model';
import { runHealth, type HealthRunOptions } from '../health/run';
import { applyLdapAction } from '../ldap/apply';
import { isLdapError } from '../ldap/errors';
import { SECRET_LABELS, type LdapAction, type SecretName } from '../plan/actions';
import { STEPS } from '../plan/catalogue';
import { cannotJoin, joinSteps } from '../plan/join';
import { forHost, renderOperation, renderStep } from '../plan/plan';
import { formatJoin, formatRemove } from '../plan/preview';
import { cannotRemove, removeSteps } from '../plan/remove';
import type { PlanInput, StepPlan } from '../plan/stepPlan';
import { probe, runStep, type StepOutcome } from '../run/runner';
import { Masker, onceForRun } from '../run/secrets';
import { summarize } from '../run/summary';
import type { SessionPorts } from './ports';
import { verifyProbe, withVerified, type VerifyRow } from './verify';
import { SATISFIED, markStep, stepState, withOutcome, withRunning, type ClusterRunState, type StepRecord, type StepState } from './state';

export type Selection =
  | { kind: 'step'; stepId: string; host?: string }
  | { kind: 'next' }
  /** Every step that is not done (or marked skipped), in order; stops at the first failure. */
  | { kind: 'remaining' }
  /** Every step that applies, done or not, in order (checks still skip what already holds). */
  | { kind: 'all' };

export interface RunOptions {
  /** Run done steps again without asking, and past their checks (never a step that loses data on a rerun, unless named below). */
  force?: boolean;
  /** Steps named to run again in a whole-plan run, past their checks; the only way a `rerunLoses` step runs again there. */
  forceSteps?: readonly string[];
}

export type StopReason = 'not-applicable' | 'blocked' | 'declined' | 'interactive' | 'secrets' | 'failed' | 'nothing-to-do';

/** Why the session ran nothing, or nothing more. */
export interface Stop {
  stepId?: string;
  reason: StopReason;
  message: string;
}

export interface SessionResult {
  outcomes: StepOutcome[];
  stopped?: Stop;
}

/** Secrets a rendered step uses anywhere: password files, file contents, LDAP binds. */
export function neededSecrets(plan: StepPlan): SecretName[] {
  const names = new Set<SecretName>();
  const probes = plan.targets.flatMap((t) => [t.check, t.verify]);
  for (const p of probes) for (const f of p?.secretFiles ?? []) names.add(f.secret);
  for (const a of [...plan.before, ...plan.targets.flatMap((t) => t.actions), ...plan.after]) {
    if (a.kind === 'exec') for (const f of a.secretFiles ?? []) names.add(f.secret);
    if (a.kind === 'upload') for (const c of a.content) if (typeof c !== 'string') names.add(c.secret);
    if (a.kind === 'ldap') names.add('ldapAdmin');
    if (a.kind === 'ldap' && a.encoded) names.add(a.encoded.secret);
  }
  return [...names].sort();
}

export class RunSession {
  private readonly now: () => number;
  /** Rendered once per session: the cluster file and the generated files do not change during it. */
  private readonly plans = new Map<string, StepPlan>();

  constructor(
    readonly config: ClusterConfig,
    private readonly input: PlanInput,
    private readonly ports: SessionPorts,
  ) {
    this.now = ports.now ?? Date.now;
  }

  plan(stepId: string, host?: string): StepPlan {
    let plan = this.plans.get(stepId);
    if (!plan) this.plans.set(stepId, (plan = renderStep(stepId, this.input)));
    return host ? forHost(plan, host) : plan;
  }

  async state(): Promise<ClusterRunState> {
    return { ...(await this.ports.state.load()) };
  }

  /** Every step's state, in catalogue order (steps that do not apply are left out). */
  async states(): Promise<Map<string, StepState>> {
    const state = await this.state();
    const out = new Map<string, StepState>();
    for (const s of STEPS) {
      const plan = this.plan(s.id);
      if (!plan.resolved.skipReason) out.set(s.id, stepState(state[s.id], hostsOf(plan)));
    }
    return out;
  }

  /**
   * Why `plan` cannot run yet: each prerequisite that has not succeeded, with how to get past it.
   * A prerequisite that does not apply to this cluster passes its own prerequisites on. On one
   * host, a prerequisite that also ran there must have succeeded there.
   */
  blockers(state: ClusterRunState, plan: StepPlan, host?: string): string[] {
    const problems: string[] = [];
    const seen = new Set<string>();
    const visit = (ids: readonly string[]) => {
      for (const id of ids) {
        if (seen.has(id)) continue;
        seen.add(id);
        const req = this.plan(id);
        if (req.resolved.skipReason) {
          visit(req.step.requires);
          continue;
        }
        const all = hostsOf(req);
        const on = host && all.includes(host) ? [host] : all;
        const s = stepState(state[id], on);
        if (SATISFIED.has(s)) continue;
        problems.push(
          `"${req.step.title}" (${id}) ${describeUnmet(s, state[id]?.stale?.because)}${host && on.length === 1 ? ` on ${host}` : ''}`,
        );
      }
    };
    visit(plan.step.requires);
    return problems;
  }

  /** Records an operator's mark on a step (see markStep). */
  mark(stepId: string, mark: 'done' | 'skipped' | 'reset', reason = ''): Promise<void> {
    return markStep(this.ports.state, stepId, mark, reason, this.now);
  }

  async run(selection: Selection, opts: RunOptions = {}): Promise<SessionResult> {
    const chosen = await this.choose(selection, opts);
    if ('reason' in chosen) return { outcomes: [], stopped: chosen };
    const outcomes: StepOutcome[] = [];
    for (const { plan, force } of chosen) {
      if (this.ports.signal?.aborted) break;
      const blocked = this.blockers(await this.state(), plan, selection.kind === 'step' ? selection.host : undefined);
      if (blocked.length) return { outcomes, stopped: this.stop('blocked', blockedMessage(plan, blocked), plan) };
      if (plan.step.interactive && !this.ports.interactive && !runsUnattended(plan)) {
        const message = `"${plan.step.title}" (${plan.step.id}) asks questions in a terminal: run it from the editor, or mark it done if you did it by hand.`;
        return { outcomes, stopped: this.stop('interactive', message, plan) };
      }
      const outcome = await this.runOne(plan, force);
      if ('reason' in outcome) return { outcomes, stopped: outcome };
      outcomes.push(outcome);
      if (outcome.status !== 'done')
        return { outcomes, stopped: { stepId: plan.step.id, reason: 'failed', message: `${plan.step.id} ${outcome.status}` } };
    }
    return { outcomes };
  }

  /**
   * Changes the Redis password in Redis and in Gluu's cache configuration in one run (see
   * redisPassword.ts), after the operator confirms. When it succeeds the new password becomes the
   * one kept for the cluster; the new one is never kept on its own.
   */
  async changeRedisPassword(): Promise<SessionResult> {
    const plan = renderOperation('redis-password', this.input);
    try {
      if (plan.resolved.skipReason)
        return {
          outcomes: [],
          stopped: this.stop('not-applicable', `"${plan.step.title}" does not apply: ${plan.resolved.skipReason}.`, plan),
        };
      const blocked = this.blockers(await this.state(), plan);
      if (blocked.length) return { outcomes: [], stopped: this.stop('blocked', blockedMessage(plan, blocked), plan) };
      if (!(await this.ports.prompts.confirm({ kind: 'operation', plan, clusterName: this.config.name })))
        return { outcomes: [], stopped: this.stop('declined', 'The Redis password was not changed.', plan) };
      const outcome = await this.runOne(plan, true);
      if ('reason' in outcome) return { outcomes: [], stopped: outcome };
      if (outcome.status !== 'done')
        return { outcomes: [outcome], stopped: { stepId: plan.step.id, reason: 'failed', message: `${plan.step.id} ${outcome.status}` } };
      await this.ports.secrets.replace?.('redis', 'redisNew');
      return { outcomes: [outcome] };
    } finally {
      await this.ports.secrets.forget?.('redisNew');
    }
  }

  /**
   * Join Node (plan/join.ts): the steps that add `host` to the running cluster, in order, each on
   * the new node or on every host it concerns, after one confirmation that shows them all. The new
   * node's own steps are skipped where their check holds, so a join that stopped continues where
   * it stopped. Refused unless the other nodes are built: a node joins a cluster that runs.
   */
  async join(host: string): Promise<SessionResult> {
    const refused = cannotJoin(this.config, host);
    if (refused) return { outcomes: [], stopped: this.stop('not-applicable', `${host} cannot join: ${refused}.`) };
    const steps = joinSteps(this.input, host);
    const before = await this.state();
    // The cluster runs when its replication and file sync hold on the other nodes, and no step is
    // failed or running there (steps without a read-only check, which Verify Cluster cannot adopt,
    // do not block: the join runs the ones that name the nodes again anyway).
    const unbuilt = steps.flatMap(({ plan }) => {
      const others = hostsOf(this.plan(plan.step.id)).filter((h) => h !== host);
      const s = stepState(before[plan.step.id], others);
      const blocks = MUST_HOLD_TO_JOIN.has(plan.step.id) ? !SATISFIED.has(s) : s === 'failed' || s === 'running';
      return others.length && blocks
        ? [`"${plan.step.title}" (${plan.step.id}) ${describeUnmet(s, before[plan.step.id]?.stale?.because)}`]
        : [];
    });
    if (unbuilt.length)
      return {
        outcomes: [],
        stopped: this.stop(
          'blocked',
          `${host} joins a cluster that runs, and this one does not yet: ${unbuilt.join('; ')}. Run the whole plan instead (it sets up every node in the cluster file, ${host} included), or, if the cluster was built by hand or with the CLI, run Verify Cluster first: it records which steps hold.`,
        ),
      };
    if (
      !(await this.ports.prompts.confirm({
        kind: 'join',
        host,
        steps,
        preview: formatJoin(this.config, host, steps),
        clusterName: this.config.name,
      }))
    )
      return { outcomes: [], stopped: this.stop('declined', `${host} was not joined; nothing changed.`) };
    const outcomes: StepOutcome[] = [];
    for (const { plan, scope } of steps) {
      if (this.ports.signal?.aborted) break;
      if (plan.step.interactive && !this.ports.interactive && !runsUnattended(plan)) {
        const message = `"${plan.step.title}" (${plan.step.id}) asks questions in a terminal on ${host}: join it from the editor.`;
        return { outcomes, stopped: this.stop('interactive', message, plan) };
      }
      // What names every node is written again on every host (a check cannot tell whether a
      // configuration lacks the new node); the new node's own set-up is skipped where it holds.
      const outcome = await this.runOne(plan, scope === 'every-host');
      if ('reason' in outcome) return { outcomes, stopped: outcome };
      outcomes.push(outcome);
      if (outcome.status !== 'done') {
        const done = outcomes.slice(0, -1).map((o) => o.stepId);
        const left = steps.slice(outcomes.length).map((j) => j.plan.step.id);
        const message = `Joining ${host} stopped at "${plan.step.title}" (${plan.step.id}), ${outcome.status}. ${done.length ? `Done before it: ${done.join(', ')}.` : 'Nothing ran before it.'}${left.length ? ` Not run: ${left.join(', ')}.` : ''} Fix the cause and join again: the new node's steps that already hold are skipped.`;
        return { outcomes, stopped: this.stop('failed', message, plan) };
      }
    }
    // A new node does not change what the join left alone (the cache): it must not show stale.
    const ran = new Set(steps.map((j) => j.plan.step.id));
    await this.ports.state.save(
      keepStaleness(
        await this.state(),
        before,
        STEPS.map((s) => s.id).filter((id) => !ran.has(id)),
      ),
    );
    return { outcomes };
  }

  /**
   * Remove Node from Cluster (plan/remove.ts), after one confirmation: out of the load balancer,
   * replication, csync2, oxIDPAuthentication, ox-ldap.properties and /etc/hosts, in that order.
   * A step on the other hosts that fails stops the removal; a step that needs the removed node
   * and fails (it is down) is listed in `left` and the removal goes on. Taking the node out of the
   * cluster file is the caller's (it owns the file); it should do so when nothing stopped.
   */
  async remove(host: string): Promise<SessionResult & { left: string[] }> {
    const refused = cannotRemove(this.config, host);
    if (refused) return { outcomes: [], left: [], stopped: this.stop('not-applicable', `${host} cannot be removed: ${refused}.`) };
    const steps = removeSteps(this.input, host);
    const preview = formatRemove(this.config, host, steps);
    if (!(await this.ports.prompts.confirm({ kind: 'remove', host, steps, preview, clusterName: this.config.name })))
      return { outcomes: [], left: [], stopped: this.stop('declined', `${host} was not removed; nothing changed.`) };
    const before = await this.state();
    const outcomes: StepOutcome[] = [];
    const left: string[] = [];
    try {
      for (const { plan, onRemovedNode } of steps) {
        if (this.ports.signal?.aborted) break;
        const outcome = await this.runOne(plan, true);
        if ('reason' in outcome) return { outcomes, left, stopped: outcome };
        outcomes.push(outcome);
        if (outcome.status === 'done') continue;
        if (onRemovedNode) {
          left.push(`${plan.step.title}: ${summarize(outcome).join(' ')}`);
          continue;
        }
        const message = `Removing ${host} stopped at "${plan.step.title}" (${plan.step.id}), ${outcome.status}; ${host} stays in the cluster file. Fix the cause and remove it again: every step runs again.`;
        return { outcomes, left, stopped: this.stop('failed', message, plan) };
      }
    } finally {
      // Fewer nodes invalidate nothing that ran before: no step goes stale by the removal, done or not.
      await this.ports.state.save(
        keepStaleness(
          await this.state(),
          before,
          STEPS.map((x) => x.id),
        ),
      );
    }
    if (left.length)
      this.ports.output.notice(
        `${host} is out of the cluster; left undone because it could not be reached:\n${left.map((l) => `  - ${l}`).join('\n')}`,
      );
    return { outcomes, left };
  }

  /**
   * The cluster's health (core/health): read-only checks, at once, over the session's
   * connections. A password is used only when it is already stored: nobody is asked.
   */
  health(o: HealthRunOptions & { checks?: readonly HealthCheck[] } = {}): Promise<HealthReport> {
    const secrets = this.ports.secrets;
    const ctx = healthContext(this.config, this.input, {
      connector: this.ports.connector,
      storedSecret: async (name) => (secrets.stored ? secrets.stored(name) : undefined),
      secretHint: (name) => secrets.howToStore?.(name) ?? `the ${SECRET_LABELS[name].split(' (')[0]} is not stored`,
      ...(this.ports.signal ? { signal: this.ports.signal } : {}),
      now: this.now,
    });
    return runHealth(o.checks ?? HEALTH_CHECKS, ctx, o);
  }

  /**
   * Verify Cluster (verify.ts): every applicable step's read-only check on each of its hosts,
   * steps one after another, hosts at once; the run state then says where each step holds.
   * Nothing changes on the hosts (a check at most writes a probe it removes again).
   */
  async verify(): Promise<{ rows: VerifyRow[]; stopped?: Stop }> {
    const plans = STEPS.map((s) => this.plan(s.id)).filter((p) => !p.resolved.skipReason);
    const needed = [
      ...new Set(plans.flatMap((p) => p.targets.flatMap((t) => (verifyProbe(p, t.host)?.secretFiles ?? []).map((f) => f.secret)))),
    ].sort();
    const asked = await this.askSecrets(needed, 'nothing was checked');
    if ('reason' in asked) return { rows: [], stopped: asked };
    const { masker, secrets } = asked;
    // The LDAP steps' values, read as Cluster Health reads them (a stored password only), while the checks run.
    const ldap = plans.some((p) => LDAP_STEP_IDS.has(p.step.id)) ? this.ldapVerdicts() : Promise.resolve(new Map<string, HealthRow>());
    const ctx = {
      config: this.config,
      connector: this.ports.connector,
      secrets,
      mask: (t: string) => masker.mask(t),
      listener: { output: () => undefined },
      ...(this.ports.signal ? { signal: this.ports.signal } : {}),
    };
    const rows: VerifyRow[] = [];
    for (const plan of plans) {
      if (this.ports.signal?.aborted) break;
      rows.push(
        ...(await Promise.all(
          plan.targets.map(async (t): Promise<VerifyRow> => {
            const base = { stepId: plan.step.id, title: plan.step.title, host: t.host };
            const p = verifyProbe(plan, t.host);
            if (!p && LDAP_STEP_IDS.has(plan.step.id)) return { ...base, ...ldapVerdict((await ldap).get(plan.step.id)) };
            if (!p) return { ...base, verdict: 'cannot-tell', reason: 'this step has no read-only check; run it, or mark it done' };
            try {
              const code = await probe(ctx, t.host, p);
              return code === 0
                ? { ...base, verdict: 'holds', reason: 'its check passes' }
                : { ...base, verdict: 'does-not-hold', reason: `its check does not pass here (exit ${code})` };
            } catch (e) {
              return { ...base, verdict: 'cannot-tell', reason: masker.mask(e instanceof Error ? e.message : String(e)) };
            }
          }),
        )),
      );
    }
    await this.ports.state.save(withVerified(await this.state(), rows, this.now()));
    return { rows };
  }

  /** The LDAP drift rows of Cluster Health by the step that writes each value. */
  private async ldapVerdicts(): Promise<Map<string, HealthRow>> {
    const report = await this.health({ checks: [LDAP_VALUES_CHECK] });
    return new Map(report.rows.flatMap((r) => (LDAP_DRIFT_STEPS[r.check] ? [[LDAP_DRIFT_STEPS[r.check], r] as const] : [])));
  }

  /** Why nothing (more) runs: told to the operator, and returned. */
  private stop(reason: StopReason, message: string, plan?: StepPlan): Stop {
    this.ports.output.notice(message);
    return { ...(plan ? { stepId: plan.step.id } : {}), reason, message };
  }

  /** What runs, in order, each with whether it runs past its checks. */
  private async choose(selection: Selection, opts: RunOptions): Promise<{ plan: StepPlan; force: boolean }[] | Stop> {
    const state = await this.state();
    if (selection.kind === 'step') {
      const plan = this.plan(selection.stepId, selection.host);
      if (plan.resolved.skipReason)
        return this.stop('not-applicable', `"${plan.step.title}" does not apply: ${plan.resolved.skipReason}.`, plan);
      const hosts = hostsOf(plan);
      if (hosts.length === 0 && selection.host)
        return this.stop('not-applicable', `"${plan.step.title}" does not run on ${selection.host}.`, plan);
      const s = stepState(state[plan.step.id], hosts);
      let force = opts.force === true;
      if ((s === 'done' || s === 'skipped') && !force) {
        const blocked = this.blockers(state, plan, selection.host);
        if (blocked.length) return this.stop('blocked', blockedMessage(plan, blocked), plan);
        if (!(await this.ports.prompts.confirm({ kind: 'rerun', plan, hosts })))
          return this.stop('declined', `"${plan.step.title}" was not run again.`, plan);
        force = true;
      }
      return [{ plan, force }];
    }
    const applicable = STEPS.map((s) => this.plan(s.id)).filter((p) => !p.resolved.skipReason);
    const named = new Set(opts.forceSteps ?? []);
    for (const id of named) {
      if (!applicable.some((p) => p.step.id === id))
        return this.stop('not-applicable', `"${id}" is not a step that applies to this cluster.`);
    }
    const open = applicable.filter(
      (p) => selection.kind === 'all' || named.has(p.step.id) || !SATISFIED.has(stepState(state[p.step.id], hostsOf(p))),
    );
    if (open.length === 0) return this.stop('nothing-to-do', 'Every step has run successfully.');
    // A step that loses data when it runs again never does so as part of a whole-plan run
    // (re-initializing replication would wipe what only the other nodes hold): it must be named.
    const risky = (selection.kind === 'next' ? open.slice(0, 1) : open).find(
      (p) => p.step.rerunLoses && !named.has(p.step.id) && ranBefore(state[p.step.id]),
    );
    if (risky) {
      return this.stop(
        'blocked',
        `"${risky.step.title}" (${risky.step.id}) ran before, and running it again loses data: ${risky.step.rerunLoses}. A whole-plan run does not run it again; run it on its own if you mean to (gluu-cluster run --step ${risky.step.id} --force), or name it (--force ${risky.step.id}), or mark it done.`,
        risky,
      );
    }
    const forceOf = (p: StepPlan) => named.has(p.step.id) || (opts.force === true && !p.step.rerunLoses);
    if (selection.kind === 'next') return [{ plan: open[0], force: forceOf(open[0]) }];
    if (!(await this.ports.prompts.confirm({ kind: 'run-many', plans: open, clusterName: this.config.name }))) {
      return this.stop('declined', 'Nothing was run.');
    }
    return open.map((plan) => ({ plan, force: forceOf(plan) }));
  }

  /**
   * Every password in `needed`, asked now, before anything connects (a cancelled prompt changes
   * nothing anywhere), each once for the run and masked in its output; or why they cannot be had.
   */
  private async askSecrets(
    needed: readonly SecretName[],
    nothing: string,
    plan?: StepPlan,
  ): Promise<{ masker: Masker; secrets: ReturnType<typeof onceForRun> } | Stop> {
    const missing = needed.length ? this.ports.secrets.missing?.(needed) : undefined;
    if (missing) return this.stop('secrets', missing, plan);
    const masker = new Masker();
    const secrets = onceForRun(this.ports.secrets, masker);
    try {
      for (const name of needed) await secrets.get(name);
    } catch {
      return this.stop('secrets', `a password was not given; ${nothing}.`, plan);
    }
    return { masker, secrets };
  }

  /** Runs one step through the runner, or says why it could not start (a password not given). */
  private async runOne(plan: StepPlan, force: boolean): Promise<StepOutcome | Stop> {
    const asked = await this.askSecrets(neededSecrets(plan), 'nothing ran', plan);
    if ('reason' in asked) return asked;
    const { masker, secrets } = asked;
    const hosts = hostsOf(plan);
    await this.ports.state.save(withRunning(await this.state(), plan.step.id, hosts, this.now()));
    const sink = await this.ports.output.begin(plan);
    const signal = anySignal([this.ports.signal, sink.signal]);
    let outcome: StepOutcome;
    try {
      outcome = await runStep(plan, {
        config: this.config,
        connector: this.ports.connector,
        secrets,
        mask: (t) => masker.mask(t),
        addSecret: (v) => masker.add(v),
        signal,
        force,
        listener: { output: (host, kind, text) => sink.output(host, kind, text) },
        ldap: (action) => this.applyLdap(plan, action, () => secrets.get('ldapAdmin')),
        ...(this.ports.interactive ? { interactive: (host, command) => this.ports.interactive!(host, command, plan) } : {}),
      });
    } catch (e) {
      // The runner reports failures in its outcome; this is a bug or a lost editor. Whatever it
      // was, the step must not stay "running" in the views.
      const message = masker.mask(e instanceof Error ? e.message : String(e));
      outcome = {
        stepId: plan.step.id,
        status: 'failed',
        ms: 0,
        sequences: hosts.map((host) => ({
          label: host,
          host,
          status: 'failed',
          ran: [],
          notRun: [],
          failure: { action: 'run', host, message },
        })),
      };
    }
    await this.ports.state.save(withOutcome(await this.state(), outcome, this.now()));
    await sink.end(
      outcome,
      summarize(outcome).map((l) => masker.mask(l)),
    );
    return outcome;
  }

  /** A plan's LDAP change, through the caller's access; what it replaced is kept for Restore Previous. */
  private async applyLdap(plan: StepPlan, action: LdapAction, password: () => Promise<string>): Promise<string[]> {
    const ldap = this.ports.ldap;
    if (!ldap) throw new Error('this session has no LDAP access');
    try {
      const r = await applyLdapAction(ldap.access(action.host, password), action);
      if (r.changes.length)
        await ldap.recordPrevious?.(action.host, { entryDN: r.entryDN, changes: r.changes, at: this.now(), by: plan.step.id });
      return r.lines;
    } catch (e) {
      if (isLdapError(e) && e.code === 'BAD_CREDENTIALS' && this.ports.secrets.forget) {
        await this.ports.secrets.forget('ldapAdmin');
        throw new Error(`${e.message} The stored password was forgotten: it is asked again next time.`, { cause: e });
      }
      throw e;
    }
  }
}

/** What must hold on the other nodes before a node joins: replication and file sync run. */
const MUST_HOLD_TO_JOIN: ReadonlySet<string> = new Set(['replication-enable', 'openldap-replication', 'csync2']);

/** `steps`' staleness as it was `before` (a join that did not touch them must not make them stale). */
function keepStaleness(state: ClusterRunState, before: ClusterRunState, steps: readonly string[]): ClusterRunState {
  const next = { ...state };
  for (const id of steps) {
    const r = next[id];
    if (!r) continue;
    const { stale: _now, ...rest } = r;
    next[id] = before[id]?.stale ? { ...rest, stale: before[id].stale } : rest;
  }
  return next;
}

/** Every command of the plan that asks questions has a form that does not (setup.py -n). */
function runsUnattended(plan: StepPlan): boolean {
  return plan.targets.flatMap((t) => t.actions).every((a) => a.kind !== 'interactive' || a.batch !== undefined);
}

/** The hosts a plan's state is about: its targets (what the runner records outcomes by). */
function hostsOf(plan: StepPlan): string[] {
  return plan.targets.map((t) => t.host);
}

function describeUnmet(s: StepState, staleBecause?: string): string {
  switch (s) {
    case 'never':
      return 'has not run';
    case 'running':
      return 'is still running';
    case 'failed':
      return 'failed';
    case 'cancelled':
      return 'was cancelled';
    case 'not-run':
      return 'has not run everywhere';
    case 'stale':
      return `is stale (${staleBecause ?? 'a step it depends on'} ran again since)`;
    default:
      return `is ${s}`;
  }
}

function blockedMessage(plan: StepPlan, blocked: string[]): string {
  return `"${plan.step.title}" (${plan.step.id}) cannot run yet: ${blocked.join('; ')}. Run ${blocked.length === 1 ? 'it' : 'them'} first, or mark ${blocked.length === 1 ? 'it' : 'them'} done if done by hand.`;
}

function anySignal(signals: (AbortSignal | undefined)[]): AbortSignal | undefined {
  const present = signals.filter((s): s is AbortSignal => s !== undefined);
  if (present.length <= 1) return present[0];
  return AbortSignal.any(present);
}

/** Whether a step has run (or started) on any host: a record with hosts and no operator's reset. */
function ranBefore(record: StepRecord | undefined): boolean {
  return !!record && Object.keys(record.hosts ?? {}).length > 0;
}

/** The steps whose outcome is an LDAP value (no shell check): Verify Cluster reads the values instead. */
const LDAP_STEP_IDS = new Set(Object.values(LDAP_DRIFT_STEPS));

/** Cluster Health's reading of the LDAP values, alone. */
const LDAP_VALUES_CHECK: HealthCheck = { group: 'drift', id: 'ldap-values', title: 'LDAP values', run: ldapDriftRows };

/** A verify verdict from the health row of the value the step writes (its reason says what differs). */
function ldapVerdict(row: HealthRow | undefined): Pick<VerifyRow, 'verdict' | 'reason'> {
  if (!row) return { verdict: 'cannot-tell', reason: 'the LDAP value could not be read' };
  if (row.state === 'ok') return { verdict: 'holds', reason: `LDAP holds what it writes: ${row.reason}` };
  if (row.state === 'warning') return { verdict: 'does-not-hold', reason: row.reason };
  return { verdict: 'cannot-tell', reason: row.reason };
}
