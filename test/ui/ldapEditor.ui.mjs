// The LDAP editor in the real editor against the sandbox's slapd: opened from a node's menu,
// the certificate dialog with its fingerprint, the three tabs of the webview, switching the cache
// provider to REDIS, the diff and the confirmation, and the value read back from slapd with
// OpenLDAP's own ldapsearch.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { contextMenu, inputBox, openView, palette, quickPick, screenshot, waitForWorkbench, webviewFrame } from './lib.mjs';

// idp2: idp1's row in the Nodes view is also the cache host's, which has no LDAP menu.
const NODE = 'idp2.gluu.test';

/** The appliance entry's cache configuration as slapd stores it. */
function storedCache(sandbox) {
  const l = sandbox.ldap[NODE];
  const out = execFileSync(
    'ldapsearch',
    [
      '-x',
      '-LLL',
      '-o',
      'ldif-wrap=no',
      '-H',
      l.ldapsUrl,
      '-D',
      'cn=directory manager,o=gluu',
      '-y',
      sandbox.ldapPasswordFile,
      '-b',
      'ou=appliances,o=gluu',
      '-s',
      'one',
      '(objectClass=gluuAppliance)',
      'oxCacheConfiguration',
    ],
    {
      encoding: 'utf8',
      env: { ...process.env, LDAPTLS_CACERT: l.certFile },
    },
  );
  return JSON.parse(/^oxCacheConfiguration: (.*)$/m.exec(out)[1]);
}

/**
 * Answers what connecting asks, like an operator: trusts an SSH host key or the LDAP certificate
 * only when the dialog shows the sandbox's fingerprint, types the directory manager password.
 * Returns the dialogs' texts once `until()` holds.
 */
async function answerPrompts(page, sandbox, until, timeout = 60000) {
  const seen = [];
  const end = Date.now() + timeout;
  const dialog = page.locator('.monaco-dialog-box');
  const input = page.locator('.quick-input-widget input[type="password"]');
  while (Date.now() < end) {
    if (await until()) return seen;
    if (await dialog.isVisible().catch(() => false)) {
      const text = await dialog.innerText();
      seen.push(text);
      const fingerprints = [
        ...Object.values(sandbox.hosts).map((h) => h.fingerprint),
        ...Object.values(sandbox.ldap).map((l) => l.fingerprint),
      ];
      assert.ok(
        fingerprints.some((f) => text.includes(f)),
        `the dialog shows a sandbox fingerprint: ${text}`,
      );
      if (/Unknown LDAP certificate/.test(text)) await screenshot(page, 'sandbox--ldap-certificate-dialog');
      await dialog.locator('.monaco-button', { hasText: /Trust and Connect/ }).click();
    } else if (await input.isVisible().catch(() => false)) {
      seen.push(
        `input: ${await page.locator('.quick-input-widget .quick-input-message, .quick-input-widget .quick-input-title').allInnerTexts()}`,
      );
      await inputBox(page, fs.readFileSync(sandbox.ldapPasswordFile, 'utf8'));
    }
    await page.waitForTimeout(200);
  }
  throw new Error(`timed out; prompts so far: ${seen.join(' | ')}`);
}

