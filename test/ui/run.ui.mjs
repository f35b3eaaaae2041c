// Running steps in the real editor against the built-in sandbox cluster (real sshd hosts):
// from a node's menu and from the palette, the host key dialog with its fingerprint, the
// step's terminal and summary, the Steps view turning done, Ctrl+C cancelling a long step.
// The sandbox's tests are one sequence in one page (`fresh: false`), from the LDAP editor's to
// Join Node: a page load is most of a short test's cost (~7 CPU-s). Each of these starts by
// closing the terminals, so what a terminal shows is its own; after a failure the runner gives
// the next test a fresh page.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import {
  answerInTerminal,
  closeTerminals,
  contextMenu,
  dismissAll,
  inputBox,
  onlyPane,
  openView,
  palette,
  pane,
  quickPick,
  screenshot,
  terminalSays,
  treeRows,
  trustSandboxKeys,
  waitForNotification,
  waitForTerminalText,
} from './lib.mjs';

// Commands run as a lab host (its namespaces and files): the sandbox's own tooling.
const lab = createRequire(import.meta.url)('../../scripts/lab/netns.cjs');

/** Waits for a row of `view` that matches `re`; returns it (or undefined when none came). */
async function waitForRow(page, view, re, timeout = 15000) {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    const row = (await treeRows(page, view)).find((r) => re.test(r));
    if (row) return row;
    await page.waitForTimeout(200);
  }
  return undefined;
}

/** The text of whichever terminal shows `re` (the step's terminal need not be the active one). */
async function anyTerminalText(page, re, timeout = 30000) {
  const end = Date.now() + timeout;
  while (Date.now() < end) {
    const texts = (
      await page
        .locator('.xterm-rows')
        .allInnerTexts()
        .catch(() => [])
    ).map((t) => t.replace(/\u00a0/g, ' '));
    const hit = texts.find((t) => re.test(t));
    if (hit) return hit;
    await page.waitForTimeout(200);
  }
  throw new Error(`no terminal showed ${re}`);
}

