export { STEPS, findStep, type StepDefinition, type StepScope } from './catalogue';
export { resolveStep, type ResolvedStep, type StepTarget } from './targets';
export { renderStep, renderPlan, planInput, generateFiles, forHost } from './plan';
export { formatStep, formatPlan, MASK } from './preview';
export type { StepPlan, PlanInput } from './stepPlan';
export type * from './actions';
