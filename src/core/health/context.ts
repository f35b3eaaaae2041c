/**
 * What a health check may do: run read-only commands on a host (in the Gluu container where
 * asked) with a time limit, read a password that is already stored (a health check never asks),
 * and read the cluster file and the generated files. Failures come back as typed errors so that
 * every check reports an unreachable host, a timeout and a missing password the same way.
 */
import type { ClusterConfig } from '../config/types';
import { wrapIf } from '../gluu/container';
import type { SecretName } from '../plan/actions';
import type { PlanInput } from '../plan/stepPlan';
import type { Connector, RemoteHost } from '../run/remote';
import { sh, type Shell } from '../ssh/shell';

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface ExecHealthOptions {
  container?: boolean;
  /** Written to the command's stdin (how a password reaches it: see `withPasswordFile`). */
  stdin?: string;
  /** This command's limit (default: the context's). */
  timeoutMs?: number;
  /**
   * On the health check's longest path (replication's phases run one after another): ahead of
   * the host's queue, so the other checks' reads do not delay the whole report.
   */
  urgent?: boolean;
}

/** The host could not be reached over SSH: every row of that host is critical with this reason. */
export class HostUnreachable extends Error {
  constructor(
    readonly host: string,
    cause: unknown,
  ) {
    super(`${host} cannot be reached over SSH: ${(cause as Error)?.message ?? String(cause)}`, { cause });
  }
}

/** A command did not end within its limit (it was stopped). */
export class CheckTimeout extends Error {
  constructor(
    readonly host: string,
    readonly ms: number,
  ) {
    super(`no answer from ${host} within ${Math.round(ms / 1000)} s`);
  }
}

/** A password the check needs is not stored (the CLI: its variable is not set). */
export class SecretNotStored extends Error {
  constructor(
    readonly secret: SecretName,
    hint: string,
  ) {
    super(hint);
  }
}

export interface HealthPorts {
  connector: Connector;
  /** The stored value, or undefined; never asks anyone. */
  storedSecret(name: SecretName): Promise<string | undefined>;
  /** What to tell the operator when a secret is not stored (e.g. the variable to set). */
  secretHint(name: SecretName): string;
  signal?: AbortSignal;
  now?: () => number;
}

export interface HealthContext {
  readonly config: ClusterConfig;
  readonly input: PlanInput;
  now(): number;
  /** ISO time for a row. */
  stamp(): string;
  /** Connects (pooled); throws HostUnreachable. */
  remote(host: string): Promise<RemoteHost>;
  /** Runs a read-only command and collects its output; throws HostUnreachable or CheckTimeout. */
  exec(host: string, script: Shell, o?: ExecHealthOptions): Promise<CommandResult>;
  /** A stored secret; throws SecretNotStored. */
  secret(name: SecretName): Promise<string>;
  /** `read()` once per health run, whichever check asks first (the same entry or file read by two checks). */
  once<T>(key: string, read: () => Promise<T>): Promise<T>;
}

/** Channels at once on one host: sshd allows 10 sessions per connection (MaxSessions). */
const PER_HOST = 4;
export const DEFAULT_COMMAND_TIMEOUT_MS = 15000;

export function healthContext(
  config: ClusterConfig,
  input: PlanInput,
  ports: HealthPorts,
  timeoutMs = DEFAULT_COMMAND_TIMEOUT_MS,
): HealthContext {
  const now = ports.now ?? Date.now;
  const slots = new Map<string, Semaphore>();
  const connections = new Map<string, Promise<RemoteHost>>();
  const reads = new Map<string, Promise<unknown>>();
  const remote = (host: string): Promise<RemoteHost> => {
    let p = connections.get(host);
    if (!p) {
      p = ports.connector.host(host).catch((e) => {
        throw new HostUnreachable(host, e);
      });
      connections.set(host, p);
    }
    return p;
  };
  return {
    config,
    input,
    now,
    stamp: () => new Date(now()).toISOString(),
    remote,
    async exec(host, script, o = {}) {
      const r = await remote(host);
      let slot = slots.get(host);
      if (!slot) slots.set(host, (slot = new Semaphore(PER_HOST)));
      return slot.run(o.urgent ?? false, async () => {
        const limit = o.timeoutMs ?? timeoutMs;
        const ac = new AbortController();
        const timer = setTimeout(() => ac.abort(), limit);
        // One signal for both (AbortSignal.any adds no listener per command to the session's).
        const signal = ports.signal ? AbortSignal.any([ac.signal, ports.signal]) : ac.signal;
        const out: string[] = [];
        const err: string[] = [];
        const t0 = now();
        try {
          const res = await r.exec(wrapIf(config, script, o.container ?? false), {
            onStdout: (t) => out.push(t),
            onStderr: (t) => err.push(t),
            signal,
            ...(o.stdin !== undefined ? { stdin: o.stdin } : {}),
          });
          if (res.cancelled) {
            if (ports.signal?.aborted) throw new Error('cancelled');
            throw new CheckTimeout(host, limit);
          }
          return { code: res.code, stdout: out.join(''), stderr: err.join(''), ms: now() - t0 };
        } catch (e) {
          // A connection that broke in the middle is an unreachable host, like one that never answered.
          if (e instanceof CheckTimeout || e instanceof HostUnreachable) throw e;
          if (ac.signal.aborted && !ports.signal?.aborted) throw new CheckTimeout(host, limit);
          throw new HostUnreachable(host, e);
        } finally {
          clearTimeout(timer);
        }
      });
    },
    once<T>(key: string, read: () => Promise<T>): Promise<T> {
      let p = reads.get(key) as Promise<T> | undefined;
      if (!p) reads.set(key, (p = read()));
      return p;
    },
    async secret(name) {
      const v = await ports.storedSecret(name);
      if (v === undefined || v === '') throw new SecretNotStored(name, ports.secretHint(name));
      return v;
    },
  };
}

/**
 * `body` with "$pw" naming a 0600 file that holds the password sent on stdin; the file is removed
 * when the script ends. The password never appears in argv, the environment or the output.
 */
export function withPasswordFile(body: Shell): Shell {
  return sh`umask 077; pw=$(mktemp) || exit 3; trap 'rm -f "$pw"' EXIT; cat > "$pw"
${body}`;
}

/** At most `size` at once; an urgent caller waits ahead of the others. */
export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly size: number) {}
  async run<T>(urgent: boolean, fn: () => Promise<T>): Promise<T> {
    // A freed slot passes straight to the next waiter (it never counts as free in between, so a
    // newcomer cannot take it first and the limit holds).
    if (this.active >= this.size) await new Promise<void>((r) => (urgent ? this.waiting.unshift(r) : this.waiting.push(r)));
    else this.active++;
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}
