/**
 * Running steps over SSH: a step (from its tree item, a node's menu or the palette), the next
 * step, every remaining step; marking a step done or skipped by hand, or resetting it; an SSH
 * terminal or a Gluu container shell on a node; forgetting a trusted host key or the cluster's
 * stored passwords. What runs, in which order and whether it may, is the run session's business
 * (src/core/session); this file only provides its ports.
 */
import * as vscode from 'vscode';
import type { HostRole } from '../../core/config/types';
import type { StepOutcome } from '../../core/run/runner';
import type { Question, SessionPorts } from '../../core/session/ports';
import type { RunSession, SessionResult } from '../../core/session/session';
import type { VerifyRow } from '../../core/session/verify';
import type { NodeItem, StepItem } from '../../core/tree/model';
import type { ClusterEntry } from '../clusterWorkspace';
import { core, runCore } from '../core';
import { log } from '../log';
import { isNode, isStep, pickCluster, pickHost, pickValidCluster } from '../pick';
import { workspacePlanInput } from '../plan/generatedFiles';
import { RunTerminals } from '../run/runTerminals';
import { SshPty } from '../run/sshPty';
import { activeRuns } from '../run/activeRuns';
import { editClusterFile } from '../editClusterFile';
import type { CommandContext } from './context';

const validCluster = (ctx: CommandContext, key?: string) => pickValidCluster(ctx.workspace, key);

let terminals: RunTerminals | undefined;
/** The steps' terminals, made on the first run (nothing at activation). */
function runTerminals(ctx: CommandContext): RunTerminals {
  if (!terminals) {
    terminals = new RunTerminals();
    ctx.extension.subscriptions.push(terminals, { dispose: () => (terminals = undefined) });
  }
  return terminals;
}

/**
 * The editor's ports of the run session for one cluster: SecretStorage, modal questions, a
 * terminal per step, workspace state, the LDAP editor's access and its Restore Previous record.
 */
export async function editorSession(
  ctx: CommandContext,
  cluster: ClusterEntry,
  progress?: vscode.Progress<{ message?: string }>,
  signal?: AbortSignal,
): Promise<RunSession> {
  const config = cluster.parsed.config!;
  const { RunSession, sshConnector, sshTargetOf } = runCore();
  const pool = ctx.ssh.get();
  const ports: SessionPorts = {
    connector: sshConnector(pool, config),
    secrets: {
      get: (name) => ctx.secrets.get(cluster.key, config.name, name),
      forget: (name) => ctx.secrets.forget(cluster.key, [name]),
      replace: (to, from) => ctx.secrets.replace(cluster.key, to, from),
      stored: (name) => ctx.secrets.stored(cluster.key, name),
      howToStore: () =>
        vscode.l10n.t(
          'it is asked for, and kept, the first time a step needs it (Run Step), or by Change Redis Password for the Redis one',
        ),
    },
    output: {
      begin: async (plan) => {
        const hosts = [...new Set([...plan.targets.map((t) => t.host), ...plan.before.map((a) => ('host' in a ? a.host : a.to.host))])];
        const running = activeRuns.begin(cluster.key);
        const { pty: term, reveal } = await runTerminals(ctx).forStep(cluster.key, plan, hosts);
        term.say(`\x1b[1m${plan.step.title}\x1b[0m (${plan.step.id}) — ${plan.resolved.targetLabel}. ${vscode.l10n.t('Ctrl+C cancels.')}`);
        const logLines: string[] = [];
        return {
          signal: term.cancel.signal,
          output: (host, kind, text) => {
            term.output(host, kind, text);
            logLines.push(`${host} ${kind} ${text.replace(/\n$/, '')}`);
            if (kind === 'info' && text.startsWith('▶')) progress?.report({ message: `${plan.step.title} — ${host}: ${text.slice(2)}` });
          },
          end: (outcome, summary) => {
            running.dispose();
            term.finish(summary, outcome.status === 'done');
            // The summary in front: another terminal may have taken it meanwhile (setup.py's own
            // terminal on the node, which has closed by now, or another step's).
            reveal();
            // Output lines were masked by the runner; the summary by the session.
            log().info([...logLines, ...summary].join('\n'));
          },
        };
      },
      notice: (message) => log().info(message),
    },
    prompts: { confirm: (q) => confirm(config.name, q) },
    state: ctx.runState.port(cluster.key),
    ldap: {
      access: (host, password) => ctx.ldap.get().service.access(cluster, host, password),
      recordPrevious: (host, saved) => ctx.ldap.get().service.previous.record(cluster.key, host, saved),
    },
    interactive: async (host, command, plan) => {
      const pty = new SshPty(pool, sshTargetOf(config, host), host, command);
      const t = vscode.window.createTerminal({ name: vscode.l10n.t('Gluu: {0} — {1}', plan.step.title, host), pty });
      ctx.extension.subscriptions.push(t);
      t.show();
      const r = await pty.done;
      return { code: r.code, cancelled: signal?.aborted === true };
    },
    ...(signal ? { signal } : {}),
  };
  return new RunSession(config, await workspacePlanInput(cluster), ports);
}

