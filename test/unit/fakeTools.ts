/**
 * Runs a step's generated script here, in bash or dash, with stand-ins for the tools it calls
 * (OpenDJ's dsreplication, ldapsearch, dsconfig, dsjavaproperties; ss, netstat) first on PATH.
 * The stand-ins answer from environment variables and log every call with its arguments, so a
 * test can say what the script would have run on a node and what it did with each answer.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

export const SHELLS = ['bash', 'dash'] as const;
export type ShellName = (typeof SHELLS)[number];

// Each call is logged as one line: the tool's name, then every argument in brackets.
const LOG = `line=$(basename "$0"); for a in "$@"; do line="$line[$a]"; done; printf '%s\\n' "$line" >> "$GC_FAKE_LOG"`;

const TOOLS: Record<string, string> = {
  // status prints $GC_FAKE_STATUS (a file) and exits $GC_FAKE_STATUS_RC; enable and initialize exit as told.
  dsreplication: `case "$1" in
  status) if [ -n "$GC_FAKE_STATUS" ]; then cat "$GC_FAKE_STATUS"; fi; exit "\${GC_FAKE_STATUS_RC:-0}";;
  enable) exit "\${GC_FAKE_ENABLE_RC:-0}";;
  initialize) exit "\${GC_FAKE_INIT_RC:-0}";;
esac
exit 2`,
  // A base search: found when "HOST DN" is a line of $GC_FAKE_ENTRIES; HOST in $GC_FAKE_DOWN cannot be reached.
  ldapsearch: `h=; b=; while [ $# -gt 0 ]; do case "$1" in -h) h=$2; shift;; -b) b=$2; shift;; esac; shift; done
if printf '%s\\n' "$GC_FAKE_DOWN" | grep -qxF "$h"; then echo "Cannot connect to $h:1636" >&2; exit 91; fi
if printf '%s\\n' "$GC_FAKE_ENTRIES" | grep -qxF "$h $b"; then exit 0; fi
echo 'The search operation failed: No Such Object' >&2; exit 32`,
  dsconfig: 'exit "${GC_FAKE_DSCONFIG_RC:-0}"',
  dsjavaproperties: 'exit 0',
  // ss prints $GC_FAKE_SS (a file), or fails as if missing when it is unset; netstat likewise.
  ss: 'if [ -n "$GC_FAKE_SS" ]; then cat "$GC_FAKE_SS"; else exit 127; fi',
  netstat: 'if [ -n "$GC_FAKE_NETSTAT" ]; then cat "$GC_FAKE_NETSTAT"; else exit 127; fi',
  // A verification that waits for a port does not wait in a test.
  sleep: 'exit 0',
};

/**
 * stdin from /dev/null. Node's default stdin is a socket, and bash started with a socket on stdin
 * and no SHLVL (this reduced environment) takes itself for a command from sshd and reads
 * ~/.bashrc: this machine's (pyenv init) cost 450 ms of CPU per run, and its PATH changes.
 */
export const NO_STDIN: ['ignore', 'pipe', 'pipe'] = ['ignore', 'pipe', 'pipe'];

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Each call of a stand-in: [tool, ...arguments]. */
  calls: string[][];
}

export class FakeTools {
  readonly dir = mkdtempSync(path.join(tmpdir(), 'gluu-fake-tools-'));
  private readonly bin = path.join(this.dir, 'bin');

  constructor() {
    mkdirSync(this.bin);
    for (const [name, body] of Object.entries(TOOLS)) {
      const file = path.join(this.bin, name);
      writeFileSync(file, `#!/bin/sh\n${LOG}\n${body}\n`);
      chmodSync(file, 0o755);
    }
  }

  /** A file in the scratch folder, for fixtures a stand-in prints. */
  file(name: string, content: string): string {
    const f = path.join(this.dir, name);
    writeFileSync(f, content);
    return f;
  }

  /**
   * Runs `script` with `shell`. OpenDJ's tools are called by absolute path in the steps; the
   * path is cut so the stand-ins on PATH answer instead.
   */
  run(shell: ShellName, script: string, env: Record<string, string> = {}): Run {
    const log = path.join(this.dir, 'calls.log');
    rmSync(log, { force: true });
    const r = spawnSync(shell, ['-c', script.split('/opt/opendj/bin/').join('')], {
      encoding: 'utf8',
      stdio: NO_STDIN,
      env: { PATH: `${this.bin}:${process.env.PATH}`, GC_FAKE_LOG: log, ...env },
    });
    const calls = existsSync(log)
      ? readFileSync(log, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => {
            const [tool] = l.split('[');
            return [tool, ...[...l.matchAll(/\[([^\]]*)\]/g)].map((m) => m[1])];
          })
      : [];
    return { code: r.status, stdout: r.stdout, stderr: r.stderr, calls };
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The values of every `--name` option in an argument list, in order. */
export function optionValues(args: string[], name: string): string[] {
  return args.flatMap((a, i) => (a === name ? [args[i + 1]] : []));
}
