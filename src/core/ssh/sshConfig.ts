/**
 * ~/.ssh/config for a target: HostName, User, Port, IdentityFile, IdentitiesOnly, HostKeyAlias,
 * ConnectTimeout and ProxyJump, with the cluster file's explicit settings taking precedence the
 * way ssh's command-line options do. Parsing and Host/Match evaluation are the `ssh-config`
 * package's; this file only expands `Include` (which that package leaves to its caller), applies
 * OpenSSH's defaults and tokens, and builds the jump chain.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SshError } from './errors';
import type { ResolvedTarget, SshTarget } from './types';

/** OpenSSH's default identities, in the order ssh tries them (id_ecdsa_sk etc. need hardware keys). */
export const DEFAULT_IDENTITY_NAMES = ['id_rsa', 'id_ecdsa', 'id_ed25519', 'id_dsa'];

export interface ResolveEnv {
  homeDir: string;
  localUser: string;
  /** Override of OpenSSH's default identity files (absolute paths). */
  defaultIdentityFiles?: string[];
}

export function defaultEnv(homeDir = os.homedir()): ResolveEnv {
  let localUser = process.env.USER ?? 'root';
  try {
    localUser = os.userInfo().username;
  } catch {}
  return { homeDir, localUser };
}

type Computed = Record<string, string | string[] | undefined>;

interface SshConfigModule {
  parse(text: string): { compute(host: string, opts?: { ignoreCase?: boolean; matchExec?: boolean }): Record<string, string | string[]> };
}

let sshConfigModule: SshConfigModule | undefined;
function loadSshConfigModule(): SshConfigModule {
  // Loaded on first use (connect time), never at activation.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  sshConfigModule ??= require('ssh-config') as SshConfigModule;
  return sshConfigModule;
}

/** Computes the options for one host name from config text. */
export function computeHost(configText: string, name: string): Computed {
  if (!configText.trim()) return {};
  let parsed;
  try {
    parsed = loadSshConfigModule().parse(configText);
  } catch (e) {
    throw new SshError(
      'CONFIG',
      `~/.ssh/config could not be parsed: ${(e as Error).message}. Fix the file (ssh -G ${name} shows what OpenSSH makes of it).`,
      { cause: e },
    );
  }
  // matchExec false: evaluating `Match exec` would run shell commands from the config file
  // whenever the extension connects; such blocks are treated as not matching.
  return parsed.compute(name, { ignoreCase: true, matchExec: false });
}

const first = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);
const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** `~`, `%d %u %h %r %p %n %%` as ssh_config(5) TOKENS define them (the ones that make sense here). */
export function expandPath(p: string, env: ResolveEnv, t: { host?: string; user?: string; port?: number; name?: string } = {}): string {
  let s = p.replace(/%([%dhnpru])/g, (_m, c: string) => {
    switch (c) {
      case '%':
        return '%';
      case 'd':
        return env.homeDir;
      case 'u':
        return env.localUser;
      case 'h':
        return t.host ?? '';
      case 'n':
        return t.name ?? '';
      case 'p':
        return String(t.port ?? 22);
      case 'r':
        return t.user ?? '';
      default:
        return _m;
    }
  });
  if (s === '~') s = env.homeDir;
  else if (s.startsWith('~/')) s = path.join(env.homeDir, s.slice(2));
  else if (!path.isAbsolute(s)) s = path.join(env.homeDir, '.ssh', s);
  return s;
}

interface JumpSpec {
  user?: string;
  host: string;
  port?: number;
}

