export { STEPS, findStep, type StepDefinition, type StepScope } from './catalogue';
export { resolveStep, type ResolvedStep, type StepTarget } from './targets';
