// Runs the extension-host test suite (out/test/vscode, mocha) inside a real VS Code:
// one throwaway code-server per scenario, opened by headless Chromium with the `payload`
// URL parameter (extensionDevelopmentPath / extensionTestsPath), mocha's output relayed
// from the extension host through the smoke-test driver's codeAutomationLog.
//
// Builds nothing: run `npm run build && npm run compile-tests` first (scripts/test-all.mjs does).
//
// CLI: node scripts/harness/run-extension-tests.mjs [--scenario NAME]... [--grep REGEX]
//        [--timeout SECONDS] [--extension DIR] [--tests DIR] [--workspaces DIR] [--keep]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { PROJECT_ROOT, editorBrowser, ensureEditor, onShutdown } from './editor.mjs';

const { sandboxUp } = createRequire(import.meta.url)('../sandbox/sandbox.cjs');

export const WORKSPACES_DIR = path.join(PROJECT_ROOT, 'test', 'fixtures', 'workspaces');
const RESULT_PREFIX = 'GLUU_TEST_RESULT ';
const DEFAULT_TIMEOUT_MS = 15 * 60 * 1000;

// Workbench and extension-host chatter that is not ours (connection set-up, bundled
// extensions, the agent host, offline marketplace/auth look-ups). A relayed message whose
// FIRST line matches is dropped whole (with its stack); set GLUU_HARNESS_VERBOSE=1 to see all.
const NOISE = [
  /^Resolv(ing|ed) connection token/,
  /^Creating a socket/,
  /^\[reconnection-grace-time\]/,
  /^Updating additional builtin extensions cache/,
  /^\[Service Worker\]/,
  /^\[AccountPolicyGate\]/,
  /^\[lifecycle\] Long running operations during shutdown/,
  /^Timed out waiting for authentication provider/,
  /AgentHost/,
  /No signed-in/,
  /open-vsx\.org|ENOTFOUND|getaddrinfo|Failed to fetch/,
  /copilot/i,
  /vsda/,
];
const VERBOSE = !!process.env.GLUU_HARNESS_VERBOSE;
// stack-only messages (a gallery query failing offline arrives as bare "at ..." lines)
const isStackOnly = (msg) => msg.split('\n').every((l) => /^\s*at\s/.test(l) || !l.trim());

/** Scenario names = folders under test/fixtures/workspaces. */
export function listScenarios(dir = WORKSPACES_DIR) {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort((a, b) => (a === 'with-cluster' ? -1 : b === 'with-cluster' ? 1 : a.localeCompare(b)));
}

/**
 * Copy a fixture workspace to a fresh temp folder (without .gitkeep). Unless `keep`, the copy
 * is also removed if the process exits or is interrupted before the caller removes it.
 */
export function copyWorkspace(scenario, dir = WORKSPACES_DIR, { keep = false } = {}) {
  const src = path.join(dir, scenario);
  if (!fs.existsSync(src)) throw new Error(`no fixture workspace ${src}`);
  const dst = fs.mkdtempSync(path.join(os.tmpdir(), `gluu-ws-${scenario}-`));
  fs.cpSync(src, dst, { recursive: true, filter: (s) => !['.gitkeep', '.sandbox', '.sandbox-options.json'].includes(path.basename(s)) });
  if (!keep) {
    const rm = () => fs.rmSync(dst, { recursive: true, force: true });
    onShutdown(async () => rm(), rm);
  }
  return dst;
}

function format(args) {
  if (!Array.isArray(args)) return String(args ?? '');
  if (typeof args[0] !== 'string') return args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ');
  let i = 1;
  const head = args[0].replace(/%[sdioOjc]/g, (m) => (m === '%c' ? (i++, '') : String(args[i++])));
  const rest = args.slice(i).map((a) => (typeof a === 'string' ? a : JSON.stringify(a)));
  return [head, ...rest].join(' ');
}

/**
 * Run one scenario. `editors` (an editorBrowser()) is shared between scenarios.
 * @returns {Promise<{scenario, passed, failed, pending, exitCode, seconds, error?}>}
 */
