/**
 * How the CLI decides about an SSH host key that no known_hosts file has. It cannot ask, so the
 * operator says beforehand: `--host-key [HOST=]SHA256:…` pins (a key with that fingerprint, for
 * any host or for HOST only), or `--trust-new-host-keys` (any key, trust on first use — on every
 * run, since the CLI keeps nothing between runs). `--record-host-keys` appends the keys accepted
 * this way to the `--known-hosts FILE`, which later runs read, so a key checked once need not be
 * trusted blindly again. A key known_hosts has a different one for is refused whatever was given.
 */
import { appendFile, readFile } from 'node:fs/promises';
import type { AcceptedHostKey, SshPoolOptions, TrustedHostKey } from '../ssh/types';

/** The host key options in `gluu-cluster run --help` and `gluu-cluster ldap --help`, and which to prefer. */
export const HOST_KEY_HELP = `  --host-key [HOST=]SHA256:…
                           accept the SSH host key with this fingerprint (repeatable); with
                           HOST= (the host's name in the cluster file, or its address) for that
                           host only; check it on the host: ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub
  --known-hosts FILE       read host keys from FILE too, besides ~/.ssh/known_hosts
  --record-host-keys       append the keys that --host-key or --trust-new-host-keys accepted to
                           the --known-hosts FILE (as OpenSSH does: name,address type key), so
                           the next runs know them
  --trust-new-host-keys    accept, and print, any host key that is not on record, for this run
                           only: trust on first use, on every run`;

export const HOST_KEY_ADVICE = `Host keys: prefer --host-key pins of fingerprints you checked on the hosts, or a known_hosts
file (~/.ssh/known_hosts, or a --known-hosts FILE filled once with --record-host-keys), over
--trust-new-host-keys, which accepts whatever key answers, a man in the middle's too. A key
that differs from the one on record for the host's name or for its address is always refused.`;

/** One `--host-key`: a fingerprint, for `host` only when given. */
export interface HostKeyPin {
  /** The host's name in the cluster file or its address (or HostKeyAlias). */
  host?: string;
  /** "SHA256:…" as `ssh-keygen -lf` prints it. */
  fingerprint: string;
}

export interface CliHostKeys {
  /** --trust-new-host-keys */
  trustNew: boolean;
  /** --host-key, each given */
  pins: HostKeyPin[];
  /** --known-hosts FILE: read besides ~/.ssh/known_hosts and /etc/ssh/ssh_known_hosts. */
  knownHostsFile?: string;
  /** --record-host-keys: keys accepted by a pin or --trust-new-host-keys are appended to knownHostsFile. */
  record: boolean;
}

export const NO_HOST_KEY_OPTIONS: CliHostKeys = { trustNew: false, pins: [], record: false };

/** SHA256 of a key, base64 without padding: 43 characters. */
const PIN = /^(?:(.+)=)?(SHA256:[A-Za-z0-9+/]{43})$/;

/** A `--host-key` value, or undefined when it is not `[HOST=]SHA256:<43 base64 characters>`. */
export function parseHostKeyPin(value: string): HostKeyPin | undefined {
  const m = PIN.exec(value.trim());
  if (!m) return undefined;
  return m[1] ? { host: m[1], fingerprint: m[2] } : { fingerprint: m[2] };
}

/** A known_hosts line as OpenSSH writes one: `name,address key-type base64-key`. */
export function knownHostsLine(keyType: string, accepted: AcceptedHostKey): string {
  return `${accepted.hostKeyIds.join(',')} ${keyType} ${accepted.key}\n`;
}

/** Appends lines to a known_hosts file one at a time, each once, starting on a line of their own. */
function recorder(file: string): (line: string) => Promise<void> {
  let last = Promise.resolve();
  // Two connections to one host (say root@ and admin@) may both have had its key accepted.
  const written = new Set<string>();
  return (line) => {
    if (written.has(line)) return last;
    written.add(line);
    const next = last.then(async () => {
      const before = await readFile(file, 'utf8').catch(() => '');
      await appendFile(file, `${before && !before.endsWith('\n') ? '\n' : ''}${line}`);
    });
    last = next.catch(() => undefined);
    return next.catch((e: Error) => {
      throw new Error(`it could not be recorded in ${file} (--record-host-keys): ${e.message}`, { cause: e });
    });
  };
}

/** The trust store and the unknown-key answer of the CLI's pool; what it accepts it says on stderr. */
export function cliHostKeyTrust(keys: CliHostKeys, err: (s: string) => void): Pick<SshPoolOptions, 'trustStore' | 'confirmUnknownHostKey'> {
  const trusted = new Map<string, TrustedHostKey[]>();
  const record = keys.record && keys.knownHostsFile ? recorder(keys.knownHostsFile) : undefined;
  const recording = record ? `; recorded in ${keys.knownHostsFile}` : '';
  return {
    trustStore: {
      lookup: async (id) => trusted.get(id) ?? [],
      add: async (id, fingerprint, keyType, accepted) => {
        trusted.set(id, [...(trusted.get(id) ?? []), { fingerprint, keyType }]);
        if (record && accepted) await record(knownHostsLine(keyType, accepted));
      },
    },
    // info.name: "idp1.example.org (10.0.0.5)", the cluster's name for the host and its address.
    confirmUnknownHostKey: async (info) => {
      const names = [info.host, info.label].filter((n): n is string => !!n).map((n) => n.toLowerCase());
      const pinned = keys.pins.some((p) => p.fingerprint === info.fingerprint && (!p.host || names.includes(p.host.toLowerCase())));
      if (pinned) {
        err(`accepting the host key of ${info.name}: ${info.keyType} ${info.fingerprint}, as --host-key says${recording}\n`);
        return true;
      }
      if (keys.trustNew) {
        err(`trusting the new host key of ${info.name} for this run: ${info.keyType} ${info.fingerprint}${recording}\n`);
        return true;
      }
      const pin = `--host-key ${info.label ?? info.host}=${info.fingerprint}`;
      err(
        `refusing the unknown host key of ${info.name}: ${info.keyType} ${info.fingerprint};${keys.pins.length ? ' no --host-key given is for it;' : ''} check it on the host (ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub), then pass ${pin}, or add it to ~/.ssh/known_hosts or a --known-hosts file (ssh-keyscan -p ${info.port} ${info.host}, or --record-host-keys with the pin)\n`,
      );
      return false;
    },
  };
}