export default [
  {
    name: "Run Step from a node's menu: trust the host key, watch the terminal, read the summary",
    scenario: 'sandbox',
    timeout: 120000,
    fresh: false,
    fn: async ({ page, sandbox }) => {
      await closeTerminals(page);
      // A node whose /etc/hosts knows only itself (the lab's names the others): the step has work there.
      const fresh = await lab.runAs(sandbox.lab, 'idp2', 'sh', ['-c', "printf '127.0.0.1 localhost\\n' > /etc/hosts"]);
      assert.equal(fresh.code, 0, fresh.stderr);
      await openView(page, 'Gluu Cluster');
      await contextMenu(page, 'idp2.gluu.test', { view: 'Nodes', click: 'Run Step…' });
      await quickPick(page, '1. Host names');
      await trustSandboxKeys(page, sandbox, { until: terminalSays(page, /hosts: done/) });
      const text = await waitForTerminalText(page, /✓ idp2\.gluu\.test: done, verified/);
      assert.match(text, /idp2\.gluu\.test +│ ▶ write the cluster hosts into \/etc\/hosts/);
      await screenshot(page, 'sandbox--run-from-node-menu');
    },
  },
  {
    name: 'Run Step from the palette turns the step done in the Steps view',
    scenario: 'sandbox',
    timeout: 120000,
    fresh: false,
    fn: async ({ page, sandbox }) => {
      await closeTerminals(page);
      // Host names ran on idp2 alone (the test above): the step is partly run until every host has it.
      await openView(page, 'Gluu Cluster');
      await pane(page, 'Clustering Steps');
      assert.ok(await waitForRow(page, 'Clustering Steps', /^1\. Host names \| partly run · /), 'partly run after one host');
      await palette(page, 'Gluu Cluster: Run Step…');
      await quickPick(page, '1. Host names');
      await trustSandboxKeys(page, sandbox, { until: terminalSays(page, /hosts: done/) });
      const row = await waitForRow(page, 'Clustering Steps', /^1\. Host names \| done · /);
      assert.match(
        row ?? JSON.stringify(await treeRows(page, 'Clustering Steps')),
        /^1\. Host names \| done · hosts — idp1\.gluu\.test, idp2\.gluu\.test, lb\.gluu\.test$/,
      );
      await screenshot(page, 'sandbox--steps-view-done');
    },
  },
  {
    name: 'A step whose prerequisite has not run is refused; marked done by hand it runs, and Ctrl+C cancels it',
    scenario: 'sandbox',
    timeout: 150000,
    fresh: false,
    fn: async ({ page, sandbox }) => {
      await closeTerminals(page);
      // Update keystores needs Copy certificates, which has not run: refused, with the reason.
      await palette(page, 'Gluu Cluster: Run Step…');
      await page.locator('.quick-input-widget input').fill('keystores');
      await quickPick(page, '19. Update keystores');
      await waitForNotification(page, /"Update keystores" \(keystores\) cannot run yet: "Copy certificates" \(certs\) has not run/);
      await screenshot(page, 'sandbox--prerequisite-refused');
      await dismissAll(page);
      // The operator copied the certificates by hand: Mark Step as Done, with the reason.
      await palette(page, 'Gluu Cluster: Mark Step as Done…');
      await page.locator('.quick-input-widget input').fill('certs');
      await quickPick(page, '18. Copy certificates');
      await inputBox(page, 'copied /etc/certs by hand');
      await openView(page, 'Gluu Cluster');
      await onlyPane(page, 'Clustering Steps');
      const marked = await waitForRow(page, 'Clustering Steps', /^18\. Copy certificates \| done by hand · /);
      assert.ok(marked, 'the step shows done by hand');
      // keytool on the nodes held for a minute by a wrapper that leaves a mark: Ctrl+C goes once
      // both nodes are inside the step, however fast the machine (the step takes a few seconds).
      const KEYTOOL = '/opt/jre/bin/keytool';
      const HELD = '/root/.gluu-ui-keytool-held';
      const hold = `rm -f ${HELD} && mv ${KEYTOOL} ${KEYTOOL}.real && printf '#!/bin/sh\\ntouch ${HELD}\\nsleep 60\\nexec ${KEYTOOL}.real "$@"\\n' > ${KEYTOOL} && chmod 755 ${KEYTOOL}`;
      const bothHeld = async () => {
        for (const n of ['idp1', 'idp2']) if ((await lab.runAs(sandbox.lab, n, 'test', ['-e', HELD])).code !== 0) return false;
        return true;
      };
      for (const n of ['idp1', 'idp2']) {
        const r = await lab.runAs(sandbox.lab, n, 'sh', ['-c', hold]);
        assert.equal(r.code, 0, r.stderr);
      }
      try {
        await palette(page, 'Gluu Cluster: Run Step…');
        await page.locator('.quick-input-widget input').fill('keystores');
        await quickPick(page, '19. Update keystores');
        await trustSandboxKeys(page, sandbox, { until: bothHeld, poll: 100 });
        await page.locator('.terminal-wrapper.active .xterm').first().click();
        await page.keyboard.press('Control+C');
        const text = await anyTerminalText(page, /\(keystores: cancelled in [\d.]+ s — press any key to close\)/);
        assert.match(text, /not run: /);
        assert.doesNotMatch(text, /FAILED/, 'cancelled, not failed');
        await screenshot(page, 'sandbox--cancelled');
      } finally {
        for (const n of ['idp1', 'idp2']) await lab.runAs(sandbox.lab, n, 'sh', ['-c', `mv -f ${KEYTOOL}.real ${KEYTOOL}; rm -f ${HELD}`]);
      }
    },
  },
  {
    name: 'Run setup.py opens a terminal on the node where the operator answers its prompt',
    scenario: 'sandbox',
    timeout: 120000,
    fresh: false,
    fn: async ({ page, sandbox }) => {
      await closeTerminals(page);
      await palette(page, 'Gluu Cluster: Run Step…');
      await quickPick(page, '3. Copy setup.properties');
      await trustSandboxKeys(page, sandbox, { until: terminalSays(page, /setup-properties: done/) });
      await palette(page, 'Gluu Cluster: Run Step…');
      await quickPick(page, '4. Run setup.py');
      await trustSandboxKeys(page, sandbox, { until: terminalSays(page, /Proceed with these values \[Y\|n\]/), poll: 100 });
      await screenshot(page, 'sandbox--setup-py-prompt');
      await answerInTerminal(page, /Proceed with these values \[Y\|n\]/, 'Y');
      await trustSandboxKeys(page, sandbox, { until: terminalSays(page, /run-setup: done/), poll: 100 });
      const done = await page.locator('.xterm-rows').allInnerTexts();
      assert.ok(
        done.some((t) => /✓ idp2\.gluu\.test: done, verified/.test(t.replace(/\u00a0/g, ' '))),
        JSON.stringify(done),
      );
    },
  },
];
