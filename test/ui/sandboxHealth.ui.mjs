// Cluster Health in the real editor, on the sandbox the other sandbox tests used (this file runs
// after theirs: it builds the whole cluster, which their steps expect not to be): the cluster is
// built with the CLI (as an operator might have built it by hand), then the editor checks it. The
// passwords are not stored in the editor yet: the rows that need one say so and offer "Enter the
// Password and Check Again…". Then the status bar says "Gluu: healthy"; with nginx stopped on the
// load balancer it says critical and the view names the load balancer. Screenshots of both.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import {
  closeTerminals,
  contextMenu,
  inputBox,
  onlyPane,
  openView,
  pane,
  palette,
  PROJECT_ROOT,
  screenshot,
  statusBar,
  treeRows,
  waitUntil,
} from './lib.mjs';

const lab = createRequire(import.meta.url)('../../scripts/lab/netns.cjs');
const REDIS_PASSWORD = 'r3d!s "ui" $x';

/** A Cluster Health row whose "label | description" matches `re`, once there is one. */
async function healthRow(page, re, timeout = 30000) {
  const end = Date.now() + timeout;
  let rows = [];
  while (Date.now() < end) {
    rows = await treeRows(page, 'Cluster Health');
    const hit = rows.find((r) => re.test(r));
    if (hit) return hit;
    await page.waitForTimeout(200);
  }
  throw new Error(`no Cluster Health row matches ${re}: ${JSON.stringify(rows)}`);
}

/**
 * Enter the Password and Check Again… on a row that needs one, answering the password box by what
 * it asks for; returns the status bar after the new check.
 */
async function enterPasswordOn(page, sandbox, passwords) {
  const row = await healthRow(page, /needs a password that is not stored/);
  await contextMenu(page, row.split(' | ')[0], { view: 'Cluster Health', click: 'Enter the Password and Check Again…' });
  const widget = page.locator('.quick-input-widget');
  await widget.waitFor({ state: 'visible', timeout: 15000 });
  const asks = await widget.innerText();
  const password = /Directory Manager/.test(asks) ? passwords.ldap : /Redis/.test(asks) ? passwords.redis : undefined;
  assert.ok(password !== undefined, `the password box asks for something else: ${asks}`);
  await inputBox(page, password);
  // The check runs again: the status bar spins, then shows its result.
  await statusBar(page, /checking/, sandbox, 30000);
  return statusBar(page, /^\S* ?Gluu: (?!checking)/, sandbox);
}

export default [
  {
    name: 'Cluster Health: passwords asked from the rows that need them, then healthy; nginx stopped turns the status bar critical',
    scenario: 'sandbox',
    timeout: 300000,
    // Goes on in the run tests' page, their terminals closed (the health view gets the room).
    fresh: false,
    fn: async ({ page, sandbox }) => {
      await closeTerminals(page);
      const ldapPassword = fs.readFileSync(sandbox.ldapPasswordFile, 'utf8');
      const built = spawnSync(
        process.execPath,
        [
          path.join(PROJECT_ROOT, 'dist', 'cli.js'),
          'run',
          '--yes',
          '--config',
          sandbox.clusterFile,
          '--trust-new-host-keys',
          '--ldap-cert-fingerprint',
          sandbox.ldap['idp1.gluu.test'].fingerprint,
        ],
        {
          encoding: 'utf8',
          env: { ...process.env, GLUU_CLUSTER_LDAP_ADMIN_PASSWORD: ldapPassword, GLUU_CLUSTER_REDIS_PASSWORD: REDIS_PASSWORD },
        },
      );
      assert.equal(built.status, 0, `${built.stdout}${built.stderr}`);

      await openView(page, 'Gluu Cluster');
      await onlyPane(page, 'Cluster Health');
      await palette(page, 'Gluu Cluster: Check Cluster Health');
      await statusBar(page, /Gluu: .*unknown/, sandbox);
      // The LDAP rows and the Redis row each need their password: asked from whichever row says so.
      const passwords = { ldap: ldapPassword, redis: REDIS_PASSWORD };
      if (!/healthy/.test(await enterPasswordOn(page, sandbox, passwords))) await enterPasswordOn(page, sandbox, passwords);
      const healthy = await statusBar(page, /Gluu: healthy/, sandbox);
      assert.match(healthy, /Gluu: healthy/);
      // The tree re-renders after its own round trip to the extension host: it can lag the status bar.
      let groups = [];
      const GROUPS = [
        'Hosts',
        'LDAP replication',
        'Files (csync2)',
        'Load balancer',
        'Web applications',
        'Cache',
        'Drift from the cluster file',
        'Certificates',
      ];
      const allOk = () => GROUPS.every((g) => groups.some((r) => r.startsWith(`${g} | `) && / ok$/.test(r)));
      await waitUntil('every group of the view ok', async () => allOk((groups = await treeRows(page, 'Cluster Health')))).catch((e) =>
        assert.fail(`${e.message}: ${JSON.stringify(groups)}`),
      );
      await screenshot(page, 'sandbox--health-healthy');

      const stopped = await lab.runAs(sandbox.lab, 'lb', 'sh', ['-c', 'nginx -s stop']);
      assert.equal(stopped.code, 0, stopped.stderr);
      try {
        await palette(page, 'Gluu Cluster: Check Cluster Health');
        const bad = await statusBar(page, /Gluu: \d+ critical/, sandbox);
        assert.match(bad, /critical/);
        const row = await healthRow(page, /^lb\.gluu\.test — nginx \| .*lb\.gluu\.test/);
        assert.match(row, /not running|stopped|does not run/i);
        // The Nodes view says it too: the load balancer's row (its icon red) reads "Cluster Health:
        // 2 critical…" to a screen reader and in its tooltip; the nodes' rows say healthy.
        const nodeLabels = () =>
          pane(page, 'Nodes').then((p) =>
            p.locator('.monaco-list-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('aria-label'))),
          );
        let labels = [];
        await waitUntil('the Nodes view to show the load balancer critical', async () =>
          (labels = await nodeLabels()).some((l) => /^lb\.gluu\.test, .*load balancer\. Cluster Health: \d+ critical/.test(l ?? '')),
        ).catch((e) => assert.fail(`${e.message}: ${JSON.stringify(labels)}`));
        assert.ok(
          labels.filter((l) => /^idp\d/.test(l ?? '')).every((l) => /\. Cluster Health: healthy, checked at /.test(l)),
          `only the load balancer has a problem: ${JSON.stringify(labels)}`,
        );
        await screenshot(page, 'sandbox--health-critical');
      } finally {
        // Its own output away from ours: the daemon keeps what it inherits open, and we would wait on it.
        const started = await lab.runAs(sandbox.lab, 'lb', 'sh', ['-c', 'nginx </dev/null >/dev/null 2>&1']);
        assert.equal(started.code, 0, started.stderr);
      }
      await palette(page, 'Gluu Cluster: Check Cluster Health');
      await statusBar(page, /Gluu: healthy/, sandbox);
    },
  },
];
