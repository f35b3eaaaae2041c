// `npm test`: the whole pipeline, streaming each stage's output.
//
//   ensure editor (Debian packages, Node 24, code-server)   → scripts/harness/editor.mjs
//   npm run build                                            (failure = 1 failed)
//   then side by side:
//     the checks, at the same time as each other:
//       npm run typecheck:webview, and compile-tests as the typecheck (1 check: passed or failed)
//       npm run lint: ESLint and Prettier --check            (1 check: passed or failed)
//       npm run compile-tests                                (failure = 1 failed)
//     the Node lane, once compile-tests is done:
//       unit tests: mocha --config test/unit/.mocharc.json   (counts)
//       integration tests: mocha --config test/integration/... (counts; real servers in network namespaces)
//   and the editor lane:
//     npm run vsix → gluu-cluster.vsix from that build        (failure = 1 failed)
//     UI tests against the VSIX, one code-server per scenario (counts; the scenarios without a
//       webview, then after the extension-host tests the sandbox)
//     extension-host tests, one code-server per scenario      (counts; once the tests are compiled)
//
// A failing stage does not stop the stages that do not need it. dist/, out/ and the VSIX are
// removed before they are rebuilt, so no stage ever tests a stale build. The last line is
// exactly "N passed, N failed"; the exit code is non-zero when anything failed.
//
// Options: --only unit|vscode|ui (comma-separated; quick loops, no typecheck/package unless
// needed), --scenario NAME (ext-host and UI), --grep REGEX (all test kinds).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT, editorBrowser, ensureEditor, onShutdown } from './harness/editor.mjs';
import { listScenarios, runExtensionTests } from './harness/run-extension-tests.mjs';

const ROOT = PROJECT_ROOT;
const KINDS = ['lint', 'unit', 'integration', 'vscode', 'ui'];

function parseArgs(argv) {
  const o = { only: null, scenarios: [], grep: undefined };
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i];
    let v;
    if (a.includes('=')) [a, v] = [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)];
    const val = () => v ?? argv[++i];
    if (a === '--only')
      o.only = val()
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    else if (a === '--scenario') o.scenarios.push(...val().split(','));
    else if (a === '--grep') o.grep = val();
    else if (a === '--help' || a === '-h') {
      console.log('usage: npm test [-- --only lint|unit|integration|vscode|ui[,..]] [--scenario NAME] [--grep REGEX]');
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  for (const k of o.only ?? []) if (!KINDS.includes(k)) throw new Error(`--only: unknown kind "${k}" (${KINDS.join(', ')})`);
  return o;
}

const opts = parseArgs(process.argv.slice(2));
const want = (k) => !opts.only || opts.only.includes(k);
const full = !opts.only;

const stages = [];
let passed = 0;
let failed = 0;
const t0 = Date.now();
const secs = (t) => ((Date.now() - t) / 1000).toFixed(1);

const bannerLine = (title) => `\n━━━ ${title} ${'━'.repeat(Math.max(3, 70 - title.length))}`;
function banner(title) {
  console.log(bannerLine(title));
}

function record(name, status, { p = 0, f = 0, seconds, note = '', failures = [] } = {}, into = stages) {
  passed += p;
  failed += f;
  into.push({ name, status, p, f, seconds, note, failures });
}

/** Run a command with inherited output in its own process group; resolves its exit code. */
function sh(cmd, args, { env = {}, timeoutMs = 30 * 60 * 1000, capture } = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', capture ? 'pipe' : 'inherit', capture ? 'pipe' : 'inherit'],
      detached: true,
    });
    if (capture) {
      child.stdout.on('data', (d) => capture.push(d));
      child.stderr.on('data', (d) => capture.push(d));
    }
    const kill = (sig) => {
      try {
        process.kill(-child.pid, sig);
      } catch {}
    };
    const closed = new Promise((r) => child.once('close', r));
    // Interrupted, a stage gets SIGTERM first: the integration tests then take their lab hosts
    // and sandboxes down as they exit (SIGKILL would leave them, keys and passwords included).
    const unregister = onShutdown(
      async () => {
        kill('SIGTERM');
        const t = setTimeout(() => kill('SIGKILL'), 10000);
        await closed;
        clearTimeout(t);
      },
      () => kill('SIGKILL'),
    );
    const timer = setTimeout(() => {
      console.error(`\n[test] ${cmd} ${args.join(' ')} timed out after ${timeoutMs / 1000} s`);
      kill('SIGTERM');
      setTimeout(() => kill('SIGKILL'), 5000).unref();
    }, timeoutMs);
    child.on('error', (e) => {
      console.error(`[test] ${cmd}: ${e.message}`);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      unregister();
      resolve(code ?? (signal ? 128 : 1));
    });
  });
}

