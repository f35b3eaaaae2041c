// UI tests against the PACKAGED extension (gluu-cluster.vsix) installed into a real VS Code
// (code-server) and driven through headless Chromium.
//
// Test files: test/ui/*.ui.mjs, each exporting (default or `tests`) an array of
//   { name, scenario, fn: async ({ page, workspace, server, scenario, lib, browser }) => {...}, timeout?, fresh? }
// (timeout in ms, default 60000; fresh default true)
// `scenario` names a folder in test/fixtures/workspaces. One code-server per scenario (on a
// temp copy of that folder); tests run in file order. Each test starts isolated: the
// workspace folder is reset to the fixture and a newly loaded workbench page is opened
// (~5 s). A test with `fresh: false` instead continues in the previous test's page and files
// when that test passed (faster, for a deliberate sequence). User-level state (settings,
// secrets, global state) lives as long as the scenario's code-server.
// A failing test saves test-artifacts/ui/<scenario>--<name>--failure.png.
//
// Needs: npm run package (gluu-cluster.vsix). CLI:
//   node test/ui/run.mjs [--scenario NAME] [--grep REGEX] [--vsix FILE] [--dir DIR] [--keep]
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { editorBrowser, ensureEditor, onShutdown } from '../../scripts/harness/editor.mjs';
import { WORKSPACES_DIR, copyWorkspace, listScenarios } from '../../scripts/harness/run-extension-tests.mjs';
import * as lib from './lib.mjs';

const { sandboxUp } = createRequire(import.meta.url)('../../scripts/sandbox/sandbox.cjs');

const HERE = path.dirname(fileURLToPath(import.meta.url));
const DEFAULT_VSIX = path.join(lib.PROJECT_ROOT, 'gluu-cluster.vsix');
const DEFAULT_TEST_TIMEOUT = 60000;

/** Load every test/ui/*.ui.mjs; returns [{ file, name, scenario, fn, ... }]. */
export async function loadTests(dir = HERE) {
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.ui.mjs'))
    .sort();
  const tests = [];
  for (const f of files) {
    const mod = await import(path.join(dir, f));
    const list = mod.default ?? mod.tests;
    if (!Array.isArray(list)) throw new Error(`${f} exports no array of tests (default or "tests")`);
    for (const t of list) {
      if (!t?.name || typeof t.fn !== 'function') throw new Error(`${f}: a test needs name and fn`);
      tests.push({ scenario: 'with-cluster', ...t, file: f });
    }
  }
  return tests;
}

/** Put the workspace folder back to the fixture's content (the folder itself stays). */
function resetWorkspace(workspace, scenario) {
  for (const name of fs.readdirSync(workspace)) fs.rmSync(path.join(workspace, name), { recursive: true, force: true });
  fs.cpSync(path.join(WORKSPACES_DIR, scenario), workspace, { recursive: true, filter: (p) => path.basename(p) !== '.gitkeep' });
}

// The installed extension's contributions reach the workbench a few seconds after it shows:
// every test starts once its view container is in the activity bar.
const EXTENSION_READY = '.part.activitybar .action-label[aria-label^="Gluu Cluster"]';

// The workbench keeps a workspace's layout in the browser's IndexedDB (a database per workspace,
// "vscode-web-state-db-<id>", table ItemTable) and writes it from a timer every 5 s, so whether a
// page closed with the panel open leaves it open for the next page depends on that timer. A page
// that opens with the terminal panel showing and no terminal in it starts a shell of its own
// (hideOnStartup "never", the default) seconds later, and that shell becomes the active terminal
// in the middle of a test (it took setup.py's prompt away in CI runs). Every page therefore
// starts with the panel closed: the key is deleted while no page of the workspace is open, and
// the page checks the panel is closed once loaded (if a new editor renames the key, that check
// says so at once instead of a test failing now and then).
const PANEL_HIDDEN_KEY = 'workbench.panel.hidden';

