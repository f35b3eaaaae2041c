/**
 * An integrated terminal on a remote shell: keystrokes go to the SSH channel, output comes back,
 * the window size follows the terminal. With a command, the shell is replaced by it (`exec`), so
 * the terminal ends when the command does and reports its exit code.
 */
import * as vscode from 'vscode';
import type { SshPool } from '../../core/ssh/pool';
import type { Shell } from '../../core/ssh/shell';
import { runCore } from '../core';
import type { SshTarget } from '../../core/ssh/types';

interface Channel {
  write(data: string): boolean;
  end(): void;
  setWindow(rows: number, cols: number, height: number, width: number): void;
  on(event: 'data', f: (d: Buffer) => void): void;
  on(event: 'exit', f: (code: number | null, signal?: string) => void): void;
  on(event: 'close', f: () => void): void;
  stderr: { on(event: 'data', f: (d: Buffer) => void): void };
}

export class SshPty implements vscode.Pseudoterminal {
  private readonly writer = new vscode.EventEmitter<string>();
  private readonly closer = new vscode.EventEmitter<number | void>();
  readonly onDidWrite = this.writer.event;
  readonly onDidClose = this.closer.event;
  private channel: Channel | undefined;
  /** What was typed while the connection was being made (type-ahead): sent once it is up. */
  private typedAhead = '';
  private exitCode: number | null = null;
  private resolveDone!: (r: { code: number | null }) => void;
  /** Resolves when the remote side ends. */
  readonly done = new Promise<{ code: number | null }>((r) => (this.resolveDone = r));

  constructor(
    private readonly pool: SshPool,
    private readonly target: SshTarget,
    private readonly label: string,
    private readonly command?: Shell,
  ) {}

  async open(dims: vscode.TerminalDimensions | undefined): Promise<void> {
    this.writer.fire(`\x1b[2mConnecting to ${this.label}…\x1b[0m\r\n`);
    try {
      const conn = await this.pool.get(this.target);
      const ch = (await conn.shell({ rows: dims?.rows ?? 24, cols: dims?.columns ?? 80 })) as unknown as Channel;
      this.channel = ch;
      ch.on('data', (d) => this.writer.fire(d.toString('utf8')));
      ch.stderr.on('data', (d) => this.writer.fire(d.toString('utf8')));
      ch.on('exit', (code) => (this.exitCode = code));
      ch.on('close', () => {
        this.resolveDone({ code: this.exitCode });
        this.closer.fire(this.exitCode ?? undefined);
      });
      // Replace the login shell with the command: the terminal ends with it, with its exit code.
      // The quoting helper from the run bundle (loaded by now: this pty runs over its SSH pool).
      if (this.command) ch.write(`${runCore().sh`exec /bin/sh -c ${this.command.text}`.text}\n`);
      if (this.typedAhead) ch.write(this.typedAhead);
      this.typedAhead = '';
    } catch (e) {
      this.writer.fire(`\x1b[31m${e instanceof Error ? e.message : String(e)}\x1b[0m\r\n`);
      this.resolveDone({ code: null });
    }
  }

  handleInput(data: string): void {
    if (this.channel) this.channel.write(data);
    else this.typedAhead += data;
  }

  setDimensions(d: vscode.TerminalDimensions): void {
    this.channel?.setWindow(d.rows, d.columns, 0, 0);
  }

  close(): void {
    this.channel?.end();
  }
}
