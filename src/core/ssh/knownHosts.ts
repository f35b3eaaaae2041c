/**
 * OpenSSH known_hosts: parsing, host matching (plain, wildcard, negated, hashed `|1|salt|hash`,
 * `[host]:port` for ports other than 22) and SHA256 fingerprints formatted like `ssh-keygen -l`.
 * Pure functions plus one file reader; no ssh2 needed.
 *
 * What the file format allows (sshd(8), "SSH_KNOWN_HOSTS FILE FORMAT"):
 *   [@cert-authority|@revoked] host-patterns key-type base64-key [comment]
 * `@cert-authority` lines hold CA keys for host certificates; we don't do certificates, so they
 * never vouch for a host here. `@revoked` lines mark keys that must never be accepted.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { promises as fs } from 'node:fs';

export interface KnownHostEntry {
  /** File the line came from and its 1-based line number, for messages. */
  source: string;
  line: number;
  marker?: 'revoked' | 'cert-authority';
  /** The host-patterns field as written (comma-separated, or one `|1|salt|hash`). */
  hosts: string;
  keyType: string;
  /** base64 of the key blob, as written. */
  key: string;
}

/** The name a host has in known_hosts and in the trust store: `host`, or `[host]:port` off port 22. */
export function hostKeyId(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** Parses known_hosts text. Malformed lines are skipped, as ssh does. */
export function parseKnownHosts(text: string, source = 'known_hosts'): KnownHostEntry[] {
  const out: KnownHostEntry[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const l = raw.trim();
    if (!l || l.startsWith('#')) return;
    const f = l.split(/\s+/);
    let marker: KnownHostEntry['marker'];
    if (f[0].startsWith('@')) {
      const m = f.shift()!.toLowerCase();
      if (m === '@revoked') marker = 'revoked';
      else if (m === '@cert-authority') marker = 'cert-authority';
      else return; // unknown marker: ssh ignores the line
    }
    if (f.length < 3) return;
    const [hosts, keyType, key] = f;
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(key)) return;
    out.push({ source, line: i + 1, marker, hosts, keyType, key });
  });
  return out;
}

/** Glob match as OpenSSH's match_pattern(): `*` and `?`, case-insensitive (names are lowercased). */
function globMatch(pattern: string, s: string): boolean {
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i',
  );
  return re.test(s);
}

/** Does the host-patterns field of a line name this host (and port)? */
export function hostsFieldMatches(hosts: string, host: string, port: number): boolean {
  const name = hostKeyId(host.toLowerCase(), port);
  if (hosts.startsWith('|1|')) {
    const [, , salt64, hash64] = hosts.split('|');
    if (!salt64 || !hash64) return false;
    const want = Buffer.from(hash64, 'base64');
    const got = createHmac('sha1', Buffer.from(salt64, 'base64')).update(name).digest();
    return want.length === got.length && timingSafeEqual(want, got);
  }
  let matched = false;
  for (const p of hosts.split(',')) {
    if (!p) continue;
    if (p.startsWith('!')) {
      if (globMatch(p.slice(1), name)) return false; // a negated match rules the line out
    } else if (globMatch(p, name)) {
      matched = true;
    }
  }
  return matched;
}

/** Hashed host field as `ssh-keygen -H` writes it (salt given for tests; random otherwise). */
export function hashHostName(host: string, port: number, salt?: Buffer): string {
  const s = salt ?? randomBytes(20);
  const h = createHmac('sha1', s).update(hostKeyId(host.toLowerCase(), port)).digest();
  return `|1|${s.toString('base64')}|${h.toString('base64')}`;
}

export interface KnownHostsLookup {
  /** Keys known for this host (no marker). */
  known: KnownHostEntry[];
  /** @revoked entries whose host patterns match this host. */
  revoked: KnownHostEntry[];
}

export function lookupHost(entries: KnownHostEntry[], host: string, port: number): KnownHostsLookup {
  const known: KnownHostEntry[] = [];
  const revoked: KnownHostEntry[] = [];
  for (const e of entries) {
    if (e.marker === 'cert-authority') continue;
    if (!hostsFieldMatches(e.hosts, host, port)) continue;
    (e.marker === 'revoked' ? revoked : known).push(e);
  }
  return { known, revoked };
}

/** The key type named inside an SSH public key blob (its first string), e.g. "ssh-ed25519". */
export function keyTypeOfBlob(blob: Buffer): string {
  if (blob.length < 4) throw new Error('host key blob too short');
  const n = blob.readUInt32BE(0);
  if (n > blob.length - 4 || n > 64) throw new Error('malformed host key blob');
  return blob.subarray(4, 4 + n).toString('latin1');
}

/** "SHA256:<base64 without padding>", exactly as `ssh-keygen -l` prints it. */
export function fingerprintSha256(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** Same key? (type and blob) */
export function entryHasKey(e: KnownHostEntry, blob: Buffer): boolean {
  return e.keyType === keyTypeOfBlob(blob) && Buffer.from(e.key, 'base64').equals(blob);
}

/** Reads and parses known_hosts files; missing or unreadable files count as empty. */
export async function readKnownHostsFiles(paths: readonly string[]): Promise<KnownHostEntry[]> {
  const all: KnownHostEntry[] = [];
  for (const p of paths) {
    let text: string;
    try {
      text = await fs.readFile(p, 'utf8');
    } catch {
      continue;
    }
    all.push(...parseKnownHosts(text, p));
  }
  return all;
}

/** Key types as known_hosts names them -> host key algorithms to ask the server for, in order. */
export function algorithmsForKeyType(keyType: string): string[] {
  if (keyType === 'ssh-rsa') return ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];
  return [keyType];
}
