/**
 * Runs a rendered step: the `before` actions once, then each target's sequence (concurrently,
 * bounded, unless the step is sequential), then the `after` actions in order. A target stops at
 * its first failure while the others go on; a check that succeeds marks a target already done;
 * a verify runs after the actions. Secret files are written 0600 just before the command that
 * needs them and removed afterwards, even when it fails; those an earlier run could not remove
 * (killed with SIGKILL, its connection lost) are removed before the step does anything else on
 * the host. Cancelling stops what is running and the outcome says what ran and what did not.
 */
import { createHash } from 'node:crypto';
import type { ClusterConfig } from '../config/types';
import { hostPath, wrapIf } from '../gluu/container';
import { encodeFromStdin, parseEncoded } from '../gluu/encode';
import { withField } from '../ldap/mergePatch';
import type { Action, EncodedSecret, LdapAction, Probe, SecretFile } from '../plan/actions';
import type { StepPlan } from '../plan/stepPlan';
import { redisString } from '../render/redis';
import { uploadLeftovers } from '../ssh/connection';
import { cmd, sh, type Shell } from '../ssh/shell';
import type { Connector, ExecResult, RemoteHost } from './remote';
import { LineMasker, type SecretSource } from './secrets';

export type SequenceStatus = 'done' | 'already-done' | 'failed' | 'cancelled' | 'not-run';

export interface SequenceOutcome {
  /** "idp2.example.org", or "first, once" / "then, in this order" for a step's shared parts. */
  label: string;
  /** The target host, for target sequences. */
  host?: string;
  status: SequenceStatus;
  ran: string[];
  notRun: string[];
  failure?: { action: string; host: string; exitCode?: number | null; message: string };
  verified?: boolean;
}

export interface StepOutcome {
  stepId: string;
  status: 'done' | 'failed' | 'cancelled';
  sequences: SequenceOutcome[];
  ms: number;
}

export interface RunListener {
  /** Output of a host (already masked), or an info line of the runner. */
  output(host: string, kind: 'out' | 'err' | 'info', text: string): void;
}

export interface RunContext {
  config: ClusterConfig;
  connector: Connector;
  secrets: SecretSource;
  listener: RunListener;
  /** Masks secret values in output before the listener sees it. */
  mask: (text: string) => string;
  /** Masks a value found during the run from now on (a secret as a node encoded it). */
  addSecret?: (value: string) => void;
  signal?: AbortSignal;
  /** Targets at once (default 8). */
  concurrency?: number;
  /** Run even where the check says the step is done. */
  force?: boolean;
  /** Runs an interactive command in a terminal a person can type into; resolves when it ends. */
  interactive?: (host: string, command: Shell) => Promise<ExecResult>;
  /** Applies an LDAP change (compare-and-swap); returns lines saying what it did. */
  ldap?: (action: LdapAction) => Promise<string[]>;
}

class ActionFailed extends Error {
  constructor(
    message: string,
    readonly host: string,
    readonly exitCode?: number | null,
    readonly cancelled = false,
  ) {
    super(message);
  }
}

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

export async function runStep(plan: StepPlan, stepCtx: RunContext): Promise<StepOutcome> {
  const t0 = Date.now();
  const ctx: RunContext = { ...stepCtx, connector: removingLeftovers(stepCtx, secretFilesByHost(stepCtx.config, plan)) };
  const sequences: SequenceOutcome[] = [];
  const cancelled = () => ctx.signal?.aborted === true;

  const before = await runSequence(ctx, 'first, once', undefined, plan.before);
  if (plan.before.length) sequences.push(before);
  const beforeOk = before.status === 'done';
  const targets: SequenceOutcome[] = [];
  if (beforeOk) {
    const limit = plan.step.sequential ? 1 : Math.max(1, ctx.concurrency ?? 8);
    let next = 0;
    const results: SequenceOutcome[] = new Array(plan.targets.length);
    const worker = async () => {
      while (next < plan.targets.length) {
        const i = next++;
        const t = plan.targets[i];
        if (cancelled() || (plan.step.sequential && results.slice(0, i).some((r) => r?.status === 'failed'))) {
          results[i] = notRun(t.label, t.host, t.actions);
          continue;
        }
        results[i] = await runTarget(ctx, t.label, t.host, t.actions, t.check, t.verify);
      }
    };
    await Promise.all(Array.from({ length: Math.min(limit, plan.targets.length) }, worker));
    targets.push(...results);
  } else {
    targets.push(...plan.targets.map((t) => notRun(t.label, t.host, t.actions)));
  }
  sequences.push(...targets);
  const targetsOk = targets.every((t) => t.status === 'done' || t.status === 'already-done');
  if (plan.after.length) {
    sequences.push(
      beforeOk && targetsOk && !cancelled()
        ? await runSequence(ctx, 'then, in this order', undefined, plan.after)
        : notRun('then, in this order', undefined, plan.after),
    );
  }
  const status =
    sequences.some((s) => s.status === 'cancelled') || cancelled()
      ? 'cancelled'
      : sequences.some((s) => s.status === 'failed' || s.status === 'not-run')
        ? 'failed'
        : 'done';
  return { stepId: plan.step.id, status, sequences, ms: Date.now() - t0 };
}

