import type { Shell } from '../ssh/shell';

/**
 * What the runner needs from a host, whatever carries it (the SSH pool in the editor and the
 * CLI; a local stand-in in unit tests of the runner's logic).
 */
export interface ExecResult {
  code: number | null;
  signal?: string | null;
  /** Ended because the run was cancelled. */
  cancelled?: boolean;
}

export interface ExecOptions {
  onStdout?: (text: string) => void;
  onStderr?: (text: string) => void;
  signal?: AbortSignal;
  /** Written to the command's stdin, which then closes: how a secret reaches a command without a file or argv. */
  stdin?: string;
}

export interface RemoteHost {
  /** Runs a command built with the quoting helper (never a hand-concatenated string). */
  exec(command: Shell, opts: ExecOptions): Promise<ExecResult>;
  /** Writes via a temporary file in the same directory, sets the mode, renames over `path`. */
  upload(path: string, data: Buffer, mode: number): Promise<void>;
  download(path: string): Promise<Buffer>;
  remove(path: string): Promise<void>;
}

export interface Connector {
  /** A connected host (pooled), by its name in the cluster file. */
  host(name: string): Promise<RemoteHost>;
}
