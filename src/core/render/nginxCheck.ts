/**
 * `nginx -t` on a config file that is meant for another machine, and that may come from a
 * repository the user did not write: nginx reads the file only after the check has read it the
 * way nginx does (nginxConf.ts), and never runs code or opens files because the file says so.
 *
 * - nginx is not run at all when a directive would load code (load_module, ssl_engine, perl, njs,
 *   lua, a shared library, an OpenSSL engine key) or read a file of the load balancer's
 *   (include, dhparam, CRL, password or ticket key files, ...): a warning at that line says why.
 * - Certificates and keys become a stand-in pair; logs, pid, lock, temp and cache paths point into
 *   a private temporary folder, so only the configuration itself is judged.
 * - nginx runs unprivileged. As root: in a private mount namespace whose /etc/hosts maps the
 *   upstream host names to the cluster file's addresses and a private network namespace with no
 *   network (nginx -t binds the listen sockets: there nobody may bind the load balancer's ports
 *   and addresses, and nothing the file names is reached), then as nobody (setpriv). Otherwise as
 *   the user, on a copy with those names replaced by the addresses (line count unchanged); a
 *   listen socket the user may not bind on this machine is not the configuration's fault.
 */
import { execFile } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve as resolvePath } from 'node:path';
import { readNginxConf, type ConfDirective, type ConfReading, type ConfWord } from './nginxConf';

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

export function findSetpriv(): string | undefined {
  return ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p));
}

/** The overflow user and group (nobody, and nogroup or nobody): the same id on Debian and Red Hat. */
const NOBODY = 65534;

// ---------------------------------------------------------------------------------------------
// What the check refuses to let nginx read

/** Directives that make nginx load and run code while it reads its configuration. */
const LOADS_CODE = /^(load_module|ssl_engine|opentracing_load_tracer|perl\w*|js_\w+|lua_\w+|\w+_by_lua\w*|mruby_\w+|wasm_\w+)$/;
/**
 * A word naming a shared library by its path, or an OpenSSL engine ("engine:name:key"): loading
 * either runs its code. (A path: a host name may end in .so, Somalia's domain.)
 */
const CODE_WORD = /^engine:|\/[^/]*\.so(\.\d+)*$/i;
/** Directives that read a file of the load balancer's while nginx loads its configuration. */
const READS_FILE = /^(include|\w+_dhparam|\w+_crl|\w+_session_ticket_key|\w+_conf_command|geoip\w*|xml_entities|xslt_stylesheet|\w+_file)$/;
/** Read per request, not by nginx -t. */
const READ_PER_REQUEST = new Set(['auth_basic_user_file']);

const NOT_RUN = 'nginx -t was not run';
const WHY =
  "the check never runs code or reads files that a workspace file names; the load balancer's own nginx -t checks this when the nginx step installs the file";

export interface Refusal {
  /** 0-based line of the directive. */
  line: number;
  message: string;
}

const shown = (d: ConfDirective) => [d.name, ...d.args].map((w) => w.value).join(' ');

