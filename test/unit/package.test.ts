import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ROOT } from './paths';

/** Entry names of a zip file (the VSIX), read with yauzl. */
async function zipEntries(file: string): Promise<string[]> {
  const yauzl = await import('yauzl');
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err);
      const names: string[] = [];
      zip.on('entry', (e: { fileName: string }) => {
        names.push(e.fileName);
        zip.readEntry();
      });
      zip.on('end', () => resolve(names));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

/** VS Code version the real-editor tests run in (code-server 4.139.1). */
const TESTED_VSCODE = [1, 139];
const version = (v: string) =>
  v
    .replace(/^[^\d]*/, '')
    .split('.')
    .map(Number);
const notNewer = (v: number[], max: number[]) => v[0] < max[0] || (v[0] === max[0] && v[1] <= max[1]);

describe('the packaged extension', function () {
  this.timeout(120000);
  let entries: string[] = [];
  let dir = '';

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'gluu-vsix-'));
    execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, stdio: 'inherit' });
    const { createVSIX } = await import('@vscode/vsce');
    await createVSIX({ cwd: ROOT, packagePath: path.join(dir, 'x.vsix'), dependencies: false, allowMissingRepository: true });
    entries = await zipEntries(path.join(dir, 'x.vsix'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('holds the bundle, manifest, media, schema, snippets, grammars and docs', () => {
    for (const must of [
      'extension/package.json',
      'extension/package.nls.json',
      'extension/dist/extension.js',
      'extension/dist/cli.js',
      'extension/dist/core.js',
      'extension/dist/run.js',
      'extension/dist/ldapEditor.js',
      'extension/dist/webview/ldapEditor.js',
      'extension/media/ldap-editor.css',
      'extension/media/gluu-cluster.svg',
      'extension/schemas/gluu-cluster.schema.json',
      'extension/snippets/nginx.json',
      'extension/snippets/csync2.json',
      'extension/syntaxes/nginx.tmLanguage.json',
      'extension/syntaxes/csync2.tmLanguage.json',
      'extension/language-configuration/nginx.language-configuration.json',
      'extension/language-configuration/csync2.language-configuration.json',
      'extension/readme.md',
      'extension/changelog.md',
      'extension/LICENSE.txt',
    ]) {
      assert.ok(entries.includes(must), `${must} is in the VSIX (has: ${entries.join(', ')})`);
    }
  });

  it('holds nothing else: no sources, tests, node_modules, maps, scripts or keys', () => {
    const allowed =
      /^(extension\.vsixmanifest|\[Content_Types\]\.xml|extension\/(package\.json|package\.nls\.json|readme\.md|changelog\.md|LICENSE\.txt|dist\/(extension|cli|core|run|ldapEditor|webview\/ldapEditor)\.js|media\/.+|schemas\/.+\.json|snippets\/.+\.json|syntaxes\/.+\.json|language-configuration\/.+\.json|docs\/.+))$/;
    const stray = entries.filter((e) => !allowed.test(e));
    assert.deepEqual(stray, []);
    assert.ok(!entries.some((e) => /node_modules|\/src\/|\/test\/|\.map$|\.ts$|\.pem$|id_(rsa|ed25519)/.test(e)));
  });

  it('targets a VS Code no newer than the one the tests run in', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    assert.ok(notNewer(version(pkg.engines.vscode), TESTED_VSCODE), `engines.vscode ${pkg.engines.vscode}`);
    assert.ok(
      notNewer(version(pkg.devDependencies['@types/vscode']), TESTED_VSCODE),
      `@types/vscode ${pkg.devDependencies['@types/vscode']}`,
    );
  });

  it('activates only on its views, its commands and a cluster file in the workspace', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    // The LDAP editor panel is restored after a window reload by its serializer.
    assert.deepEqual(pkg.activationEvents, [
      'workspaceContains:gluu-cluster.yaml',
      'workspaceContains:gluu-cluster.json',
      'onWebviewPanel:gluuCluster.ldapEditor',
    ]);
  });

  it('declares every registered command, with a title in package.nls.json, and hides internal ones from the palette', async () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    const nls = JSON.parse(readFileSync(path.join(ROOT, 'package.nls.json'), 'utf8'));
    const source = readFileSync(path.join(ROOT, 'src', 'vscode', 'commands', 'index.ts'), 'utf8');
    const registered = [...source.matchAll(/'(gluuCluster\.[A-Za-z0-9]+)':/g)].map((m) => m[1]).sort();
    const declared = pkg.contributes.commands.map((c: { command: string }) => c.command).sort();
    assert.deepEqual(declared, registered);
    for (const c of pkg.contributes.commands) {
      assert.ok(nls[c.title.slice(1, -1)], `title of ${c.command}`);
      assert.equal(c.category, '%category%');
    }
    assert.ok(
      pkg.contributes.menus.commandPalette.some(
        (m: { command: string; when: string }) => m.command === 'gluuCluster.openProblem' && m.when === 'false',
      ),
    );
  });
});

describe('the manifest', () => {
  it('declares limited support for untrusted workspaces (Restricted Mode), saying what is held back', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    const nls = JSON.parse(readFileSync(path.join(ROOT, 'package.nls.json'), 'utf8'));
    const untrusted = pkg.capabilities?.untrustedWorkspaces;
    assert.equal(untrusted?.supported, 'limited');
    const description: string = /^%(.+)%$/.test(untrusted.description) ? nls[untrusted.description.slice(1, -1)] : untrusted.description;
    assert.match(description, /nginx -t/);
    assert.match(description, /steps/i);
    assert.deepEqual(untrusted.restrictedConfigurations, ['gluuCluster.clusterFile', 'gluuCluster.generatedFolder']);
  });
});
