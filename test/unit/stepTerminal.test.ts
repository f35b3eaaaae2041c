/**
 * The step terminal's colours, in Node: `vscode` is replaced by the one class the terminal uses
 * (EventEmitter), so what it writes can be read back.
 */
import * as assert from 'node:assert/strict';
import Module = require('node:module');
import type { StepTerminal as StepTerminalType } from '../../src/vscode/run/stepTerminal';

class EventEmitter<T> {
  private readonly listeners: ((e: T) => void)[] = [];
  readonly event = (l: (e: T) => void) => {
    this.listeners.push(l);
    return { dispose: () => undefined };
  };
  fire(e: T): void {
    for (const l of this.listeners) l(e);
  }
  dispose(): void {}
}

const ESC = String.fromCharCode(27);
const RED = `${ESC}[31m`;
const BOLD_RED = `${ESC}[1;31m`;
/** The text without its colours. */
const plain = (s: string) =>
  s
    .split(ESC)
    .map((part, i) => (i === 0 ? part : part.replace(/^\[[0-9;]*m/, '')))
    .join('');

describe('step terminal colours', () => {
  let StepTerminal: typeof StepTerminalType;
  const mod = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
  const load = mod._load;
  before(() => {
    mod._load = function (request: string, ...rest: unknown[]) {
      if (request === 'vscode') return { EventEmitter };
      return load.call(this, request, ...rest);
    };
    StepTerminal = (require('../../src/vscode/run/stepTerminal') as typeof import('../../src/vscode/run/stepTerminal')).StepTerminal;
  });
  after(() => {
    mod._load = load;
  });

  function written(fn: (t: StepTerminalType) => void): string[] {
    const t = new StepTerminal(['idp1.example.org', 'idp2.example.org']);
    const out: string[] = [];
    t.onDidWrite((s) => out.push(...s.split('\r\n').filter(Boolean)));
    fn(t);
    return out;
  }

  it('shows stderr output of a successful action in the normal colour, with the host colour prefix', () => {
    const lines = written((t) => {
      t.output('idp1.example.org', 'err', 'nginx: the configuration file /etc/nginx/nginx.conf syntax is ok\n');
      t.output('idp2.example.org', 'out', 'stdout line\n');
    });
    assert.equal(lines.length, 2);
    // The prefix: the host's own colour, then back to normal before the text.
    assert.ok(lines[0].startsWith(`${ESC}[36midp1.example.org${ESC}[0m │ nginx: the configuration file`), JSON.stringify(lines[0]));
    assert.equal(lines[1], `${ESC}[33midp2.example.org${ESC}[0m │ stdout line`);
    const body = lines[0].split(' │ ')[1];
    assert.ok(!body.includes(ESC), `no colour at all on output: ${JSON.stringify(body)}`);
  });

  it('shows only failure notes and a failed summary in red', () => {
    const lines = written((t) => {
      t.output('idp1.example.org', 'info', '▶ Check the configuration');
      t.output('idp1.example.org', 'info', '✗ Check the configuration: exited with 1');
      t.output('idp1.example.org', 'info', '✓ verified');
      t.finish(
        [
          'nginx: FAILED in 1.0 s',
          '  ✓ idp2.example.org: done (3 ran)',
          '  ✗ idp1.example.org: FAILED (1 ran, 2 not run)',
          '      failed at "Check the configuration" on idp1.example.org with exit code 1: exited with 1',
          '      not run: Reload nginx',
        ],
        false,
      );
    });
    const red = lines.filter((l) => l.includes(RED) || l.includes(BOLD_RED)).map(plain);
    assert.deepEqual(red, [
      'idp1.example.org │ ✗ Check the configuration: exited with 1',
      'nginx: FAILED in 1.0 s',
      '  ✗ idp1.example.org: FAILED (1 ran, 2 not run)',
      '      failed at "Check the configuration" on idp1.example.org with exit code 1: exited with 1',
    ]);
  });

  it('shows a successful summary without red', () => {
    const lines = written((t) => {
      t.output('idp1.example.org', 'err', 'csync2: finished\n');
      t.finish(['csync2: done in 2.0 s', '  ✓ idp1.example.org: done, verified (2 ran)'], true);
    });
    assert.ok(!lines.some((l) => l.includes(RED) || l.includes(BOLD_RED)), lines.join('\n'));
  });
});
