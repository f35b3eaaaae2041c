/**
 * One connection per "user@host:port via jump", shared by every step that runs there, closed
 * after an idle time and dropped when it dies (the next use reconnects). Jump hosts are pooled
 * connections too; a connection through one keeps it in use.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import type { ClientChannel, ParsedKey } from 'ssh2';
import { connectHop, type HopContext } from './connect';
import { SshConnection } from './connection';
import { SshError, isSshError } from './errors';
import { readSshConfig, resolveTarget, type ResolveEnv, defaultEnv, DEFAULT_IDENTITY_NAMES } from './sshConfig';
import type { ResolvedTarget, SshPoolOptions, SshTarget, TrustStore, UnknownHostKeyInfo } from './types';

export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
export const DEFAULT_IDLE_TIMEOUT_MS = 5 * 60_000;

/** Where OpenSSH reads host keys: the user's known_hosts files, then the system's. */
export function defaultKnownHostsFiles(home = os.homedir()): string[] {
  const user = path.join(home, '.ssh', 'known_hosts');
  return [user, `${user}2`, '/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2'];
}

interface Entry {
  conn?: SshConnection;
  pending?: Promise<SshConnection>;
}

function isResolved(t: SshTarget | ResolvedTarget): t is ResolvedTarget {
  return typeof (t as ResolvedTarget).key === 'string' && typeof (t as ResolvedTarget).hostname === 'string';
}

export class SshPool {
  private readonly entries = new Map<string, Entry>();
  /** Decrypted identity files: a passphrase is asked once per pool. */
  private readonly keyCache = new Map<string, ParsedKey>();
  private readonly env: ResolveEnv;
  private readonly ctx: HopContext;
  private readonly idleTimeoutMs: number;
  private readonly configFile: string | null;
  private readonly log: (line: string) => void;

  constructor(opts: SshPoolOptions) {
    const home = opts.homeDir ?? os.homedir();
    this.env = {
      ...defaultEnv(home),
      defaultIdentityFiles: opts.defaultIdentityFiles ?? DEFAULT_IDENTITY_NAMES.map((n) => path.join(home, '.ssh', n)),
    };
    this.configFile = opts.sshConfigFile === undefined ? path.join(home, '.ssh', 'config') : opts.sshConfigFile;
    this.idleTimeoutMs = opts.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    const log = opts.log ?? (() => {});
    this.log = (l) => log(`ssh: ${l}`);
    const userKnownHosts = path.join(home, '.ssh', 'known_hosts');
    const displayPath = (p: string) => (p === home || p.startsWith(home + path.sep) ? `~${p.slice(home.length)}` : p);
    // Two connections to one host (say root@ and admin@) at once ask the person one question.
    const asking = new Map<string, Promise<boolean>>();
    const confirm = (i: UnknownHostKeyInfo): Promise<boolean> => {
      const k = `${i.hostKeyId} ${i.fingerprint}`;
      let p = asking.get(k);
      if (!p) {
        p = Promise.resolve()
          .then(() => opts.confirmUnknownHostKey(i))
          .finally(() => asking.delete(k));
        asking.set(k, p);
      }
      return p;
    };
    const trustStore: TrustStore = {
      lookup: (id) => opts.trustStore.lookup(id),
      add: async (id, fingerprint, keyType, accepted) => {
        if ((await opts.trustStore.lookup(id)).some((t) => t.fingerprint === fingerprint)) return;
        await opts.trustStore.add(id, fingerprint, keyType, accepted);
      },
    };
    this.ctx = {
      credentials: opts.credentials ?? {},
      hostKeys: {
        knownHostsFiles: opts.knownHostsFiles ?? defaultKnownHostsFiles(home),
        trustStore,
        confirmUnknownHostKey: confirm,
        displayPath,
        defaultKnownHosts: userKnownHosts,
      },
      agentSocket: opts.agentSocket === undefined ? process.env.SSH_AUTH_SOCK || null : opts.agentSocket,
      keyCache: this.keyCache,
      connectTimeoutMs: opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      keepaliveIntervalMs: opts.keepaliveIntervalMs ?? 15_000,
      keepaliveCountMax: opts.keepaliveCountMax ?? 3,
      displayPath,
      log: this.log,
    };
  }

  /** The target after ~/.ssh/config (read afresh each time: the user may have edited it). */
  async resolve(target: SshTarget): Promise<ResolvedTarget> {
    return resolveTarget(target, await readSshConfig(this.configFile, this.env), this.env);
  }

  /** The pooled connection for a target, connecting (and authenticating) when there is none. */
  async get(target: SshTarget | ResolvedTarget): Promise<SshConnection> {
    const r = isResolved(target) ? target : await this.resolve(target);
    const e = this.entries.get(r.key);
    if (e?.conn?.usable) {
      e.conn.touch();
      return e.conn;
    }
    if (e?.pending) return e.pending;
    const pending = this.open(r);
    const entry: Entry = { pending };
    this.entries.set(r.key, entry);
    try {
      const conn = await pending;
      entry.pending = undefined;
      entry.conn = conn;
      conn.onClose(() => {
        if (this.entries.get(r.key) === entry) this.entries.delete(r.key);
      });
      return conn;
    } catch (err) {
      if (this.entries.get(r.key) === entry) this.entries.delete(r.key);
      throw err;
    }
  }

  private async open(r: ResolvedTarget): Promise<SshConnection> {
    if (!r.jump) {
      const hop = await connectHop(r, undefined, this.ctx);
      return new SshConnection(r, hop.client, hop.hostKey, this.idleTimeoutMs, this.log);
    }
    const jumpKey = r.jump.key;
    let jump: SshConnection;
    try {
      jump = await this.get(r.jump);
    } catch (e) {
      throw new SshError('JUMP_FAILED', `Cannot reach ${r.key}: its jump host failed. ${(e as Error).message}`, {
        target: r.key,
        cause: e,
        details: { jump: jumpKey, jumpCode: isSshError(e) ? e.code : undefined },
      });
    }
    const release = jump.lease();
    let stream: ClientChannel;
    try {
      stream = await jump.forwardOut(r.hostname, r.port);
    } catch (e) {
      release();
      throw new SshError(
        'JUMP_FAILED',
        `The jump host ${jumpKey} could not open a connection to ${r.hostname}:${r.port}: ${(e as Error).message}. Check the target's address and port as the jump host sees them, that sshd runs on the target, and that the jump host's sshd allows forwarding (AllowTcpForwarding).`,
        { target: r.key, cause: e, details: { jump: jumpKey } },
      );
    }
    try {
      const hop = await connectHop(r, stream, this.ctx);
      const conn = new SshConnection(r, hop.client, hop.hostKey, this.idleTimeoutMs, this.log);
      conn.onClose(release);
      return conn;
    } catch (e) {
      release();
      stream.destroy();
      throw e;
    }
  }

  /** Live connections (for a status view). */
  connections(): SshConnection[] {
    return [...this.entries.values()].flatMap((e) => (e.conn?.usable ? [e.conn] : []));
  }

  /** Forget decrypted identity files (the next connection asks for passphrases again). */
  forgetSecrets(): void {
    this.keyCache.clear();
  }

  /** Closes every connection (targets before the jump hosts they go through). */
  async closeAll(): Promise<void> {
    const conns = [...this.entries.values()].flatMap((e) => (e.conn ? [e.conn] : []));
    const viaJump = conns.filter((c) => c.target.jump);
    await Promise.all(viaJump.map((c) => c.close()));
    await Promise.all(conns.filter((c) => !c.target.jump).map((c) => c.close()));
    this.entries.clear();
  }
}
