// Moves for UI tests against the real VS Code workbench (code-server in headless Chromium).
// Every helper waits for what it needs (default 15 s) and throws a readable error otherwise.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const ARTIFACTS_DIR = path.join(PROJECT_ROOT, 'test-artifacts', 'ui');
const T = 15000;

const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const exactly = (text) => (text instanceof RegExp ? text : new RegExp(`^\\s*${escapeRe(text)}\\s*$`));
const containing = (text) => (text instanceof RegExp ? text : new RegExp(escapeRe(text)));

/** Wait until the workbench has rendered (activity bar and status bar are up). */
export async function waitForWorkbench(page, timeout = 60000) {
  await page.locator('.monaco-workbench').waitFor({ timeout });
  await page.locator('.part.activitybar, .part.statusbar').first().waitFor({ timeout });
}

/**
 * Run a command from the command palette (F1): types `text`, picks the entry whose label is
 * exactly `text` (else the first entry containing it) and presses Enter.
 */
export async function palette(page, text, { timeout = T } = {}) {
  const input = page.locator('.quick-input-widget input');
  if (!(await input.isVisible().catch(() => false))) {
    await page.keyboard.press('F1');
  }
  await input.waitFor({ state: 'visible', timeout });
  const rows = page.locator('.quick-input-list .monaco-list-row');
  const exact = rows.filter({ has: page.locator('.label-name', { hasText: exactly(text) }) });
  const loose = rows.filter({ hasText: containing(text) });
  // Commands contributed by extensions may reach the palette a moment after the workbench
  // shows: type the filter again until the entry is there.
  const end = Date.now() + timeout;
  for (;;) {
    await input.fill('>' + text);
    try {
      await loose.first().waitFor({ timeout: Math.max(100, Math.min(2000, end - Date.now())) });
      break;
    } catch {
      if (Date.now() >= end) {
        const shown = await rows.allInnerTexts().catch(() => []);
        await page.keyboard.press('Escape');
        throw new Error(
          `command palette has no entry "${text}" (showing: ${JSON.stringify(shown.slice(0, 8).map((r) => r.split('\n')[0]))})`,
        );
      }
      await input.fill('>');
    }
  }
  // Chosen with the keyboard, as quickPick() does: the filtered row becomes the active one and
  // Enter runs it. A click waits for the row to hold still, and a list still filtering or a
  // hover over it kept "Terminal: Kill All Terminals" moving for 30 s in one run on a busy machine.
  const target = (await exact.count()) ? exact.first() : loose.first();
  const name = (await target.locator('.label-name').first().innerText()).trim();
  await chooseRow(page, name, end);
  // Done when the palette closed, or when the command opened its own quick pick / input box
  // (the same widget, now with other content).
  // (inputValue with a short timeout: a command that reloads the window takes the widget away
  // between the two reads, and inputValue would otherwise wait its default 30 s for one. A read
  // that timed out says nothing about the value: on a busy machine it once ended this wait while
  // the palette still showed the command, and the next palette() found it open, pressed no F1,
  // and then waited for a widget that had closed.)
  const doneBy = Date.now() + timeout;
  while (Date.now() < doneBy) {
    if (!(await input.isVisible().catch(() => false))) return;
    const value = await input.inputValue({ timeout: 200 }).catch(() => undefined);
    if (value !== undefined && value !== '>' + text) return;
    await page.waitForTimeout(50);
  }
  throw new Error(`the command palette still shows "${text}" ${timeout / 1000} s after it was chosen`);
}

/**
 * Moves the open quick input's active row down to the one labelled `name` (the filter normally
 * makes it the first) and presses Enter; fails by `end` (ms) if no row of that name becomes
 * active. Both the command palette and quick picks choose with it.
 */
async function chooseRow(page, name, end) {
  const want = exactly(name);
  const widget = page.locator('.quick-input-widget');
  const focused = widget.locator('.quick-input-list .monaco-list-row.focused .label-name');
  for (;;) {
    // A closed widget keeps its last rows in the page, hidden: reading them would say nothing.
    if (!(await widget.isVisible().catch(() => false))) {
      throw new Error(`the quick input closed before "${name}" was chosen (something took the focus)`);
    }
    const now = (
      await focused
        .first()
        .innerText({ timeout: 500 })
        .catch(() => '')
    ).trim();
    if (want.test(now)) break;
    if (Date.now() >= end) throw new Error(`the list never made "${name}" its active row (active: ${JSON.stringify(now)})`);
    // Nothing active yet: the list is still filling. Another row active: the next one may be ours.
    if (now) await page.keyboard.press('ArrowDown');
    await page.waitForTimeout(50);
  }
  await page.keyboard.press('Enter');
}

