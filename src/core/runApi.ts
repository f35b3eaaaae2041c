/**
 * What the editor needs to run steps over SSH, in its own bundle (dist/run.js): ssh2 and the
 * runner load only when a step first runs or a terminal first opens.
 */
export { SshPool } from './ssh/pool';
export { isSshError, SshError } from './ssh/errors';
export { hostKeyId } from './ssh/knownHosts';
export { runStep } from './run/runner';
export { summarize } from './run/summary';
export { Masker, onceForRun } from './run/secrets';
export { sshConnector, sshTargetOf } from './run/sshConnector';
export { inContainer } from './gluu/container';
export { sh } from './ssh/shell';
