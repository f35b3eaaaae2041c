/**
 * Client authentication in OpenSSH's order of sources: the ssh-agent, then identity files
 * (a passphrase asked at most once per key and pool: the decrypted key is kept in memory),
 * then a password, then keyboard-interactive. (OpenSSH itself tries keyboard-interactive before
 * password; we ask for the password first so that a password the editor stored is used without
 * a prompt, and fall back to the server's own prompts.) Methods the server does not offer are
 * skipped. What was tried is recorded for the error message; secrets never are.
 */
import { promises as fs, existsSync } from 'node:fs';
import type { AnyAuthMethod, ParsedKey, Prompt } from 'ssh2';
import type { Deadline } from './deadline';
import { SshError } from './errors';
import { fingerprintSha256 } from './knownHosts';
import type { Credentials, ResolvedTarget } from './types';

export type ParseKey = (data: Buffer | string | ParsedKey, passphrase?: string) => ParsedKey | ParsedKey[] | Error;

export interface AuthContext {
  credentials: Credentials;
  agentSocket: string | null;
  /** Decrypted keys by file path, shared by the pool so a passphrase is asked once. */
  keyCache: Map<string, ParsedKey>;
  parseKey: ParseKey;
  deadline: Deadline;
  displayPath(p: string): string;
  log(line: string): void;
}

type Next = (m: AnyAuthMethod | false) => void;

const MAX_PASSWORD_TRIES = 3;
const MAX_PASSPHRASE_TRIES = 3;
const MAX_KBD_TRIES = 3;

export class AuthPlanner {
  /** Human-readable methods tried, in order. */
  readonly tried: string[] = [];
  /** Things worth knowing if authentication fails (missing key file, agent problem...). */
  readonly notes: string[] = [];
  /** Methods the server said it accepts (from its first USERAUTH_FAILURE). */
  serverMethods: string[] | null = null;
  /** The planner has run out of methods (the failure that follows is an auth failure). */
  exhausted = false;
  /** The method that was in flight when authentication succeeded. */
  current = '';
  private readonly steps: AsyncGenerator<AnyAuthMethod, void, void>;
  private pendingPassword = false;
  private kbdCancelled = false;

  constructor(
    private readonly t: ResolvedTarget,
    private readonly ctx: AuthContext,
  ) {
    this.steps = this.plan();
  }

  /** ssh2's authHandler(methodsLeft, partialSuccess, next). */
  readonly handler = (methodsLeft: string[] | null, partialSuccess: boolean | null, next: Next): void => {
    if (methodsLeft) this.serverMethods = methodsLeft;
    if (this.pendingPassword) {
      // A USERAUTH_FAILURE answered our password: partial success means it was right.
      this.pendingPassword = false;
      this.ctx.credentials.secretOutcome?.({ kind: 'password', target: this.t.key, accepted: partialSuccess === true });
    }
    this.steps.next().then(
      (r) => {
        if (r.done) {
          this.exhausted = true;
          next(false);
        } else next(r.value);
      },
      (e) => {
        this.notes.push(`internal error while choosing a method: ${(e as Error).message}`);
        this.exhausted = true;
        next(false);
      },
    );
  };

  /** Called when 'ready' fires. */
  succeeded(): void {
    if (this.pendingPassword) {
      this.pendingPassword = false;
      this.ctx.credentials.secretOutcome?.({ kind: 'password', target: this.t.key, accepted: true });
    }
  }

  private offers(method: string): boolean {
    return this.serverMethods === null || this.serverMethods.includes(method);
  }

  private async *plan(): AsyncGenerator<AnyAuthMethod, void, void> {
    const username = this.t.user;
    const creds = this.ctx.credentials;
    // "none" first: it tells us which methods the server offers (and is not counted by sshd).
    this.current = 'none';
    yield { type: 'none', username };

    if (this.offers('publickey') && !this.t.identitiesOnly) {
      const sock = this.ctx.agentSocket;
      if (sock && existsSync(sock)) {
        this.current = 'publickey (ssh-agent)';
        this.tried.push('publickey with the keys of ssh-agent');
        this.ctx.log(`trying ssh-agent keys`);
        yield { type: 'agent', username, agent: sock };
      } else if (sock) {
        this.notes.push(`SSH_AUTH_SOCK points to ${sock}, which does not exist (is ssh-agent running?)`);
      }
    }

    for (const file of this.t.identityFiles) {
      if (!this.offers('publickey')) break;
      const key = await this.loadKey(file);
      if (!key) continue;
      const desc = `publickey ${this.ctx.displayPath(file)} (${key.type} ${fingerprintSha256(key.getPublicSSH())})`;
      this.current = desc;
      this.tried.push(desc);
      this.ctx.log(`trying ${desc}`);
      yield { type: 'publickey', username, key };
    }

    if (this.offers('password') && creds.password) {
      for (let attempt = 1; attempt <= MAX_PASSWORD_TRIES && this.offers('password'); attempt++) {
        const password = await this.ctx.deadline.whilePaused(() =>
          creds.password!({ user: username, host: this.t.hostname, port: this.t.port, target: this.t.key, attempt }),
        );
        if (password === undefined) break;
        if (attempt === 1) this.tried.push('password');
        else this.tried[this.tried.length - 1] = `password (${attempt} times)`;
        this.current = 'password';
        this.pendingPassword = true;
        this.ctx.log(`trying password${attempt > 1 ? ` (attempt ${attempt})` : ''}`);
        yield { type: 'password', username, password };
      }
    }

    if (this.offers('keyboard-interactive') && creds.keyboardInteractive) {
      for (let attempt = 1; attempt <= MAX_KBD_TRIES && this.offers('keyboard-interactive') && !this.kbdCancelled; attempt++) {
        if (attempt === 1) this.tried.push('keyboard-interactive');
        else this.tried[this.tried.length - 1] = `keyboard-interactive (${attempt} times)`;
        this.current = 'keyboard-interactive';
        this.ctx.log(`trying keyboard-interactive${attempt > 1 ? ` (attempt ${attempt})` : ''}`);
        yield {
          type: 'keyboard-interactive',
          username,
          prompt: (name: string, instructions: string, _lang: string, prompts: Prompt[], finish: (answers: string[]) => void) => {
            this.ctx.deadline
              .whilePaused(() =>
                creds.keyboardInteractive!({
                  user: username,
                  host: this.t.hostname,
                  port: this.t.port,
                  target: this.t.key,
                  name: name ?? '',
                  instructions: instructions ?? '',
                  prompts: prompts.map((p) => ({ prompt: p.prompt, echo: p.echo === true })),
                  attempt,
                }),
              )
              .then(
                (answers) => {
                  if (!answers) this.kbdCancelled = true;
                  finish(answers ?? prompts.map(() => ''));
                },
                () => {
                  this.kbdCancelled = true;
                  finish(prompts.map(() => ''));
                },
              );
          },
        };
      }
    }
  }

