/**
 * The built-in sandbox cluster (scripts/sandbox/sandbox.cjs) as the integration tests use it:
 * real sshd, slapd, nginx, redis and csync2 on lab hosts in network namespaces.
 */
import * as path from 'node:path';
import { ROOT } from '../unit/paths';
import type { Lab } from './lab';

/** A Gluu node's OpenLDAP (solserver) as this machine sees it. */
export interface SandboxLdap {
  /** ldap(s)://<the node's address>:1389/1636: answers with ldapOpen, or once replication opens it. */
  ldapUrl: string;
  ldapsUrl: string;
  /** ldap(s)://127.0.0.1:1389/1636: what the node itself (and an SSH tunnel) uses. */
  localLdapUrl: string;
  localLdapsUrl: string;
  /** Whether HOST_LIST has the node's address. */
  open: boolean;
  /** The node's /etc/certs/openldap.crt, read from this machine. */
  certFile: string;
  /** SHA-256 of the certificate slapd serves, "AA:BB:…". */
  fingerprint: string;
}

export interface Sandbox {
  lab: Lab;
  dir: string;
  clusterFile: string;
  /** The SSH client key the cluster file names. */
  clientKey: string;
  hosts: Record<string, { address: string; fingerprint: string }>;
  sshd: Record<string, { pid: number; stop(): Promise<void> }>;
  ldapPasswordFile: string;
  /** Every password of the sandbox with what it is (0600). */
  passwordsFile: string;
  ldap: Record<string, SandboxLdap>;
  /** `service solserver stop|start` on the node. */
  slapd: Record<string, { pid?: number; stop(): Promise<void>; start(): Promise<void> }>;
  /** New /etc/certs/openldap.* on the node and solserver restarted with them; ldap[hostname] follows. */
  renewLdapCertificate(hostname: string): Promise<SandboxLdap>;
  down(): Promise<void>;
}

export interface SandboxOptions {
  dir?: string;
  name?: string;
  /** Gluu nodes, 2 (default) to 4. */
  nodes?: number;
  /** slapd also listens on each node's address (default: 127.0.0.1 only, as Gluu installs it). */
  ldapOpen?: boolean;
}

export const { sandboxUp } = require(path.join(ROOT, 'scripts', 'sandbox', 'sandbox.cjs')) as {
  sandboxUp(o?: SandboxOptions): Promise<Sandbox>;
};

/** Writes a file on a lab host (scripts/lab/sshd.cjs). */
export const { writeOn } = require(path.join(ROOT, 'scripts', 'lab', 'sshd.cjs')) as {
  writeOn(l: Lab, host: string, file: string, text: string, mode?: string): Promise<void>;
};
