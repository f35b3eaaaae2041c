import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const EXTENSION_ID = 'gluu-cluster.gluu-cluster';

describe('activation (workspace with gluu-cluster.yaml)', () => {
  it('runs in the with-cluster workspace', () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'a workspace folder is open');
    assert.equal(process.env.GLUU_TEST_SCENARIO ?? 'with-cluster', 'with-cluster');
  });

  it('the extension is present and activates', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is installed`);
    await ext.activate();
    assert.equal(ext.isActive, true);
  });
});
