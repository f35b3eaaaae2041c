/**
 * An authenticated connection and what the steps do over it: exec (streaming, pty, cancel),
 * interactive shells, SFTP upload (temp file + rename) / download / remove, and sha256 for relay
 * checks. Commands are `Shell` values from ./shell — never strings put together here.
 */
import { randomBytes } from 'node:crypto';
import * as posix from 'node:path/posix';
import type { Client, ClientChannel, SFTPWrapper } from 'ssh2';
import { SshError } from './errors';
import { cmd, isShell, lines, sh, type Shell } from './shell';
import type { CapturedResult, ExecOptions, ExecResult, PtyOptions, ResolvedTarget } from './types';

let nextId = 1;

/** How long a cancelled command's channel gets to close before we stop waiting for it. */
const CANCEL_GRACE_MS = 2000;
/** SFTP write size (ssh2 splits larger writes itself; this keeps memory flat). */
const CHUNK = 32 * 1024;

/**
 * First line of every non-pty exec: the login shell's PID on stderr. sshd makes each session's
 * shell a session and process group leader (setsid), so this is the group to kill on cancel.
 * \037 (unit separator) keeps it from looking like anything a command prints.
 */
const PID_MARKER = sh`printf '\037gluu-pid:%s\n' "$$" >&2`;
const MARKER = Buffer.from('\x1fgluu-pid:', 'latin1');
// The marker starts with a unit separator (\x1f), a byte no login script prints.
// eslint-disable-next-line no-control-regex
const MARKER_RE = /^\x1fgluu-pid:(\d+)\n$/;
/** How much early stderr may come before the marker (login scripts) before we stop looking. */
const MARKER_SCAN = 16 * 1024;

/** The temp file upload() writes `path` through, in the same directory (renamed over `path` at the end). */
function uploadTemp(path: string): string {
  return posix.join(posix.dirname(path), `.${posix.basename(path)}.gluu-${randomBytes(6).toString('hex')}.tmp`);
}

/**
 * A glob for the temp files of `path` that an upload cut off before it could remove them (the
 * process killed, the connection lost) left behind: `uploadTemp`'s names.
 */
export function uploadLeftovers(path: string): Shell {
  const dir = posix.dirname(path);
  return sh`${dir === '/' ? '' : dir}/.${posix.basename(path)}.gluu-*.tmp`;
}

const SFTP_STATUS: Record<number, string> = {
  2: 'no such file or directory',
  3: 'permission denied',
  4: 'failure',
  5: 'bad message',
  8: 'operation unsupported',
};

