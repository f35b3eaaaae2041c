/**
 * Mocha runner inside the VS Code extension host (extensionTestsPath = out/test/vscode).
 *
 * The scenario (the kind of workspace the editor was opened on) comes from the environment:
 * GLUU_TEST_SCENARIO=with-cluster | empty | ... It selects the compiled test files
 * out/test/vscode/<scenario>/**\/*.test.js plus the shared out/test/vscode/common/**\/*.test.js.
 * Without it the scenario is inferred from the workspace (a gluu-cluster.yaml → with-cluster).
 * GLUU_TEST_GREP, when set, only runs tests whose full title matches it.
 *
 * Used unchanged by code-server (scripts/harness/run-extension-tests.mjs) and by desktop
 * VS Code (test/vscode/run-desktop.js).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

/** The harness reads this line for exact counts. */
export const RESULT_PREFIX = 'GLUU_TEST_RESULT ';

function testFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...testFiles(p));
    else if (entry.isFile() && entry.name.endsWith('.test.js')) out.push(p);
  }
  return out.sort();
}

function scenario(): string {
  const fromEnv = process.env.GLUU_TEST_SCENARIO;
  if (fromEnv) return fromEnv;
  // Inferred without importing vscode at module load (keeps this file loadable anywhere).
  const vscode = require('vscode') as typeof import('vscode');
  const folder = vscode.workspace.workspaceFolders?.[0];
  const inferred = folder && fs.existsSync(path.join(folder.uri.fsPath, 'gluu-cluster.yaml')) ? 'with-cluster' : 'empty';
  console.log(`GLUU_TEST_SCENARIO not set; inferred "${inferred}" from the workspace`);
  return inferred;
}

/**
 * Waits until the editor's file watcher reports changes in each workspace folder. Many tests
 * write a file on disk and then wait for what the watcher drives (an editor reloading the file,
 * the extension re-reading the cluster file); a watcher that is still starting — seconds on a
 * busy machine — drops those events and the test waits in vain. Changes made before the watch is
 * established are never reported, so the probe file is written again until one is seen.
 */
async function fileWatcherLive(): Promise<void> {
  const vscode = require('vscode') as typeof import('vscode');
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    const t0 = Date.now();
    const name = '.gluu-test-watcher-probe';
    const probe = vscode.Uri.joinPath(folder.uri, name);
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, name));
    let seen = false;
    const see = () => (seen = true);
    watcher.onDidCreate(see);
    watcher.onDidChange(see);
    try {
      for (let i = 0; !seen; i++) {
        if (Date.now() - t0 > 120000) throw new Error(`the editor's file watcher reported no change in ${folder.name} within 120 s`);
        await vscode.workspace.fs.writeFile(probe, new TextEncoder().encode(String(i)));
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      watcher.dispose();
      await vscode.workspace.fs.delete(probe).then(undefined, () => undefined);
    }
    console.log(`file watcher live in ${folder.name} after ${Date.now() - t0} ms`);
  }
}

export async function run(): Promise<void> {
  await fileWatcherLive();
  return runMocha();
}

function runMocha(): Promise<void> {
  const name = scenario();
  const files = [...testFiles(path.join(__dirname, 'common')), ...testFiles(path.join(__dirname, name))];
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60000, reporter: 'spec' });
  if (process.env.GLUU_TEST_GREP) mocha.grep(process.env.GLUU_TEST_GREP);
  for (const f of files) mocha.addFile(f);
  console.log(`scenario ${name}: ${files.length} test file(s) in ${__dirname}`);

  return new Promise((resolve, reject) => {
    if (files.length === 0) {
      console.log(`${RESULT_PREFIX}${JSON.stringify({ scenario: name, passed: 0, failed: 1, pending: 0, error: 'no test files' })}`);
      reject(new Error(`no *.test.js for scenario "${name}" under ${__dirname}`));
      return;
    }
    try {
      // Each failure's title and error line, for the suite's summary (CI shows only its end).
      const failed: { title: string; error: string }[] = [];
      const runner = mocha.run((failures) => {
        const s = runner.stats;
        const result = {
          scenario: name,
          passed: s?.passes ?? 0,
          failed: Math.max(failures, s?.failures ?? 0),
          pending: s?.pending ?? 0,
          failures: failed,
        };
        console.log(`${RESULT_PREFIX}${JSON.stringify(result)}`);
        if (result.failed > 0) reject(new Error(`${result.failed} test(s) failed in scenario ${name}.`));
        else resolve();
      });
      runner.on('fail', (test, err) => {
        failed.push({
          title: test.fullTitle(),
          error: String(err?.message ?? err)
            .split('\n')[0]
            .slice(0, 300),
        });
      });
    } catch (e) {
      // a test file that throws while loading
      console.error(e);
      console.log(`${RESULT_PREFIX}${JSON.stringify({ scenario: name, passed: 0, failed: 1, pending: 0, error: String(e) })}`);
      reject(e);
    }
  });
}
