// Join Node in the real editor, on the cluster the health test built with the CLI (this file runs
// after it; Verify Cluster adopts that cluster into the editor's run state): the sandbox's third
// node, outside the cluster file, is added with Add Gluu Node… and joined from
// its menu in the Nodes view; the operator confirms, answers setup.py's prompt in the node's
// terminal, and the editor says it has joined; the health report from before says it is outdated
// (idp3 added), and Check Cluster Health then says healthy, idp3's rows included. Then Remove Node
// from the Running Cluster takes it out again, file included.
import assert from 'node:assert/strict';
import {
  answerInTerminal,
  contextMenu,
  inputBox,
  notifications,
  onlyPane,
  openView,
  palette,
  screenshot,
  statusBar,
  terminalSays,
  treeRow,
  treeRows,
  trustSandboxKeys,
  waitUntil,
} from './lib.mjs';

const NEW = 'idp3.gluu.test';

/** Clicks `button` in the modal dialog once it shows `re`. */
async function answerDialog(page, re, button) {
  const dialog = page.locator('.monaco-dialog-box');
  await dialog.filter({ hasText: re }).waitFor({ state: 'visible', timeout: 30000 });
  await dialog.locator('.monaco-button', { hasText: button }).click();
}

const notified = (page, re) => async () => (await notifications(page)).some((t) => re.test(t));

export default [
  {
    name: 'Join Node from the Nodes view: confirm, answer setup.py, joined; health says healthy with the new node; then removed again',
    scenario: 'sandbox',
    timeout: 300000,
    // Goes on in the health test's page: every wait below is for something only this test causes.
    fresh: false,
    fn: async ({ page, sandbox }) => {
      await openView(page, 'Gluu Cluster');
      // The cluster was built with the CLI: Verify Cluster tells the editor which steps hold.
      await palette(page, 'Gluu Cluster: Verify Cluster');
      await trustSandboxKeys(page, sandbox, {
        until: notified(page, /Verify Cluster: \d+ of \d+ step targets hold, 0 do not/),
        timeout: 120000,
      });
      await palette(page, 'Gluu Cluster: Add Gluu Node…');
      await inputBox(page, NEW);
      await inputBox(page, sandbox.hosts[NEW].address);
      await treeRow(page, NEW, { view: 'Nodes' });
      await contextMenu(page, NEW, { view: 'Nodes', click: 'Join Node to the Running Cluster…' });
      await page
        .locator('.monaco-dialog-box', { hasText: /Join idp3\.gluu\.test to the running cluster "sandbox"\?/ })
        .waitFor({ timeout: 30000 });
      await screenshot(page, 'sandbox--join-confirm');
      await answerDialog(page, /Join idp3\.gluu\.test/, /^Join$/);
      // setup.py on the new node asks in its terminal, as in the whole plan.
      await trustSandboxKeys(page, sandbox, { until: terminalSays(page, /Proceed with these values \[Y\|n\]/), timeout: 90000, poll: 100 });
      await answerInTerminal(page, /Proceed with these values \[Y\|n\]/, 'Y');
      await trustSandboxKeys(page, sandbox, { until: notified(page, /idp3\.gluu\.test has joined "sandbox"/), timeout: 180000 });
      await screenshot(page, 'sandbox--joined');

      await onlyPane(page, 'Cluster Health');
      // The report shown was checked before idp3 was in the cluster file: the status bar and the
      // view say so until the next check.
      await statusBar(page, /Gluu: healthy \(outdated\)/, sandbox);
      await page
        .getByText(/^Outdated: checked at .+, before the cluster file changed \(idp3\.gluu\.test added\)\. Check again/)
        .waitFor({ timeout: 10000 });
      await screenshot(page, 'sandbox--health-outdated');
      await palette(page, 'Gluu Cluster: Check Cluster Health');
      await statusBar(page, /checking/, sandbox, 30000);
      const summary = await statusBar(page, /Gluu: (?!checking)/, sandbox);
      const rows = await treeRows(page, 'Cluster Health');
      assert.match(summary, /Gluu: healthy$/, `after the join: ${JSON.stringify(rows)}`);
      await screenshot(page, 'sandbox--health-after-join');

      await openView(page, 'Gluu Cluster');
      await contextMenu(page, NEW, { view: 'Nodes', click: 'Remove Node from the Running Cluster…' });
      await answerDialog(page, /Remove idp3\.gluu\.test from the running cluster "sandbox"\?/, /^Remove from Cluster$/);
      await trustSandboxKeys(page, sandbox, {
        until: notified(page, /idp3\.gluu\.test is out of "sandbox" and of the cluster file/),
        timeout: 120000,
      });
      // The notice comes once the file is edited; the tree re-renders after its own round trip.
      await waitUntil(
        'the Nodes view to no longer list idp3',
        async () => !(await treeRows(page, 'Nodes')).some((r) => r.includes('idp3')),
      );
    },
  },
];
