/**
 * The built-in sandbox cluster (scripts/sandbox/sandbox.cjs) as the integration tests use it:
 * real sshd, slapd, nginx, redis and csync2 on lab hosts in network namespaces.
 */
import * as path from 'node:path';
import { ROOT } from '../unit/paths';
import type { Lab } from './lab';

export interface Sandbox {
  lab: Lab;
  clusterFile: string;
  /** The SSH client key the cluster file names. */
  clientKey: string;
  hosts: Record<string, { address: string; fingerprint: string }>;
  sshd: Record<string, { pid: number; stop(): Promise<void> }>;
  ldapPasswordFile: string;
  ldap: Record<string, { ldapUrl: string; ldapsUrl: string; certFile: string; fingerprint: string }>;
  slapd: Record<string, { stop(): Promise<void> }>;
  down(): Promise<void>;
}

export const { sandboxUp } = require(path.join(ROOT, 'scripts', 'sandbox', 'sandbox.cjs')) as {
  sandboxUp(o?: object): Promise<Sandbox>;
};

/** Writes a file on a lab host (scripts/lab/sshd.cjs). */
export const { writeOn } = require(path.join(ROOT, 'scripts', 'lab', 'sshd.cjs')) as {
  writeOn(l: Lab, host: string, file: string, text: string, mode?: string): Promise<void>;
};
