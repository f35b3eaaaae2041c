/**
 * The CLI's adapter to the run session: host keys from known_hosts (a new key is refused unless
 * the operator pinned it with --host-key or said --trust-new-host-keys; see cliHostKeys.ts),
 * passwords from the environment (never from arguments), output to stdout/stderr, run state in a
 * JSON file beside the cluster file.
 */
import type { ClusterConfig } from '../config/types';
import { EXIT_CODES, type HealthGroup } from '../health/model';
import { healthTable } from '../health/table';
import { applianceAccess } from '../ldap/access';
import { cliCertificateTrust } from '../ldap/cli';
import { SECRET_LABELS, type SecretName } from '../plan/actions';
import type { PlanInput } from '../plan/stepPlan';
import { defaultStateFile, fileRunState } from '../session/fileState';
import type { SessionPorts } from '../session/ports';
import { RunSession } from '../session/session';
import { markStep, stepState } from '../session/state';
import { verifyTable } from '../session/verify';
import { statusWords } from '../tree/status';
import { stepTree } from '../tree/model';
import type { SshConnection } from '../ssh/connection';
import { SshError, isSshError, type SshErrorCode } from '../ssh/errors';
import { hostKeyName } from '../ssh/hostKeys';
import { SshPool, defaultKnownHostsFiles } from '../ssh/pool';
import type { ResolvedTarget, SshPoolOptions, SshTarget } from '../ssh/types';
import { cliHostKeyTrust, type CliHostKeys } from './cliHostKeys';
import { sshConnector } from './sshConnector';

export const SECRET_ENV: Record<SecretName, string> = {
  ldapAdmin: 'GLUU_CLUSTER_LDAP_ADMIN_PASSWORD',
  redis: 'GLUU_CLUSTER_REDIS_PASSWORD',
  redisNew: 'GLUU_CLUSTER_NEW_REDIS_PASSWORD',
};

const HOST_KEY_REFUSALS: readonly SshErrorCode[] = ['HOST_KEY_UNKNOWN', 'HOST_KEY_CHANGED', 'HOST_KEY_REVOKED'];

/**
 * The CLI's pool lives for one run: a host whose key was refused is not connected to again (each
 * check, action and verify of every step would otherwise connect, and be refused, anew). The
 * refusal is explained once on stderr; what the run reports for the host (its ✗ line, the
 * summary) then names it briefly.
 */
class CliSshPool extends SshPool {
  private readonly refused = new Map<string, SshError>();

  constructor(
    opts: SshPoolOptions,
    private readonly err: (s: string) => void,
  ) {
    super(opts);
  }

  override async get(target: SshTarget | ResolvedTarget): Promise<SshConnection> {
    const r = 'key' in target && 'hostname' in target ? target : await this.resolve(target);
    const before = this.refused.get(r.key);
    if (before) throw before;
    try {
      return await super.get(r);
    } catch (e) {
      if (!isSshError(e) || !HOST_KEY_REFUSALS.includes(e.code)) throw e;
      // Several uses waiting for the same connection share its one refusal.
      const already = this.refused.get(r.key);
      if (already) throw already;
      // An unknown key was explained when it was refused (confirmUnknownHostKey); the others here.
      if (e.code !== 'HOST_KEY_UNKNOWN') this.err(`${e.message}\n`);
      const brief = new SshError(e.code, `the host key of ${hostKeyName(r.hostKeyAlias ?? r.hostname, r.label)} was refused (see above)`, {
        target: r.key,
        cause: e,
        details: e.details,
      });
      this.refused.set(r.key, brief);
      throw brief;
    }
  }
}

/** The CLI's SSH pool: known_hosts (and --known-hosts FILE), plus the keys --host-key or --trust-new-host-keys accept. */
export function cliSshPool(keys: CliHostKeys, err: (s: string) => void): SshPool {
  return new CliSshPool(
    {
      ...cliHostKeyTrust(keys, err),
      ...(keys.knownHostsFile ? { knownHostsFiles: [...defaultKnownHostsFiles(), keys.knownHostsFile] } : {}),
    },
    err,
  );
}

/** Says which variables to set for the secrets a step needs, before anything connects. */
export function missingSecretVariables(names: readonly SecretName[], env: NodeJS.ProcessEnv = process.env): string | undefined {
  const unset = names.filter((n) => !env[SECRET_ENV[n]]);
  if (unset.length === 0) return undefined;
  return `this step needs ${unset.map((n) => `${SECRET_ENV[n]} (${SECRET_LABELS[n]})`).join(' and ')}: set ${unset.length === 1 ? 'it' : 'them'} in the environment; nothing ran`;
}

export interface CliRunOptions {
  stepId?: string;
  node?: string;
  hostKeys: CliHostKeys;
  force: boolean;
  /** Steps named with --force in a whole-plan run. */
  forceSteps?: readonly string[];
  ldapCertFingerprint?: string;
  clusterFileDir: string;
  /** The run state file (default: .gluu-cluster-state.json beside the cluster file). */
  stateFile?: string;
  out: (s: string) => void;
  err: (s: string) => void;
}

