/**
 * The SSH layer: a pool of authenticated connections with OpenSSH's host key and authentication
 * rules, and the operations the clustering steps need. No `vscode` here; ssh2 loads on first connect.
 */
export { SshPool, DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_IDLE_TIMEOUT_MS } from './pool';
export { SshConnection } from './connection';
export { SshError, isSshError, type SshErrorCode } from './errors';
export {
  hostKeyId,
  fingerprintSha256,
  parseKnownHosts,
  lookupHost,
  hostsFieldMatches,
  hashHostName,
  keyTypeOfBlob,
  type KnownHostEntry,
} from './knownHosts';
export { resolveTarget, readSshConfig, parseJumpSpec } from './sshConfig';
export { sh, cmd, quote, and, lines, isShell, type Shell } from './shell';
export type * from './types';