export async function runScenario({
  scenario,
  editors,
  extensionPath = PROJECT_ROOT,
  testsPath = path.join(PROJECT_ROOT, 'out', 'test', 'vscode'),
  workspacesDir = WORKSPACES_DIR,
  timeoutMs = DEFAULT_TIMEOUT_MS,
  grep,
  keep = false,
  out = (line) => console.log(line),
}) {
  const t0 = Date.now();
  const result = { scenario, passed: 0, failed: 0, pending: 0, exitCode: null, seconds: 0 };
  if (!fs.existsSync(path.join(testsPath, 'index.js'))) {
    result.failed = 1;
    result.error = `${path.join(testsPath, 'index.js')} is missing (run npm run compile-tests)`;
    return result;
  }
  const extEnv = { GLUU_TEST_SCENARIO: scenario, ...(grep ? { GLUU_TEST_GREP: grep } : {}) };
  const workspace = copyWorkspace(scenario, workspacesDir, { keep });
  // A scenario folder with a `.sandbox` marker runs against the built-in sandbox cluster
  // (real sshd hosts in network namespaces): its cluster file goes into the workspace.
  let sandbox;
  let unregisterSandbox = () => {};
  if (fs.existsSync(path.join(workspacesDir, scenario, '.sandbox'))) {
    try {
      // ldapOpen: the LDAP editor's tests run ldapsearch from this machine on the nodes' addresses.
      // A scenario may say otherwise in .sandbox-options.json (sandbox-fresh: as Gluu installs it).
      const optionsFile = path.join(workspacesDir, scenario, '.sandbox-options.json');
      const options = fs.existsSync(optionsFile) ? JSON.parse(fs.readFileSync(optionsFile, 'utf8')) : {};
      sandbox = await sandboxUp({ name: scenario, ldapOpen: true, ...options });
      // Interrupted (Ctrl+C, SIGTERM), the harness takes the sandbox down with the editor.
      unregisterSandbox = onShutdown(() => sandbox.down());
      fs.copyFileSync(sandbox.clusterFile, path.join(workspace, 'gluu-cluster.yaml'));
      extEnv.GLUU_SANDBOX_HOSTS = JSON.stringify(sandbox.hosts);
      // The LDAP editor's tests compare certificate fingerprints and read the password from its
      // 0600 file (never from the environment, which the editor's processes could show).
      extEnv.GLUU_SANDBOX_LDAP = JSON.stringify({
        passwordFile: sandbox.ldapPasswordFile,
        nodes: Object.fromEntries(
          Object.entries(sandbox.ldap).map(([h, l]) => [h, { fingerprint: l.fingerprint, certFile: l.certFile, ldapsUrl: l.ldapsUrl }]),
        ),
      });
      out(
        `[vscode:${scenario}] sandbox cluster up: ${Object.entries(sandbox.hosts)
          .map(([h, v]) => `${h} ${v.address}`)
          .join(', ')}`,
      );
    } catch (e) {
      unregisterSandbox();
      await sandbox?.down();
      if (!keep) fs.rmSync(workspace, { recursive: true, force: true });
      result.failed = 1;
      result.error = `sandbox cluster did not start: ${e.message}`;
      return result;
    }
  }
  let server;
  let page;
  let counted = false;
  const sawMochaSummary = { passing: null, failing: null, pending: null };
  try {
    server = await editors.startCodeServer({ workspace, env: extEnv, keepDirs: keep, smokeTestDriver: true });
    out(`[vscode:${scenario}] code-server ${server.url} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    page = await editors.browser.newPage();
    // These tests check what the API reports, not what the window shows: their window runs
    // without CSS animations and transitions, which otherwise have Chromium draw frames in
    // software for as long as a progress bar or a spinning icon shows (the whole plan, a health
    // check). The UI tests keep the workbench as users see it.
    await page.addInitScript(() => {
      /* global document -- this function runs in the page */
      const still = () => {
        const style = document.createElement('style');
        style.textContent = '*, *::before, *::after { animation: none !important; transition: none !important; }';
        document.head.append(style);
      };
      if (document.head) still();
      else document.addEventListener('DOMContentLoaded', still, { once: true });
    });
    let resolveExit;
    const exited = new Promise((r) => (resolveExit = r));
    await page.exposeFunction('codeAutomationExit', (code) => resolveExit(code));
    await page.exposeFunction('codeAutomationLog', (_type, args) => {
      const msg = format(args);
      const lines = msg.split('\n');
      const noise = !VERBOSE && (NOISE.some((re) => re.test(lines[0])) || isStackOnly(msg));
      for (const line of lines) {
        if (line.startsWith(RESULT_PREFIX)) {
          try {
            const r = JSON.parse(line.slice(RESULT_PREFIX.length));
            result.passed = r.passed;
            result.failed = r.failed;
            result.pending = r.pending ?? 0;
            result.failures = r.failures ?? [];
            if (r.error) result.error = r.error;
            counted = true;
          } catch {}
          continue;
        }
        let m;
        if ((m = /^\s*(\d+) passing\b/.exec(line))) sawMochaSummary.passing = +m[1];
        if ((m = /^\s*(\d+) failing\b/.exec(line))) sawMochaSummary.failing = +m[1];
        if ((m = /^\s*(\d+) pending\b/.exec(line))) sawMochaSummary.pending = +m[1];
        if (!noise) out(line);
      }
    });
    const crash = new Promise((r) => page.on('crash', () => r('page crashed')));
    const payload = JSON.stringify([
      ['extensionDevelopmentPath', `vscode-remote://${server.host}${extensionPath}`],
      ['extensionTestsPath', `vscode-remote://${server.host}${testsPath}`],
      ['extensionEnvironment', JSON.stringify(extEnv)],
    ]);
    await page.goto(server.folderUrl(workspace, { payload }), { waitUntil: 'domcontentloaded', timeout: 60000 });
    let timer;
    const timeout = new Promise((r) => (timer = setTimeout(() => r('timeout'), timeoutMs)));
    const code = await Promise.race([exited, timeout, crash]);
    clearTimeout(timer);
    if (code === 'timeout') {
      result.error = `timed out after ${Math.round(timeoutMs / 1000)} s`;
    } else if (typeof code === 'string') {
      result.error = code;
    } else {
      result.exitCode = code;
    }
  } catch (e) {
    result.error = e?.message || String(e);
  } finally {
    if (!counted && sawMochaSummary.passing !== null) {
      result.passed = sawMochaSummary.passing;
      result.failed = sawMochaSummary.failing ?? 0;
      result.pending = sawMochaSummary.pending ?? 0;
    }
    await page?.close().catch(() => {});
    if (result.error && server) {
      out(`[vscode:${scenario}] code-server log (last lines):\n${server.logTail(25)}`);
    }
    await server?.stop();
    unregisterSandbox();
    await sandbox?.down();
    if (!keep) fs.rmSync(workspace, { recursive: true, force: true });
  }
  // A run that did not finish cleanly is a failure even when no test reported one.
  if ((result.exitCode !== 0 || result.error) && result.failed === 0) result.failed = 1;
  result.seconds = (Date.now() - t0) / 1000;
  return result;
}

