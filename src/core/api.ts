/**
 * Everything the editor glue uses from the core, in one module. The extension bundle loads it
 * (dist/core.js) on first use, not at activation: the YAML parser and the plan are most of the
 * code, and activation only registers commands and views.
 */
export { addNode, checkNewNode, EditError, removeNode, setPrimary, textChange } from './config/edit';
export { EXAMPLE_CLUSTER_FILE } from './config/example';
export { parseClusterFile } from './config/parse';
export { matchesFormat } from './config/validate';
export { STEPS, findStep } from './plan/catalogue';
export { forHost, generateFiles, planInput, renderPlan, renderStep } from './plan/plan';
export { formatPlan, formatStep } from './plan/preview';
export { checkCsync2Cfg } from './render/csync2Check';
export { checkOpenldapReplication } from './render/openldapReplication';
export { checkNginxConf } from './render/nginxCheck';
export { nodeTree, stepTree } from './tree/model';
export { markStep, stepState } from './session/state';
export { describeHostRuns, describeRunsOnHost, statusWords } from './tree/status';
export { healthTree, rowDetails, STATE_ICONS } from './health/tree';
export { hostHealth, summaryWords } from './health/model';
export { healthPeriodMs, skipRound } from './health/schedule';
export { healthOutdatedBy } from './health/outdated';