async function forgetPanelState(page, server) {
  // Any page of code-server's origin reaches its IndexedDB; /healthz is the lightest.
  await page.goto(new URL('/healthz', server.url).href, { waitUntil: 'domcontentloaded', timeout: 60000 });
  await page.evaluate(async (key) => {
    const names = (await indexedDB.databases()).map((d) => d.name).filter((n) => n?.startsWith('vscode-web-state-db-'));
    for (const name of names) {
      const db = await new Promise((resolve, reject) => {
        const open = indexedDB.open(name);
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      try {
        if (!db.objectStoreNames.contains('ItemTable')) continue;
        await new Promise((resolve, reject) => {
          const tx = db.transaction('ItemTable', 'readwrite');
          tx.objectStore('ItemTable').delete(key);
          tx.oncomplete = resolve;
          tx.onerror = () => reject(tx.error);
        });
      } finally {
        db.close();
      }
    }
  }, PANEL_HIDDEN_KEY);
}

async function openWorkbench(browser, server) {
  const page = await browser.newPage();
  await lib.watchWorkbench(page);
  await forgetPanelState(page, server);
  await page.goto(server.folderUrl(), { waitUntil: 'domcontentloaded', timeout: 60000 });
  await lib.waitForWorkbench(page);
  try {
    await page.locator(EXTENSION_READY).first().waitFor({ timeout: 30000 });
  } catch {
    throw new Error('the Gluu Cluster view container never appeared in the activity bar (did the VSIX install and load?)');
  }
  if (await page.locator('.part.panel').isVisible()) {
    throw new Error(`the workbench opened with its panel showing although ${PANEL_HIDDEN_KEY} was forgotten (has the editor renamed it?)`);
  }
  return page;
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms / 1000} s`)), ms))),
  ]).finally(() => clearTimeout(timer));
}

const firstLines = (e) => {
  const s = e?.stack || e?.message || String(e);
  return s
    .split('\n')
    .filter((l) => !/node_modules\/playwright-core|node:internal/.test(l))
    .slice(0, 12)
    .join('\n');
};

/**
 * @returns {Promise<{passed:number, failed:number, results:{name, scenario, ok, seconds, error?, screenshot?}[]}>}
 */
export async function runUiTests({
  scenarios,
  grep,
  vsix = DEFAULT_VSIX,
  keep = false,
  dir = HERE,
  editors: shared,
  out = (l) => console.log(l),
  keepArtifacts = false,
} = {}) {
  let tests = await loadTests(dir);
  if (grep) tests = tests.filter((t) => new RegExp(grep).test(t.name));
  if (scenarios?.length) tests = tests.filter((t) => scenarios.includes(t.scenario));
  const known = listScenarios();
  const order = [...new Set(tests.map((t) => t.scenario))].sort((a, b) => known.indexOf(a) - known.indexOf(b));
  const results = [];
  const fail = (t, error, extra = {}) => {
    results.push({ name: t.name, scenario: t.scenario, ok: false, seconds: 0, error, ...extra });
    out(`✗ ${t.name}\n    ${String(error).replace(/\n/g, '\n    ')}`);
  };
  if (!tests.length) {
    out('[ui] no UI tests selected');
    return { passed: 0, failed: 0, results };
  }
  if (!fs.existsSync(vsix)) {
    for (const t of tests) fail(t, `${vsix} is missing (run npm run package)`);
    return { passed: 0, failed: results.length, results };
  }
  await ensureEditor({ quiet: true });
  // screenshots of this run only (keepArtifacts: a later part of the same run)
  if (!keepArtifacts) fs.rmSync(lib.ARTIFACTS_DIR, { recursive: true, force: true });
  const editors = shared ?? (await editorBrowser());
  const { browser } = editors;
  try {
    for (const scenario of order) {
      const group = tests.filter((t) => t.scenario === scenario);
      const t0 = Date.now();
      out(`\n[ui:${scenario}] ${group.length} test(s), ${path.basename(vsix)} installed`);
      let workspace;
      let server;
      // A `.sandbox` marker: the scenario runs against the built-in sandbox cluster.
      let sandbox;
      let unregisterSandbox = () => {};
      const placeClusterFile = () => sandbox && fs.copyFileSync(sandbox.clusterFile, path.join(workspace, 'gluu-cluster.yaml'));
      try {
        if (!known.includes(scenario)) throw new Error(`unknown scenario "${scenario}" (have ${known.join(', ')})`);
        workspace = copyWorkspace(scenario, undefined, { keep });
        if (fs.existsSync(path.join(lib.PROJECT_ROOT, 'test', 'fixtures', 'workspaces', scenario, '.sandbox'))) {
          // ldapOpen: the LDAP editor's tests run ldapsearch from this machine on the nodes' addresses.
          // A third node outside the cluster file: Join Node's test joins it (sandboxJoin.ui.mjs).
          sandbox = await sandboxUp({ name: 'ui', ldapOpen: true, nodes: 3, inCluster: 2 });
          // Interrupted (Ctrl+C, SIGTERM), the runner takes the sandbox down with the editor.
          unregisterSandbox = onShutdown(() => sandbox.down());
          placeClusterFile();
        }
        server = await editors.startCodeServer({ workspace, installVsix: vsix, keepDirs: keep });
      } catch (e) {
        unregisterSandbox();
        await sandbox?.down();
        for (const t of group) fail(t, `scenario set-up failed: ${e.message}`);
        if (workspace && !keep) fs.rmSync(workspace, { recursive: true, force: true });
        continue;
      }
      out(`[ui:${scenario}] code-server ${server.url} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
      let page = null;
      let first = true;
      try {
        for (const t of group) {
          const t1 = Date.now();
          try {
            if (page && t.fresh !== false) {
              await page.close().catch(() => {});
              page = null;
            }
            if (!page) {
              if (!first) {
                resetWorkspace(workspace, scenario);
                placeClusterFile();
              }
              page = await openWorkbench(browser, server);
              // The workbench restores the editors an earlier test left open (an LDAP editor's
              // webview then takes the focus while it loads, closing a quick pick): a fresh test
              // starts with none.
              if (!first) await lib.palette(page, 'View: Close All Editors');
            } else {
              await lib.dismissAll(page);
            }
            first = false;
            await withTimeout(
              Promise.resolve().then(() => t.fn({ page, workspace, server, scenario, lib, browser, sandbox })),
              t.timeout ?? DEFAULT_TEST_TIMEOUT,
              `"${t.name}"`,
            );
            const seconds = (Date.now() - t1) / 1000;
            results.push({ name: t.name, scenario, ok: true, seconds });
            out(`✓ ${t.name} (${seconds.toFixed(1)} s)`);
          } catch (e) {
            let shot;
            let state = '';
            if (page) {
              shot = await lib.screenshot(page, `${scenario}--${t.name}--failure`).catch(() => undefined);
              state = `\nwhat the workbench showed (seconds since the page loaded):\n${await lib.workbenchState(page)}`;
            }
            fail(t, firstLines(e) + state, { seconds: (Date.now() - t1) / 1000, screenshot: shot });
            if (shot) out(`    screenshot: ${path.relative(process.cwd(), shot)}`);
            // a failed test may leave the workbench in any state: the next one starts afresh
            await page?.close().catch(() => {});
            page = null;
          }
        }
      } finally {
        await page?.close().catch(() => {});
        const failedHere = results.some((r) => r.scenario === scenario && !r.ok);
        if (failedHere) out(`[ui:${scenario}] code-server log (last lines):\n${server.logTail(15)}`);
        await server.stop();
        unregisterSandbox();
        await sandbox?.down();
        if (!keep) fs.rmSync(workspace, { recursive: true, force: true });
        out(`[ui:${scenario}] ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      }
    }
  } finally {
    if (!shared) await editors.close().catch(() => {});
  }
  const passed = results.filter((r) => r.ok).length;
  return { passed, failed: results.length - passed, results };
}

function parseArgs(argv) {
  const o = { scenarios: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--scenario' || a === '-s') o.scenarios.push(...argv[++i].split(','));
    else if (a === '--grep' || a === '-g') o.grep = argv[++i];
    else if (a === '--vsix') o.vsix = path.resolve(argv[++i]);
    else if (a === '--keep') o.keep = true;
    else if (a === '--dir') o.dir = path.resolve(argv[++i]);
    else if (a === '--help' || a === '-h') {
      console.log('usage: node test/ui/run.mjs [--scenario NAME[,NAME]] [--grep REGEX] [--vsix FILE] [--dir DIR_WITH_UI_TESTS] [--keep]');
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  return o;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const t0 = Date.now();
  const r = await runUiTests(parseArgs(process.argv.slice(2)));
  console.log(`\nUI tests: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  console.log(`${r.passed} passed, ${r.failed} failed`);
  process.exit(r.failed ? 1 : 0);
}
