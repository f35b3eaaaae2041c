/**
 * Host key policy, as strict as OpenSSH's StrictHostKeyChecking=ask with CheckHostIP:
 *   - the key is looked up under every name of the host: the address (or HostKeyAlias) connected
 *     to and the name the cluster file gives it, each in known_hosts and the extension's trust store;
 *   - a key marked @revoked under any of them is refused;
 *   - a name for which a DIFFERENT key is on record makes it a changed key, refused without
 *     asking, even when another name has this key (the name and the address disagree);
 *   - a key on record for a name, with no other key on record for the others, is accepted;
 *   - a host with no key on record under any name is put to the user; yes = stored in the trust store.
 * There is no "accept anything" path.
 */
import { SshError } from './errors';
import {
  algorithmsForKeyType,
  entryHasKey,
  fingerprintSha256,
  hostKeyId,
  keyTypeOfBlob,
  lookupHost,
  readKnownHostsFiles,
  type KnownHostEntry,
} from './knownHosts';
import type { ResolvedTarget, TrustStore, TrustedHostKey, UnknownHostKeyInfo } from './types';

export interface HostKeyDeps {
  knownHostsFiles: readonly string[];
  trustStore: TrustStore;
  confirmUnknownHostKey(info: UnknownHostKeyInfo): Promise<boolean>;
  /** How to show a known_hosts path in messages (e.g. with ~). */
  displayPath?(p: string): string;
  /** The default user known_hosts file: `ssh-keygen -R` needs no -f for it. */
  defaultKnownHosts?: string;
}

export type HostKeyVerdict =
  | {
      ok: true;
      how: 'known_hosts' | 'trust-store' | 'confirmed';
      keyType: string;
      fingerprint: string;
      hostKeyId: string;
      /** Every name it was looked up under (`hostKeyId` among them): the host's name first, then its address. */
      hostKeyIds: string[];
    }
  | { ok: false; error: SshError };

function shortType(keyType: string): string {
  if (keyType === 'ssh-ed25519') return 'ed25519';
  if (keyType.startsWith('ecdsa-')) return 'ecdsa';
  if (keyType === 'ssh-rsa') return 'rsa';
  if (keyType === 'ssh-dss') return 'dsa';
  return keyType;
}

function entryFingerprint(e: KnownHostEntry): string {
  return fingerprintSha256(Buffer.from(e.key, 'base64'));
}

/** What is on record for one name of the host. */
interface NameRecord {
  /** `name` or `[name]:port`. */
  id: string;
  known: KnownHostEntry[];
  revoked: KnownHostEntry[];
  trusted: TrustedHostKey[];
}

const hasRecord = (n: NameRecord) => n.known.length > 0 || n.trusted.length > 0;

/** The host's names, each once (names are case-insensitive), in the order given. */
function uniqueNames(names: readonly (string | undefined)[]): string[] {
  const out: string[] = [];
  for (const n of names) if (n && !out.some((o) => o.toLowerCase() === n.toLowerCase())) out.push(n);
  return out;
}

/**
 * The names a target's key is also looked up under, besides `hostKeyAlias ?? hostname`: its name
 * in the cluster file (`label`, passed separately) and, under a HostKeyAlias, the address
 * connected to — OpenSSH checks the address too (CheckHostIP).
 */
export function alsoKnownAs(r: Pick<ResolvedTarget, 'hostname' | 'hostKeyAlias'>): string[] {
  return r.hostKeyAlias ? [r.hostname] : [];
}

/**
 * "idp1.example.org (10.0.0.5)": the name people know a host by (`label`, the cluster file's host
 * name) beside the host key name of what was connected to; just the latter without a label.
 */
export function hostKeyName(id: string, label?: string): string {
  return label && label.toLowerCase() !== id.toLowerCase() ? `${label} (${id})` : id;
}

/**
 * Decides about the key a host presented. `host` is HostKeyAlias or the host name connected to
 * (the trust store's name for it); `label` what people call it (the cluster file's host name),
 * named beside it in every message and looked up too, as are `alsoKnownAs` (the address under a
 * HostKeyAlias): OpenSSH's CheckHostIP, so that the name and the address cannot disagree.
 */