/** The CLI's ports of the run session: environment, flags, stdout/stderr and a state file. */
export function cliSession(config: ClusterConfig, input: PlanInput, o: CliRunOptions, pool: SshPool, signal?: AbortSignal): RunSession {
  const ports: SessionPorts = {
    connector: sshConnector(pool, config),
    secrets: {
      get: async (name) => {
        const v = process.env[SECRET_ENV[name]];
        if (v === undefined || v === '') throw new Error(`this step needs a password: set ${SECRET_ENV[name]} in the environment`);
        return v;
      },
      missing: (names) => missingSecretVariables(names),
      stored: async (name) => process.env[SECRET_ENV[name]] || undefined,
      howToStore: (name) => `set ${SECRET_ENV[name]} in the environment`,
      replace: async (to, from) =>
        o.out(`The password in ${SECRET_ENV[from]} is now the one in use: set ${SECRET_ENV[to]} to it from now on.\n`),
    },
    output: {
      begin: (plan) => {
        o.out(`== ${plan.step.title} (${plan.step.id})\n`);
        return {
          output: (host, kind, text) => {
            const lines = text.replace(/\n$/, '').split('\n');
            (kind === 'err' ? o.err : o.out)(lines.map((l) => `${host} | ${l}\n`).join(''));
          },
          end: (_outcome, summary) => o.out(`${summary.join('\n')}\n`),
        };
      },
      notice: (message) => o.err(`gluu-cluster: ${message}\n`),
    },
    prompts: {
      // The CLI never waits on stdin: a done step runs again only with --force.
      confirm: async (q) => {
        // `run` and `redis-password` go on only with --yes, checked before the session starts.
        if (q.kind === 'run-many' || q.kind === 'operation') return true;
        if (q.kind === 'remove') {
          o.out(
            `Removing ${q.host} from "${q.clusterName}":\n${q.steps.map((r, i) => `  ${String(i + 1).padStart(2)}. ${r.plan.step.id.padEnd(21)} ${r.why}`).join('\n')}\n`,
          );
          return true;
        }
        if (q.kind === 'join') {
          o.out(
            `Joining ${q.host} to "${q.clusterName}":\n${q.steps.map((j, i) => `  ${String(i + 1).padStart(2)}. ${j.plan.step.id.padEnd(21)} ${j.scope === 'new-node' ? `on ${q.host}` : 'on every host it concerns'}: ${j.why}`).join('\n')}\n`,
          );
          return true;
        }
        o.err(`gluu-cluster: "${q.plan.step.title}" already ran successfully on ${q.hosts.join(', ')}; pass --force to run it again\n`);
        return false;
      },
    },
    state: fileRunState(o.stateFile ?? defaultStateFile(o.clusterFileDir), config.name),
    ldap: {
      // The LDAP steps: same core as `gluu-cluster ldap`, password through the run's secrets.
      access: (host, password) =>
        applianceAccess(config, host, {
          pool,
          password,
          trust: cliCertificateTrust(o.ldapCertFingerprint, o.err),
          clusterFileDir: o.clusterFileDir,
        }),
    },
    ...(signal ? { signal } : {}),
  };
  return new RunSession(config, input, ports);
}

/**
 * A session for one CLI command: its own SSH pool, closed at the end, and Ctrl+C, SIGTERM or
 * SIGHUP cancelling what runs (the runner then removes its secret files on the hosts).
 */
async function withCliSession<T>(
  config: ClusterConfig,
  input: PlanInput,
  o: CliRunOptions,
  use: (s: RunSession) => Promise<T>,
): Promise<T> {
  const pool = cliSshPool(o.hostKeys, o.err);
  const ac = new AbortController();
  const onSignal = () => ac.abort();
  for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(s, onSignal);
  try {
    return await use(cliSession(config, input, o, pool, ac.signal));
  } finally {
    for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.off(s, onSignal);
    await pool.closeAll();
  }
}

/** `gluu-cluster run`: one step (on every host or one), or every remaining step in order. */
export async function runFromCli(config: ClusterConfig, input: PlanInput, o: CliRunOptions): Promise<number> {
  const r = await withCliSession(config, input, o, (session) =>
    session.run(o.stepId ? { kind: 'step', stepId: o.stepId, ...(o.node ? { host: o.node } : {}) } : { kind: 'remaining' }, {
      force: o.force,
      forceSteps: o.forceSteps ?? [],
    }),
  );
  if (r.stopped?.reason === 'nothing-to-do' || r.stopped?.reason === 'not-applicable') return 0;
  if (r.stopped?.reason === 'interactive' && r.stopped.stepId) {
    o.err(`gluu-cluster: when it is done: gluu-cluster mark ${r.stopped.stepId} done --reason "…", then run again\n`);
  }
  return r.stopped || r.outcomes.some((x) => x.status !== 'done') ? 1 : 0;
}