/** Where a step writes secret files: host -> the paths on it (outside the container, as written). */
export function secretFilesByHost(config: ClusterConfig, plan: StepPlan): Map<string, string[]> {
  const byHost = new Map<string, string[]>();
  const add = (host: string, files: SecretFile[] | undefined, container: boolean) => {
    for (const f of files ?? []) {
      const paths = byHost.get(host) ?? [];
      const path = hostPath(config, f.path, container);
      if (!paths.includes(path)) byHost.set(host, [...paths, path]);
    }
  };
  for (const a of [...plan.before, ...plan.targets.flatMap((t) => t.actions), ...plan.after])
    if (a.kind === 'exec') add(a.host, a.secretFiles, a.container);
  for (const t of plan.targets) for (const p of [t.check, t.verify]) if (p) add(p.host ?? t.host, p.secretFiles, p.container);
  return byHost;
}

/**
 * The step's connector: on a host where the step writes secret files, the first use removes
 * those files (and upload temp files of them) that an earlier run left, before anything else
 * runs there. Without a signal: a cancel must not stop the clean-up.
 */
function removingLeftovers(ctx: RunContext, secretFiles: Map<string, string[]>): Connector {
  const cleaned = new Map<string, Promise<void>>();
  const clean = async (host: string, remote: RemoteHost, paths: string[]) => {
    const words = paths.reduce((list, p) => sh`${list} ${p} ${uploadLeftovers(p)}`, sh``);
    let removed = '';
    const r = await remote.exec(
      sh`for f in${words}; do if [ -e "$f" ] || [ -L "$f" ]; then rm -f -- "$f" && printf '%s\n' "$f"; fi; done`,
      {
        onStdout: (t) => (removed += t),
      },
    );
    if (r.code !== 0)
      throw new Error(`the secret files an earlier run may have left on ${host} could not be removed (exit ${r.code ?? r.signal})`);
    const files = removed.split('\n').filter(Boolean);
    if (files.length) ctx.listener.output(host, 'info', `removed secret files an earlier run left behind: ${files.join(', ')}`);
  };
  return {
    host: async (name) => {
      const remote = await ctx.connector.host(name);
      const paths = secretFiles.get(name);
      if (!paths) return remote;
      let done = cleaned.get(name);
      if (!done) {
        done = clean(name, remote, paths);
        cleaned.set(name, done);
        // Tried again on the next use when it could not run (the connection went away).
        done.catch(() => cleaned.delete(name));
      }
      await done;
      return remote;
    },
  };
}

function notRun(label: string, host: string | undefined, actions: Action[]): SequenceOutcome {
  return { label, ...(host ? { host } : {}), status: 'not-run', ran: [], notRun: actions.map((a) => a.title) };
}

async function runSequence(ctx: RunContext, label: string, host: string | undefined, actions: Action[]): Promise<SequenceOutcome> {
  const out: SequenceOutcome = { label, ...(host ? { host } : {}), status: 'done', ran: [], notRun: [] };
  for (let i = 0; i < actions.length; i++) {
    const a = actions[i];
    if (ctx.signal?.aborted) {
      out.status = 'cancelled';
      out.notRun.push(...actions.slice(i).map((x) => x.title));
      break;
    }
    try {
      await runAction(ctx, a);
      out.ran.push(a.title);
    } catch (e) {
      const f = e instanceof ActionFailed ? e : new ActionFailed(e instanceof Error ? e.message : String(e), actionHost(a));
      out.status = f.cancelled ? 'cancelled' : 'failed';
      out.failure = {
        action: a.title,
        host: f.host,
        ...(f.exitCode !== undefined ? { exitCode: f.exitCode } : {}),
        message: ctx.mask(f.message),
      };
      ctx.listener.output(f.host, 'info', `✗ ${a.title}: ${ctx.mask(f.message)}`);
      out.notRun.push(...actions.slice(i + 1).map((x) => x.title));
      break;
    }
  }
  return out;
}