/** Pick `label` in the quick pick that is open now (exact label, else the first row containing it). */
export async function quickPick(page, label, { timeout = T } = {}) {
  const rows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
  await rows.first().waitFor({ timeout });
  const exact = rows.filter({ has: page.locator('.label-name', { hasText: exactly(label) }) });
  const loose = rows.filter({ hasText: containing(label) });
  const target = (await exact.count()) ? exact.first() : loose.first();
  if (!(await target.count())) {
    const shown = await rows.allInnerTexts().catch(() => []);
    throw new Error(`quick pick has no "${label}" (showing: ${JSON.stringify(shown.slice(0, 10))})`);
  }
  // Picked with the keyboard, not a click: the hover of the row under the mouse (a long
  // description's tooltip) can cover the next row and take the click. Filter to the row's label,
  // wait until it is the active row, accept it.
  const name = (await target.locator('.label-name').first().innerText()).trim();
  await page.locator('.quick-input-widget input').fill(name);
  await chooseRow(page, name, Date.now() + timeout);
}

/** Answer the input box that is open now: type `value`, press Enter. Returns its validation message, if any. */
export async function inputBox(page, value, { timeout = T } = {}) {
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout });
  // The same widget served the quick pick that may have opened this box: wait until it is an
  // input box (no list), or the value goes into the quick pick's filter and the box opens empty.
  await page.locator('.quick-input-widget .quick-input-list').waitFor({ state: 'hidden', timeout });
  await input.fill(value);
  await page.waitForTimeout(150);
  const message = (
    await page
      .locator('.quick-input-widget .quick-input-message')
      .innerText()
      .catch(() => '')
  ).trim();
  await page.keyboard.press('Enter');
  // Done when the box took the value: it closed, or it now holds another value (a multi-step
  // input's next box, in the same widget), or it refused it with an error. Returning at once let a
  // next inputBox() find this box still open and type its value into it (Add Gluu Node's address
  // went into the name box, and the address box then opened empty).
  const refused = page.locator('.quick-input-widget .monaco-inputbox.error');
  await waitUntil(
    `the input box to take ${JSON.stringify(value)} after Enter`,
    async () =>
      !(await input.isVisible().catch(() => false)) ||
      (await input.inputValue({ timeout: 200 }).catch(() => value)) !== value ||
      (await refused.isVisible().catch(() => false)),
    timeout,
  );
  return message;
}

/** The open side bar's title (e.g. "GLUU CLUSTER" shown, "Gluu Cluster" in the DOM), or null. */
async function sideBarTitle(page) {
  const title = page.locator('.part.sidebar .composite.title .title-label');
  if (
    !(await title
      .first()
      .isVisible()
      .catch(() => false))
  )
    return null;
  return (
    (await title
      .first()
      .innerText()
      .catch(() => '')) || ''
  ).trim();
}

/** Show a view container in the side bar by its title (activity bar icon, else "View: Show <title>"). */
export async function openView(page, title, { timeout = T } = {}) {
  const matches = async () => ((await sideBarTitle(page)) || '').toLowerCase() === title.toLowerCase();
  if (await matches()) return;
  const icon = page.locator(`.part.activitybar .action-item .action-label[aria-label^="${title.replace(/"/g, '\\"')}"]`);
  try {
    await icon.first().waitFor({ timeout: Math.min(timeout, 10000) });
    await icon.first().click();
  } catch {
    await palette(page, `View: Show ${title}`, { timeout });
  }
  const end = Date.now() + timeout;
  while (!(await matches())) {
    if (Date.now() > end) throw new Error(`side bar did not show "${title}" (shows ${JSON.stringify(await sideBarTitle(page))})`);
    await page.waitForTimeout(100);
  }
}

/** The pane (a view inside the open view container) whose header reads `name`; expanded. */
export async function pane(page, name, { timeout = T } = {}) {
  const title = (scope) => scope.locator('.pane-header .title', { hasText: exactly(name) });
  const thePane = page
    .locator('.part.sidebar .pane')
    .filter({ has: title(page) })
    .first();
  try {
    await thePane.waitFor({ timeout });
  } catch {
    const names = await page
      .locator('.part.sidebar .pane-header .title')
      .allInnerTexts()
      .catch(() => []);
    throw new Error(`no view "${name}" in the side bar (views: ${JSON.stringify(names)})`);
  }
  const header = thePane.locator('.pane-header').first();
  if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
  return thePane;
}

