/**
 * Running steps over SSH: a step (from its tree item, a node's menu or the palette), the next
 * step, every remaining step; an SSH terminal or a Gluu container shell on a node; forgetting a
 * trusted host key or the cluster's stored passwords.
 */
import * as vscode from 'vscode';
import type { StepPlan } from '../../core/plan/stepPlan';
import type { StepOutcome } from '../../core/run/runner';
import type { NodeItem, StepItem } from '../../core/tree/model';
import type { ClusterEntry } from '../clusterWorkspace';
import { core, runCore } from '../core';
import { log } from '../log';
import { isNode, isStep, pickCluster, pickHost, pickValidCluster } from '../pick';
import { workspaceGeneratedFiles } from '../plan/generatedFiles';
import { stepStatus } from '../run/runState';
import { SshPty } from '../run/sshPty';
import { StepTerminal } from '../run/stepTerminal';
import type { CommandContext } from './context';

const validCluster = (ctx: CommandContext, key?: string) => pickValidCluster(ctx.workspace, key);

async function planFor(cluster: ClusterEntry, stepId: string, node?: string): Promise<StepPlan> {
  const { planInput, renderStep, forHost } = core();
  const plan = renderStep(stepId, planInput(cluster.parsed.config!, await workspaceGeneratedFiles(cluster)));
  return node ? forHost(plan, node) : plan;
}

/** Runs a rendered step in a new terminal; records and returns the outcome. */
async function execute(ctx: CommandContext, cluster: ClusterEntry, plan: StepPlan, force: boolean): Promise<StepOutcome> {
  const config = cluster.parsed.config!;
  const { runStep, summarize, Masker, onceForRun, sshConnector, sshTargetOf } = runCore();
  const hosts = plan.targets.map((t) => t.host);
  const term = new StepTerminal([...new Set([...hosts, ...plan.before.map((a) => ('host' in a ? a.host : a.to.host))])]);
  const terminal = vscode.window.createTerminal({
    name: `Gluu: ${plan.step.title}`,
    pty: term,
    iconPath: new vscode.ThemeIcon('server-process'),
  });
  ctx.extension.subscriptions.push(terminal);
  terminal.show(true);
  await term.ready();
  term.say(`\x1b[1m${plan.step.title}\x1b[0m (${plan.step.id}) — ${plan.resolved.targetLabel}. Ctrl+C cancels.`);
  const masker = new Masker();
  const secrets = onceForRun({ get: (name) => ctx.secrets.get(cluster.key, config.name, name) }, masker);
  await ctx.runState.set(
    cluster.key,
    plan.step.id,
    Object.fromEntries(hosts.map((h) => [h, { status: 'running' as const, at: Date.now() }])),
  );
  const logLines: string[] = [];
  const pool = ctx.ssh.get();
  const outcome = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Gluu Cluster: {0}', plan.step.title), cancellable: true },
    async (progress, token) => {
      token.onCancellationRequested(() => term.cancel.abort());
      return runStep(plan, {
        config,
        connector: sshConnector(pool, config),
        secrets,
        mask: (t) => masker.mask(t),
        signal: term.cancel.signal,
        force,
        listener: {
          output: (host, kind, text) => {
            term.output(host, kind, text);
            logLines.push(`${host} ${kind} ${text.replace(/\n$/, '')}`);
            if (kind === 'info' && text.startsWith('▶')) progress.report({ message: `${host}: ${text.slice(2)}` });
          },
        },
        ldap: (action) => ctx.ldap.get().service.apply(cluster, action, plan.step.id),
        interactive: async (host, command) => {
          const pty = new SshPty(pool, sshTargetOf(config, host), host, command);
          const t = vscode.window.createTerminal({ name: `Gluu: ${plan.step.title} — ${host}`, pty });
          ctx.extension.subscriptions.push(t);
          t.show();
          const r = await pty.done;
          return { code: r.code, cancelled: term.cancel.signal.aborted };
        },
      });
    },
  );
  const summary = summarize(outcome);
  term.finish(summary, outcome.status === 'done');
  log().info([...logLines.map((l) => masker.mask(l)), ...summary].join('\n'));
  await ctx.runState.record(cluster.key, outcome);
  return outcome;
}

