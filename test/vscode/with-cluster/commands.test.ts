import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { NodeItem } from '../../../src/core/tree/model';
import { answering, api, clusterFileUri, nodeRows, prompting, readFile, waitFor, keepClusterFile } from '../support/helpers';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const contributed: string[] = manifest.contributes.commands.map((c: { command: string }) => c.command);

async function node(host: string, role?: string): Promise<NodeItem> {
  const items = await (await api()).nodes.hosts();
  const found = items.find((i) => i.host === host && (!role || i.role === role));
  assert.ok(found, `tree has ${host}`);
  return found;
}

const comments = (t: string) => t.split('\n').filter((l) => l.trimStart().startsWith('#') || l.includes(' # '));

describe('commands', () => {
  const originalText = keepClusterFile();
  let original = '';
  beforeEach(() => {
    original = originalText();
  });

  it('every contributed command is registered', async () => {
    const all = new Set(await vscode.commands.getCommands(true));
    assert.ok(contributed.length >= 10);
    for (const c of contributed) assert.ok(all.has(c), `${c} registered`);
  });

  it('every palette command runs with no argument and fails nothing (pickers dismissed)', async () => {
    const a = await api();
    const hidden = new Set(
      manifest.contributes.menus.commandPalette
        .filter((m: { when: string }) => m.when === 'false')
        .map((m: { command: string }) => m.command),
    );
    const before = a.commandFailures.length;
    // Commands that open SSH connections are exercised in the sandbox scenario: this workspace
    // holds the manual's example addresses, which are real public hosts and never a test target.
    const connects = new Set([
      'gluuCluster.runStep',
      'gluuCluster.runNextStep',
      'gluuCluster.runAllRemaining',
      'gluuCluster.openSshTerminal',
      'gluuCluster.openContainerShell',
    ]);
    for (const c of contributed.filter((id) => !hidden.has(id) && !connects.has(id))) {
      const run = prompting(() => vscode.commands.executeCommand(c));
      // A command that asks (QuickPick / InputBox) is cancelled the way a user presses Escape.
      if (await run.shown) await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
      await Promise.race([run.result, new Promise((_, rej) => setTimeout(() => rej(new Error(`${c} did not finish`)), 5000))]);
    }
    assert.deepEqual(a.commandFailures.slice(before), []);
  });

  it('copy host from the palette asks with a QuickPick and copies the picked host', async () => {
    await vscode.env.clipboard.writeText('');
    const run = prompting(() => vscode.commands.executeCommand('gluuCluster.copyHost'));
    assert.ok(await run.shown, 'the host picker opened');
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    await run.result;
    assert.equal(await vscode.env.clipboard.readText(), 'loadbalancer.example.org');
  });

  it("copy address from the tree copies that node's address", async () => {
    await vscode.commands.executeCommand('gluuCluster.copyAddress', await node('idp2.example.org'));
    assert.equal(await vscode.env.clipboard.readText(), '138.197.65.243');
  });

  it("reveal in cluster file opens the file at the node's entry", async () => {
    await vscode.commands.executeCommand('gluuCluster.revealInClusterFile', await node('idp2.example.org'));
    const editor = await waitFor('editor', () => vscode.window.activeTextEditor);
    assert.equal(editor.document.uri.toString(), clusterFileUri().toString());
    assert.match(editor.document.lineAt(editor.selection.active.line).text, /- host: idp2\.example\.org/);
  });

  it('set as primary edits the file, keeps its comments and updates the tree', async () => {
    const a = await api();
    assert.equal(await vscode.commands.executeCommand('gluuCluster.setPrimary', await node('idp2.example.org')), true);
    const text = await readFile(clusterFileUri());
    assert.deepEqual(comments(text), comments(original));
    assert.match(
      text,
      / {2}- host: idp1\.example\.org\n {4}address: 159\.203\.126\.10\n {4}primary: false\n {2}- host: idp2\.example\.org\n {4}address: 138\.197\.65\.243\n {4}primary: true\n/,
    );
    await waitFor('tree to mark idp2 primary', async () => (await nodeRows(a))[2] === 'idp2.example.org | 138.197.65.243 · primary');
  });

  it('add node asks for host and address and writes valid YAML', async () => {
    const a = await api();
    const ok = await answering({ inputs: ['idp3.example.org', '203.0.113.12'] }, () =>
      vscode.commands.executeCommand('gluuCluster.addNode'),
    );
    assert.equal(ok, true);
    const text = await readFile(clusterFileUri());
    assert.match(text, / {2}- host: idp3\.example\.org\n {4}address: 203\.0\.113\.12\n/);
    assert.deepEqual(comments(text), comments(original));
    await waitFor('tree to show idp3', async () => (await nodeRows(a)).includes('idp3.example.org | 203.0.113.12 · node'));
    assert.equal(vscode.languages.getDiagnostics(clusterFileUri()).length, 0);
  });

  it('add node refuses an address already in use', async () => {
    const refusals: string[] = [];
    assert.equal(
      await answering({ inputs: ['idp3.example.org', '45.55.232.15'], refusals }, () =>
        vscode.commands.executeCommand('gluuCluster.addNode'),
      ),
      false,
    );
    assert.deepEqual(refusals, ['address 45.55.232.15 is already used by loadbalancer.example.org']);
    assert.equal(await readFile(clusterFileUri()), original);
  });

  it('remove node asks first; "no" changes nothing, "Remove" removes only that entry', async () => {
    const a = await api();
    // From the palette: a QuickPick asks which node; Escape changes nothing.
    const run = prompting(() => vscode.commands.executeCommand('gluuCluster.removeNode'));
    assert.ok(await run.shown, 'the node picker opened');
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    assert.equal(await run.result, false);
    const idp2 = await node('idp2.example.org');
    assert.equal(await answering({ warning: undefined }, () => vscode.commands.executeCommand('gluuCluster.removeNode', idp2)), false);
    assert.equal(await readFile(clusterFileUri()), original);
    assert.equal(await answering({ warning: 'Remove' }, () => vscode.commands.executeCommand('gluuCluster.removeNode', idp2)), true);
    const text = await readFile(clusterFileUri());
    assert.equal(text, original.replace('  - host: idp2.example.org\n    address: 138.197.65.243\n', ''));
    await waitFor('tree without idp2', async () => !(await nodeRows(a)).some((r) => r.startsWith('idp2.example.org')));
  });

  it('an edit while the file has unsaved changes edits the buffer and leaves saving to the user', async () => {
    // VS Code for the web (code-server) auto-saves after a delay by default; desktop does not.
    const files = vscode.workspace.getConfiguration('files');
    const autoSave = files.inspect('autoSave')?.globalValue;
    await files.update('autoSave', 'off', vscode.ConfigurationTarget.Global);
    try {
      const doc = await vscode.workspace.openTextDocument(clusterFileUri());
      await vscode.window.showTextDocument(doc);
      const edit = new vscode.WorkspaceEdit();
      edit.insert(doc.uri, new vscode.Position(0, 0), '# my note\n');
      await vscode.workspace.applyEdit(edit, { isRefactoring: false });
      await vscode.commands.executeCommand('gluuCluster.setPrimary', await node('idp2.example.org'));
      assert.ok(doc.isDirty, 'still unsaved');
      assert.match(doc.getText(), /^# my note\n/);
      assert.match(doc.getText(), /idp2\.example\.org\n {4}address: 138\.197\.65\.243\n {4}primary: true/);
      const disk = await readFile(clusterFileUri());
      assert.equal(disk, original, `disk untouched; disk is now:\n${disk}`);
      await vscode.commands.executeCommand('workbench.action.files.revert');
    } finally {
      await files.update('autoSave', autoSave, vscode.ConfigurationTarget.Global);
    }
  });
});