async function runTarget(
  ctx: RunContext,
  label: string,
  host: string,
  actions: Action[],
  check?: Probe,
  verify?: Probe,
): Promise<SequenceOutcome> {
  if (check && !ctx.force) {
    try {
      if ((await probe(ctx, host, check)) === 0) {
        ctx.listener.output(host, 'info', 'already done (check passed); skipped');
        return { label, host, status: 'already-done', ran: [], notRun: actions.map((a) => a.title), verified: true };
      }
    } catch (e) {
      if (ctx.signal?.aborted) return { label, host, status: 'cancelled', ran: [], notRun: actions.map((a) => a.title) };
      // A host we cannot reach fails here, before anything changes on it.
      const message = ctx.mask(e instanceof Error ? e.message : String(e));
      ctx.listener.output(host, 'info', `✗ ${message}`);
      return { label, host, status: 'failed', ran: [], notRun: actions.map((a) => a.title), failure: { action: 'connect', host, message } };
    }
  }
  const out = await runSequence(ctx, label, host, actions);
  if (out.status === 'done' && verify) {
    try {
      const code = await probe(ctx, host, verify);
      out.verified = code === 0;
      if (code !== 0) {
        out.status = 'failed';
        out.failure = { action: 'verify', host: verify.host ?? host, exitCode: code, message: `the verification exited with ${code}` };
      }
      ctx.listener.output(host, 'info', code === 0 ? '✓ verified' : `✗ verification failed (exit ${code})`);
    } catch (e) {
      out.status = ctx.signal?.aborted ? 'cancelled' : 'failed';
      out.failure = { action: 'verify', host, message: ctx.mask(e instanceof Error ? e.message : String(e)) };
    }
  }
  return out;
}

function actionHost(a: Action): string {
  return a.kind === 'relay' ? a.to.host : a.kind === 'upload' ? a.to.host : a.host;
}

/** Runs a probe (check/verify); its output is not shown unless it fails to run at all. */
export async function probe(ctx: RunContext, host: string, p: Probe): Promise<number | null> {
  const on = p.host ?? host;
  const remote = await ctx.connector.host(on);
  return withSecretFiles(ctx, remote, p.secretFiles, p.container, async () => {
    const r = await remote.exec(wrapIf(ctx.config, p.script, p.container), { signal: ctx.signal });
    if (r.cancelled) throw new ActionFailed('cancelled', on, null, true);
    return r.code;
  });
}

async function withSecretFiles<T>(
  ctx: RunContext,
  remote: RemoteHost,
  files: SecretFile[] | undefined,
  container: boolean,
  fn: () => Promise<T>,
): Promise<T> {
  const written: string[] = [];
  try {
    for (const f of files ?? []) {
      const path = hostPath(ctx.config, f.path, container);
      await remote.upload(path, Buffer.from(await ctx.secrets.get(f.secret), 'utf8'), 0o600);
      written.push(path);
    }
    return await fn();
  } finally {
    for (const path of written) await remote.remove(path).catch(() => undefined);
  }
}

