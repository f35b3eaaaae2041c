/** The rendered form of a step for one cluster: what runs where, in which order. */
import type { ClusterConfig } from '../config/types';
import type { Action, TargetPlan } from './actions';
import type { StepDefinition } from './catalogue';
import type { GeneratedFileName } from './generated';
import type { ResolvedStep } from './targets';

export interface PlanInput {
  config: ClusterConfig;
  /** Text of the generated files: the workspace copy when the user has one, else freshly generated. */
  generated: Record<GeneratedFileName, string>;
  /** Where the user's copies are looked for, as the user names it (gluuCluster.generatedFolder, --generated-folder): for the texts. */
  generatedFolder: string;
}

export interface StepPlan {
  step: StepDefinition;
  resolved: ResolvedStep;
  /** Run once, in order, before the targets (e.g. pack files on the primary). */
  before: Action[];
  /** Run concurrently, one sequence per target. */
  targets: TargetPlan[];
  /** Run once, in order, after every target finished (e.g. the first csync2 sync, node by node). */
  after: Action[];
  /** What the operator should know: changes from the manual, why a step is not idempotent. */
  notes: string[];
}

/** What a step module provides. */
export type StepRenderer = (input: PlanInput, resolved: ResolvedStep) => Omit<StepPlan, 'step' | 'resolved'>;