async function confirm(clusterName: string, q: Question): Promise<boolean> {
  if (q.kind === 'rerun') {
    const again = vscode.l10n.t('Run Again');
    const answer = await vscode.window.showWarningMessage(
      vscode.l10n.t('"{0}" already ran successfully on {1}. Run it again?', q.plan.step.title, q.hosts.join(', ')),
      { modal: true, detail: q.plan.notes.find((n) => /idempotent/i.test(n)) },
      again,
    );
    return answer === again;
  }
  if (q.kind === 'operation') {
    const change = vscode.l10n.t('Change Password');
    const answer = await vscode.window.showWarningMessage(
      vscode.l10n.t('{0} of "{1}"?', q.plan.step.title, clusterName),
      { modal: true, detail: [q.plan.step.summary, '', ...q.plan.notes.map((n) => `• ${n}`)].join('\n') },
      change,
    );
    return answer === change;
  }
  if (q.kind === 'join' || q.kind === 'remove') return confirmMembership(clusterName, q);
  const run = q.plans.length === 1 ? vscode.l10n.t('Run 1 Step') : vscode.l10n.t('Run {0} Steps', String(q.plans.length));
  const answer = await vscode.window.showWarningMessage(
    vscode.l10n.t('Run the remaining steps of "{0}"?', clusterName),
    {
      modal: true,
      detail:
        q.plans.map((p) => `• ${p.step.title} — ${p.resolved.targetLabel}`).join('\n') +
        '\n\n' +
        vscode.l10n.t('They change the servers in this order and stop at the first failure.'),
    },
    run,
  );
  return answer === run;
}

/**
 * Join Node's and Remove Node from Cluster's question: the steps, where each runs and why. *Show
 * Commands* opens every command and asks again without a modal dialog, so they can be read first.
 */
async function confirmMembership(clusterName: string, q: Extract<Question, { kind: 'join' | 'remove' }>): Promise<boolean> {
  const join = q.kind === 'join';
  const go = join ? vscode.l10n.t('Join') : vscode.l10n.t('Remove from Cluster');
  const show = vscode.l10n.t('Show Commands');
  const question = join
    ? vscode.l10n.t('Join {0} to the running cluster "{1}"?', q.host, clusterName)
    : vscode.l10n.t('Remove {0} from the running cluster "{1}"?', q.host, clusterName);
  const lines = join
    ? q.steps.map(
        (j) => `• ${j.plan.step.title} — ${j.scope === 'new-node' ? q.host : j.plan.targets.map((t) => t.host).join(', ')}: ${j.why}`,
      )
    : q.steps.map((r) => `• ${r.plan.step.title} — ${r.plan.targets.map((t) => t.host).join(', ')}: ${r.why}`);
  const after = join
    ? vscode.l10n.t('The other nodes keep serving; only {0} restarts. It stops at the first failure.', q.host)
    : vscode.l10n.t('Then {0} goes from the cluster file. If it cannot be reached, what needs it is listed and the rest is done.', q.host);
  const detail = [...lines, '', after].join('\n');
  const answer = await vscode.window.showWarningMessage(question, { modal: true, detail }, go, show);
  if (answer !== show) return answer === go;
  const doc = await vscode.workspace.openTextDocument({ content: q.preview, language: 'shellscript' });
  await vscode.window.showTextDocument(doc, { preview: true });
  return (await vscode.window.showWarningMessage(question, go)) === go;
}

