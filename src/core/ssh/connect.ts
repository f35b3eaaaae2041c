/**
 * One SSH hop: TCP (or a forwarded stream from a jump host), handshake with the host key policy,
 * authentication — all inside one connect timeout that stops while a person is being asked
 * something. ssh2 is loaded here, on the first connection, never at extension activation.
 */
import * as net from 'node:net';
import type { Duplex } from 'node:stream';
import type { Client, ConnectConfig, ParsedKey } from 'ssh2';
import { AuthPlanner, type ParseKey } from './auth';
import { Deadline } from './deadline';
import { networkError, SshError } from './errors';
import { alsoKnownAs, checkHostKey, preferredHostKeyAlgorithms, type HostKeyDeps } from './hostKeys';
import type { Credentials, ResolvedTarget } from './types';

type Ssh2 = typeof import('ssh2');
let ssh2Promise: Promise<Ssh2> | undefined;

/** ssh2, loaded on first use. (esbuild keeps it in the bundle but evaluates it only here.) */
export function loadSsh2(): Promise<Ssh2> {
  ssh2Promise ??= import('ssh2');
  return ssh2Promise;
}

/** ssh2 1.17's default host key algorithms (ssh-dss left out, as OpenSSH does). */
const HOST_KEY_ALGORITHMS = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
];

export interface HopContext {
  credentials: Credentials;
  hostKeys: HostKeyDeps;
  agentSocket: string | null;
  keyCache: Map<string, ParsedKey>;
  connectTimeoutMs: number;
  keepaliveIntervalMs: number;
  keepaliveCountMax: number;
  displayPath(p: string): string;
  log(line: string): void;
}

export interface Hop {
  client: Client;
  hostKey: { keyType: string; fingerprint: string; hostKeyId: string; how: string };
  /** The method that authenticated. */
  method: string;
}

const secs = (ms: number) => `${Math.round(ms / 100) / 10} s`;

/** TCP connect within the deadline; errors become UNREACHABLE / TIMEOUT. */
function tcpConnect(r: ResolvedTarget, timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const where = `${r.hostname}:${r.port}`;
    const sock = net.connect({ host: r.hostname, port: r.port });
    const timer = setTimeout(() => {
      sock.destroy();
      reject(
        new SshError(
          'TIMEOUT',
          `No answer from ${where} within ${secs(timeoutMs)} (TCP connect). The host may be down or a firewall may drop the packets; check the address and port, and that sshd runs on the host.`,
          {
            target: r.key,
            details: { phase: 'tcp' },
          },
        ),
      );
    }, timeoutMs);
    sock.once('connect', () => {
      clearTimeout(timer);
      sock.removeAllListeners('error');
      sock.setNoDelay(true);
      resolve(sock);
    });
    sock.once('error', (err) => {
      clearTimeout(timer);
      reject(networkError(err, where, r.key));
    });
  });
}