/** `[user@]host[:port]` (also `ssh://user@host:port` and `[v6addr]:port`). */
export function parseJumpSpec(spec: string): JumpSpec {
  let s = spec.trim().replace(/^ssh:\/\//, '');
  let user: string | undefined;
  const at = s.lastIndexOf('@');
  if (at >= 0) {
    user = s.slice(0, at);
    s = s.slice(at + 1);
  }
  let host = s;
  let port: number | undefined;
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
  if (v6) {
    host = v6[1];
    port = v6[2] ? Number(v6[2]) : undefined;
  } else {
    const m = /^([^:]+):(\d+)$/.exec(s);
    if (m) {
      host = m[1];
      port = Number(m[2]);
    }
  }
  if (!host || (port !== undefined && !(port > 0 && port < 65536)) || user === '') {
    throw new SshError('CONFIG', `"${spec}" is not a jump host: write [user@]host[:port] or an ~/.ssh/config alias.`);
  }
  return { user, host, port };
}

const MAX_HOPS = 8;

/**
 * Resolves a target against ~/.ssh/config text. Explicit target fields win over the config, the
 * config over OpenSSH's defaults (user = local user, port 22, ~/.ssh/id_* identities).
 */
export function resolveTarget(target: SshTarget, configText: string, env: ResolveEnv, depth = 0, inherited: string[] = []): ResolvedTarget {
  if (depth > MAX_HOPS)
    throw new SshError(
      'CONFIG',
      `More than ${MAX_HOPS} jump hosts in a chain for ${target.host}: check ProxyJump in ~/.ssh/config for a loop.`,
    );
  const name = target.hostAlias ?? target.host;
  if (!name) throw new SshError('CONFIG', 'No host to connect to.');
  const c = computeHost(configText, name);
  const cfgHostName = first(c.hostname);
  // HostName may use %h (the name looked up); without one, the name is the host itself (as ssh).
  const hostname = cfgHostName ? cfgHostName.replace(/%h/g, name).replace(/%%/g, '%') : name;
  const cfgPort = first(c.port);
  const port = target.port ?? (cfgPort ? Number(cfgPort) : 22);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new SshError('CONFIG', `Port "${cfgPort ?? target.port}" for ${name} is not a port number (check ~/.ssh/config).`);
  const user = target.user ?? first(c.user) ?? env.localUser;
  const tok = { host: hostname, user, port, name };
  const explicit = [
    ...(target.identityFile ? [target.identityFile] : []),
    ...list(c.identityfile).filter((f) => f.toLowerCase() !== 'none'),
  ];
  const defaultIdentities = explicit.length === 0;
  const identityFiles = [
    ...(defaultIdentities
      ? (env.defaultIdentityFiles ?? DEFAULT_IDENTITY_NAMES.map((n) => path.join(env.homeDir, '.ssh', n)))
      : explicit.map((f) => expandPath(f, env, tok))),
    // A jump host also gets the key the cluster file names for its target, after its own.
    ...inherited,
  ].filter((f, i, a) => a.indexOf(f) === i);
  const identitiesOnly = (first(c.identitiesonly) ?? 'no').toLowerCase() === 'yes';
  const hostKeyAlias = first(c.hostkeyalias);
  const ct = first(c.connecttimeout);
  const connectTimeoutMs = ct && /^\d+$/.test(ct) && Number(ct) > 0 ? Number(ct) * 1000 : undefined;

  const jumpSetting = target.jumpHost ?? first(c.proxyjump);
  if (!jumpSetting && first(c.proxycommand) && first(c.proxycommand)!.toLowerCase() !== 'none') {
    throw new SshError(
      'CONFIG',
      `~/.ssh/config sets a ProxyCommand for ${name}; the extension connects through ProxyJump only. Use "ProxyJump" (or jumpHost in the cluster file) instead.`,
    );
  }
  let jump: ResolvedTarget | undefined;
  if (jumpSetting && jumpSetting.toLowerCase() !== 'none') {
    const hops = jumpSetting
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const last = parseJumpSpec(hops[hops.length - 1]);
    const before = hops.slice(0, -1).join(',');
    // Like `ssh -J a,b`: b is reached through a; a single hop keeps its own ProxyJump.
    const pass = [...(target.identityFile ? [expandPath(target.identityFile, env, tok)] : []), ...inherited];
    jump = resolveTarget(
      { host: last.host, user: last.user, port: last.port, ...(before ? { jumpHost: before } : {}) },
      configText,
      env,
      depth + 1,
      pass,
    );
  }
  const key = `${user}@${hostname}:${port}${jump ? ` via ${jump.key}` : ''}`;
  return {
    name,
    hostname,
    port,
    user,
    identityFiles,
    defaultIdentities,
    identitiesOnly,
    hostKeyAlias,
    connectTimeoutMs,
    jump,
    key,
    ...(target.label ? { label: target.label } : {}),
  };
}

/**
 * Reads the config file with its `Include`s inlined (glob `*`/`?` in the last path element,
 * relative paths from ~/.ssh, as ssh_config(5) says). Missing file = empty config.
 */
export async function readSshConfig(file: string | null | undefined, env: ResolveEnv, depth = 0): Promise<string> {
  if (!file) return '';
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw new SshError('CONFIG', `Cannot read ${file}: ${(e as Error).message}.`, { cause: e });
  }
  if (depth > 16) throw new SshError('CONFIG', `Too many nested Include directives in ${file}.`);
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*include\s*[\s=]\s*(.+?)\s*$/i.exec(line);
    if (!m) {
      out.push(line);
      continue;
    }
    for (const word of m[1].match(/"[^"]*"|\S+/g) ?? []) {
      const pattern = expandPath(word.replace(/^"|"$/g, ''), env);
      for (const f of await globFiles(pattern)) out.push(await readSshConfig(f, env, depth + 1));
    }
  }
  return out.join('\n');
}

async function globFiles(pattern: string): Promise<string[]> {
  const dir = path.dirname(pattern);
  const base = path.basename(pattern);
  if (!/[*?]/.test(base)) return [pattern];
  const re = new RegExp(
    `^${base
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
  try {
    return (await fs.readdir(dir))
      .filter((n) => re.test(n) && !n.startsWith('.'))
      .sort()
      .map((n) => path.join(dir, n));
  } catch {
    return [];
  }
}