/** Something the session does, under a cancellable progress notification; says why when nothing (more) ran. */
async function withSession<R extends SessionResult>(
  ctx: CommandContext,
  cluster: ClusterEntry,
  title: string,
  what: (session: RunSession) => Promise<R>,
): Promise<R> {
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Gluu Cluster: {0}', title), cancellable: true },
    async (progress, token) => {
      const ac = new AbortController();
      token.onCancellationRequested(() => ac.abort());
      return what(await editorSession(ctx, cluster, progress, ac.signal));
    },
  );
  const stopped = result.stopped;
  if (stopped?.reason === 'blocked' || stopped?.reason === 'interactive' || stopped?.reason === 'secrets')
    void vscode.window.showWarningMessage(stopped.message);
  else if (stopped?.reason === 'not-applicable' || stopped?.reason === 'nothing-to-do')
    void vscode.window.showInformationMessage(stopped.message);
  return result;
}

/** The step of a tree item, or one the user picks (with its state). */
async function pickStep(
  ctx: CommandContext,
  cluster: ClusterEntry,
  item: NodeItem | StepItem | undefined,
  placeHolder: string,
): Promise<string | undefined> {
  if (isStep(item)) return item.stepId;
  const { STEPS, statusWords, stepState, stepTree } = core();
  const items = stepTree(cluster.key, cluster.parsed.config!);
  const picked = await vscode.window.showQuickPick(
    STEPS.map((s, i) => {
      const it = items[i];
      const state = it.skipped ? undefined : stepState(ctx.runState.step(cluster.key, s.id), it.targets);
      return {
        label: `${i + 1}. ${s.title}`,
        description: state && state !== 'never' ? `${s.id} · ${statusWords(state, 'step')}` : s.id,
        detail: s.summary,
        id: s.id,
      };
    }),
    { placeHolder, matchOnDescription: true },
  );
  return picked?.id;
}

export async function runStepCommand(ctx: CommandContext, item?: NodeItem | StepItem): Promise<StepOutcome | undefined> {
  const cluster = await validCluster(ctx, item?.clusterKey);
  if (!cluster) return undefined;
  const host = isNode(item) ? item.host : undefined;
  const stepId = await pickStep(
    ctx,
    cluster,
    item,
    host ? vscode.l10n.t('Run which step on {0}?', host) : vscode.l10n.t('Run which step?'),
  );
  if (!stepId) return undefined;
  const title = core().findStep(stepId)?.title ?? stepId;
  const r = await withSession(ctx, cluster, title, (s) => s.run({ kind: 'step', stepId, ...(host ? { host } : {}) }));
  return r.outcomes[0];
}

/**
 * Verify Cluster: every step's own read-only check on every host (the session's verify); the
 * Steps view then shows which steps hold. Says how many hold, with the whole table on request.
 */
export async function verifyCluster(ctx: CommandContext, item?: { clusterKey?: string }): Promise<VerifyRow[] | undefined> {
  const cluster = await validCluster(ctx, item?.clusterKey);
  if (!cluster) return undefined;
  const r = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Gluu Cluster: verifying every step'), cancellable: true },
    async (_progress, token) => {
      const ac = new AbortController();
      token.onCancellationRequested(() => ac.abort());
      return (await editorSession(ctx, cluster, undefined, ac.signal)).verify();
    },
  );
  if (r.stopped) {
    void vscode.window.showWarningMessage(r.stopped.message);
    return undefined;
  }
  const count = (v: VerifyRow['verdict']) => String(r.rows.filter((x) => x.verdict === v).length);
  const show = vscode.l10n.t('Show Details');
  const message = vscode.l10n.t(
    'Verify Cluster: {0} of {1} step targets hold, {2} do not, {3} cannot be checked. The Clustering Steps view shows which.',
    count('holds'),
    String(r.rows.length),
    count('does-not-hold'),
    count('cannot-tell'),
  );
  void vscode.window.showInformationMessage(message, show).then(async (a) => {
    if (a !== show) return;
    const doc = await vscode.workspace.openTextDocument({ content: runCore().verifyTable(r.rows), language: 'plaintext' });
    await vscode.window.showTextDocument(doc, { preview: true });
  });
  log().info(`${cluster.parsed.config!.name}: ${message}\n${runCore().verifyTable(r.rows)}`);
  return r.rows;
}

/**
 * A node operation of the running cluster on a node from the item or picked among `roles` (the
 * same picker as the cluster file's node commands), with progress; the failure of a step shown.
 */
