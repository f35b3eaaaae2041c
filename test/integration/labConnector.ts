/**
 * A Connector onto lab hosts without SSH: commands run in the host's namespaces through nsenter.
 * It lets the runner's own behaviour (ordering, failures, secret files, relays, cancelling) be
 * tested on real files and processes; the SSH tests cover the transport.
 */
import { spawn } from 'node:child_process';
import type { Connector, ExecOptions, ExecResult, RemoteHost } from '../../src/core/run/remote';
import { sh } from '../../src/core/ssh/shell';
import { lab as labApi, type Lab } from './lab';

interface AsHost {
  asHost(lab: Lab, name: string, cmd: string, args?: string[]): [string, string[]];
}

function run(l: Lab, name: string, script: string, opts: ExecOptions & { input?: Buffer } = {}): Promise<ExecResult & { stdout: Buffer }> {
  const [c, a] = (labApi as unknown as AsHost).asHost(l, name, 'bash', ['-c', script]);
  // As the SSH connector does: cancelled before it starts, nothing starts (an abort listener
  // added after the abort would never fire, and the command would run on).
  if (opts.signal?.aborted) return Promise.resolve({ code: null, cancelled: true, stdout: Buffer.alloc(0) });
  return new Promise((resolve) => {
    const p = spawn(c, a, { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    const chunks: Buffer[] = [];
    let cancelled = false;
    const onAbort = () => {
      cancelled = true;
      try {
        process.kill(-p.pid!, 'SIGTERM');
      } catch {}
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    p.stdout.on('data', (d: Buffer) => {
      chunks.push(d);
      opts.onStdout?.(d.toString('utf8'));
    });
    p.stderr.on('data', (d: Buffer) => opts.onStderr?.(d.toString('utf8')));
    p.stdin.on('error', () => undefined);
    p.stdin.end(opts.input ?? undefined);
    p.on('close', (code, signal) => {
      opts.signal?.removeEventListener('abort', onAbort);
      resolve({ code, ...(signal ? { signal } : {}), ...(cancelled ? { cancelled } : {}), stdout: Buffer.concat(chunks) });
    });
  });
}

export function labConnector(l: Lab, byClusterHost: Record<string, string>): Connector & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    async host(name: string): Promise<RemoteHost> {
      const labHost = byClusterHost[name];
      if (!labHost) throw new Error(`${name}: connection refused (no such lab host)`);
      return {
        exec: async (command, opts) => {
          calls.push(`${name}: ${command.text}`);
          return run(l, labHost, command.text, opts);
        },
        upload: async (path, data, mode) => {
          const script = sh`set -e; t=$(mktemp "$(dirname ${path})/.upload.XXXXXX"); cat >"$t"; chmod ${mode.toString(8)} "$t"; mv -f "$t" ${path}`;
          const r = await run(l, labHost, script.text, { input: data });
          if (r.code !== 0) throw new Error(`upload of ${path} failed`);
        },
        download: async (path) => {
          const r = await run(l, labHost, sh`cat ${path}`.text);
          if (r.code !== 0) throw new Error(`${path}: no such file on ${name}`);
          return r.stdout;
        },
        remove: async (path) => {
          await run(l, labHost, sh`rm -f ${path}`.text);
        },
      };
    },
  };
}