/** Connects and authenticates one hop. `sock` is the stream from a jump host, if any. */
export async function connectHop(r: ResolvedTarget, sock: Duplex | undefined, ctx: HopContext): Promise<Hop> {
  const { Client, utils } = await loadSsh2();
  const timeoutMs = r.connectTimeoutMs ?? ctx.connectTimeoutMs;
  const started = Date.now();
  const hkHost = r.hostKeyAlias ?? r.hostname;
  // The key is looked up under the host's other names too (its cluster file name; the address under a HostKeyAlias).
  const otherNames = alsoKnownAs(r);
  const preferred = (await preferredHostKeyAlgorithms(hkHost, r.port, ctx.hostKeys, [r.label, ...otherNames])).filter((a) =>
    HOST_KEY_ALGORITHMS.includes(a),
  );
  const hostKeyAlgorithms = [...preferred, ...HOST_KEY_ALGORITHMS.filter((a) => !preferred.includes(a))];
  ctx.log(`connecting to ${r.key}`);
  const socket: Duplex = sock ?? (await tcpConnect(r, timeoutMs));

  return new Promise<Hop>((resolve, reject) => {
    const client = new Client();
    let phase: 'handshake' | 'host key' | 'authentication' = 'handshake';
    let settled = false;
    let hostKeyError: SshError | undefined;
    let hostKey: Hop['hostKey'] | undefined;
    let pendingStore: (() => Promise<void>) | undefined;

    const fail = (err: SshError) => {
      if (settled) return;
      settled = true;
      deadline.clear();
      client.removeAllListeners('ready');
      try {
        client.end();
      } catch {}
      socket.destroy();
      reject(err);
    };
    const remaining = Math.max(0, timeoutMs - (Date.now() - started));
    const deadline = new Deadline(remaining, () =>
      fail(
        new SshError(
          'TIMEOUT',
          phase === 'handshake'
            ? `${r.key} accepted the TCP connection but no SSH handshake completed within ${secs(timeoutMs)}. Is this port an SSH server? Check the port, and the host's load.`
            : `${r.key} did not finish ${phase} within ${secs(timeoutMs)}. The host or the network is too slow or stalled; try again.`,
          { target: r.key, details: { phase } },
        ),
      ),
    );

    const planner = new AuthPlanner(r, {
      credentials: ctx.credentials,
      agentSocket: ctx.agentSocket,
      keyCache: ctx.keyCache,
      parseKey: utils.parseKey as ParseKey,
      deadline,
      displayPath: ctx.displayPath,
      log: (l) => ctx.log(`${r.key}: ${l}`),
    });

    let stored: Promise<void> = Promise.resolve();
    client.on('handshake', () => {
      // The key's signature over the exchange has been verified: only now store a key the user accepted.
      phase = 'authentication';
      if (pendingStore) {
        const store = pendingStore;
        pendingStore = undefined;
        stored = store().catch((e) => {
          throw new SshError(
            'HOST_KEY_UNKNOWN',
            `The host key of ${hostKey?.hostKeyId} was accepted but could not be stored: ${(e as Error).message}.`,
            { target: r.key, cause: e },
          );
        });
      }
    });
    client.on('ready', () => {
      if (settled) return;
      deadline.clear();
      planner.succeeded();
      stored.then(
        () => {
          if (settled) return;
          settled = true;
          ctx.log(`${r.key}: authenticated (${planner.current})`);
          resolve({ client, hostKey: hostKey!, method: planner.current });
        },
        (e: SshError) => fail(e),
      );
    });
    client.on('error', (err: Error & { level?: string; code?: string }) => {
      if (settled) return;
      if (hostKeyError) return fail(hostKeyError);
      if (err.level === 'agent') {
        planner.notes.push(`ssh-agent: ${err.message}`);
        return;
      }
      if (err.level === 'client-authentication') {
        if (planner.exhausted || /All configured authentication methods failed/.test(err.message)) return fail(planner.failure());
        planner.notes.push(err.message);
        return;
      }
      if (err.level === 'client-socket') return fail(networkError(err as NodeJS.ErrnoException, `${r.hostname}:${r.port}`, r.key));
      if (err.level === 'client-timeout') return fail(new SshError('TIMEOUT', `${r.key}: ${err.message}.`, { target: r.key, cause: err }));
      if (phase === 'authentication') {
        // e.g. "Too many authentication failures" (MaxAuthTries) ends the connection mid-auth.
        planner.notes.push(`the server said: ${err.message}`);
        return fail(planner.failure());
      }
      const closedEarly = /Connection lost before handshake/.test(err.message);
      fail(
        new SshError(
          'UNREACHABLE',
          closedEarly
            ? `${r.key} closed the connection before the SSH handshake. Check that the port is sshd's, and the host's sshd logs (MaxStartups, tcp wrappers, fail2ban).`
            : `SSH handshake with ${r.key} failed: ${err.message}. Check that the port is sshd's and that its algorithms are not too old for a current client.`,
          { target: r.key, cause: err },
        ),
      );
    });
    client.on('close', () => {
      if (hostKeyError) return fail(hostKeyError);
      if (planner.exhausted) return fail(planner.failure());
      fail(
        new SshError(
          'UNREACHABLE',
          `${r.key} closed the connection during ${phase}. Check the host's sshd logs (journalctl -u ssh) for the reason.`,
          { target: r.key },
        ),
      );
    });

    const config: ConnectConfig = {
      sock: socket as ConnectConfig['sock'],
      username: r.user,
      readyTimeout: 0, // ours (the Deadline) pauses while a person answers; ssh2's would not
      keepaliveInterval: ctx.keepaliveIntervalMs,
      keepaliveCountMax: ctx.keepaliveCountMax,
      algorithms: { serverHostKey: hostKeyAlgorithms as never },
      hostVerifier: (key: Buffer, verify: (ok: boolean) => void) => {
        phase = 'host key';
        deadline.pause();
        checkHostKey(key, hkHost, r.port, r.key, ctx.hostKeys, r.label, otherNames).then(
          (v) => {
            deadline.resume();
            if (!v.ok) {
              hostKeyError = v.error;
              ctx.log(`${r.key}: host key refused (${v.error.code})`);
              return verify(false);
            }
            hostKey = { keyType: v.keyType, fingerprint: v.fingerprint, hostKeyId: v.hostKeyId, how: v.how };
            ctx.log(
              `${r.key}: host key ${v.keyType} ${v.fingerprint} (${v.how === 'confirmed' ? 'accepted by the user' : `from ${v.how}`})`,
            );
            if (v.how === 'confirmed') {
              const accepted = { hostKeyIds: v.hostKeyIds, key: key.toString('base64') };
              pendingStore = () => ctx.hostKeys.trustStore.add(v.hostKeyId, v.fingerprint, v.keyType, accepted);
            }
            verify(true);
          },
          (e) => {
            deadline.resume();
            hostKeyError = new SshError(
              'HOST_KEY_UNKNOWN',
              `The host key of ${r.key} could not be checked: ${(e as Error).message}. The connection was refused.`,
              { target: r.key, cause: e },
            );
            verify(false);
          },
        );
      },
      authHandler: planner.handler as unknown as ConnectConfig['authHandler'],
    };
    try {
      client.connect(config);
    } catch (e) {
      fail(new SshError('CONFIG', `Cannot start the SSH connection to ${r.key}: ${(e as Error).message}.`, { target: r.key, cause: e }));
    }
  });
}