async function runAction(ctx: RunContext, a: Action): Promise<void> {
  const host = actionHost(a);
  ctx.listener.output(host, 'info', `▶ ${a.title}`);
  switch (a.kind) {
    case 'exec':
      return runExec(ctx, a.host, a.script, a.container, a.secretFiles);
    case 'interactive': {
      // Nobody at a terminal (the CLI): the command's unattended form, streamed like any other.
      if (!ctx.interactive && a.batch) return runExec(ctx, a.host, a.batch, a.container, undefined);
      if (!ctx.interactive) throw new ActionFailed('this step needs a terminal to answer its prompts; run it from the editor', a.host);
      const r = await ctx.interactive(a.host, wrapIf(ctx.config, a.script, a.container));
      if (r.cancelled) throw new ActionFailed('cancelled', a.host, r.code, true);
      if (r.code !== 0) throw new ActionFailed(`exited with ${r.code ?? r.signal}`, a.host, r.code);
      return;
    }
    case 'upload': {
      const remote = await ctx.connector.host(a.to.host);
      const parts = await Promise.all(
        a.content.map(async (c) => {
          if (typeof c === 'string') return c;
          const value = await ctx.secrets.get(c.secret);
          return c.encoding === 'redis-string' ? redisString(value) : value;
        }),
      );
      await remote.upload(hostPath(ctx.config, a.to.path, a.to.container), Buffer.from(parts.join(''), 'utf8'), a.mode);
      return;
    }
    case 'relay': {
      const from = await ctx.connector.host(a.from.host);
      let data = await from.download(hostPath(ctx.config, a.from.path, a.from.container));
      if (a.setProperties?.length)
        data = Buffer.from(
          a.setProperties.reduce((text, p) => setProperty(text, p.key, p.value), data.toString('utf8')),
          'utf8',
        );
      const to = await ctx.connector.host(a.to.host);
      const dest = hostPath(ctx.config, a.to.path, a.to.container);
      await to.upload(dest, data, a.mode);
      // The copy must be exactly what was sent.
      let sum = '';
      const r = await to.exec(cmd('sha256sum', '--', dest), { onStdout: (t) => (sum += t), signal: ctx.signal });
      const remoteSum = sum.trim().split(/\s+/)[0];
      if (r.code !== 0 || remoteSum !== sha256(data))
        throw new ActionFailed(`checksum of ${dest} does not match what was sent`, a.to.host, r.code);
      ctx.listener.output(a.to.host, 'info', `✓ ${dest} (${data.length} bytes, sha256 ${remoteSum.slice(0, 12)}…)`);
      return;
    }
    case 'ldap': {
      if (!ctx.ldap) throw new ActionFailed('this runner has no LDAP access', a.host);
      let lines: string[];
      const action = a.encoded ? { ...a, change: withField(a.change, a.encoded.path, await encodeOn(ctx, a.encoded)) } : a;
      try {
        lines = await ctx.ldap(action);
      } catch (e) {
        throw new ActionFailed(ctx.mask((e as Error).message), a.host);
      }
      for (const l of lines) ctx.listener.output(a.host, 'info', ctx.mask(l));
      return;
    }
  }
}

/** A script on a host, its output streamed (masked) to the listener; fails on a non-zero exit. */
async function runExec(
  ctx: RunContext,
  host: string,
  script: Shell,
  container: boolean,
  secretFiles: SecretFile[] | undefined,
): Promise<void> {
  const remote = await ctx.connector.host(host);
  const out = new LineMasker(ctx.mask, (t) => ctx.listener.output(host, 'out', t));
  const err = new LineMasker(ctx.mask, (t) => ctx.listener.output(host, 'err', t));
  const r = await withSecretFiles(ctx, remote, secretFiles, container, () =>
    remote.exec(wrapIf(ctx.config, script, container), {
      signal: ctx.signal,
      onStdout: (t) => out.write(t),
      onStderr: (t) => err.write(t),
    }),
  ).finally(() => {
    out.end();
    err.end();
  });
  if (r.cancelled) throw new ActionFailed('cancelled', host, r.code, true);
  if (r.code !== 0) throw new ActionFailed(`exited with ${r.code ?? r.signal}`, host, r.code);
}

/** The secret encoded on its node with Gluu's salt; the plain value goes only to the encoder's stdin. */
async function encodeOn(ctx: RunContext, e: EncodedSecret): Promise<string> {
  const remote = await ctx.connector.host(e.host);
  let out = '';
  let err = '';
  const r = await remote.exec(wrapIf(ctx.config, encodeFromStdin(), e.container), {
    signal: ctx.signal,
    stdin: await ctx.secrets.get(e.secret),
    onStdout: (t) => (out += t),
    onStderr: (t) => (err += t),
  });
  if (r.cancelled) throw new ActionFailed('cancelled', e.host, r.code, true);
  const parsed = r.code === 0 ? parseEncoded(out) : { error: `exited with ${r.code ?? r.signal}: ${err.trim().split('\n').pop() ?? ''}` };
  if ('error' in parsed)
    throw new ActionFailed(
      `encoding the ${e.secret} secret with Gluu's salt on ${e.host} failed: ${ctx.mask(parsed.error)}`,
      e.host,
      r.code,
    );
  ctx.addSecret?.(parsed.value);
  return parsed.value;
}

/** Sets `key=value` in a Java properties text: replaces the key's lines, or appends one. */
export function setProperty(text: string, key: string, value: string): string {
  const escaped = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`^${escaped}\\s*[=:].*$`, 'm');
  const line = `${key}=${value}`;
  if (re.test(text)) return text.replace(new RegExp(`^${escaped}\\s*[=:].*$`, 'gm'), () => line);
  return `${text}${text.endsWith('\n') || text === '' ? '' : '\n'}${line}\n`;
}
