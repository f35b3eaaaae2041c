/**
 * What a run session needs from whoever drives it. The editor implements these with
 * SecretStorage, modal dialogs, terminals and workspace state; the CLI with environment
 * variables, flags, stdout and a JSON file; unit tests with in-memory stand-ins.
 */
import type { ApplianceAccess } from '../ldap/appliance';
import type { ValueChange } from '../ldap/edits';
import type { SecretName } from '../plan/actions';
import type { JoinStep } from '../plan/join';
import type { RemoveStep } from '../plan/remove';
import type { StepPlan } from '../plan/stepPlan';
import type { Connector, ExecResult } from '../run/remote';
import type { StepOutcome } from '../run/runner';
import type { Shell } from '../ssh/shell';
import type { ClusterRunState } from './state';

export interface SecretsPort {
  /** The secret's value; the editor asks (and keeps it), the CLI reads its environment. */
  get(name: SecretName): Promise<string>;
  /** The server refused it: forget it so the next run asks again. */
  forget?(name: SecretName): Promise<void>;
  /** Says, before anything connects, why a secret cannot be had (e.g. the variable to set). */
  missing?(names: readonly SecretName[]): string | undefined;
  /** A password was changed on the servers: `to` now holds what `from` held (the editor moves the stored value). */
  replace?(to: SecretName, from: SecretName): Promise<void>;
  /** The value only if it is already stored, never asking (health checks run unattended). */
  stored?(name: SecretName): Promise<string | undefined>;
  /** How the operator makes a secret available when it is not (e.g. "set GLUU_CLUSTER_…"). */
  howToStore?(name: SecretName): string;
}

/** Where one step's output goes while it runs (a terminal, stdout). */
export interface StepSink {
  /** Output of a host, already masked; or an info line of the runner. */
  output(host: string, kind: 'out' | 'err' | 'info', text: string): void;
  /** The step ended: its outcome and the summary lines (already masked). */
  end(outcome: StepOutcome, summary: string[]): void | Promise<void>;
  /** Aborted when the person cancels this step (Ctrl+C in its terminal). */
  signal?: AbortSignal;
}

export interface OutputPort {
  /** A step starts: where its output goes. */
  begin(plan: StepPlan): StepSink | Promise<StepSink>;
  /** Something the operator must know that is not a step's output (why nothing ran, what is stale). */
  notice(message: string): void;
}

/** The questions a session may ask. */
export type Question =
  | { kind: 'rerun'; plan: StepPlan; hosts: string[] }
  | { kind: 'run-many'; plans: StepPlan[]; clusterName: string }
  /** An operation on the running cluster (changing a password): always asked. */
  | { kind: 'operation'; plan: StepPlan; clusterName: string }
  /** Join Node: the steps, where each runs and why, and their commands (`preview`). Always asked. */
  | { kind: 'join'; host: string; steps: JoinStep[]; preview: string; clusterName: string }
  /** Remove Node from Cluster: the steps in order and their commands. Always asked. */
  | { kind: 'remove'; host: string; steps: RemoveStep[]; preview: string; clusterName: string };

export interface PromptsPort {
  /** true to go on. The CLI answers from its flags (never blocks on stdin). */
  confirm(q: Question): Promise<boolean>;
}

/** Runs a command that asks questions in a terminal a person can type into. */
export type InteractivePort = (host: string, command: Shell, plan: StepPlan) => Promise<ExecResult>;

export interface RunStatePort {
  load(): ClusterRunState | Promise<ClusterRunState>;
  save(state: ClusterRunState): Promise<void>;
}

/** What an LDAP write replaced, for "Restore Previous LDAP Value". */
export interface SavedLdapChange {
  entryDN: string;
  changes: ValueChange[];
  at: number;
  /** "LDAP editor" or the step id. */
  by: string;
}

export interface LdapPort {
  /** How to reach `host`'s appliance entry; the password comes from the session's secrets. */
  access(host: string, password: () => Promise<string>): ApplianceAccess;
  /** Keeps what a step's write replaced (the editor does; the CLI has nowhere to keep it). */
  recordPrevious?(host: string, saved: SavedLdapChange): Promise<void>;
}

export interface SessionPorts {
  connector: Connector;
  secrets: SecretsPort;
  output: OutputPort;
  prompts: PromptsPort;
  state: RunStatePort;
  ldap?: LdapPort;
  /** Absent in the CLI: interactive steps are then left to the editor (or marked done by hand). */
  interactive?: InteractivePort;
  /** Cancels the whole session (SIGINT in the CLI). */
  signal?: AbortSignal;
  /** Wall clock, replaceable in tests. */
  now?: () => number;
}
