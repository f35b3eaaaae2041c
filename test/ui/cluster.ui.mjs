// What an operator does with the packaged extension in a real workbench: node menus, the
// palette, the welcome view, step previews, a real confirmation dialog.
//
// Each scenario's tests are one sequence in one page, as an operator would go on (a page costs
// ~7 CPU-s of Chromium and code-server to load, most of these tests' cost): the first test
// starts from the fixture workspace in a freshly loaded page, the others (`fresh: false`) go on
// in it, reading nothing the ones before changed; the one that edits the cluster file for good
// comes last. After a failure the runner gives the next test a fresh page and workspace.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  contextMenu,
  editorText,
  openView,
  palette,
  pane,
  quickPick,
  screenshot,
  treeRow,
  treeRows,
  waitUntil,
  welcomeButtons,
} from './lib.mjs';

const clusterFile = (workspace) => fs.readFileSync(path.join(workspace, 'gluu-cluster.yaml'), 'utf8');

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
    name: 'right-clicking a node shows its actions; the load balancer gets only what applies to it',
    scenario: 'with-cluster',
    fresh: false,
    fn: async ({ page }) => {
      await openView(page, 'Gluu Cluster');
      await treeRow(page, 'idp2.example.org', { view: 'Nodes' });
      const row = await treeRow(page, 'idp2.example.org', { view: 'Nodes' });
      await row.click({ button: 'right' });
      await page.locator('.monaco-menu .action-label').first().waitFor();
      await screenshot(page, 'with-cluster--node-context-menu');
      await page.keyboard.press('Escape');
      const entries = await contextMenu(page, 'idp2.example.org', { view: 'Nodes' });
      for (const e of [
        'Preview Step…',
        'Reveal in Cluster File',
        'Copy Host Name',
        'Copy Address',
        'Set as Primary',
        'Remove Node…',
        'Join Node to the Running Cluster…',
        'Remove Node from the Running Cluster…',
      ]) {
        assert.ok(entries.includes(e), `node menu has "${e}" (has ${JSON.stringify(entries)})`);
      }
      const lb = await contextMenu(page, 'loadbalancer.example.org', { view: 'Nodes' });
      assert.ok(lb.includes('Copy Address'));
      for (const e of ['Set as Primary', 'Remove Node…', 'Join Node to the Running Cluster…', 'Remove Node from the Running Cluster…'])
        assert.ok(!lb.includes(e), `load balancer menu has no "${e}": ${JSON.stringify(lb)}`);
    },
  },
  {
    name: "Preview Step from a step's menu opens the exact commands",
    scenario: 'with-cluster',
    fresh: false,
    fn: async ({ page }) => {
      await openView(page, 'Gluu Cluster');
      await pane(page, 'Clustering Steps');
      await contextMenu(page, '6. Enable replication', { view: 'Clustering Steps', click: 'Preview Step…' });
      const text = await waitUntil('the preview', async () => {
        const t = await editorText(page);
        return /dsreplication enable/.test(t) && t;
      });
      assert.match(text, /Manual: 2\. Replication/);
      await screenshot(page, 'with-cluster--preview-step');
    },
  },
  {
    name: 'Set as Primary from the palette asks for the node, edits the file and stars the node',
    scenario: 'with-cluster',
    fresh: false,
    fn: async ({ page, workspace }) => {
      await palette(page, 'Gluu Cluster: Set as Primary');
      await quickPick(page, 'idp2.example.org');
      await waitUntil('the file to mark idp2 primary', () =>
        /- host: idp2\.example\.org\n {4}address: 138\.197\.65\.243\n {4}primary: true/.test(clusterFile(workspace)),
      );
      await openView(page, 'Gluu Cluster');
      const rows = await waitUntil('the tree to mark idp2 primary', async () => {
        const r = await treeRows(page, 'Nodes');
        return r.includes('idp2.example.org | 138.197.65.243 · primary') && r;
      });
      assert.ok(rows.includes('idp1.example.org | 159.203.126.10 · node, cache :6379'), JSON.stringify(rows));
      await screenshot(page, 'with-cluster--idp2-primary');
      // And back: now only idp1 can be made the primary.
      await palette(page, 'Gluu Cluster: Set as Primary');
      await quickPick(page, 'idp1.example.org');
      await waitUntil('idp1 primary again', () =>
        /- host: idp1\.example\.org\n {4}address: 159\.203\.126\.10\n {4}primary: true/.test(clusterFile(workspace)),
      );
      await waitUntil('the tree to mark idp1 primary again', async () =>
        (await treeRows(page, 'Nodes')).includes('idp1.example.org | 159.203.126.10 · primary, cache :6379'),
      );
    },
  },
  {
    name: 'Remove Node asks in a dialog; "Remove" takes the node out of the file and the tree',
    scenario: 'with-cluster',
    fresh: false,
    fn: async ({ page, workspace }) => {
      await openView(page, 'Gluu Cluster');
      await contextMenu(page, 'idp2.example.org', { view: 'Nodes', click: 'Remove Node…' });
      const dialog = page.locator('.monaco-dialog-box');
      await dialog.waitFor();
      assert.match(await dialog.innerText(), /Remove idp2\.example\.org from the cluster file\?/);
      await screenshot(page, 'with-cluster--remove-dialog');
      await dialog.locator('.monaco-button', { hasText: /^Remove$/ }).click();
      await waitUntil('idp2 gone from the file', () => !clusterFile(workspace).includes('idp2.example.org'));
      await waitUntil(
        'idp2 gone from the tree',
        async () => !(await treeRows(page, 'Nodes')).some((r) => r.startsWith('idp2.example.org')),
      );
      assert.match(
        clusterFile(workspace),
        /# The Gluu Server nodes\. The primary is the one Gluu was installed on first\./,
        'comments kept',
      );
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
  {
    name: 'the welcome view\'s "Create Cluster File" writes the example, opens it and fills the tree',
    scenario: 'empty',
    fresh: false,
    fn: async ({ page, workspace }) => {
      await openView(page, 'Gluu Cluster');
      const buttons = await welcomeButtons(page, 'Nodes');
      await buttons
        .filter({ hasText: /Create Cluster File/i })
        .first()
        .click();
      await waitUntil('the cluster file', () => fs.existsSync(path.join(workspace, 'gluu-cluster.yaml')));
      await waitUntil('the file in an editor', async () => /name: example-cluster/.test(await editorText(page)));
      await treeRow(page, 'idp2.example.org', { view: 'Nodes' });
      const rows = await treeRows(page, 'Nodes');
      assert.deepEqual(rows, [
        'loadbalancer.example.org | 45.55.232.15 · load balancer',
        'idp1.example.org | 159.203.126.10 · primary, cache :6379',
        'idp2.example.org | 138.197.65.243 · node',
      ]);
      await screenshot(page, 'empty--created-cluster-file');
    },
  },
];