export default [
  {
    name: "LDAP editor from a node's menu: trust the certificate, switch the cache to REDIS, confirm the diff, read it back from slapd",
    scenario: 'sandbox',
    timeout: 300000,
    fn: async ({ page, sandbox }) => {
      await openView(page, 'Gluu Cluster');
      await contextMenu(page, NODE, { view: 'Nodes', click: 'Edit LDAP Cache & Authentication' });
      let frame;
      const prompts = await answerPrompts(page, sandbox, async () => {
        frame = await webviewFrame(page, '#cache-provider', { timeout: 300 }).catch(() => undefined);
        return frame !== undefined;
      });
      assert.ok(
        prompts.some((p) => /Unknown LDAP certificate on idp2\.gluu\.test/.test(p) && p.includes(sandbox.ldap[NODE].fingerprint)),
        prompts.join('\n---\n'),
      );
      const before = storedCache(sandbox);

      // Cache tab: provider REDIS, two servers (and the warning STANDALONE gets with two).
      await frame.locator('#tab-cache').click();
      await frame.locator('#cache-provider').click();
      await frame.locator('#cache-provider').getByRole('option', { name: 'REDIS', exact: true }).click();
      const servers = frame.locator('#redis-servers .server-field input');
      await servers.first().waitFor();
      await servers.first().fill('idp1.gluu.test:6379');
      await frame.locator('#redis-add-server').click();
      await servers.nth(1).fill('idp2.gluu.test:6379');
      await frame
        .locator('#cache-warning')
        .filter({ hasText: /STANDALONE with 2 servers/ })
        .waitFor();
      await frame.locator('#redis-provider-type').click();
      await frame.locator('#redis-provider-type').getByRole('option', { name: 'CLUSTER', exact: true }).click();
      // The sandbox's directory has no Redis password yet: the form says so (never a value) and offers the action.
      await frame
        .locator('#redis-password-state')
        .filter({ hasText: /^Not set: Gluu cannot use a Redis that requires a password/ })
        .waitFor();
      await frame.locator('#redis-set-password').waitFor();
      await screenshot(page, 'sandbox--ldap-editor-cache-tab');

      await frame.locator('#tab-auth').click();
      await frame.locator('#idp-0-password').waitFor();
      assert.match(await frame.locator('#idp-0-password input').inputValue(), /encrypted — unchanged/);
      assert.equal(await frame.locator('#idp-0-password input').isEditable(), false, 'the bind password is never editable');
      await screenshot(page, 'sandbox--ldap-editor-authentication-tab');

      await frame.locator('#tab-raw').click();
      await frame.locator('#raw-cache').waitFor();
      await screenshot(page, 'sandbox--ldap-editor-raw-json-tab');

      // Save: the diff opens beside the editor and a modal asks before anything is written.
      await frame.locator('#save').click();
      const dialog = page.locator('.monaco-dialog-box');
      await dialog.waitFor({ timeout: 30000 });
      assert.match(await dialog.innerText(), /Write oxCacheConfiguration to the LDAP server of idp2\.gluu\.test\?/);
      const diff = page.locator('.editor-instance .monaco-diff-editor').first();
      await diff.waitFor({ timeout: 10000 });
      await diff.locator('.view-line', { hasText: '"REDIS"' }).first().waitFor({ timeout: 10000 });
      await diff.locator('.view-line', { hasText: '"IN_MEMORY"' }).first().waitFor({ timeout: 10000 });
      await screenshot(page, 'sandbox--ldap-editor-save-diff');
      assert.equal(storedCache(sandbox).cacheProviderType, before.cacheProviderType, 'nothing written before the confirmation');
      await dialog.locator('.monaco-button', { hasText: /Write to LDAP/ }).click();
      await frame.locator('#status', { hasText: /Saved to idp2\.gluu\.test/ }).waitFor({ timeout: 30000 });

      const after = storedCache(sandbox);
      assert.equal(after.cacheProviderType, 'REDIS');
      assert.equal(after.redisConfiguration.servers, 'idp1.gluu.test:6379,idp2.gluu.test:6379');
      assert.equal(after.redisConfiguration.redisProviderType, 'CLUSTER');
      assert.deepEqual(after.memcachedConfiguration, before.memcachedConfiguration, 'fields nobody touched are kept');
      await screenshot(page, 'sandbox--ldap-editor-saved');
      // Closed, so the next tests' pages do not restore it.
      await palette(page, 'View: Close All Editors');
    },
  },
  {
    name: 'LDAP editor from the palette keeps an unsaved edit and its tab when hidden and across a window reload',
    scenario: 'sandbox',
    // Goes on in the page of the test above, which closed its editor (one page load less).
    fresh: false,
    timeout: 300000,
    fn: async ({ page, sandbox }) => {
      await palette(page, 'Gluu Cluster: Edit LDAP Cache & Authentication');
      await quickPick(page, NODE);
      let frame;
      const ready = async () => {
        frame = await webviewFrame(page, '#cache-provider', { timeout: 300 }).catch(() => undefined);
        return frame !== undefined;
      };
      await answerPrompts(page, sandbox, ready);
      await frame.locator('#tab-cache').click();
      await frame.locator('#cache-provider').click();
      await frame.locator('#cache-provider').getByRole('option', { name: 'MEMCACHED', exact: true }).click();
      await frame.locator('#tab-auth').click();
      await frame.locator('#save-hint', { hasText: /^1 unsaved edit$/ }).waitFor();

      // Hidden behind another editor in the same group (the webview is discarded), then shown again.
      await palette(page, 'Gluu Cluster: Open Cluster File');
      await page.locator('.tabs-container .tab', { hasText: 'gluu-cluster.yaml' }).waitFor();
      await page.locator('.tabs-container .tab', { hasText: /^LDAP: sandbox/ }).click();
      await answerPrompts(page, sandbox, ready);
      await frame.locator('#save-hint', { hasText: /^1 unsaved edit$/ }).waitFor();
      assert.equal(await frame.locator('#tab-auth').getAttribute('aria-selected'), 'true', 'the Authentication tab is still the one shown');

      // Developer: Reload Window (a browser reload may not give the workbench time to save its
      // layout): VS Code restores the panel through the serializer, the draft from the state.
      const reloaded = page.waitForEvent('load', { timeout: 30000 });
      await palette(page, 'Developer: Reload Window');
      await reloaded;
      await waitForWorkbench(page);
      await answerPrompts(page, sandbox, ready);
      await frame.locator('#save-hint', { hasText: /^1 unsaved edit$/ }).waitFor({ timeout: 30000 });
      assert.equal(await frame.locator('#tab-auth').getAttribute('aria-selected'), 'true');
      assert.doesNotMatch(await frame.locator('#status').innerText(), /dropped/);
      await frame.locator('#tab-cache').click();
      assert.equal(await frame.locator('#cache-provider').getAttribute('current-value'), 'MEMCACHED');
      await screenshot(page, 'sandbox--ldap-editor-after-reload');
      assert.notEqual(storedCache(sandbox).cacheProviderType, 'MEMCACHED', 'an unsaved edit is not written');
      await palette(page, 'View: Close All Editors');
    },
  },
];
