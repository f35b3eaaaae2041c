/**
 * The contracts between the SSH layer and whoever hosts it. The editor implements `Credentials`
 * with SecretStorage and input boxes and `TrustStore` with its global state; the CLI has
 * non-interactive variants. Nothing here imports ssh2 at run time.
 */

/** Where to connect, as the cluster file (`SshSettings` + host) describes it. */
export interface SshTarget {
  /** Host name or address to connect to (ignored for the address when `hostAlias` has a HostName). */
  host: string;
  user?: string;
  port?: number;
  /** A private key file (`~` allowed). Tried before ~/.ssh/config's IdentityFile entries. */
  identityFile?: string;
  /** A Host alias from ~/.ssh/config: its HostName, User, Port, IdentityFile and ProxyJump apply. */
  hostAlias?: string;
  /** `[user@]host[:port]` or an ~/.ssh/config alias, or a comma list of them; `none` turns a config ProxyJump off. */
  jumpHost?: string;
  /**
   * What people call this host when it is not `host` (the cluster file's host name, while the
   * connection goes to its address): named beside the address in questions and refusals.
   */
  label?: string;
}

/** A target after ~/.ssh/config and defaults: what the pool actually connects to. */
export interface ResolvedTarget {
  /** The name that was looked up in ~/.ssh/config (alias or host). */
  name: string;
  hostname: string;
  port: number;
  user: string;
  /** Identity files to try, in order (expanded paths; may not exist). */
  identityFiles: string[];
  /** True when no IdentityFile was given anywhere, so `identityFiles` are OpenSSH's defaults. */
  defaultIdentities: boolean;
  /** IdentitiesOnly yes: don't offer the agent's keys. */
  identitiesOnly: boolean;
  /** HostKeyAlias: the name used for known_hosts and the trust store instead of hostname. */
  hostKeyAlias?: string;
  /** ConnectTimeout from ~/.ssh/config, in ms. */
  connectTimeoutMs?: number;
  /** The hop this target is reached through. */
  jump?: ResolvedTarget;
  /** `SshTarget.label`: the host's name in the cluster file, when the connection is to its address. */
  label?: string;
  /** Pool key and display label: "user@hostname:port" plus " via <jump key>". */
  key: string;
}

export interface PassphraseRequest {
  /** Absolute path of the encrypted private key. */
  keyFile: string;
  /** "user@host:port" being connected to. */
  target: string;
  /** 1 on the first ask; higher after a wrong passphrase. */
  attempt: number;
}

export interface PasswordRequest {
  user: string;
  host: string;
  port: number;
  target: string;
  /** 1 on the first ask; higher after the server rejected the previous password. */
  attempt: number;
}

export interface KeyboardInteractiveRequest {
  user: string;
  host: string;
  port: number;
  target: string;
  /** Title and instructions the server sent (may be empty). */
  name: string;
  instructions: string;
  /** Each prompt with its echo flag: echo=false means a secret (mask the input). */
  prompts: { prompt: string; echo: boolean }[];
  attempt: number;
}

/**
 * Secrets on demand. Every method is optional: a missing one (or one returning undefined) means
 * "skip this method", which is what a non-interactive caller does.
 */
export interface Credentials {
  passphrase?(req: PassphraseRequest): Promise<string | undefined>;
  password?(req: PasswordRequest): Promise<string | undefined>;
  keyboardInteractive?(req: KeyboardInteractiveRequest): Promise<string[] | undefined>;
  /**
   * Told whether a secret it gave was accepted, so a stored copy can be kept or dropped.
   * Carries no secret.
   */
  secretOutcome?(o: { kind: 'password' | 'passphrase'; target: string; keyFile?: string; accepted: boolean }): void;
}

/** A host key the extension's own trust store vouches for. */
export interface TrustedHostKey {
  /** "SHA256:..." as `ssh-keygen -l` prints it. */
  fingerprint: string;
  /** "ssh-ed25519", "ecdsa-sha2-nistp256", "ssh-rsa", ... */
  keyType: string;
}