async function step(name, fn, into = stages) {
  banner(name);
  const t = Date.now();
  try {
    return await fn(t);
  } catch (e) {
    console.error(`[test] ${name} failed: ${e?.stack || e}`);
    record(name, 'FAILED', { f: 1, seconds: secs(t), note: e?.message?.split('\n')[0] ?? '' }, into);
    return false;
  }
}

/** Records a stage that is one command by its exit code: ok → `countPass` passes (0 or 1), else 1 failed. */
function recordExit(name, code, { countPass = false, seconds, into = stages }) {
  const ok = code === 0;
  record(name, ok ? 'ok' : 'FAILED', { p: ok && countPass ? 1 : 0, f: ok ? 0 : 1, seconds, note: ok ? '' : `exit ${code}` }, into);
  return ok;
}

/** A stage that is one npm script, recorded by recordExit(). */
async function npmStage(name, script, { countPass = false, timeoutMs, into = stages } = {}) {
  return step(
    name,
    async (t) => recordExit(name, await sh('npm', ['run', '--silent', script], { timeoutMs }), { countPass, seconds: secs(t), into }),
    into,
  );
}

// ---------------------------------------------------------------------------------------

const needEditor = want('vscode') || want('ui');
let editorOk = false;
if (needEditor) {
  editorOk = await step('ensure editor', async (t) => {
    await ensureEditor();
    record('ensure editor', 'ok', { seconds: secs(t) });
    return true;
  });
}

if (full || want('vscode') || want('ui')) {
  fs.rmSync(path.join(ROOT, 'dist'), { recursive: true, force: true });
  await npmStage('build', 'build');
}

// typecheck, lint and compile-tests need nothing from each other: they run at the same time
// (one core each instead of one after the other), each stage's output shown when it ends.
/**
 * Starts npm-script stages concurrently; prints each one's output under its banner as it finishes
 * (a block of its own, also while the editor lane streams). Returns each stage's promise by its
 * script, and `all`, which records them in list order once every one has ended.
 */
function concurrentStages(list, into) {
  const byScript = new Map(
    list.map(({ name, script, countPass }) => {
      const out = [];
      const t = Date.now();
      const done = sh('npm', ['run', '--silent', script], { capture: out }).then((code) => {
        process.stdout.write(`${bannerLine(name)}\n${Buffer.concat(out)}`);
        return { name, code, countPass, seconds: secs(t) };
      });
      return [script, done];
    }),
  );
  const all = Promise.all(byScript.values()).then((results) => {
    for (const r of results) recordExit(r.name, r.code, { countPass: r.countPass, seconds: r.seconds, into });
  });
  return { byScript, all };
}
const checks = [];
// tsconfig.test.json is tsconfig.json (src and test) with emit on, so compiling the tests is the
// extension's typecheck as well: one tsc run instead of two over the same program. The webview
// has its own tsconfig.
if (full) checks.push({ name: 'typecheck webview', script: 'typecheck:webview' });
// ESLint and Prettier (npm run lint): one check, passed or failed. Both keep a cache of what
// passed (by content, in node_modules/.cache), so a second run checks only changed files.
if (full || want('lint')) checks.push({ name: 'lint and format', script: 'lint', countPass: true });
if (full || want('unit') || want('integration') || want('vscode')) {
  fs.rmSync(path.join(ROOT, 'out'), { recursive: true, force: true });
  checks.push({ name: full ? 'typecheck and compile-tests' : 'compile-tests', script: 'compile-tests', countPass: full });
}
// The checks run beside the editor lane (below), which needs only dist/ until its
// extension-host stage; the Node lane needs the compiled tests.
const checkStages = [];
const checkRuns = concurrentStages(checks, checkStages);
const checksDone = checkRuns.all;
// What the Node lane and the extension-host tests need: the compiled tests (not ESLint, which
// takes twice as long on a fresh clone, without its cache).
const testsCompiled = checkRuns.byScript.get('compile-tests') ?? Promise.resolve();

/**
 * A mocha suite in plain Node, counted exactly through the stats reporter; its result goes into
 * lane.stages. With lane.stream false, its banner and output go into lane.out, for a stage that
 * runs beside others (printed when its lane ends).
 */
