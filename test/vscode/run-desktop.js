// The same extension-host suite (out/test/vscode) in desktop VS Code, through
// @vscode/test-electron, for machines that can download VS Code. (This workplace cannot:
// there the suite runs in code-server, scripts/harness/run-extension-tests.mjs.)
//
// npm run test:desktop [-- --scenario NAME] — builds first; then, per scenario (a folder of
// test/fixtures/workspaces), opens a temp copy of that workspace with
// GLUU_TEST_SCENARIO=<scenario> in the extension host's environment.
// VSCODE_TEST_VERSION picks the VS Code version (default "stable"; e.g. 1.138.0 for the
// lowest version package.json's engines.vscode allows).
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { runTests } = require('@vscode/test-electron');

const ROOT = path.resolve(__dirname, '..', '..');
const WORKSPACES = path.join(ROOT, 'test', 'fixtures', 'workspaces');

function scenarios() {
  const i = process.argv.indexOf('--scenario');
  if (i > 0 && process.argv[i + 1]) return process.argv[i + 1].split(',');
  return fs
    .readdirSync(WORKSPACES, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort((a, b) => (a === 'with-cluster' ? -1 : b === 'with-cluster' ? 1 : a.localeCompare(b)));
}

async function main() {
  const results = [];
  for (const scenario of scenarios()) {
    const workspace = fs.mkdtempSync(path.join(os.tmpdir(), `gluu-ws-${scenario}-`));
    fs.cpSync(path.join(WORKSPACES, scenario), workspace, { recursive: true, filter: (s) => path.basename(s) !== '.gitkeep' });
    const userData = fs.mkdtempSync(path.join(os.tmpdir(), 'gluu-vscode-user-'));
    console.log(`\n[desktop:${scenario}] ${workspace}`);
    let ok = false;
    try {
      const code = await runTests({
        version: process.env.VSCODE_TEST_VERSION || 'stable',
        extensionDevelopmentPath: ROOT,
        extensionTestsPath: path.join(ROOT, 'out', 'test', 'vscode'),
        extensionTestsEnv: { GLUU_TEST_SCENARIO: scenario },
        launchArgs: [
          workspace,
          '--disable-extensions',
          '--disable-workspace-trust',
          '--skip-welcome',
          '--skip-release-notes',
          `--user-data-dir=${userData}`,
        ],
      });
      ok = code === 0;
    } catch (e) {
      console.error(`[desktop:${scenario}] ${e && e.message ? e.message : e}`);
    } finally {
      fs.rmSync(workspace, { recursive: true, force: true });
      fs.rmSync(userData, { recursive: true, force: true });
    }
    results.push({ scenario, ok });
  }
  console.log('');
  for (const r of results) console.log(`[desktop:${r.scenario}] ${r.ok ? 'passed' : 'FAILED'}`);
  process.exit(results.every((r) => r.ok) ? 0 : 1);
}

main();