/**
 * `gluu-cluster health`: the checks of core/health, a table (or the --json report) on stdout and
 * the plugin exit code monitoring systems read: 0 ok, 1 warning, 2 critical, 3 unknown.
 */
export async function healthFromCli(
  config: ClusterConfig,
  input: PlanInput,
  o: CliRunOptions & { json: boolean; groups?: readonly HealthGroup[] },
): Promise<number> {
  const report = await withCliSession(config, input, o, (session) => session.health(o.groups ? { groups: o.groups } : {}));
  o.out(o.json ? `${JSON.stringify(report, null, 2)}\n` : healthTable(report));
  return EXIT_CODES[report.state];
}

/** `gluu-cluster verify`: where each step holds now (the run state records it); 0 when no step is found not to hold. */
export async function verifyFromCli(config: ClusterConfig, input: PlanInput, o: CliRunOptions): Promise<number> {
  const r = await withCliSession(config, input, o, (session) => session.verify());
  if (r.stopped) return 1;
  o.out(verifyTable(r.rows));
  const holds = r.rows.filter((x) => x.verdict === 'holds').length;
  o.out(`${holds} of ${r.rows.length} step targets hold; the run state now says so.\n`);
  return r.rows.some((x) => x.verdict === 'does-not-hold') ? 1 : 0;
}

/** `gluu-cluster join --node HOST`: the node added to the running cluster (see RunSession.join). */
export async function joinFromCli(config: ClusterConfig, input: PlanInput, host: string, o: CliRunOptions): Promise<number> {
  const r = await withCliSession(config, input, o, (session) => session.join(host));
  if (r.stopped) return 1;
  o.out(`${host} has joined "${config.name}". Check the cluster: gluu-cluster health\n`);
  return 0;
}

/**
 * `gluu-cluster remove --node HOST`: the node taken out of the running cluster, then out of the
 * cluster file (`removeFromFile`, called only when nothing stopped the removal).
 */
export async function removeFromCli(
  config: ClusterConfig,
  input: PlanInput,
  host: string,
  removeFromFile: () => void,
  o: CliRunOptions,
): Promise<number> {
  const r = await withCliSession(config, input, o, (session) => session.remove(host));
  if (r.stopped) return 1;
  removeFromFile();
  o.out(
    `${host} is out of "${config.name}" and of the cluster file.${r.left.length ? ' Left undone (see above): it could not be reached.' : ''}\n`,
  );
  return r.left.length ? 1 : 0;
}

/** `gluu-cluster redis-password`: the Redis password changed in Redis and in Gluu's cache configuration. */
export async function changeRedisPasswordFromCli(config: ClusterConfig, input: PlanInput, o: CliRunOptions): Promise<number> {
  const r = await withCliSession(config, input, o, (session) => session.changeRedisPassword());
  return r.stopped ? 1 : 0;
}

/** `gluu-cluster status` and `gluu-cluster mark`: the run state only; nothing connects anywhere. */
export async function stepStateFromCli(
  command: 'status' | 'mark',
  config: ClusterConfig,
  o: {
    clusterFileDir: string;
    stateFile?: string;
    stepId?: string;
    mark?: string;
    reason?: string;
    out: (s: string) => void;
    err: (s: string) => void;
  },
): Promise<number> {
  const port = fileRunState(o.stateFile ?? defaultStateFile(o.clusterFileDir), config.name);
  if (command === 'mark') {
    const mark = o.mark;
    if (!o.stepId || (mark !== 'done' && mark !== 'skipped' && mark !== 'reset')) {
      o.err('gluu-cluster: mark STEP done|skipped|reset [--reason TEXT]\n');
      return 2;
    }
    try {
      await markStep(port, o.stepId, mark, o.reason ?? '');
    } catch (e) {
      o.err(`gluu-cluster: ${(e as Error).message}\n`);
      return 2;
    }
    o.out(mark === 'reset' ? `${o.stepId}: reset (its run state is forgotten)\n` : `${o.stepId}: marked ${mark} (${o.reason?.trim()})\n`);
    return 0;
  }
  const state = await port.load();
  // The same items, targets and words as the editor's Steps view.
  stepTree(o.clusterFileDir, config).forEach((item, i) => {
    const record = state[item.stepId];
    const st = stepState(record, item.targets);
    let words: string;
    if (item.skipped) words = item.description;
    else {
      words = statusWords(st, 'step');
      if (st === 'stale') words += ` (${record?.stale?.because} ran again since)`;
      if (record?.mark && (st === 'done' || st === 'skipped' || st === 'stale')) words += ` by hand: ${record.mark.reason}`;
      const failed = Object.entries(record?.hosts ?? {}).filter(([, h]) => h.status === 'failed');
      if (st === 'failed') words += ` on ${failed.map(([h, r]) => `${h}${r.message ? ` (${r.message})` : ''}`).join(', ')}`;
    }
    o.out(`${String(i + 1).padStart(2)}. ${item.stepId.padEnd(20)} ${words}\n`);
  });
  return 0;
}