async function mochaStage(name, config, lane) {
  const t = Date.now();
  const rec = (status, o) => record(name, status, { seconds: secs(t), ...o }, lane.stages);
  if (!lane.stream) lane.out.push(Buffer.from(`${bannerLine(name)}\n`));
  else banner(name);
  try {
    const statsFile = path.join(os.tmpdir(), `gluu-mocha-stats-${process.pid}-${name.replace(/\W+/g, '-')}.json`);
    fs.rmSync(statsFile, { force: true });
    const args = ['--config', config, '--reporter', path.join(ROOT, 'scripts', 'harness', 'mocha-stats-reporter.cjs')];
    if (opts.grep) args.push('--grep', opts.grep);
    const code = await sh(path.join(ROOT, 'node_modules', '.bin', 'mocha'), args, {
      env: { GLUU_MOCHA_STATS: statsFile },
      ...(lane.stream ? {} : { capture: lane.out }),
    });
    let stats = null;
    try {
      stats = JSON.parse(fs.readFileSync(statsFile, 'utf8'));
    } catch {}
    fs.rmSync(statsFile, { force: true });
    if (!stats) {
      rec('FAILED', { f: 1, note: `mocha exited ${code} without results` });
      return false;
    }
    // exit code non-zero with no counted failure (e.g. an uncaught error after the run) is a failure too
    const extra = code !== 0 && stats.failed === 0 ? 1 : 0;
    rec(stats.failed + extra ? 'FAILED' : 'ok', {
      p: stats.passed,
      f: stats.failed + extra,
      failures: stats.failures,
      note: `${stats.passed} passed, ${stats.failed} failed${stats.pending ? `, ${stats.pending} pending` : ''}${extra ? `, mocha exit ${code}` : ''}`,
    });
    return true;
  } catch (e) {
    if (!lane.stream) lane.out.push(Buffer.from(`[test] ${name} failed: ${e?.stack || e}\n`));
    else console.error(`[test] ${name} failed: ${e?.stack || e}`);
    rec('FAILED', { f: 1, note: e?.message?.split('\n')[0] ?? '' });
    return false;
  }
}

// Two lanes from here on, side by side. The plain-Node suites (unit, then the integration tests
// on real servers in network namespaces) spend much of their time waiting: for cron's next
// minute, for servers to start (60 % of 2 cores, measured). The editor stages (package, then the
// UI and the extension-host tests) keep a browser and a code-server busy (69 %). One after the
// other they took 125 + 235 s; beside each other the run takes about as long as the editor lane,
// so that lane starts as soon as dist/ is built: its package stage and its first UI tests need
// nothing from the checks, which run meanwhile, and the extension-host stage needs the compiled tests.
// The Node lane starts once the tests are compiled (ESLint may still run). Its output is kept and printed under its banners
// when both lanes are done (the editor lane streams as before, the checks' output comes as a
// block each when they end); every stage takes its usual place in the summary.
// (Without the editor lane, as in --only unit,integration, the Node lane streams as before.)
const nodeLane = { out: [], stages: [], stream: !(want('vscode') || want('ui')) };
// Interrupted (Ctrl+C), the run still shows what the Node lane printed: registered before its
// stages' own handlers, this one runs after they stopped them (newest first).
let laneOutShown = false;
const showLaneOut = () => {
  // once: interrupted, the run's own end may still get here after the handler below
  if (!laneOutShown) process.stdout.write(Buffer.concat(nodeLane.out));
  laneOutShown = true;
};
const unregisterLaneOut = onShutdown(async () => showLaneOut());
const nodeLaneDone = (async () => {
  await testsCompiled;
  if (want('unit')) await mochaStage('unit tests', 'test/unit/.mocharc.json', nodeLane);
  // Real servers on this machine: nginx, csync2, sshd in network namespaces (root).
  if (want('integration')) await mochaStage('integration tests', 'test/integration/.mocharc.json', nodeLane);
})();

// One browser and one port for both editor stages: each scenario's workbench then loads from
// Chromium's caches (see editorBrowser).
let editors = null;
const sharedEditors = async () => (editors ??= await editorBrowser());
const editorStages = [];

// The UI scenarios without a webview run first, while the tests compile; the extension-host
// tests follow, then the UI's sandbox scenario. The two webview-heavy suites thus keep the order
// they always had (extension-host, then UI): in the one run of seven where the UI's LDAP editor
// went first, the extension-host suite's LDAP editor page never reported ready.
const UI_EARLY = ['with-cluster', 'empty'];
let vsixOk = false;
const uiRuns = [];

async function packageStage() {
  if (!(full || want('ui'))) return;
  fs.rmSync(path.join(ROOT, 'gluu-cluster.vsix'), { force: true });
  // dist/ was built fresh above (npm run package would build it a second time).
  vsixOk = await npmStage('package', 'vsix', { into: editorStages });
}

