import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID, api } from '../support/helpers';

describe('activation with a cluster file', () => {
  it('activates on workspaceContains:gluu-cluster.yaml without being asked', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext);
    // Nothing in this suite activated it: the workspace's cluster file did.
    const end = Date.now() + 15000;
    while (!ext.isActive && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    assert.ok(ext.isActive);
  });

  it('activates within budget (fails only on a gross regression: 10x the 20 ms / 50 ms budget)', async () => {
    const { timings } = await api();
    console.log(
      `      activation timings: bundle load ${timings.bundleLoadMs?.toFixed(1)} ms, activate ${timings.activateMs.toFixed(1)} ms`,
    );
    assert.ok(typeof timings.bundleLoadMs === 'number', 'bundle load time was measured');
    assert.ok(timings.activateMs < 200, `activate() took ${timings.activateMs} ms`);
    assert.ok(timings.bundleLoadMs < 500, `bundle load took ${timings.bundleLoadMs} ms`);
  });

  it("reads the workspace's cluster file", async () => {
    const a = await api();
    const clusters = await a.workspace.clusters();
    assert.equal(clusters.length, 1);
    assert.equal(clusters[0].parsed.config?.name, 'example-cluster');
  });
});