export async function runStepCommand(ctx: CommandContext, item?: NodeItem | StepItem): Promise<StepOutcome | undefined> {
  const cluster = await validCluster(ctx, item?.clusterKey);
  if (!cluster) return undefined;
  const node = isNode(item) ? item.host : undefined;
  let stepId = isStep(item) ? item.stepId : undefined;
  if (!stepId) {
    const picked = await vscode.window.showQuickPick(
      core().STEPS.map((s, i) => ({ label: `${i + 1}. ${s.title}`, description: s.id, detail: s.summary, id: s.id })),
      { placeHolder: node ? vscode.l10n.t('Run which step on {0}?', node) : vscode.l10n.t('Run which step?'), matchOnDescription: true },
    );
    stepId = picked?.id;
  }
  if (!stepId) return undefined;
  const plan = await planFor(cluster, stepId, node);
  if (plan.resolved.skipReason) {
    void vscode.window.showInformationMessage(vscode.l10n.t('{0} does not apply: {1}.', plan.step.title, plan.resolved.skipReason));
    return undefined;
  }
  const targets = plan.targets.map((t) => t.host);
  let force = false;
  if (stepStatus(ctx.runState.step(cluster.key, stepId), targets) === 'done') {
    const again = vscode.l10n.t('Run Again');
    const answer = await vscode.window.showWarningMessage(
      vscode.l10n.t('"{0}" already ran successfully on {1}. Run it again?', plan.step.title, targets.join(', ')),
      { modal: true, detail: plan.notes.find((n) => /idempotent/i.test(n)) },
      again,
    );
    if (answer !== again) return undefined;
    force = true;
  }
  return execute(ctx, cluster, plan, force);
}

/** Steps not yet done, in order (steps that do not apply are passed over). */
async function remaining(ctx: CommandContext, cluster: ClusterEntry): Promise<StepPlan[]> {
  const out: StepPlan[] = [];
  for (const s of core().STEPS) {
    const plan = await planFor(cluster, s.id);
    if (plan.resolved.skipReason) continue;
    if (
      stepStatus(
        ctx.runState.step(cluster.key, s.id),
        plan.targets.map((t) => t.host),
      ) !== 'done'
    )
      out.push(plan);
  }
  return out;
}

export async function runNextStep(ctx: CommandContext, item?: NodeItem | StepItem): Promise<StepOutcome | undefined> {
  const cluster = await validCluster(ctx, item?.clusterKey);
  if (!cluster) return undefined;
  const [next] = await remaining(ctx, cluster);
  if (!next) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Every step has run successfully.'));
    return undefined;
  }
  return execute(ctx, cluster, next, false);
}

export async function runAllRemaining(ctx: CommandContext, item?: NodeItem | StepItem): Promise<StepOutcome[] | undefined> {
  const cluster = await validCluster(ctx, item?.clusterKey);
  if (!cluster) return undefined;
  const plans = await remaining(ctx, cluster);
  if (plans.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Every step has run successfully.'));
    return [];
  }
  const run = vscode.l10n.t('Run {0} Steps', String(plans.length));
  const answer = await vscode.window.showWarningMessage(
    vscode.l10n.t('Run the remaining steps of "{0}"?', cluster.parsed.config!.name),
    {
      modal: true,
      detail:
        plans.map((p) => `• ${p.step.title} — ${p.resolved.targetLabel}`).join('\n') +
        '\n\n' +
        vscode.l10n.t('They change the servers in this order and stop at the first failure.'),
    },
    run,
  );
  if (answer !== run) return undefined;
  const outcomes: StepOutcome[] = [];
  for (const p of plans) {
    const o = await execute(ctx, cluster, p, false);
    outcomes.push(o);
    if (o.status !== 'done') break;
  }
  return outcomes;
}

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
  await ctx.secrets.forget(cluster.key, ['ldapAdmin', 'redis']);
  void vscode.window.showInformationMessage(vscode.l10n.t('Stored passwords of this cluster forgotten; they are asked again when needed.'));
}