async function onNode<R extends SessionResult>(
  ctx: CommandContext,
  item: NodeItem | StepItem | undefined,
  roles: HostRole[],
  placeHolder: string,
  title: (host: string) => string,
  what: (session: RunSession, host: string) => Promise<R>,
): Promise<{ cluster: ClusterEntry; host: string; r: R } | undefined> {
  const node = await pickHost(ctx.nodes, isNode(item) ? item : undefined, roles, placeHolder);
  const cluster = node?.host ? await validCluster(ctx, node.clusterKey) : undefined;
  if (!node?.host || !cluster) return undefined;
  const host = node.host;
  const r = await withSession(ctx, cluster, title(host), (s) => what(s, host));
  if (r.stopped?.reason === 'failed') void vscode.window.showErrorMessage(r.stopped.message);
  return { cluster, host, r };
}

/** Join Node to Cluster…: a node of the cluster file (not the primary) added to the running cluster (RunSession.join). */
export async function joinNode(ctx: CommandContext, item?: NodeItem | StepItem): Promise<SessionResult | undefined> {
  const done = await onNode(
    ctx,
    item,
    ['node'],
    vscode.l10n.t('Join which node to the running cluster? (Add it to the cluster file first.)'),
    (host) => vscode.l10n.t('joining {0}', host),
    (s, host) => s.join(host),
  );
  if (!done || done.r.stopped) return done?.r;
  const { cluster, host, r } = done;
  const check = vscode.l10n.t('Check Cluster Health');
  void vscode.window
    .showInformationMessage(vscode.l10n.t('{0} has joined "{1}".', host, cluster.parsed.config!.name), check)
    .then((a) => a === check && vscode.commands.executeCommand('gluuCluster.checkHealth', { clusterKey: cluster.key }));
  return r;
}

/**
 * Remove Node from Cluster…: the node taken out of the running cluster (RunSession.remove), then
 * out of the cluster file. Distinct from Remove Node…, which only edits the file.
 */
export async function removeNodeFromCluster(ctx: CommandContext, item?: NodeItem | StepItem): Promise<SessionResult | undefined> {
  const done = await onNode(
    ctx,
    item,
    ['node', 'primary'],
    vscode.l10n.t('Remove which node from the running cluster?'),
    (host) => vscode.l10n.t('removing {0}', host),
    (s, host) => s.remove(host),
  );
  if (!done || done.r.stopped) return done?.r;
  const { cluster, host, r } = done;
  const config = cluster.parsed.config!;
  if (await editClusterFile(cluster.uri, (text) => core().removeNode(text, host))) await ctx.workspace.refresh();
  const message = r.left.length
    ? vscode.l10n.t(
        '{0} is out of "{1}" and of the cluster file. Left undone, because it could not be reached: {2}',
        host,
        config.name,
        r.left.join('; '),
      )
    : vscode.l10n.t('{0} is out of "{1}" and of the cluster file.', host, config.name);
  void (r.left.length ? vscode.window.showWarningMessage(message) : vscode.window.showInformationMessage(message));
  return r;
}

export async function runNextStep(ctx: CommandContext, item?: NodeItem | StepItem): Promise<StepOutcome | undefined> {
  const cluster = await validCluster(ctx, item?.clusterKey);
  if (!cluster) return undefined;
  const r = await withSession(ctx, cluster, vscode.l10n.t('next step'), (s) => s.run({ kind: 'next' }));
  return r.outcomes[0];
}

export async function runAllRemaining(ctx: CommandContext, item?: NodeItem | StepItem): Promise<StepOutcome[] | undefined> {
  const cluster = await validCluster(ctx, item?.clusterKey);
  if (!cluster) return undefined;
  const r = await withSession(ctx, cluster, vscode.l10n.t('remaining steps'), (s) => s.run({ kind: 'remaining' }));
  if (r.stopped?.reason === 'nothing-to-do') return [];
  if (r.stopped?.reason === 'declined') return undefined;
  return r.outcomes;
}

/**
 * Change Redis Password…: the new password is asked, the change confirmed, and Redis and Gluu's
 * cache configuration get it in one run; then it is the password the editor keeps.
 */
export async function changeRedisPassword(ctx: CommandContext, item?: NodeItem): Promise<StepOutcome | undefined> {
  const cluster = await validCluster(ctx, item?.clusterKey);
  if (!cluster) return undefined;
  const r = await withSession(ctx, cluster, vscode.l10n.t('Change the Redis password'), (session) => session.changeRedisPassword());
  if (r.outcomes[0]?.status === 'done')
    void vscode.window.showInformationMessage(vscode.l10n.t("Redis password changed, in Redis and in Gluu's cache configuration."));
  return r.outcomes[0];
}

