/**
 * The SSH layer's one error type. Every failure an operator can meet carries a `code` the UI can
 * branch on and a message that says what happened and what to do about it — written for the
 * person reading a notification, not for a stack trace. Messages never contain secrets.
 */

export type SshErrorCode =
  /** Connection refused, no route, name does not resolve. */
  | 'UNREACHABLE'
  /** Nothing answered (TCP or SSH handshake) within the connect timeout. */
  | 'TIMEOUT'
  /** Every authentication method we could try was rejected (or none was available). */
  | 'AUTH_FAILED'
  /** The host's key is not known and the user (or a non-interactive caller) did not accept it. */
  | 'HOST_KEY_UNKNOWN'
  /** known_hosts or the trust store has a different key for this host: refused without asking. */
  | 'HOST_KEY_CHANGED'
  /** The key the host presented is marked @revoked in known_hosts. */
  | 'HOST_KEY_REVOKED'
  /** Reaching the target through its jump host failed (see `cause`). */
  | 'JUMP_FAILED'
  /** An established connection went away (sshd stopped, network cut, keepalive timeout). */
  | 'CONNECTION_LOST'
  /** The server refused to open a session channel (exec, shell, sftp). */
  | 'CHANNEL_FAILED'
  /** An SFTP operation failed (the message names the remote path). */
  | 'SFTP_FAILED'
  /** A remote command used for an operation (sha256sum) failed. */
  | 'COMMAND_FAILED'
  /** ~/.ssh/config, an identity file or an argument is unusable. */
  | 'CONFIG'
  /** The pool was closed while the operation waited. */
  | 'CLOSED';

export class SshError extends Error {
  override readonly name = 'SshError';
  readonly code: SshErrorCode;
  /** "user@host:port" (and "via jump") the error is about, when known. */
  readonly target?: string;
  /** Structured facts for the UI (methods tried, fingerprints, ...). Never secrets. */
  readonly details: Record<string, unknown>;

  constructor(code: SshErrorCode, message: string, opts: { target?: string; cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.code = code;
    this.target = opts.target;
    this.details = opts.details ?? {};
  }
}

export function isSshError(e: unknown, code?: SshErrorCode): e is SshError {
  return e instanceof SshError && (code === undefined || e.code === code);
}

const NET_CODES: Record<string, string> = {
  ECONNREFUSED: 'the connection was refused: nothing listens on that port, or a firewall rejects it',
  EHOSTUNREACH: 'there is no route to the host (it is down, or not on a network this machine reaches)',
  ENETUNREACH: 'the network is unreachable from this machine',
  ECONNRESET: 'the connection was reset by the other side',
  EPIPE: 'the connection was closed by the other side',
  ENOTFOUND: 'the host name does not resolve (check the name, /etc/hosts or DNS)',
  EAI_AGAIN: 'the host name could not be resolved right now (DNS did not answer)',
  EADDRNOTAVAIL: 'the address is not available from this machine',
};

/** A socket-level error while connecting, as an SshError that says what to check. */
export function networkError(err: NodeJS.ErrnoException, where: string, target: string): SshError {
  const why = (err.code && NET_CODES[err.code]) || err.message;
  return new SshError(
    'UNREACHABLE',
    `Cannot connect to ${where}: ${why}${err.code ? ` (${err.code})` : ''}. Check the address and port in the cluster file or ~/.ssh/config, that sshd runs on the host, and that no firewall blocks the port.`,
    { target, cause: err, details: { errno: err.code } },
  );
}
