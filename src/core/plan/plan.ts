/** Renders steps for a cluster: the single entry point for the preview, the runner and the CLI. */
import type { ClusterConfig } from '../config/types';
import { renderCsync2Cfg } from '../render/csync2';
import { renderNginxConf } from '../render/nginx';
import { renderOpenldapReplication } from '../render/openldapReplication';
import { OPERATIONS, STEPS, findStep } from './catalogue';
import { DEFAULT_GENERATED_FOLDER, GENERATED_FILES, type GeneratedFileName } from './generated';
import { OPERATION_RENDERERS, RENDERERS } from './steps';
import type { PlanInput, StepPlan } from './stepPlan';
import { resolveStep } from './targets';

const RENDER: Record<GeneratedFileName, (config: ClusterConfig) => string> = {
  'nginx.conf': renderNginxConf,
  'csync2.cfg': renderCsync2Cfg,
  'openldap-replication.conf': renderOpenldapReplication,
};

/** Freshly generated files, for when the user has no edited copy. */
export function generateFiles(config: ClusterConfig): Record<GeneratedFileName, string> {
  return Object.fromEntries(GENERATED_FILES.map((f) => [f.fileName, RENDER[f.fileName](config)])) as Record<GeneratedFileName, string>;
}

/**
 * What the steps render from: the cluster, and the user's copies of the generated files (read
 * from `generatedFolder`) where there are any, fresh ones for the rest.
 */
export function planInput(
  config: ClusterConfig,
  copies: Partial<Record<GeneratedFileName, string>> = {},
  generatedFolder = DEFAULT_GENERATED_FOLDER,
): PlanInput {
  return { config, generated: { ...generateFiles(config), ...copies }, generatedFolder };
}

export function renderStep(id: string, input: PlanInput): StepPlan {
  const step = findStep(id);
  if (!step) throw new Error(`unknown step "${id}"; steps are: ${STEPS.map((s) => s.id).join(', ')}`);
  const resolved = resolveStep(step, input.config);
  if (resolved.skipReason) return { step, resolved, before: [], targets: [], after: [], notes: [`Skipped: ${resolved.skipReason}.`] };
  return { step, resolved, ...RENDERERS[id](input, resolved) };
}

/** An operation on a running cluster (OPERATIONS), rendered like a step. */
export function renderOperation(id: string, input: PlanInput): StepPlan {
  const step = OPERATIONS.find((o) => o.id === id);
  if (!step) throw new Error(`unknown operation "${id}"; operations are: ${OPERATIONS.map((o) => o.id).join(', ')}`);
  const resolved = resolveStep(step, input.config);
  if (resolved.skipReason) return { step, resolved, before: [], targets: [], after: [], notes: [`Skipped: ${resolved.skipReason}.`] };
  return { step, resolved, ...OPERATION_RENDERERS[id](input, resolved) };
}

export function renderPlan(input: PlanInput): StepPlan[] {
  return STEPS.map((s) => renderStep(s.id, input));
}

/** Keeps only what runs on `host` (for "preview/run this step on this node"). */
export function forHost(plan: StepPlan, host: string): StepPlan {
  // What the host's source (the primary of a primary-to-node step) prepares for it stays: its
  // export before the copy, its clean-up after. What it does for another node goes.
  const peer = plan.resolved.targets.find((t) => t.host === host)?.peer;
  const on = (a: { host?: string; from?: { host: string }; to?: { host: string } }) =>
    a.host === host || a.to?.host === host || (peer !== undefined && a.host === peer && (!a.to || a.to.host === host));
  // "Runs on" says this host (and where it copies from), not every host of the step.
  const resolvedTargets = plan.resolved.targets.filter((t) => t.host === host);
  const targetLabel = resolvedTargets.length
    ? resolvedTargets.map((t) => (t.peer ? `${t.peer} → ${t.host}` : t.host)).join(', ')
    : plan.resolved.targetLabel;
  return {
    ...plan,
    resolved: { ...plan.resolved, targets: resolvedTargets.length ? resolvedTargets : plan.resolved.targets, targetLabel },
    before: plan.before.filter(on),
    targets: plan.targets.filter((t) => t.host === host),
    after: plan.after.filter(on),
  };
}