/**
 * Run the suite in each scenario (default: every folder in test/fixtures/workspaces).
 * @returns {Promise<{passed:number, failed:number, pending:number, exitCode:number, scenarios:object[]}>}
 */
export async function runExtensionTests({ scenarios, editors: shared, out = (l) => console.log(l), ...opts } = {}) {
  await ensureEditor({ quiet: true });
  scenarios = scenarios?.length ? scenarios : listScenarios(opts.workspacesDir);
  const editors = shared ?? (await editorBrowser());
  const results = [];
  try {
    for (const scenario of scenarios) {
      out(`\n[vscode:${scenario}] extension-host tests`);
      const r = await runScenario({ scenario, editors, out, ...opts });
      results.push(r);
      out(
        `[vscode:${scenario}] ${r.passed} passed, ${r.failed} failed` +
          (r.pending ? `, ${r.pending} pending` : '') +
          ` (exit ${r.exitCode ?? '-'}, ${r.seconds.toFixed(1)} s)${r.error ? ` — ${r.error}` : ''}`,
      );
    }
  } finally {
    if (!shared) await editors.close().catch(() => {});
  }
  const passed = results.reduce((n, r) => n + r.passed, 0);
  const failed = results.reduce((n, r) => n + r.failed, 0);
  const pending = results.reduce((n, r) => n + r.pending, 0);
  return { passed, failed, pending, exitCode: failed > 0 ? 1 : 0, scenarios: results };
}

function parseArgs(argv) {
  const o = { scenarios: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => argv[++i];
    if (a === '--scenario' || a === '-s') o.scenarios.push(...next().split(','));
    else if (a === '--grep' || a === '-g') o.grep = next();
    else if (a === '--timeout') o.timeoutMs = Number(next()) * 1000;
    else if (a === '--extension') o.extensionPath = path.resolve(next());
    else if (a === '--tests') o.testsPath = path.resolve(next());
    else if (a === '--workspaces') o.workspacesDir = path.resolve(next());
    else if (a === '--keep') o.keep = true;
    else if (a === '--help' || a === '-h') {
      console.log(
        'usage: run-extension-tests.mjs [--scenario NAME[,NAME]] [--grep REGEX] [--timeout S] [--extension DIR] [--tests DIR] [--workspaces DIR] [--keep]',
      );
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  return o;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const t0 = Date.now();
  const r = await runExtensionTests(parseArgs(process.argv.slice(2)));
  console.log(`\nextension-host tests: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  console.log(`${r.passed} passed, ${r.failed} failed`);
  process.exit(r.exitCode);
}
