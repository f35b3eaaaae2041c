/**
 * What a step does on a host, as data: the preview prints it, the runner executes it, the CLI
 * does both. Secrets appear only as references; the runner fills them in from the editor's
 * secret storage and the preview shows them as ••••.
 */
import type { Shell } from '../ssh/shell';
import type { GeneratedFileName } from './generated';

/** The secrets a plan may need; the editor keeps them in SecretStorage per cluster. */
export type SecretName = 'ldapAdmin' | 'redis' | 'redisNew';

export const SECRET_LABELS: Record<SecretName, string> = {
  ldapAdmin: 'Directory Manager password (set at the first Gluu install; also the replication admin password)',
  redis: 'Redis password for the cache host (requirepass); choose one if Redis has none yet',
  redisNew: "New Redis password (replaces the current one in Redis and in Gluu's cache configuration)",
};

export interface SecretRef {
  secret: SecretName;
  /** How the value is written into the file: as it is, or as a quoted redis.conf string. */
  encoding?: 'redis-string';
}

/** File content with secret placeholders. */
export type Content = readonly (string | SecretRef)[];

/** Where a file is: on a host, inside the Gluu container or on the host itself. */
export interface FileLocation {
  host: string;
  /** Path as the tool sees it (inside the container when `container` is true). */
  path: string;
  container: boolean;
}

/** A password written to a 0600 file for a tool's password-file option; removed afterwards. */
export interface SecretFile {
  /** Path as the command sees it. */
  path: string;
  secret: SecretName;
}

interface Base {
  /** One line saying what the action does, shown in the preview and the terminal. */
  title: string;
}

/** Run a script on a host (inside the container when `container`). */
export interface ExecAction extends Base {
  kind: 'exec';
  host: string;
  script: Shell;
  container: boolean;
  /** Files holding secrets, uploaded (0600) before the script and removed after it, even on failure. */
  secretFiles?: SecretFile[];
}

/** Write a file on a host (temp file + rename, mode set). */
export interface UploadAction extends Base {
  kind: 'upload';
  to: FileLocation;
  content: Content;
  mode: number;
  /** A generated file: `content` is the user's copy (`copy`, as the user names it) when present, else the fresh one. */
  generated?: { fileName: GeneratedFileName; copy: string };
}

/** Copy a file from one host to another through the extension (checksum verified). */
export interface RelayAction extends Base {
  kind: 'relay';
  from: FileLocation;
  to: FileLocation;
  mode: number;
  /** Replace (or add) `key=...` lines in the copy, in order (setup.properties' ip= and hostname=). */
  setProperties?: { key: string; value: string }[];
}

/** Change a JSON attribute of the Gluu appliance entry in LDAP (compare-and-swap). */
export interface LdapAction extends Base {
  kind: 'ldap';
  /** Node whose LDAP server takes the change (replication carries it to the others). */
  host: string;
  attribute: 'cache' | 'idpAuthentication';
  /** The change in words and as a JSON merge of the fields that change. */
  change: Record<string, unknown>;
  /** A field of the change that holds a secret encoded on a node with Gluu's salt (filled in at run time). */
  encoded?: EncodedSecret;
}

/**
 * A secret stored in LDAP the way Gluu stores it: encoded on `host` (in its container when
 * `container`) with that installation's salt, the plain value sent only on the SSH channel's stdin.
 */
export interface EncodedSecret {
  secret: SecretName;
  /** Where in the change's JSON it goes, e.g. ['redisConfiguration', 'password']. */
  path: readonly string[];
  host: string;
  container: boolean;
}

/** A command that asks questions: runs in a terminal with a pty for a person to answer. */
export interface InteractiveAction extends Base {
  kind: 'interactive';
  host: string;
  script: Shell;
  container: boolean;
  /** The same command without questions, for a run nobody answers (the CLI): `setup.py -n`. */
  batch?: Shell;
}

export type Action = ExecAction | UploadAction | RelayAction | LdapAction | InteractiveAction;

/** The actions of one step on one target, in order. */
export interface TargetPlan {
  host: string;
  /** What this target's part of the step is, e.g. "idp2.example.org (from idp1.example.org)". */
  label: string;
  actions: Action[];
  /** Exits 0 when the step is already done on this target (where the tools can tell). */
  check?: Probe;
  /** Run after the step; exits 0 when it worked. */
  verify?: Probe;
}

/** A read-only script whose exit code answers a question about a host. */
export interface Probe {
  /** Host it runs on (the target when absent). */
  host?: string;
  script: Shell;
  container: boolean;
  secretFiles?: SecretFile[];
}
