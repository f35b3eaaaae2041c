/**
 * What the editor needs to run steps over SSH, in its own bundle (dist/run.js): ssh2 and the
 * runner load only when a step first runs or a terminal first opens.
 */
export { SshPool } from './ssh/pool';
export { runStep } from './run/runner';
export { sshConnector, sshTargetOf } from './run/sshConnector';
export { inContainer } from './gluu/container';
export { sh } from './ssh/shell';
// The LDAP editor's core (ldapts loads on the first connection).
export { applianceAccess, readSnapshot } from './ldap/access';
export { withAppliance } from './ldap/appliance';
export { diffTexts, resolveEdits, reverseChanges } from './ldap/edits';
export { isLdapError } from './ldap/errors';
export { RunSession } from './session/session';
export { verifyTable } from './session/verify';
