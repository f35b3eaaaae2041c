import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXAMPLE_CLUSTER_FILE } from '../../../src/core/config/example';
import { EXTENSION_ID, api, clusterFileUri, nodeRows, readFile, waitFor } from '../support/helpers';

describe('a workspace without a cluster file', () => {
  it('does not activate the extension by itself', () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext);
    assert.equal(ext.isActive, false);
  });

  it('activates when asked (as the view would) and shows no nodes', async () => {
    const a = await api();
    assert.deepEqual(await a.nodes.getChildren(), []);
    assert.deepEqual(await a.steps.getChildren(), []);
  });

  it('"Create Cluster File" writes the commented example and opens it', async () => {
    const a = await api();
    await vscode.commands.executeCommand('gluuCluster.createClusterFile');
    assert.equal(await readFile(clusterFileUri()), EXAMPLE_CLUSTER_FILE);
    const editor = await waitFor('the new file in an editor', () => vscode.window.activeTextEditor);
    assert.equal(editor.document.uri.toString(), clusterFileUri().toString());
    await waitFor('the tree to show the example nodes', async () => (await nodeRows(a)).length === 3);
    assert.deepEqual(vscode.languages.getDiagnostics(clusterFileUri()), []);
  });

  it('running it again never overwrites the file', async () => {
    const edit = new vscode.WorkspaceEdit();
    edit.insert(clusterFileUri(), new vscode.Position(0, 0), '# mine\n');
    await vscode.workspace.applyEdit(edit, { isRefactoring: false });
    await vscode.workspace.save(clusterFileUri());
    await vscode.commands.executeCommand('gluuCluster.createClusterFile');
    assert.match(await readFile(clusterFileUri()), /^# mine\n/);
  });
});
