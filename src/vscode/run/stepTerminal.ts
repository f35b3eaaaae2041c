/**
 * An integrated terminal for one run of a step: every line prefixed with its host's name in a
 * colour of its own, runner notes dimmed, the summary at the end. Ctrl+C cancels the run.
 */
import * as vscode from 'vscode';

const COLOURS = [36, 33, 35, 32, 34, 91, 96, 93];
const RESET = '\x1b[0m';

export class StepTerminal implements vscode.Pseudoterminal {
  private readonly writer = new vscode.EventEmitter<string>();
  private readonly closer = new vscode.EventEmitter<number | void>();
  readonly onDidWrite = this.writer.event;
  readonly onDidClose = this.closer.event;
  private readonly colours = new Map<string, number>();
  private readonly pending = new Map<string, string>();
  private opened!: Promise<void>;
  private markOpen!: () => void;
  private width: number;
  readonly cancel = new AbortController();
  private finished = false;

  constructor(private readonly hosts: string[]) {
    this.opened = new Promise((r) => (this.markOpen = r));
    this.width = Math.max(...hosts.map((h) => h.length), 4);
    hosts.forEach((h, i) => this.colours.set(h, COLOURS[i % COLOURS.length]));
  }

  open(): void {
    this.markOpen();
  }

  /** Resolves when VS Code has opened the terminal (writes before that would be lost). */
  ready(): Promise<void> {
    return this.opened;
  }

  close(): void {
    if (!this.finished) this.cancel.abort();
  }

  handleInput(data: string): void {
    if (data === '\x03' && !this.finished) {
      this.writer.fire(`\r\n\x1b[1;31m^C cancelling…${RESET}\r\n`);
      this.cancel.abort();
    } else if (this.finished) {
      this.closer.fire();
    }
  }

  private prefix(host: string): string {
    if (!this.colours.has(host)) this.colours.set(host, COLOURS[this.colours.size % COLOURS.length]);
    return `\x1b[${this.colours.get(host)}m${host.padEnd(this.width)}${RESET} │ `;
  }

  /** Output of a host; partial lines wait for their end so prefixes stay at line starts. */
  output(host: string, kind: 'out' | 'err' | 'info', text: string): void {
    // The runner's own notes are whole lines.
    if (kind === 'info') {
      for (const line of text.replace(/\n$/, '').split('\n')) this.line(host, kind, line);
      return;
    }
    const key = `${host}\0${kind}`;
    const all = (this.pending.get(key) ?? '') + text;
    const lines = all.split(/\r?\n/);
    this.pending.set(key, lines.pop() ?? '');
    for (const line of lines) this.line(host, kind, line);
  }

  private line(host: string, kind: 'out' | 'err' | 'info', line: string): void {
    const body = kind === 'err' ? `\x1b[31m${line}${RESET}` : kind === 'info' ? `\x1b[2m${line}${RESET}` : line;
    this.writer.fire(`${this.prefix(host)}${body}\r\n`);
  }

  /** A plain line (headings, the summary). */
  say(text: string): void {
    this.writer.fire(`${text.replace(/\r?\n/g, '\r\n')}\r\n`);
  }

  finish(summary: string[], ok: boolean): void {
    for (const [key, rest] of this.pending) {
      if (rest) {
        const [host, kind] = key.split('\0');
        this.line(host, kind as 'out', rest);
      }
    }
    this.pending.clear();
    this.finished = true;
    this.say('');
    this.say(`\x1b[1;${ok ? 32 : 31}m${summary[0]}${RESET}`);
    for (const l of summary.slice(1)) this.say(l);
    // The outcome again on the last line: a long summary scrolls its first line away.
    this.say(`\x1b[2m(${summary[0]} — press any key to close)${RESET}`);
  }

  dispose(): void {
    this.writer.dispose();
    this.closer.dispose();
  }
}