/** Mark as Done / Mark as Skipped (with the reason asked), or Reset: for what an operator did by hand. */
async function markStep(ctx: CommandContext, item: StepItem | undefined, mark: 'done' | 'skipped' | 'reset'): Promise<boolean> {
  const cluster = await validCluster(ctx, item?.clusterKey);
  if (!cluster) return false;
  const placeHolder =
    mark === 'done'
      ? vscode.l10n.t('Mark which step as done by hand?')
      : mark === 'skipped'
        ? vscode.l10n.t('Mark which step as skipped?')
        : vscode.l10n.t('Reset which step (forget its runs and marks)?');
  const stepId = await pickStep(ctx, cluster, item, placeHolder);
  if (!stepId) return false;
  const title = core().findStep(stepId)?.title ?? stepId;
  let reason = '';
  if (mark !== 'reset') {
    const given = await vscode.window.showInputBox({
      title: mark === 'done' ? vscode.l10n.t('Mark "{0}" as done', title) : vscode.l10n.t('Mark "{0}" as skipped', title),
      prompt:
        mark === 'done'
          ? vscode.l10n.t('Why? (e.g. "ran setup.py by hand on idp2"). The steps that need it can then run.')
          : vscode.l10n.t('Why? (e.g. "the load balancer is managed elsewhere"). The steps that need it can then run.'),
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('Say why: the reason is kept with the mark.')),
    });
    if (given === undefined) return false;
    reason = given;
  }
  // Only the run state changes: no session, nothing connects.
  await core().markStep(ctx.runState.port(cluster.key), stepId, mark, reason);
  log().info(`${cluster.parsed.config!.name}: ${stepId} ${mark === 'reset' ? 'reset' : `marked ${mark}: ${reason}`}`);
  return true;
}

export const markStepDone = (ctx: CommandContext, item?: StepItem) => markStep(ctx, item, 'done');
export const markStepSkipped = (ctx: CommandContext, item?: StepItem) => markStep(ctx, item, 'skipped');
export const resetStep = (ctx: CommandContext, item?: StepItem) => markStep(ctx, item, 'reset');

async function openShell(ctx: CommandContext, item: NodeItem | undefined, container: boolean): Promise<vscode.Terminal | undefined> {
  const node = await pickHost(
    ctx.nodes,
    item,
    container ? ['primary', 'node'] : ['primary', 'node', 'loadBalancer', 'cache'],
    container ? vscode.l10n.t('Open the Gluu container shell of…') : vscode.l10n.t('Open an SSH terminal to…'),
  );
  const cluster = node && (await validCluster(ctx, node.clusterKey));
  if (!node?.host || !cluster) return undefined;
  const config = cluster.parsed.config!;
  const { sshTargetOf, inContainer, sh } = runCore();
  const command = container && config.gluu.container !== 'none' ? inContainer(config, sh`/bin/bash -l`) : undefined;
  const pty = new SshPty(ctx.ssh.get(), sshTargetOf(config, node.host), node.host, command);
  const t = vscode.window.createTerminal({
    name: container ? `Gluu container: ${node.host}` : `SSH: ${node.host}`,
    pty,
    iconPath: new vscode.ThemeIcon(container ? 'package' : 'terminal'),
  });
  ctx.extension.subscriptions.push(t);
  t.show();
  return t;
}

export const openSshTerminal = (ctx: CommandContext, item?: NodeItem) => openShell(ctx, item, false);
export const openContainerShell = (ctx: CommandContext, item?: NodeItem) => openShell(ctx, item, true);

export async function forgetHostKey(ctx: CommandContext): Promise<boolean> {
  const ids = ctx.ssh.trustedHostKeyIds();
  if (ids.length === 0) {
    void vscode.window.showInformationMessage(
      vscode.l10n.t('No host keys trusted in the editor. (Keys in ~/.ssh/known_hosts are removed with ssh-keygen -R.)'),
    );
    return false;
  }
  const id = await vscode.window.showQuickPick(ids, { placeHolder: vscode.l10n.t('Forget the trusted host key of…') });
  return id ? ctx.ssh.forgetHostKey(id) : false;
}

export async function forgetPasswords(ctx: CommandContext, item?: NodeItem): Promise<void> {
  const cluster = await pickCluster(ctx.workspace, item?.clusterKey);
  if (!cluster) return;
  await ctx.secrets.forget(cluster.key, ['ldapAdmin', 'redis', 'redisNew']);
  void vscode.window.showInformationMessage(vscode.l10n.t('Stored passwords of this cluster forgotten; they are asked again when needed.'));
}
