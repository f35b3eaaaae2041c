import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { api, clusterFileUri, nodeRows, readFile, waitFor, writeFile, writeFileSynced } from '../support/helpers';

describe('Nodes and Clustering Steps views', () => {
  let original = '';
  before(async () => {
    original = await readFile(clusterFileUri());
  });
  afterEach(async () => {
    // Put the file back as it was, on disk and in any open editor.
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await writeFileSynced(clusterFileUri(), original);
    const a = await api();
    await a.workspace.refresh();
  });

  it('Nodes lists the load balancer and the nodes of the file, primary first, the cache as a role of its node', async () => {
    const a = await api();
    assert.deepEqual(await nodeRows(a), [
      'loadbalancer.example.org | 45.55.232.15 · load balancer',
      'idp1.example.org | 159.203.126.10 · primary, cache :6379',
      'idp2.example.org | 138.197.65.243 · node',
    ]);
    const items = await a.nodes.getChildren();
    const primary = a.nodes.getTreeItem(items[1]);
    assert.equal(primary.contextValue, 'gluu.node.primary.cache');
    assert.equal((primary.iconPath as vscode.ThemeIcon).id, 'star-full');
    assert.match((primary.tooltip as vscode.MarkdownString).value, /SSH: `root@idp1\.example\.org`/);
    assert.match((primary.tooltip as vscode.MarkdownString).value, /— primary, cache\n/);
  });

  it("Clustering Steps lists the manual's steps with their targets", async () => {
    const a = await api();
    const steps = await a.steps.getChildren();
    // The manual's 16, and the three OpenLDAP replication steps (which say they do not apply here).
    assert.equal(steps.length, 21);
    const rows = steps.map((s) => {
      const t = a.steps.getTreeItem(s);
      return `${t.label} | ${t.description}`;
    });
    assert.equal(rows[0], '1. Host names | hosts — idp1.example.org, idp2.example.org, loadbalancer.example.org');
    assert.equal(rows[5], '6. Enable replication | replication-enable — idp1.example.org ↔ idp2.example.org');
    assert.equal(rows[9], '10. Open OpenLDAP to the cluster | does not apply: only for OpenLDAP; this cluster uses OpenDJ');
    assert.equal(rows[19], '20. LDAP failover for Gluu | ox-ldap-servers — idp1.example.org, idp2.example.org');
    assert.equal(rows[20], '21. Restart Gluu | restart — idp1.example.org, idp2.example.org');
  });

  it('refreshes when the file changes in an unsaved editor', async () => {
    const a = await api();
    const doc = await vscode.workspace.openTextDocument(clusterFileUri());
    await vscode.window.showTextDocument(doc);
    const edit = new vscode.WorkspaceEdit();
    const at = doc.getText().indexOf('138.197.65.243');
    edit.replace(doc.uri, new vscode.Range(doc.positionAt(at), doc.positionAt(at + '138.197.65.243'.length)), '138.197.65.99');
    assert.ok(await vscode.workspace.applyEdit(edit, { isRefactoring: false }));
    assert.ok(doc.isDirty);
    await waitFor('the tree to show the unsaved address', async () =>
      (await nodeRows(a)).includes('idp2.example.org | 138.197.65.99 · node'),
    );
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it('refreshes when the file changes on disk', async () => {
    const a = await api();
    await writeFile(clusterFileUri(), original.replace('idp2.example.org', 'idp9.example.org'));
    await waitFor('the tree to show the renamed node', async () =>
      (await nodeRows(a)).includes('idp9.example.org | 138.197.65.243 · node'),
    );
  });

  it('a broken file shows one error item and diagnostics at the line in the Problems panel', async () => {
    const a = await api();
    const broken = original.replace('    address: 138.197.65.243', '    adress: 138.197.65.243');
    await writeFile(clusterFileUri(), broken);
    const diags = await waitFor('diagnostics', () => {
      const d = vscode.languages.getDiagnostics(clusterFileUri());
      return d.length > 0 && d;
    });
    const line = broken.split('\n').findIndex((l) => l.includes('adress:'));
    const typo = diags.find((d) => d.message.includes('unknown key "adress" (did you mean "address"?)'));
    assert.ok(typo, diags.map((d) => d.message).join('; '));
    assert.equal(typo.range.start.line, line);
    assert.equal(typo.range.start.character, 4);
    assert.equal(typo.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(typo.source, 'Gluu Cluster');
    const items = await a.nodes.getChildren();
    assert.equal(items.length, 1);
    assert.equal(items[0].kind, 'error');
    // Clicking it opens the file at the first problem.
    const t = a.nodes.getTreeItem(items[0]);
    await vscode.commands.executeCommand(t.command!.command, ...(t.command!.arguments ?? []));
    const editor = await waitFor('the cluster file editor', () => vscode.window.activeTextEditor);
    assert.equal(editor.document.uri.toString(), clusterFileUri().toString());
    assert.equal(editor.selection.start.line, diags[0].range.start.line);
    // Fixing it clears the diagnostics.
    await writeFile(clusterFileUri(), original);
    await waitFor('diagnostics to clear', () => vscode.languages.getDiagnostics(clusterFileUri()).length === 0);
  });
});
