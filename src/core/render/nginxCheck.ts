/**
 * `nginx -t` on a config file that is meant for another machine. Upstream host names that this
 * machine cannot resolve are mapped to the cluster file's addresses: as root, in a private mount
 * namespace with its own /etc/hosts (the file is checked unmodified); otherwise on a temporary
 * copy with those names replaced by the addresses. Certificates and pid/log paths of the target
 * machine are swapped for stand-ins so only the configuration itself is judged.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface NginxCheck {
  ok: boolean;
  /** 0-based line in the checked text, when nginx named one. */
  problems: { line?: number; message: string; severity: 'error' | 'warning' }[];
  /** Why the check could not run (nginx missing). */
  skipped?: string;
}

export function findNginx(): string | undefined {
  return ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/bin/nginx'].find((p) => existsSync(p));
}

const SELF_SIGNED = ['-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=nginx-check'];

/** One stand-in certificate per process: making an RSA key is most of a check's time. */
let standIn: Promise<{ crt: string; key: string } | string> | undefined;
function standInCertificate(): Promise<{ crt: string; key: string } | string> {
  standIn ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gluu-nginx-cert-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    const crt = join(dir, 'check.crt');
    const key = join(dir, 'check.key');
    const gen = await run('openssl', ['req', ...SELF_SIGNED, '-keyout', key, '-out', crt]);
    return gen.code === 0 ? { crt, key } : `openssl failed: ${gen.out.trim()}`;
  })();
  return standIn;
}

function run(file: string, args: string[], opts: { env?: NodeJS.ProcessEnv } = {}): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: 20000, env: opts.env }, (err, stdout, stderr) => {
      const code = err
        ? typeof (err as NodeJS.ErrnoException & { code?: unknown }).code === 'number'
          ? (err as unknown as { code: number }).code
          : 1
        : 0;
      resolve({ code, out: `${stdout}${stderr}` });
    });
  });
}

/**
 * @param text  the nginx.conf to check
 * @param hosts host name → address, for upstream servers
 */
export async function checkNginxConf(text: string, hosts: Record<string, string>, nginx = findNginx()): Promise<NginxCheck> {
  if (!nginx) return { ok: true, problems: [], skipped: 'nginx is not installed on this machine' };
  const dir = mkdtempSync(join(tmpdir(), 'gluu-nginx-check-'));
  try {
    // Stand-in certificate for whatever ssl_certificate paths the config names.
    const cert = await standInCertificate();
    if (typeof cert === 'string') return { ok: true, problems: [], skipped: cert };
    const { crt, key } = cert;
    const lines = text.split('\n');
    const checked = lines.map((l) =>
      l
        .replace(/^(\s*ssl_certificate\s+)[^;]+;/, `$1${crt};`)
        .replace(/^(\s*ssl_certificate_key\s+)[^;]+;/, `$1${key};`)
        .replace(/^(\s*(?:access_log|error_log)\s+)[^;\s]+/, `$1${join(dir, 'log')}`)
        .replace(/^(\s*pid\s+)[^;]+;/, `$1${join(dir, 'nginx.pid')};`),
    );
    const asRoot = process.getuid?.() === 0;
    if (!asRoot) {
      // Replace upstream host names with their addresses (line count unchanged).
      for (let i = 0; i < checked.length; i++) {
        const m = /^(\s*server\s+)([A-Za-z0-9.-]+)((?::\d+)?[\s;].*)$/.exec(checked[i]);
        if (m && hosts[m[2]]) checked[i] = `${m[1]}${hosts[m[2]].includes(':') ? `[${hosts[m[2]]}]` : hosts[m[2]]}${m[3]}`;
      }
      // http-level access log: the compiled-in /var/log/nginx is root's.
      const h = checked.findIndex((l) => /^\s*http\s*\{/.test(l));
      if (h >= 0) checked[h] = `${checked[h]} access_log off;`;
    }
    const conf = join(dir, 'nginx.conf');
    writeFileSync(conf, checked.join('\n'));
    const hasPid = checked.some((l) => /^\s*pid\s/.test(l));
    const args = [
      '-t',
      '-q',
      '-p',
      `${dir}/`,
      '-e',
      join(dir, 'error.log'),
      '-c',
      conf,
      ...(hasPid ? [] : ['-g', `pid ${join(dir, 'nginx.pid')};`]),
    ];
    let result: { code: number; out: string };
    if (asRoot) {
      const hostsFile = join(dir, 'hosts');
      writeFileSync(
        hostsFile,
        `127.0.0.1 localhost\n${Object.entries(hosts)
          .map(([h, a]) => `${a} ${h}`)
          .join('\n')}\n`,
      );
      result = await run('unshare', [
        '-m',
        '--propagation',
        'private',
        'sh',
        '-c',
        'mount --bind "$0" /etc/hosts && exec "$@"',
        hostsFile,
        nginx,
        ...args,
      ]);
    } else {
      result = await run(nginx, args);
    }
    const problems = result.out
      .split('\n')
      .filter((l) => /\[(emerg|alert|crit|error|warn)\]/.test(l))
      .map((l) => {
        const lineMatch = /in \S*nginx\.conf:(\d+)/.exec(l);
        const message = l
          .replace(/^nginx: /, '')
          .replace(/ in \S*nginx\.conf:\d+/, '')
          .replace(dir, '<check>');
        return {
          ...(lineMatch ? { line: Number(lineMatch[1]) - 1 } : {}),
          message,
          severity: /\[warn\]/.test(l) ? ('warning' as const) : ('error' as const),
        };
      });
    if (result.code !== 0 && !problems.some((p) => p.severity === 'error'))
      problems.push({ message: result.out.trim() || `nginx -t exited with ${result.code}`, severity: 'error' });
    return { ok: result.code === 0, problems };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