  /** A private key from a file, decrypted when needed (asking once), or undefined to skip it. */
  private async loadKey(file: string): Promise<ParsedKey | undefined> {
    const cached = this.ctx.keyCache.get(file);
    if (cached) return cached;
    let data: Buffer;
    try {
      data = await fs.readFile(file);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // OpenSSH's default identities are optional; a key the user named is worth a note.
      if (!(this.t.defaultIdentities && code === 'ENOENT'))
        this.notes.push(`identity file ${this.ctx.displayPath(file)}: ${code === 'ENOENT' ? 'not found' : (e as Error).message}`);
      return undefined;
    }
    const first = (k: ParsedKey | ParsedKey[] | Error): ParsedKey | Error => (Array.isArray(k) ? k[0] : k);
    let key = first(this.ctx.parseKey(data));
    if (key instanceof Error && /passphrase|encrypted/i.test(key.message)) {
      const ask = this.ctx.credentials.passphrase;
      if (!ask) {
        this.notes.push(
          `identity file ${this.ctx.displayPath(file)} is encrypted and no passphrase can be asked for here (load it into ssh-agent)`,
        );
        return undefined;
      }
      for (let attempt = 1; attempt <= MAX_PASSPHRASE_TRIES; attempt++) {
        const passphrase = await this.ctx.deadline.whilePaused(() => ask({ keyFile: file, target: this.t.key, attempt }));
        if (passphrase === undefined) {
          this.notes.push(`no passphrase given for ${this.ctx.displayPath(file)}`);
          return undefined;
        }
        key = first(this.ctx.parseKey(data, passphrase));
        const ok = !(key instanceof Error);
        this.ctx.credentials.secretOutcome?.({ kind: 'passphrase', target: this.t.key, keyFile: file, accepted: ok });
        if (ok) break;
      }
      if (key instanceof Error) {
        this.notes.push(`wrong passphrase for ${this.ctx.displayPath(file)}`);
        return undefined;
      }
      this.ctx.keyCache.set(file, key);
    }
    if (key instanceof Error) {
      this.notes.push(`identity file ${this.ctx.displayPath(file)} is not a private key ssh2 can use (${key.message})`);
      return undefined;
    }
    if (!key.isPrivateKey()) {
      this.notes.push(`identity file ${this.ctx.displayPath(file)} holds no private key`);
      return undefined;
    }
    return key;
  }

  /** The AUTH_FAILED error, saying what was tried and what to check. */
  failure(): SshError {
    const t = this.t;
    const offered = this.serverMethods?.length ? this.serverMethods.join(', ') : 'unknown';
    const tried = this.tried.length ? this.tried.join('; ') : 'nothing';
    const hints: string[] = [];
    if (!this.tried.length) {
      hints.push(
        `No method could be tried: ${this.ctx.agentSocket ? '' : 'no ssh-agent (SSH_AUTH_SOCK is not set), '}no usable identity file (${t.identityFiles.map((f) => this.ctx.displayPath(f)).join(', ') || 'none configured'}) and no password or keyboard-interactive answer was given.`,
      );
    }
    hints.push(
      `Check the user name (${t.user}), that the public key is in ~${t.user}/.ssh/authorized_keys on the host (ssh-copy-id -p ${t.port} ${t.user}@${t.hostname}), or the password; set identityFile in the cluster file or IdentityFile in ~/.ssh/config to use another key.`,
    );
    const notes = this.notes.length ? ` Notes: ${this.notes.join('; ')}.` : '';
    return new SshError(
      'AUTH_FAILED',
      `Authentication failed for ${t.key}. Tried: ${tried}. The server accepts: ${offered}.${notes} ${hints.join(' ')}`,
      {
        target: t.key,
        details: { tried: [...this.tried], serverMethods: this.serverMethods, notes: [...this.notes] },
      },
    );
  }
}
