// First UI checks of the packaged extension in a real workbench.
import assert from 'node:assert/strict';
import { openView, pane, screenshot, treeRow, treeRows, welcomeButtons } from './lib.mjs';

export default [
  {
    name: 'the Gluu Cluster view shows the Nodes pane with the cluster nodes',
    scenario: 'with-cluster',
    fn: async ({ page }) => {
      await openView(page, 'Gluu Cluster');
      await pane(page, 'Nodes');
      const row = await treeRow(page, 'idp1.example.org', { view: 'Nodes' });
      assert.ok(await row.isVisible());
      const rows = await treeRows(page, 'Nodes');
      assert.ok(
        rows.some((r) => r.includes('idp2.example.org')),
        `rows: ${JSON.stringify(rows)}`,
      );
      await screenshot(page, 'with-cluster--nodes');
    },
  },
  {
    name: 'an empty workspace shows a "Create Cluster File" button in the Nodes view',
    scenario: 'empty',
    fn: async ({ page }) => {
      await openView(page, 'Gluu Cluster');
      const buttons = await welcomeButtons(page, 'Nodes');
      const texts = (await buttons.allInnerTexts()).map((t) => t.trim());
      assert.ok(
        texts.some((t) => /^create cluster file$/i.test(t)),
        `welcome buttons: ${JSON.stringify(texts)}`,
      );
      await screenshot(page, 'empty--welcome');
    },
  },
];
