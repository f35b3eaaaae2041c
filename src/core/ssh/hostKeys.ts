/**
 * Host key policy, as strict as OpenSSH's StrictHostKeyChecking=ask:
 *   - a key matching ~/.ssh/known_hosts or the extension's trust store is accepted;
 *   - a key marked @revoked is refused;
 *   - a host for which a DIFFERENT key is on record is refused without asking (changed key);
 *   - a host with no key on record is put to the user; yes = stored in the trust store.
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
import type { TrustStore, TrustedHostKey, UnknownHostKeyInfo } from './types';

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
  | { ok: true; how: 'known_hosts' | 'trust-store' | 'confirmed'; keyType: string; fingerprint: string; hostKeyId: string }
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

/**
 * "idp1.example.org (10.0.0.5)": the name people know a host by (`label`, the cluster file's host
 * name) beside the host key name of what was connected to; just the latter without a label.
 */
export function hostKeyName(id: string, label?: string): string {
  return label && label.toLowerCase() !== id.toLowerCase() ? `${label} (${id})` : id;
}

/**
 * Decides about the key a host presented. `host` is HostKeyAlias or the host name connected to;
 * `label` what people call it (the cluster file's host name), named beside it in every message.
 */
export async function checkHostKey(
  blob: Buffer,
  host: string,
  port: number,
  target: string,
  deps: HostKeyDeps,
  label?: string,
): Promise<HostKeyVerdict> {
  const id = hostKeyId(host, port);
  const named = hostKeyName(id, label);
  const keyType = keyTypeOfBlob(blob);
  const fingerprint = fingerprintSha256(blob);
  const show = deps.displayPath ?? ((p: string) => p);
  const { known, revoked } = lookupHost(await readKnownHostsFiles(deps.knownHostsFiles), host, port);

  const rev = revoked.find((e) => entryHasKey(e, blob));
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
  if (known.some((e) => entryHasKey(e, blob))) return { ok: true, how: 'known_hosts', keyType, fingerprint, hostKeyId: id };

  let trusted: TrustedHostKey[];
  try {
    trusted = await deps.trustStore.lookup(id);
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
  if (trusted.some((t) => t.fingerprint === fingerprint && (!t.keyType || t.keyType === keyType))) {
    return { ok: true, how: 'trust-store', keyType, fingerprint, hostKeyId: id };
  }

  if (known.length || trusted.length) {
    const onRecord = [
      ...known.map((e) => `${show(e.source)} line ${e.line} has ${e.keyType} ${entryFingerprint(e)}`),
      ...trusted.map((t) => `the extension's trust store has ${t.keyType || 'a key'} ${t.fingerprint}`),
    ];
    const removals: string[] = [];
    const files = [...new Set(known.map((e) => e.source))];
    for (const f of files)
      removals.push(`ssh-keygen -R "${id}"${deps.defaultKnownHosts && f === deps.defaultKnownHosts ? '' : ` -f "${f}"`}`);
    if (trusted.length)
      removals.push(`the "Gluu Cluster: Forget Host Key" command for ${id} (removes it from the extension's trust store)`);
    return {
      ok: false,
      error: new SshError(
        'HOST_KEY_CHANGED',
        `WARNING: the host key of ${named} has CHANGED and the connection was refused. ` +
          `It now presents ${keyType} ${fingerprint}, but ${onRecord.join('; ')}. ` +
          `Someone could be intercepting the connection (man-in-the-middle), or the host was reinstalled or its SSH keys regenerated. ` +
          `Check the new fingerprint with the host's administrator (on the host: ssh-keygen -lf /etc/ssh/ssh_host_${shortType(keyType)}_key.pub). ` +
          `Only if the change is expected, remove the old key and connect again: ${removals.join(', and ')}.`,
        { target, details: { hostKeyId: id, keyType, fingerprint, onRecord, removals } },
      ),
    };
  }

  let yes: boolean;
  try {
    yes = await deps.confirmUnknownHostKey({ host, port, name: hostKeyName(host, label), hostKeyId: id, keyType, fingerprint, target });
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
  return { ok: true, how: 'confirmed', keyType, fingerprint, hostKeyId: id };
}

/**
 * Host key algorithms to ask for first: those of the keys already on record for this host, so
 * that a host with several keys presents the one we know (OpenSSH does the same).
 */
export async function preferredHostKeyAlgorithms(
  host: string,
  port: number,
  deps: Pick<HostKeyDeps, 'knownHostsFiles' | 'trustStore'>,
): Promise<string[]> {
  const { known } = lookupHost(await readKnownHostsFiles(deps.knownHostsFiles), host, port);
  let trusted: TrustedHostKey[] = [];
  try {
    trusted = await deps.trustStore.lookup(hostKeyId(host, port));
  } catch {}
  const types = [...known.map((e) => e.keyType), ...trusted.map((t) => t.keyType).filter(Boolean)];
  return [...new Set(types.flatMap(algorithmsForKeyType))];
}
