/**
 * The built-in sandbox cluster (scripts/sandbox/sandbox.cjs) as the integration tests use it:
 * real sshd, slapd, nginx, redis and csync2 on lab hosts in network namespaces.
 */
import * as path from 'node:path';
import { main } from '../../src/cli';
import { ROOT } from '../unit/paths';
import { readOn, shOn, type Lab } from './lab';

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
  /** The cluster file with every node of the sandbox (differs from clusterFile with `inCluster`). */
  clusterFileAllNodes: string;
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
  /** SSH sessions on the host see its clock `seconds` off from now on (0: back); see sandbox.cjs. */
  shiftClock(hostname: string, seconds: number): Promise<void>;
  /** New /etc/certs/openldap.* on the node and solserver restarted with them; ldap[hostname] follows. */
  renewLdapCertificate(hostname: string): Promise<SandboxLdap>;
  down(): Promise<void>;
}

export interface SandboxOptions {
  dir?: string;
  name?: string;
  /** Gluu nodes, 2 (default) to 4. */
  nodes?: number;
  /** How many of them the cluster file lists (the first; default all): the others are to be joined. */
  inCluster?: number;
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

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

/**
 * `gluu-cluster ARGS --config <the sandbox's> --trust-new-host-keys`, run in this process with
 * `env` (the passwords) set for the call only: what was there before is put back.
 */
export async function sandboxCli(clusterFile: string, env: Record<string, string>, args: string[]): Promise<CliResult> {
  const saved = Object.keys(env).map((k) => [k, process.env[k]] as const);
  Object.assign(process.env, env);
  let out = '';
  let err = '';
  try {
    const code = await main(
      [...args, '--config', clusterFile, '--trust-new-host-keys'],
      (t) => (out += t),
      (t) => (err += t),
    );
    return { code, out, err };
  } finally {
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/**
 * An OpenLDAP client tool (ldapsearch, ldapadd…) run on a sandbox node as the directory manager,
 * trusting the cluster's peer certificates; the password is read from `pwFile` on the node (the
 * caller writes it there, 0600). `url`: whose LDAP (default the node's own).
 */
export function ldapToolOn(
  l: Lab,
  node: string,
  pwFile: string,
  tool: string,
  args: string,
  o: { input?: string; url?: string } = {},
): Promise<string> {
  return shOn(
    l,
    node,
    `LDAPTLS_CACERT=/opt/symas/etc/openldap/gluu-cluster-peers.pem /opt/symas/bin/${tool} -x -H ${o.url ?? 'ldaps://127.0.0.1:1636/'} -D 'cn=directory manager,o=gluu' -y ${pwFile} ${args}`,
    o.input,
  );
}

/** The content of `file` on `host` once it is there (csync2's cron brings it), or a failure after `seconds`. */
export async function fileArrives(l: Lab, host: string, file: string, seconds: number): Promise<string> {
  const end = Date.now() + seconds * 1000;
  for (;;) {
    const text = readOn(l, host, file);
    if (text !== undefined) return text;
    if (Date.now() > end) throw new Error(`${file} did not reach ${host} within ${seconds} s`);
    await new Promise((res) => setTimeout(res, 500));
  }
}