function cb<T>(f: (done: (err: Error | null | undefined, v?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => f((err, v) => (err ? reject(err) : resolve(v as T))));
}

export class SshConnection {
  readonly id = nextId++;
  private busy = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  private lost: SshError | undefined;
  private closing = false;
  private lastError: Error | undefined;
  private readonly waiters = new Set<(e: SshError) => void>();
  private sftpP: Promise<SFTPWrapper> | undefined;
  private readonly closeListeners: (() => void)[] = [];

  constructor(
    readonly target: ResolvedTarget,
    /** The ssh2 client (exposed for tests and diagnostics; use the methods below). */
    readonly client: Client,
    readonly hostKey: { keyType: string; fingerprint: string; hostKeyId: string },
    private readonly idleTimeoutMs: number,
    private readonly log: (line: string) => void = () => {},
  ) {
    client.on('error', (err) => {
      this.lastError = err;
    });
    client.on('close', () => this.onClosed());
    this.armIdle();
  }

  /** "user@host:port via ..." */
  get key(): string {
    return this.target.key;
  }

  /** False once closed or lost; the pool then opens a new one. */
  get usable(): boolean {
    return !this.lost && !this.closing;
  }

  /** Called once when the connection ends, for whatever reason. */
  onClose(f: () => void): void {
    if (this.lost) f();
    else this.closeListeners.push(f);
  }

  private onClosed(): void {
    if (this.lost) return;
    const why = this.lastError ? `: ${this.lastError.message}` : '';
    this.lost = this.closing
      ? new SshError('CLOSED', `The connection to ${this.key} was closed.`, { target: this.key })
      : new SshError(
          'CONNECTION_LOST',
          `The connection to ${this.key} was lost${why}. sshd may have been restarted or stopped, or the network dropped. Run the step again to reconnect.`,
          {
            target: this.key,
            cause: this.lastError,
          },
        );
    if (!this.closing) this.log(`${this.key}: connection lost${why}`);
    clearTimeout(this.idleTimer);
    for (const w of this.waiters) w(this.lost);
    this.waiters.clear();
    for (const f of this.closeListeners.splice(0)) f();
  }

  /** Keeps the connection from idling out while something uses it. Returns the release. */
  lease(): () => void {
    this.busy++;
    clearTimeout(this.idleTimer);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.busy--;
      this.armIdle();
    };
  }

  /** Restart the idle clock (the pool calls this when it hands the connection out). */
  touch(): void {
    this.armIdle();
  }

  private armIdle(): void {
    clearTimeout(this.idleTimer);
    if (this.busy > 0 || !this.usable || this.idleTimeoutMs <= 0) return;
    this.idleTimer = setTimeout(() => {
      if (this.busy === 0) {
        this.log(`${this.key}: closing after ${Math.round(this.idleTimeoutMs / 1000)} s idle`);
        this.close();
      }
    }, this.idleTimeoutMs);
    this.idleTimer.unref();
  }

  private check(): void {
    if (this.lost) throw this.lost;
    if (this.closing) throw new SshError('CLOSED', `The connection to ${this.key} is closing.`, { target: this.key });
  }

  /** Runs `f` with a lease, failing with CONNECTION_LOST if the connection dies meanwhile. */
  private async use<T>(f: (lost: Promise<never>) => Promise<T>): Promise<T> {
    this.check();
    const release = this.lease();
    let onLost!: (e: SshError) => void;
    const lost = new Promise<never>((_, reject) => (onLost = reject));
    lost.catch(() => {});
    this.waiters.add(onLost);
    try {
      return await Promise.race([f(lost), lost]);
    } finally {
      this.waiters.delete(onLost);
      release();
    }
  }

  private channelError(what: string, err: Error): SshError {
    if (this.lost) return this.lost;
    return new SshError(
      'CHANNEL_FAILED',
      `${this.key} refused to open ${what}: ${err.message}. The host's sshd may limit sessions (MaxSessions) or be shutting down; try again.`,
      {
        target: this.key,
        cause: err,
      },
    );
  }

  /**
   * Runs a command. Output streams to the callbacks as it arrives; the promise resolves with the
   * exit status when the command ends (a non-zero status is a result, not an error).
   */
  exec(command: Shell, opts: ExecOptions = {}): Promise<ExecResult> {
    if (!isShell(command)) throw new TypeError('exec() takes a Shell built with sh`...` or cmd() from src/core/ssh/shell');
    const pty = opts.pty;
    // Without a pty the command first tells us its process group (see PID_MARKER), so that a
    // cancel can end it even where sshd ignores signal requests.
    const text = pty ? command.text : lines(PID_MARKER, command).text;
    return this.use(
      () =>
        new Promise<ExecResult>((resolve, reject) => {
          let code: number | null = null;
          let signal: string | null = null;
          let cancelled = false;
          let finished = false;
          let closed = false;
          let channel: ClientChannel | undefined;
          let graceTimer: NodeJS.Timeout | undefined;
          let pgid: number | undefined;
          let errHead: Buffer | null = pty ? null : Buffer.alloc(0);
          const pidWaiters: (() => void)[] = [];
          const closeWaiters: (() => void)[] = [];
          const finish = () => {
            if (finished) return;
            finished = true;
            clearTimeout(graceTimer);
            opts.signal?.removeEventListener('abort', onAbort);
            resolve({ code, signal, cancelled });
          };
          const onAbort = () => {
            if (cancelled || finished) return;
            cancelled = true;
            if (channel) void cancel(channel);
          };
          const waitFor = (waiters: (() => void)[], done: () => boolean, ms: number) =>
            new Promise<void>((r) => {
              if (done()) return r();
              const t = setTimeout(r, ms);
              waiters.push(() => {
                clearTimeout(t);
                r();
              });
            });
          const cancel = async (ch: ClientChannel) => {
            // 1. a signal request (sshd delivers it with killpg; OpenSSH ignores it for root logins)
            this.sendSignal(ch, 'TERM');
            // 2. kill the process group from a second channel (works for root too)
            if (!pty) {
              await waitFor(pidWaiters, () => pgid !== undefined || closed, CANCEL_GRACE_MS / 2);
              if (pgid !== undefined && !closed) this.killGroup(pgid, 'TERM');
            }
            // 3. give it a moment to exit (so we can report how), then make sure and close
            await waitFor(closeWaiters, () => closed, CANCEL_GRACE_MS / 2);
            if (!closed) {
              if (pgid !== undefined) this.killGroup(pgid, 'KILL');
              try {
                ch.close();
              } catch {}
              graceTimer = setTimeout(finish, CANCEL_GRACE_MS / 2);
            }
          };
          if (opts.signal?.aborted) {
            cancelled = true;
            return finish();
          }
          opts.signal?.addEventListener('abort', onAbort, { once: true });
          const execOpts = pty ? { pty: { rows: pty.rows, cols: pty.cols, term: pty.term ?? 'xterm-256color' } } : {};
          this.client.exec(text, execOpts, (err, ch) => {
            if (err) {
              opts.signal?.removeEventListener('abort', onAbort);
              finished = true;
              return reject(this.channelError('a command channel', err));
            }
            channel = ch;
            ch.on('data', (d: Buffer) => opts.onStdout?.(d));
            ch.stderr.on('data', (d: Buffer) => {
              if (errHead === null) return opts.onStderr?.(d);
              // Take the marker line out of stderr (a login script may have printed before it).
              errHead = Buffer.concat([errHead, d]);
              const at = errHead.indexOf(MARKER);
              const nl = at >= 0 ? errHead.indexOf(10, at) : -1;
              if (nl < 0 && errHead.length < MARKER_SCAN) return;
              const m = nl >= 0 ? MARKER_RE.exec(errHead.subarray(at, nl + 1).toString('latin1')) : null;
              const rest = m ? Buffer.concat([errHead.subarray(0, at), errHead.subarray(nl + 1)]) : errHead;
              errHead = null;
              if (m) {
                pgid = Number(m[1]);
                pidWaiters.splice(0).forEach((w) => w());
              }
              if (rest.length) opts.onStderr?.(rest);
            });
            ch.on('exit', (c: number | null, s?: string) => {
              if (typeof c === 'number') code = c;
              else if (s) signal = s;
            });
            ch.on('close', () => {
              closed = true;
              if (errHead?.length) opts.onStderr?.(errHead);
              errHead = null;
              closeWaiters.splice(0).forEach((w) => w());
              pidWaiters.splice(0).forEach((w) => w());
              // Let the client's own 'close' (connection lost) land first, so that a dead
              // connection is reported as such rather than as "no exit status".
              setImmediate(() => {
                if (!cancelled && code === null && signal === null && this.lost) {
                  finished = true;
                  opts.signal?.removeEventListener('abort', onAbort);
                  return reject(this.lost);
                }
                finish();
              });
            });
            if (opts.stdin !== undefined) ch.write(opts.stdin);
            // Without a pty, stdin ends now, so a command that reads it gets EOF instead of hanging.
            if (!pty) ch.end();
            if (cancelled) void cancel(ch);
          });
        }),
    );
  }

  /** Like exec, but collects stdout and stderr (UTF-8) as well as streaming them. */
  async capture(command: Shell, opts: ExecOptions = {}): Promise<CapturedResult> {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const r = await this.exec(command, {
      ...opts,
      onStdout: (d) => {
        out.push(d);
        opts.onStdout?.(d);
      },
      onStderr: (d) => {
        err.push(d);
        opts.onStderr?.(d);
      },
    });
    return { ...r, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
  }

  /** A signal request for the channel's command (sshd: killpg of the session; not for root). */
  private sendSignal(ch: ClientChannel, name: string): void {
    // ssh2's Channel.signal() refuses once our side has sent EOF (which exec does at once for
    // stdin), although the protocol allows it; send the request through ssh2's protocol object.
    const proto = (this.client as unknown as { _protocol?: { signal(id: number, name: string): void } })._protocol;
    const out = (ch as unknown as { outgoing?: { id: number; state: string } }).outgoing;
    try {
      if (proto && out && (out.state === 'open' || out.state === 'eof')) proto.signal(out.id, name);
      else ch.signal(name);
    } catch {}
  }

  /** `kill -SIG -- -pgid` on the host, from a channel of its own (fire and forget). */
  private killGroup(pgid: number, sig: 'TERM' | 'KILL'): void {
    if (this.lost || !(pgid > 1)) return;
    try {
      this.client.exec(cmd('kill', `-${sig}`, '--', `-${pgid}`).text, (err, ch) => {
        if (err) return;
        ch.on('data', () => {});
        ch.stderr.on('data', () => {});
        ch.end();
      });
    } catch {}
  }

  /**
   * An interactive login shell in a pty (for terminals). The returned channel is a duplex stream
   * with `setWindow(rows, cols, height, width)` for resizes; its 'exit' event gives the status.
   * The connection stays in use until the channel closes.
   */
  shell(pty: PtyOptions): Promise<ClientChannel> {
    this.check();
    const release = this.lease();
    return new Promise((resolve, reject) => {
      this.client.shell({ rows: pty.rows, cols: pty.cols, term: pty.term ?? 'xterm-256color' }, (err, ch) => {
        if (err) {
          release();
          return reject(this.channelError('a shell', err));
        }
        ch.once('close', release);
        resolve(ch);
      });
    });
  }

  /** A TCP stream from the remote host to host:port (for jump hosts). */
  forwardOut(host: string, port: number): Promise<ClientChannel> {
    this.check();
    return new Promise((resolve, reject) => {
      this.client.forwardOut('127.0.0.1', 0, host, port, (err, ch) => (err ? reject(err) : resolve(ch)));
    });
  }

  private sftp(): Promise<SFTPWrapper> {
    if (!this.sftpP) {
      const p = new Promise<SFTPWrapper>((resolve, reject) => {
        this.client.sftp((err, s) => {
          if (err) return reject(this.channelError('an SFTP session (is "Subsystem sftp" enabled in sshd_config?)', err));
          s.on('close', () => {
            if (this.sftpP === p) this.sftpP = undefined;
          });
          resolve(s);
        });
      });
      p.catch(() => {
        if (this.sftpP === p) this.sftpP = undefined;
      });
      this.sftpP = p;
    }
    return this.sftpP;
  }

  private sftpError(op: string, path: string, err: unknown): SshError {
    if (this.lost) return this.lost;
    if (err instanceof SshError) return err;
    const e = err as Error & { code?: number | string };
    const why = typeof e.code === 'number' && SFTP_STATUS[e.code] ? SFTP_STATUS[e.code] : e.message;
    return new SshError('SFTP_FAILED', `Could not ${op} ${path} on ${this.key}: ${why}.`, {
      target: this.key,
      cause: err,
      details: { path, sftpCode: e.code },
    });
  }

  /**
   * Writes `data` to `path` atomically: a temp file in the same directory gets the data and the
   * mode (and the current owner of `path`, when there is one and we may set it), then is renamed
   * over `path`. A reader never sees a half-written file; on failure the temp file is removed.
   */
  upload(path: string, data: Buffer, mode: number): Promise<void> {
    if (!path.startsWith('/')) throw new SshError('CONFIG', `upload needs an absolute remote path, got "${path}".`);
    return this.use(async (lost) => {
      const sftp = await Promise.race([this.sftp(), lost]);
      const tmp = uploadTemp(path);
      let handle: Buffer | undefined;
      let created = false;
      try {
        const existing = await cb<{ uid: number; gid: number }>((d) => sftp.stat(path, d)).catch(() => undefined);
        handle = await cb<Buffer>((d) => sftp.open(tmp, 'wx', { mode }, d));
        created = true;
        for (let off = 0; off < data.length; off += CHUNK) {
          const len = Math.min(CHUNK, data.length - off);
          await cb<void>((d) => sftp.write(handle!, data, off, len, off, d));
        }
        await cb<void>((d) => sftp.fchmod(handle!, mode, d));
        if (existing) {
          // Keep the owner a root-run step would otherwise take away (no chown dance afterwards).
          await cb<void>((d) => sftp.fchown(handle!, existing.uid, existing.gid, d)).catch(() => undefined);
        }
        const ext = (sftp as unknown as { _extensions?: Record<string, string> })._extensions ?? {};
        if (ext['fsync@openssh.com']) await cb<void>((d) => sftp.ext_openssh_fsync(handle!, d)).catch(() => undefined);
        const h = handle;
        handle = undefined;
        await cb<void>((d) => sftp.close(h, d));
        if (ext['posix-rename@openssh.com']) {
          await cb<void>((d) => sftp.ext_openssh_rename(tmp, path, d));
        } else {
          // Plain SFTP rename fails when the target exists: replace it (not atomic on such servers).
          await cb<void>((d) => sftp.rename(tmp, path, d)).catch(async () => {
            await cb<void>((d) => sftp.unlink(path, d)).catch(() => undefined);
            await cb<void>((d) => sftp.rename(tmp, path, d));
          });
        }
        created = false;
      } catch (e) {
        throw this.sftpError('write', path, e);
      } finally {
        if (handle) await cb<void>((d) => sftp.close(handle!, d)).catch(() => undefined);
        if (created) await cb<void>((d) => sftp.unlink(tmp, d)).catch(() => undefined);
      }
    });
  }

  /** Reads a remote file. */
  download(path: string): Promise<Buffer> {
    return this.use(async (lost) => {
      const sftp = await Promise.race([this.sftp(), lost]);
      try {
        return await cb<Buffer>((d) => sftp.readFile(path, d));
      } catch (e) {
        throw this.sftpError('read', path, e);
      }
    });
  }

  /** Removes a remote file. Resolves false when there was none. */
  remove(path: string): Promise<boolean> {
    return this.use(async (lost) => {
      const sftp = await Promise.race([this.sftp(), lost]);
      try {
        await cb<void>((d) => sftp.unlink(path, d));
        return true;
      } catch (e) {
        if ((e as { code?: number }).code === 2) return false;
        throw this.sftpError('remove', path, e);
      }
    });
  }

  /** The file's SHA-256 (lowercase hex) computed on the host with sha256sum. */
  async sha256(path: string): Promise<string> {
    const r = await this.capture(cmd('sha256sum', '--', path));
    const m = /^\\?([0-9a-f]{64}) /.exec(r.stdout);
    if (r.code !== 0 || !m) {
      throw new SshError(
        'COMMAND_FAILED',
        `sha256sum ${path} failed on ${this.key} (exit ${r.code ?? r.signal}): ${r.stderr.trim() || r.stdout.trim() || 'no output'}.`,
        {
          target: this.key,
          details: { path, code: r.code },
        },
      );
    }
    return m[1];
  }

  /** Ends the connection (running commands are cut off). */
  close(): Promise<void> {
    if (this.lost) return Promise.resolve();
    this.closing = true;
    clearTimeout(this.idleTimer);
    return new Promise((resolve) => {
      this.onClose(resolve);
      try {
        this.client.end();
      } catch {}
      // A peer that never answers our disconnect must not keep us waiting.
      setTimeout(() => {
        try {
          this.client.destroy();
        } catch {}
      }, 1000).unref();
    });
  }
}