/**
 * The pane `name` expanded and every other pane of the side bar collapsed: a tree shows only the
 * rows that fit (the list is virtual), so a test that reads rows far down gives its view the room.
 */
export async function onlyPane(page, name, { timeout = T } = {}) {
  const target = await pane(page, name, { timeout });
  const headers = page.locator('.part.sidebar .pane-header');
  for (let i = 0; i < (await headers.count()); i++) {
    const h = headers.nth(i);
    const title = (
      (await h
        .locator('.title')
        .innerText()
        .catch(() => '')) || ''
    ).trim();
    if (title !== name && (await h.getAttribute('aria-expanded')) === 'true') await h.click();
  }
  return target;
}

/**
 * A tree row by its label (exact label text, or a RegExp), optionally inside the view `view`.
 * Returns the Playwright locator once the row is visible.
 */
export async function treeRow(page, label, { view, timeout = T } = {}) {
  const scope = view ? await pane(page, view, { timeout }) : page.locator('.part.sidebar');
  const row = scope
    .locator('.monaco-list-row')
    .filter({ has: page.locator('.label-name, .monaco-highlighted-label', { hasText: exactly(label) }) })
    .first();
  try {
    await row.waitFor({ state: 'visible', timeout });
  } catch {
    const rows = await scope
      .locator('.monaco-list-row')
      .allInnerTexts()
      .catch(() => []);
    throw new Error(
      `no tree row "${label}"${view ? ` in "${view}"` : ''} (rows: ${JSON.stringify(rows.map((r) => r.replace(/\s+/g, ' ').trim()))})`,
    );
  }
  return row;
}

/** All visible rows of a view, as "label | description" (or just "label"). */
/**
 * Waits until `probe()` returns something truthy (and returns it): for what the workbench shows
 * after the extension changed it (a tree re-renders after its own round trip to the extension
 * host, so it can lag a notification sent after the change).
 */