export async function checkHostKey(
  blob: Buffer,
  host: string,
  port: number,
  target: string,
  deps: HostKeyDeps,
  label?: string,
  alsoKnownAs: readonly string[] = [],
): Promise<HostKeyVerdict> {
  const id = hostKeyId(host, port);
  const named = hostKeyName(id, label);
  const keyType = keyTypeOfBlob(blob);
  const fingerprint = fingerprintSha256(blob);
  const show = deps.displayPath ?? ((p: string) => p);
  const entries = await readKnownHostsFiles(deps.knownHostsFiles);
  const hostKeyIds = uniqueNames([label, ...alsoKnownAs, host]).map((n) => hostKeyId(n, port));
  const accepted = (how: 'known_hosts' | 'trust-store' | 'confirmed'): HostKeyVerdict => ({
    ok: true,
    how,
    keyType,
    fingerprint,
    hostKeyId: id,
    hostKeyIds,
  });

  let records: NameRecord[];
  try {
    records = await Promise.all(
      uniqueNames([host, label, ...alsoKnownAs]).map(async (name) => {
        const { known, revoked } = lookupHost(entries, name, port);
        const nameId = hostKeyId(name, port);
        return { id: nameId, known, revoked, trusted: await deps.trustStore.lookup(nameId) };
      }),
    );
  } catch (e) {
    return {
      ok: false,
      error: new SshError(
        'HOST_KEY_UNKNOWN',
        `The extension's host key store could not be read (${(e as Error).message}), so the key of ${named} cannot be checked. The connection was refused.`,
        { target, cause: e },
      ),
    };
  }

  const rev = records.flatMap((n) => n.revoked).find((e) => entryHasKey(e, blob));
  if (rev) {
    return {
      ok: false,
      error: new SshError(
        'HOST_KEY_REVOKED',
        `The host key of ${named}, ${keyType} ${fingerprint}, is marked @revoked in ${show(rev.source)} line ${rev.line}. The connection was refused. The host must get a new key from its administrator; do not remove the @revoked line to get around this.`,
        { target, details: { hostKeyId: id, keyType, fingerprint, source: rev.source, line: rev.line } },
      ),
    };
  }

  const inKnownHosts = (n: NameRecord) => n.known.some((e) => entryHasKey(e, blob));
  const inTrustStore = (n: NameRecord) => n.trusted.some((t) => t.fingerprint === fingerprint && (!t.keyType || t.keyType === keyType));
  const onRecord = records.filter(hasRecord);
  // A name with keys on record, none of them this one: changed, whatever the other names say.
  const differ = onRecord.filter((n) => !inKnownHosts(n) && !inTrustStore(n));
  if (differ.length) {
    const agree = onRecord.filter((n) => !differ.includes(n)).map((n) => n.id);
    const lines = differ.flatMap((n) => [
      ...n.known.map((e) => `${show(e.source)} line ${e.line} has ${e.keyType} ${entryFingerprint(e)} for ${n.id}`),
      ...n.trusted.map((t) => `the extension's trust store has ${t.keyType || 'a key'} ${t.fingerprint} for ${n.id}`),
    ]);
    const removals: string[] = [];
    for (const n of differ) {
      for (const f of [...new Set(n.known.map((e) => e.source))])
        removals.push(`ssh-keygen -R "${n.id}"${deps.defaultKnownHosts && f === deps.defaultKnownHosts ? '' : ` -f "${f}"`}`);
      if (n.trusted.length)
        removals.push(`the "Gluu Cluster: Forget Host Key" command for ${n.id} (removes it from the extension's trust store)`);
    }
    const disagree = agree.length
      ? ` The key it presents is on record for ${agree.join(' and ')}, so the host's name and its address have different keys on record: one of them is out of date, or leads to another machine.`
      : '';
    return {
      ok: false,
      error: new SshError(
        'HOST_KEY_CHANGED',
        `WARNING: the host key of ${named} has CHANGED and the connection was refused. ` +
          `It now presents ${keyType} ${fingerprint}, but ${lines.join('; ')}.${disagree} ` +
          `Someone could be intercepting the connection (man-in-the-middle), or the host was reinstalled or its SSH keys regenerated. ` +
          `Check the new fingerprint with the host's administrator (on the host: ssh-keygen -lf /etc/ssh/ssh_host_${shortType(keyType)}_key.pub). ` +
          `Only if the change is expected, remove the old key and connect again: ${removals.join(', and ')}.`,
        { target, details: { hostKeyId: id, keyType, fingerprint, onRecord: lines, removals } },
      ),
    };
  }
  if (onRecord.some(inKnownHosts)) return accepted('known_hosts');
  if (onRecord.length) return accepted('trust-store');

  let yes: boolean;
  try {
    yes = await deps.confirmUnknownHostKey({
      host,
      port,
      name: hostKeyName(host, label),
      ...(label ? { label } : {}),
      hostKeyId: id,
      keyType,
      fingerprint,
      target,
    });
  } catch (e) {
    return {
      ok: false,
      error: new SshError(
        'HOST_KEY_UNKNOWN',
        `The host key of ${named}, ${keyType} ${fingerprint}, is not known and could not be confirmed (${(e as Error).message}). The connection was refused.`,
        { target, cause: e, details: { hostKeyId: id, keyType, fingerprint } },
      ),
    };
  }
  if (yes !== true) {
    return {
      ok: false,
      error: new SshError(
        'HOST_KEY_UNKNOWN',
        `The host key of ${named}, ${keyType} ${fingerprint}, is not known and was not accepted, so the connection was refused. Compare the fingerprint with the host's (on the host: ssh-keygen -lf /etc/ssh/ssh_host_${shortType(keyType)}_key.pub) and accept it if it matches, or add the host to ~/.ssh/known_hosts (ssh-keyscan -p ${port} ${host} shows its keys; verify them before adding).`,
        { target, details: { hostKeyId: id, keyType, fingerprint } },
      ),
    };
  }
  return accepted('confirmed');
}

/**
 * Host key algorithms to ask for first: those of the keys already on record for this host (under
 * any of its names), so that a host with several keys presents the one we know (OpenSSH does the same).
 */
export async function preferredHostKeyAlgorithms(
  host: string,
  port: number,
  deps: Pick<HostKeyDeps, 'knownHostsFiles' | 'trustStore'>,
  otherNames: readonly (string | undefined)[] = [],
): Promise<string[]> {
  const entries = await readKnownHostsFiles(deps.knownHostsFiles);
  const types: string[] = [];
  for (const name of uniqueNames([host, ...otherNames])) {
    types.push(...lookupHost(entries, name, port).known.map((e) => e.keyType));
    try {
      types.push(...(await deps.trustStore.lookup(hostKeyId(name, port))).map((t) => t.keyType).filter(Boolean));
    } catch {}
  }
  return [...new Set(types.flatMap(algorithmsForKeyType))];
}
