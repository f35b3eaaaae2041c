/**
 * The integrated terminal of a step: every line prefixed with its host's name in a colour of its
 * own, runner notes dimmed, the summary at the end of each run. Ctrl+C cancels the run. The
 * same terminal takes the step's next run (see RunTerminals), so one pass over the plan leaves
 * one terminal per step with its history, not one per run.
 *
 * Lines are coloured by outcome, not by stream: nginx -t, csync2 and many other tools write their
 * normal output to stderr, so a host's output (stdout and stderr alike) is in the normal colour
 * and only failures — the runner's "✗ …" lines, a failed summary — are red.
 */
import * as vscode from 'vscode';

const COLOURS = [36, 33, 35, 32, 34, 91, 96, 93];
const RESET = '\x1b[0m';
const RED = '\x1b[31m';
const DIM = '\x1b[2m';

/** A runner note or summary line saying what failed: "✗ …", "  ✗ idp1: FAILED …", "      failed at …". */
const isFailure = (line: string) => /^\s*(✗|failed at )/.test(line);

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
  private controller = new AbortController();
  private finished = false;
  /** The person closed the terminal: the next run needs a new one. */
  closed = false;

  constructor(hosts: string[]) {
    this.opened = new Promise((r) => (this.markOpen = r));
    this.width = Math.max(...hosts.map((h) => h.length), 4);
    hosts.forEach((h, i) => this.colours.set(h, COLOURS[i % COLOURS.length]));
  }

  /** Cancels the run in progress. */
  get cancel(): AbortController {
    return this.controller;
  }

  /** Starts another run of the step in this terminal, below the last one's summary. */
  again(hosts: string[]): void {
    this.controller = new AbortController();
    this.finished = false;
    this.width = Math.max(this.width, ...hosts.map((h) => h.length));
    for (const h of hosts) this.prefix(h);
    this.say(`\r\n${DIM}${'─'.repeat(40)} ${new Date().toLocaleTimeString()}${RESET}`);
  }

  /** Ready for another run: open, and the last run finished. */
  get reusable(): boolean {
    return !this.closed && this.finished;
  }

  open(): void {
    this.markOpen();
  }

  /** Resolves when VS Code has opened the terminal (writes before that would be lost). */
  ready(): Promise<void> {
    return this.opened;
  }

  close(): void {
    this.closed = true;
    if (!this.finished) this.controller.abort();
  }

  handleInput(data: string): void {
    if (data === '\x03' && !this.finished) {
      this.writer.fire(`\r\n\x1b[1;31m^C cancelling…${RESET}\r\n`);
      this.controller.abort();
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
    // A host's output, whichever stream, in the normal colour; the runner's notes dimmed, red when they say what failed.
    const body = kind !== 'info' ? line : isFailure(line) ? `${RED}${line}${RESET}` : `${DIM}${line}${RESET}`;
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
    for (const l of summary.slice(1)) this.say(isFailure(l) ? `${RED}${l}${RESET}` : l);
    // The outcome again on the last line: a long summary scrolls its first line away.
    this.say(`${DIM}(${summary[0]} — press any key to close)${RESET}`);
  }

  dispose(): void {
    this.writer.dispose();
    this.closer.dispose();
  }
}