export async function waitUntil(what, probe, ms = 15000) {
  const end = Date.now() + ms;
  let last;
  while (Date.now() < end) {
    last = await probe();
    if (last) return last;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export async function treeRows(page, view, { timeout = T } = {}) {
  const scope = await pane(page, view, { timeout });
  await scope
    .locator('.monaco-list-row')
    .first()
    .waitFor({ timeout })
    .catch(() => {});
  return scope.locator('.monaco-list-row').evaluateAll((rows) =>
    rows.map((r) => {
      const label = (r.querySelector('.label-name')?.textContent ?? r.textContent ?? '').trim();
      const desc = (r.querySelector('.label-description')?.textContent ?? '').trim();
      return desc ? `${label} | ${desc}` : label;
    }),
  );
}

/**
 * Right-click a tree row and return the context menu's entry texts. With `click`, also
 * chooses that entry; otherwise the menu is closed with Escape.
 */
export async function contextMenu(page, rowLabel, { view, click, timeout = T } = {}) {
  const row = await treeRow(page, rowLabel, { view, timeout });
  await row.click({ button: 'right' });
  const items = page.locator('.monaco-menu .action-item:not(.disabled) .action-label');
  await items.first().waitFor({ timeout });
  const texts = (await items.allInnerTexts()).map((t) => t.trim()).filter(Boolean);
  if (click) {
    const entry = items.filter({ hasText: exactly(click) }).first();
    if (!(await entry.count())) {
      await page.keyboard.press('Escape');
      throw new Error(`context menu of "${rowLabel}" has no "${click}" (entries: ${JSON.stringify(texts)})`);
    }
    // Chosen with the keyboard, not a click: a menu item starts listening for mouse-up only when
    // a 100 ms timer after the menu rendered has run (so the right-click's own mouse-up picks
    // nothing), and on a busy machine that timer can run after Playwright's click, which the
    // item then drops. Arrow keys move the menu's focus to the entry; Enter runs it.
    const focused = page.locator('.monaco-menu .action-item.focused .action-label');
    const end = Date.now() + timeout;
    for (let moves = 0; ; moves++) {
      const now = (await focused.allInnerTexts().catch(() => [])).map((t) => t.trim());
      if (now.length === 1 && exactly(click).test(now[0])) break;
      if (moves > texts.length + 1 || Date.now() > end) {
        await page.keyboard.press('Escape');
        throw new Error(`context menu of "${rowLabel}": the keyboard did not reach "${click}" (focused: ${JSON.stringify(now)})`);
      }
      await page.keyboard.press('ArrowDown');
    }
    await page.keyboard.press('Enter');
    await page.locator('.monaco-menu').first().waitFor({ state: 'hidden', timeout });
  } else {
    await page.keyboard.press('Escape');
  }
  return texts;
}

/** Buttons of a view's welcome content (e.g. "Create Cluster File"). */
export async function welcomeButtons(page, view, { timeout = T } = {}) {
  // Views' welcome content reaches the workbench through a contribution that VS Code creates
  // after the workbench restored (see launchBrowser in scripts/harness/editor.mjs): until then a
  // view with welcome content shows an empty pane, so wait for the workbench's own mark.
  await page.waitForFunction(() => performance.getEntriesByName('code/didCreateWorkbenchContributions/3').length > 0, null, {
    polling: 250,
    timeout: Math.max(timeout, 60000),
  });
  const scope = await pane(page, view, { timeout });
  const buttons = scope.locator('.welcome-view-content .monaco-button');
  await buttons.first().waitFor({ timeout });
  return buttons;
}

/**
 * Text of the active terminal, the one the panel shows and keys go to (needs
 * "terminal.integrated.gpuAcceleration": "off", set by the harness). Not any `.xterm-rows`: the
 * rows of terminals the panel does not show are in the page too, and the first in it is the oldest.
 */
export async function terminalText(page, { timeout = T } = {}) {
  const rows = page.locator('.terminal-wrapper.active .xterm-rows').first();
  await rows.waitFor({ timeout });
  return (await rows.innerText()).replace(/\u00a0/g, ' ');
}

/** Wait until the active terminal shows `text` (string or RegExp); returns the whole terminal text. */
export async function waitForTerminalText(page, text, { timeout = T } = {}) {
  const re = containing(text);
  const end = Date.now() + timeout;
  let last = '';
  while (Date.now() < end) {
    last = await terminalText(page, { timeout: Math.max(500, end - Date.now()) }).catch(() => last);
    if (re.test(last)) return last;
    await page.waitForTimeout(200);
  }
  throw new Error(`terminal did not show ${re} (last: ${JSON.stringify(last.slice(-500))})`);
}

/**
 * Text of the active text editor as Monaco renders it: only the lines in view, with Monaco's
 * non-breaking spaces turned back into spaces. (For a whole file, read it from disk.)
 */
export async function editorText(page, { timeout = T } = {}) {
  const lines = page.locator('.editor-group-container.active .editor-instance .view-lines, .editor-instance .view-lines').first();
  await lines.waitFor({ timeout });
  return (await lines.innerText()).replace(/\u00a0/g, ' ');
}

/** Label of the active editor tab (e.g. "gluu-cluster.yaml"), or null. */
export async function activeEditorTitle(page) {
  const tab = page
    .locator('.editor-group-container.active .tab.active .monaco-icon-name-container, .tab.active .monaco-icon-name-container')
    .first();
  return (await tab.count()) ? (await tab.innerText()).replace(/\s+/g, '').trim() : null;
}

/** The frame (webviews are nested iframes) that contains `selector`. */
export async function webviewFrame(page, selector, { timeout = T } = {}) {
  const end = Date.now() + timeout;
  while (Date.now() < end) {
    for (const f of page.frames()) {
      if (f === page.mainFrame()) continue;
      try {
        if ((await f.locator(selector).count()) > 0) return f;
      } catch {}
    }
    await page.waitForTimeout(200);
  }
  throw new Error(`no webview frame contains ${selector}`);
}

/** Texts of the notification toasts currently shown. */
export async function notifications(page) {
  return (await page.locator('.notifications-toasts .notification-list-item-message').allInnerTexts()).map((t) => t.trim());
}

/** Wait for a notification containing `text`; returns its text. */
export async function waitForNotification(page, text, { timeout = T } = {}) {
  const n = page.locator('.notifications-toasts .notification-list-item-message', { hasText: containing(text) }).first();
  await n.waitFor({ timeout });
  return (await n.innerText()).trim();
}

/** Save a PNG into test-artifacts/ui/<name>.png and return its path. */
export async function screenshot(page, name) {
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const file = path.join(ARTIFACTS_DIR, `${name.replace(/[^\w.-]+/g, '_').slice(0, 120)}.png`);
  await page.screenshot({ path: file });
  return file;
}

/**
 * A log, kept in the page, of what the workbench showed over time: every change of the focused
 * element, the quick input (hidden, or its placeholder and value, a password's never), a dialog
 * and a context menu, read every 100 ms; with the mouse buttons and keys the page received and
 * the window's focus, as they come; the last 60 kept. Installed before the workbench loads (and again after a
 * window reload), so that a failed test's report says what opened, closed or took the focus
 * before it failed, not only what is there at the end.
 */
export async function watchWorkbench(page) {
  await page.addInitScript(() => {
    if (window !== window.top) return; // not in webviews' frames
    const seen = (el) => el instanceof HTMLElement && el.offsetParent !== null;
    const describe = (el) => {
      if (!(el instanceof HTMLElement) || el === document.body) return 'body';
      const parts = [];
      for (let e = el; e && parts.length < 3; e = e.parentElement) {
        const cls = [...e.classList].slice(0, 2).join('.');
        if (cls) parts.push(cls);
      }
      const label = el.getAttribute('aria-label') ?? el.getAttribute('placeholder');
      return parts.join('<') + (label ? ` "${label.slice(0, 60)}"` : '');
    };
    const snapshot = () => {
      const widget = document.querySelector('.quick-input-widget');
      const input = widget?.querySelector('input');
      const dialog = [...document.querySelectorAll('.monaco-dialog-box')].find(seen);
      return [
        `focus ${describe(document.activeElement)}`,
        seen(widget)
          ? `quick input "${input?.getAttribute('placeholder') ?? ''}" = "${input?.type === 'password' ? '(a password)' : (input?.value ?? '')}"`
          : 'no quick input',
        dialog ? `dialog "${dialog.innerText.replace(/\s+/g, ' ').slice(0, 80)}"` : '',
        [...document.querySelectorAll('.monaco-menu')].some(seen) ? 'menu' : '',
      ]
        .filter(Boolean)
        .join(' · ');
    };
    const log = (window.__workbenchLog = []);
    const t0 = Date.now();
    let previous = '';
    let times = 1;
    const add = (line) => {
      const at = `${((Date.now() - t0) / 1000).toFixed(1)} s: `;
      // A typed value is a run of the same line: one line, counted.
      if (line === previous && log.length) {
        log[log.length - 1] = `${at}${line} (${++times} times)`;
        return;
      }
      previous = line;
      times = 1;
      log.push(at + line);
      if (log.length > 60) log.shift();
    };
    let last = '';
    setInterval(() => {
      const now = snapshot();
      if (now === last) return;
      last = now;
      add(now);
    }, 100);
    // The input the page received and the window's own focus, as they come (a menu that closed
    // 0.1 s after it opened left no trace of why in the samples alone). Keys are named, never
    // spelled: a test may type a password.
    for (const type of ['mousedown', 'mouseup', 'contextmenu', 'keydown']) {
      window.addEventListener(
        type,
        (e) => {
          const what = type === 'keydown' ? (e.key.length === 1 ? 'a character' : e.key) : `button ${e.button}`;
          add(`${type} ${what} on ${describe(e.target)}`);
        },
        true,
      );
    }
    window.addEventListener('blur', (e) => e.target === window && add('window blur'));
    window.addEventListener('focus', (e) => e.target === window && add('window focus'));
  });
}

/** What watchWorkbench() saw, and what the notifications say now: for a failed test's report. */
export async function workbenchState(page) {
  return page
    .evaluate(() => {
      const notes = [...document.querySelectorAll('.notifications-toasts .notification-list-item-message')]
        .filter((el) => el.offsetParent !== null)
        .map((el) => el.innerText.replace(/\s+/g, ' ').slice(0, 120));
      return [...(window.__workbenchLog ?? ['(no log)']), `notifications: ${JSON.stringify(notes)}`].join('\n');
    })
    .catch((e) => `(workbench state unreadable: ${e.message.split('\n')[0]})`);
}

/**
 * Close quick inputs, menus and dialogs left open (Escape a few times). Not from inside a terminal:
 * there Escape is typed into it, and a finished step's terminal ("press any key to close") then
 * closes, a moment later, taking the focus from whatever the next test opened meanwhile (the
 * command palette closed under closeTerminals() in 2 runs of 4 on a busy machine).
 */
export async function dismissAll(page) {
  await page
    .evaluate(() => {
      const active = document.activeElement;
      if (active instanceof HTMLElement && active.closest('.terminal-wrapper')) active.blur();
    })
    .catch(() => {});
  for (let i = 0; i < 3; i++) await page.keyboard.press('Escape').catch(() => {});
}

/**
 * Waits until `until()` holds, answering trust dialogs meanwhile as an operator would: an SSH host
 * key is trusted only when the dialog shows a sandbox host's address and fingerprint, an LDAP
 * certificate only when it shows a sandbox node's certificate fingerprint.
 */
export async function trustSandboxKeys(page, sandbox, { until, timeout = 30000, poll = 200 }) {
  const end = Date.now() + timeout;
  const dialog = page.locator('.monaco-dialog-box');
  while (Date.now() < end) {
    if (await until()) return;
    if (await dialog.isVisible().catch(() => false)) {
      const text = await dialog.innerText();
      if (/Unknown SSH host key/.test(text)) {
        const host = Object.values(sandbox.hosts).find((h) => text.includes(h.fingerprint) && text.includes(h.address));
        assert.ok(host, `dialog shows a sandbox host's fingerprint: ${text}`);
        await screenshot(page, 'sandbox--host-key-dialog');
        await dialog.locator('.monaco-button', { hasText: /Trust and Connect/ }).click();
      } else if (/Unknown LDAP certificate/.test(text)) {
        assert.ok(
          Object.values(sandbox.ldap).some((l) => text.includes(l.fingerprint)),
          `dialog shows a sandbox node's certificate fingerprint: ${text}`,
        );
        await dialog.locator('.monaco-button', { hasText: /Trust and Connect/ }).click();
      }
    }
    await page.waitForTimeout(poll);
  }
  // What the editor shows instead: a test that waited on another's state (a password it stored,
  // say) then says what it met.
  const visible = async (sel) => {
    const element = page.locator(sel).first();
    if (!(await element.isVisible().catch(() => false))) return '';
    return (await element.innerText().catch(() => '')).replace(/\s+/g, ' ').trim();
  };
  const shown = { dialog: await visible('.monaco-dialog-box'), input: await visible('.quick-input-widget') };
  throw new Error(`timed out after ${timeout / 1000} s (on screen: ${JSON.stringify(shown)})`);
}

/**
 * Answer a prompt where the keys go: once the ACTIVE terminal shows `prompt` (terminalSays is true
 * as soon as any terminal's rows hold it), click that terminal, type `answer` and Enter. (The
 * caller checks what the answer did: a step's terminal replaces the program's output with its summary.)
 */
export async function answerInTerminal(page, prompt, answer, { timeout = T } = {}) {
  await waitForTerminalText(page, prompt, { timeout });
  await page.locator('.terminal-wrapper.active .xterm').first().click();
  await page.keyboard.type(answer);
  await page.keyboard.press('Enter');
}

/**
 * Kills every terminal and waits until the panel has none: a test that goes on in the page of
 * the test before (`fresh: false`) starts from here, so what a terminal shows is its own.
 */
export async function closeTerminals(page) {
  await palette(page, 'Terminal: Kill All Terminals');
  await page.locator('.terminal-wrapper').first().waitFor({ state: 'detached', timeout: 15000 });
}

/** True when any terminal on screen shows `re` (a step's terminal need not be the active one). */
export const terminalSays = (page, re) => async () => {
  const texts = await page
    .locator('.xterm-rows')
    .allInnerTexts()
    .catch(() => []);
  return texts.some((t) => re.test(t.replace(/\u00a0/g, ' ')));
};

/** The Gluu status bar item's text once it matches `re` (trust dialogs meanwhile answered: trustSandboxKeys). */
export async function statusBar(page, re, sandbox, timeout = 90000) {
  const item = page.locator('.statusbar-item', { hasText: /Gluu:/ }).first();
  const text = async () => (await item.innerText({ timeout: 500 }).catch(() => '')).trim();
  try {
    await trustSandboxKeys(page, sandbox, { until: async () => re.test(await text()), timeout });
  } catch (e) {
    if (e.message !== 'timed out') throw e;
    throw new Error(`the status bar never showed ${re} (shows ${JSON.stringify(await text())})`, { cause: e });
  }
  return text();
}