/** Runs the UI tests of `scenarios` (within --scenario, if given); keeps the result for uiRecord(). */
async function uiPart(scenarios, title) {
  if (!want('ui') || !editorOk || !vsixOk) return;
  const chosen = scenarios.filter((x) => !opts.scenarios.length || opts.scenarios.includes(x));
  if (!chosen.length) return;
  banner(title);
  const t = Date.now();
  try {
    const { runUiTests } = await import('../test/ui/run.mjs');
    const r = await runUiTests({
      scenarios: chosen,
      grep: opts.grep,
      editors: await sharedEditors(),
      keepArtifacts: uiRuns.length > 0,
    });
    uiRuns.push({ ...r, seconds: (Date.now() - t) / 1000 });
  } catch (e) {
    console.error(`[test] ${title} failed: ${e?.stack || e}`);
    uiRuns.push({
      passed: 0,
      failed: 1,
      results: [{ name: title, ok: false, error: e?.message ?? String(e) }],
      seconds: (Date.now() - t) / 1000,
    });
  }
}

/** The UI tests as one stage of the summary, however many parts they ran in. */
function uiRecord() {
  if (!want('ui')) return;
  if (!editorOk || !vsixOk) {
    banner('UI tests');
    console.log('[test] skipped: needs the editor and gluu-cluster.vsix (see the failures above)');
    record('UI tests', 'skipped', { note: 'an earlier stage failed' }, editorStages);
    return;
  }
  const p = uiRuns.reduce((n, r) => n + r.passed, 0);
  const f = uiRuns.reduce((n, r) => n + r.failed, 0);
  record(
    'UI tests',
    f ? 'FAILED' : 'ok',
    {
      p,
      f,
      failures: uiRuns.flatMap((r) =>
        r.results.filter((x) => !x.ok).map((x) => ({ title: x.name, error: String(x.error ?? '').split('\n')[0] })),
      ),
      seconds: uiRuns.reduce((n, r) => n + r.seconds, 0).toFixed(1),
      note: `${p} passed, ${f} failed`,
    },
    editorStages,
  );
}

async function extensionHostStage() {
  if (!want('vscode')) return;
  await testsCompiled;
  const ready =
    editorOk &&
    fs.existsSync(path.join(ROOT, 'dist', 'extension.js')) &&
    fs.existsSync(path.join(ROOT, 'out', 'test', 'vscode', 'index.js'));
  if (!ready) {
    banner('extension-host tests');
    console.log('[test] skipped: needs the editor, dist/extension.js and out/test/vscode (see the failures above)');
    record('extension-host tests', 'skipped', { note: 'an earlier stage failed' }, editorStages);
    return;
  }
  await step(
    'extension-host tests',
    async (t) => {
      const r = await runExtensionTests({ scenarios: opts.scenarios, grep: opts.grep, editors: await sharedEditors() });
      for (const s of r.scenarios) {
        record(
          `  vscode: ${s.scenario}`,
          s.failed ? 'FAILED' : 'ok',
          {
            p: s.passed,
            f: s.failed,
            failures: s.failures,
            seconds: s.seconds.toFixed(1),
            note: `${s.passed} passed, ${s.failed} failed${s.pending ? `, ${s.pending} pending` : ''}${s.error ? ` — ${s.error}` : ''}`,
          },
          editorStages,
        );
      }
      console.log(`[test] extension-host tests took ${secs(t)} s`);
      return r.failed === 0;
    },
    editorStages,
  );
}

await packageStage();
await uiPart(UI_EARLY, 'UI tests');
await extensionHostStage();
await uiPart(
  listScenarios().filter((x) => !UI_EARLY.includes(x)),
  'UI tests (continued)',
);
uiRecord();
await editors?.close().catch(() => {});
await checksDone;
await nodeLaneDone;
unregisterLaneOut();
showLaneOut();
// In the summary as in the pipeline: checks, Node lane, editor lane.
stages.push(...checkStages, ...nodeLane.stages, ...editorStages);

// ---------------------------------------------------------------------------------------
banner('summary');
for (const s of stages) {
  console.log(`${s.name.padEnd(28)} ${s.status.padEnd(8)} ${(s.seconds ? `${s.seconds} s` : '').padStart(8)}  ${s.note}`);
}
console.log(`${'total'.padEnd(28)} ${''.padEnd(8)} ${`${secs(t0)} s`.padStart(8)}`);
// What failed, by name, next to the last line: a CI log is often cut to its end.
const failures = stages.flatMap((s) => (s.failures ?? []).map((x) => ({ stage: s.name.trim(), ...x })));
if (failures.length) {
  console.log('\nfailed:');
  for (const x of failures) console.log(`  [${x.stage}] ${x.title}\n      ${x.error}`);
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || stages.some((s) => s.status === 'FAILED') ? 1 : 0);