/** The directives nginx must not read, each with why; [] when nginx may check the file. */
export function refusals(text: string, reading: ConfReading = readNginxConf(text)): Refusal[] {
  const out: Refusal[] = [];
  for (const d of reading.directives) {
    const name = d.name.value.toLowerCase();
    const code = [d.name, ...d.args].find((w) => CODE_WORD.test(w.value));
    if (LOADS_CODE.test(name))
      out.push({ line: d.name.line, message: `${NOT_RUN}: "${shown(d)}" would load and run code on this machine; ${WHY}.` });
    else if (code)
      out.push({
        line: code.line,
        message: `${NOT_RUN}: "${code.value}" names a library that nginx would load and run on this machine; ${WHY}.`,
      });
    else if (READS_FILE.test(name) && !READ_PER_REQUEST.has(name))
      out.push({
        line: d.name.line,
        message: `${NOT_RUN}: "${shown(d)}" reads a file of the load balancer's, which the check does not have; ${WHY}.`,
      });
  }
  // nginx stops at a syntax error, so nothing after it is read; should this reading end earlier
  // than nginx's, any word after it that looks like a refused directive still keeps nginx from running.
  if (reading.error) {
    const rest = text.slice(reading.error.offset);
    const lineOf = (i: number) => reading.error!.line + (rest.slice(0, i).match(/\n/g)?.length ?? 0);
    for (const m of rest.matchAll(/[^\s;{}"'#]+/g)) {
      const w = m[0].toLowerCase();
      if (LOADS_CODE.test(w) || CODE_WORD.test(w) || w === 'include') {
        out.push({ line: lineOf(m.index ?? 0), message: `${NOT_RUN}: "${m[0]}" after a syntax error; ${WHY}.` });
        break;
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The copy nginx checks

/** A path as one nginx word, whatever it holds. */
const word = (path: string) => `"${path.replace(/["\\]/g, '\\$&')}"`;

interface Edit {
  word: ConfWord;
  text: string;
}

/**
 * The text nginx checks: `edits` replace words (a replaced word's line breaks are kept after it,
 * so every line keeps its number), `inserts` add text at offsets.
 */
function edited(text: string, edits: Edit[], inserts: { at: number; text: string }[]): string {
  const all = [
    ...edits.map((e) => ({
      start: e.word.start,
      end: e.word.end,
      text: e.text + '\n'.repeat(text.slice(e.word.start, e.word.end).split('\n').length - 1),
    })),
    ...inserts.map((i) => ({ start: i.at, end: i.at, text: i.text })),
  ].sort((a, b) => b.start - a.start);
  let out = text;
  for (const e of all) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

interface Private {
  /** Where nginx may write: logs, pid, lock, temp and cache folders. */
  var: string;
  crt: string;
  key: string;
}

/**
 * The stand-ins and private paths for what nginx would open on the load balancer. `tempPaths`:
 * the temp path directives this nginx has (tempPathDirectives).
 */
function substitutions(
  reading: ConfReading,
  p: Private,
  hosts: Record<string, string> | undefined,
  tempPaths: readonly string[] = [],
): { edits: Edit[]; inserts: { at: number; text: string }[] } {
  const edits: Edit[] = [];
  const inserts: { at: number; text: string }[] = [];
  for (const d of reading.directives) {
    const name = d.name.value.toLowerCase();
    const first = d.args[0];
    if (!first) continue;
    if (name === 'pid' || name === 'lock_file' || /_(temp|cache)_path$/.test(name))
      edits.push({ word: first, text: word(join(p.var, name)) });
    else if (name === 'error_log' || (name === 'access_log' && first.value !== 'off'))
      edits.push({ word: first, text: word(join(p.var, `${name}.log`)) });
    else if (/_certificate$/.test(name)) edits.push({ word: first, text: word(p.crt) });
    else if (/_certificate_key$/.test(name)) edits.push({ word: first, text: word(p.key) });
    else if (hosts && name === 'server' && d.context[d.context.length - 1] === 'upstream') {
      const m = /^([A-Za-z0-9.-]+)(:\d+)?$/.exec(first.value);
      const address = m && hosts[m[1]];
      if (address) edits.push({ word: first, text: `${address.includes(':') ? `[${address}]` : address}${m[2] ?? ''}` });
    }
  }
  // What the file leaves to nginx's compiled-in paths at the http level, the check names itself:
  // the access log (root's) and the temp folders, which nginx -t creates when they are missing
  // (/var/lib/nginx/body on Debian, where only root may create it: on a machine whose nginx never
  // ran, nobody failed with "mkdir() "/var/lib/nginx/body" failed (13: Permission denied)").
  for (const http of reading.directives.filter((d) => d.name.value === 'http' && d.context.length === 0 && d.blockStart !== undefined)) {
    const named = (name: string) =>
      reading.directives.some(
        (d) => d.name.value === name && d.context.length === 1 && d.context[0] === 'http' && d.name.start > http.name.start,
      );
    const text = [
      ...(named('access_log') ? [] : [' access_log off;']),
      ...tempPaths.filter((t) => !named(t)).map((t) => ` ${t} ${word(join(p.var, t))};`),
    ].join('');
    if (text) inserts.push({ at: http.blockStart!, text });
  }
  return { edits, inserts };
}

// ---------------------------------------------------------------------------------------------
// Running it

const SELF_SIGNED = ['-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=nginx-check'];

/** Root's private folders are opened to nobody's group only, for the unprivileged nginx. */
function openToNobody(path: string, mode: number): void {
  if (process.getuid?.() !== 0) return;
  chownSync(path, 0, NOBODY);
  chmodSync(path, mode);
}

/** One stand-in certificate per process: making an RSA key is most of a check's time. */
let standIn: Promise<{ dir: string; crt: string; key: string } | string> | undefined;
function standInCertificate(base: string): Promise<{ dir: string; crt: string; key: string } | string> {
  standIn ??= (async () => {
    const dir = mkdtempSync(join(base, 'gluu-nginx-cert-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    const crt = join(dir, 'check.crt');
    const key = join(dir, 'check.key');
    const gen = await run('openssl', ['req', ...SELF_SIGNED, '-keyout', key, '-out', crt]);
    if (gen.code !== 0) return `openssl failed: ${gen.out.trim()}`;
    openToNobody(dir, 0o750);
    openToNobody(key, 0o640);
    openToNobody(crt, 0o640);
    return { dir, crt, key };
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

/** The http modules with a temp folder; each can be left out of an nginx build (--without-http_<name>_module). */
const TEMP_PATH_MODULES = ['proxy', 'fastcgi', 'uwsgi', 'scgi'];

/**
 * The temp path directives an nginx binary knows: client_body_temp_path always, the others when
 * `nginx -V` does not say their module was left out. Naming one it lacks would be an error.
 */
export function tempPathDirectives(configureArgs: string | undefined): string[] {
  if (configureArgs === undefined) return ['client_body_temp_path'];
  const modules = TEMP_PATH_MODULES.filter((m) => !configureArgs.includes(`--without-http_${m}_module`));
  return ['client_body', ...modules].map((m) => `${m}_temp_path`);
}

/** How root starts a program as nobody, with no groups, capabilities or way back. */
const asNobody = (setpriv: string) => [
  setpriv,
  `--reuid=${NOBODY}`,
  `--regid=${NOBODY}`,
  '--clear-groups',
  '--no-new-privs',
  '--inh-caps=-all',
];

/** `nginx -V` once per binary (as nobody, as every nginx the check starts): it does not change while the editor runs. */
const versions = new Map<string, Promise<string | undefined>>();
function configureArgs(nginx: string, setpriv: string | undefined): Promise<string | undefined> {
  let args = versions.get(nginx);
  if (!args) {
    const [file, ...rest] = [...(setpriv ? asNobody(setpriv) : []), nginx, '-V'];
    args = run(file, rest).then((r) => (r.code === 0 ? r.out : undefined));
    versions.set(nginx, args);
  }
  return args;
}

/** Said by an unprivileged nginx about a file written for the load balancer's root-started one. */
const UNPRIVILEGED_NOISE = /the "user" directive makes sense only if the master process runs with super-user privileges/;
/**
 * Whether nobody can get to a folder: every folder on the way must let others through (o+x). A
 * per-user 0700 TMPDIR (pam_tmpdir, a test harness, systemd's PrivateTmp under some setups) does
 * not, and nginx as nobody then failed on its own configuration with "Permission denied".
 */
function reachableByNobody(folder: string): boolean {
  try {
    let p = resolvePath(folder);
    for (;;) {
      if ((statSync(p).mode & 0o001) === 0) return false;
      const up = dirname(p);
      if (up === p) return true;
      p = up;
    }
  } catch {
    return false;
  }
}

/**
 * Where the check's folders go, the stand-in certificate's and each check's own: as root, the
 * first temporary folder nobody can reach. Looked up once per TMPDIR, not on every save.
 */
const bases = new Map<string, string | undefined>();
function checkBase(asRoot: boolean): string | undefined {
  const tmp = tmpdir();
  if (!asRoot) return tmp;
  if (!bases.has(tmp)) bases.set(tmp, [tmp, '/tmp', '/var/tmp'].find(reachableByNobody));
  return bases.get(tmp);
}

/** About this machine, not the file: a port or address the user may not bind here, or one in use (after the configuration was read). */
const BIND_FAILED = /\bbind\(\) to \S+ failed|still could not bind\(\)/;

/**
 * @param text    the nginx.conf to check
 * @param hosts   host name → address, for upstream servers
 * @param setpriv how root becomes nobody; without it root does not run nginx
 */
export async function checkNginxConf(
  text: string,
  hosts: Record<string, string>,
  nginx = findNginx(),
  setpriv = findSetpriv(),
): Promise<NginxCheck> {
  const reading = readNginxConf(text);
  const refused = refusals(text, reading);
  if (refused.length) return { ok: false, problems: refused.map((r) => ({ ...r, severity: 'warning' })) };
  if (!nginx) return { ok: true, problems: [], skipped: 'nginx is not installed on this machine' };
  const asRoot = process.getuid?.() === 0;
  if (asRoot && !setpriv)
    return { ok: true, problems: [], skipped: 'setpriv (util-linux) is missing: the check does not run nginx as root' };
  const base = checkBase(asRoot);
  if (!base) return { ok: true, problems: [], skipped: 'no temporary folder that the unprivileged nginx (nobody) can reach' };
  const cert = await standInCertificate(base);
  if (typeof cert === 'string') return { ok: true, problems: [], skipped: cert };
  const dir = mkdtempSync(join(base, 'gluu-nginx-check-'));
  try {
    openToNobody(dir, 0o750);
    const own = join(dir, 'var');
    mkdirSync(own, { mode: 0o700 });
    if (asRoot) chownSync(own, NOBODY, NOBODY);
    const { edits, inserts } = substitutions(
      reading,
      { var: own, crt: cert.crt, key: cert.key },
      asRoot ? undefined : hosts,
      tempPathDirectives(await configureArgs(nginx, asRoot ? setpriv : undefined)),
    );
    const conf = join(dir, 'nginx.conf');
    writeFileSync(conf, edited(text, edits, inserts));
    const hasPid = reading.directives.some((d) => d.name.value === 'pid' && d.context.length === 0);
    const args = [
      '-t',
      '-q',
      '-p',
      `${dir}/`,
      '-e',
      join(own, 'error.log'),
      '-c',
      conf,
      ...(hasPid ? [] : ['-g', `pid ${word(join(own, 'nginx.pid'))};`]),
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
        '-n',
        '--propagation',
        'private',
        'sh',
        '-c',
        'mount --bind "$0" /etc/hosts && echo 0 >/proc/sys/net/ipv4/ip_unprivileged_port_start && echo 1 >/proc/sys/net/ipv4/ip_nonlocal_bind && { echo 1 >/proc/sys/net/ipv6/ip_nonlocal_bind || true; } 2>/dev/null && exec "$@"',
        hostsFile,
        ...asNobody(setpriv!),
        nginx,
        ...args,
      ]);
    } else {
      result = await run(nginx, args);
    }
    const reported = result.out.split('\n').filter((l) => /\[(emerg|alert|crit|error|warn)\]/.test(l));
    const bindOnly = reported.some((l) => BIND_FAILED.test(l));
    const problems = reported
      .filter((l) => !UNPRIVILEGED_NOISE.test(l) && !BIND_FAILED.test(l))
      .map((l) => {
        const lineMatch = /in \S*nginx\.conf:(\d+)/.exec(l);
        const message = l
          .replace(/^nginx: /, '')
          .replace(/ in \S*nginx\.conf:\d+/, '')
          .split(dir)
          .join('<check>')
          .split(cert.dir)
          .join('<check>');
        return {
          ...(lineMatch ? { line: Number(lineMatch[1]) - 1 } : {}),
          message,
          severity: /\[warn\]/.test(l) ? ('warning' as const) : ('error' as const),
        };
      });
    const errors = problems.some((p) => p.severity === 'error');
    if (result.code !== 0 && !errors && !bindOnly)
      problems.push({ message: result.out.trim() || `nginx -t exited with ${result.code}`, severity: 'error' });
    return { ok: result.code === 0 || (bindOnly && !errors), problems };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