/**
 * The extension's own list of accepted host keys (besides ~/.ssh/known_hosts). `hostKeyId` is
 * `host` on port 22 and `[host]:port` otherwise — the same names known_hosts uses (see
 * `hostKeyId()`), so "forget host key" and `ssh-keygen -R` talk about the same thing.
 */
export interface TrustStore {
  lookup(hostKeyId: string): Promise<TrustedHostKey[]>;
  /** `accepted` is the key in full, for a store that writes known_hosts lines (the CLI's --record-host-keys). */
  add(hostKeyId: string, fingerprint: string, keyType: string, accepted?: AcceptedHostKey): Promise<void>;
}

/** A key the user accepted, as a known_hosts line needs it. */
export interface AcceptedHostKey {
  /** Every name its host was checked under, as known_hosts writes them: its name, then its address. */
  hostKeyIds: string[];
  /** The key blob, base64, as known_hosts holds it. */
  key: string;
}

/** What the user is asked about when a host presents a key nobody knows. */
export interface UnknownHostKeyInfo {
  host: string;
  port: number;
  /**
   * The host as people know it: "idp1.example.org (10.0.0.5)" — its name in the cluster file and
   * the address (or alias) connected to — or just `host` when it has no other name.
   */
  name: string;
  /** The host's name in the cluster file, when it is not `host` (its key was looked up under both). */
  label?: string;
  /** `host` or `[host]:port`: the trust store name. */
  hostKeyId: string;
  keyType: string;
  /** "SHA256:base64-without-padding", like `ssh-keygen -lf`. */
  fingerprint: string;
  /** The connection's label ("user@host:port via ..."), for the question's context. */
  target: string;
}

export interface SshPoolOptions {
  credentials?: Credentials;
  trustStore: TrustStore;
  /** Asked for every key that is neither in known_hosts nor in the trust store. true = trust and store it. */
  confirmUnknownHostKey(info: UnknownHostKeyInfo): Promise<boolean>;
  /** Default ~/.ssh/config; null = don't read one. */
  sshConfigFile?: string | null;
  /** Default ~/.ssh/known_hosts, ~/.ssh/known_hosts2, /etc/ssh/ssh_known_hosts, /etc/ssh/ssh_known_hosts2. */
  knownHostsFiles?: string[];
  /** ssh-agent socket; default process.env.SSH_AUTH_SOCK; null = don't use an agent. */
  agentSocket?: string | null;
  /** Tried when no IdentityFile is given anywhere; default OpenSSH's ~/.ssh/id_{rsa,ecdsa,ed25519,dsa}. */
  defaultIdentityFiles?: string[];
  /** For `~` and %d; default os.homedir(). */
  homeDir?: string;
  /** TCP connect + SSH handshake + authentication, not counting time spent waiting for the user. Default 10 s. */
  connectTimeoutMs?: number;
  /** SSH keepalive interval (default 15 s) and how many unanswered ones end the connection (default 3). */
  keepaliveIntervalMs?: number;
  keepaliveCountMax?: number;
  /** Close a connection nothing has used for this long. Default 5 min. */
  idleTimeoutMs?: number;
  /** Progress lines (connecting, auth method tried, host key fingerprint). Never secrets. */
  log?(line: string): void;
}

export interface PtyOptions {
  rows: number;
  cols: number;
  /** TERM for the remote side; default "xterm-256color". */
  term?: string;
}

export interface ExecOptions {
  /** Run in a pseudo-terminal (stderr then arrives merged into stdout, as on a terminal). */
  pty?: PtyOptions;
  onStdout?(chunk: Buffer): void;
  onStderr?(chunk: Buffer): void;
  /** Cancels: sends SIGTERM to the remote process group (sshd's killpg) and closes the channel. */
  signal?: AbortSignal;
  /** Written to the command's stdin. Without a pty stdin is then closed (also when not given). */
  stdin?: string | Buffer;
}

export interface ExecResult {
  /** Exit status, or null when the command was ended by a signal or cancelled before it exited. */
  code: number | null;
  /** Signal name as ssh2 reports it ("SIGTERM", "SIGKILL") when the command was ended by one. */
  signal: string | null;
  /** True when the AbortSignal fired. */
  cancelled: boolean;
}

export interface CapturedResult extends ExecResult {
  stdout: string;
  stderr: string;
}
