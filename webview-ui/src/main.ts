/**
 * The LDAP editor webview: wiring and messaging. The host (src/vscode/ldap) reads the appliance
 * entry and posts snapshots; this page lets the operator edit them and posts edits back. It never
 * talks to LDAP and never sees a password. Protocol: src/core/ldap/protocol.ts.
 */
import {
  provideVSCodeDesignSystem,
  vsCodeButton,
  vsCodeCheckbox,
  vsCodeDivider,
  vsCodeDropdown,
  vsCodeOption,
  vsCodePanels,
  vsCodePanelTab,
  vsCodePanelView,
  vsCodeProgressRing,
  vsCodeTextArea,
  vsCodeTextField,
} from '@vscode/webview-ui-toolkit';
import type { HostToWebview, WebviewState, WebviewToHost } from '../../src/core/ldap/protocol';
import { AuthTab } from './authTab';
import { CacheTab } from './cacheTab';
import { vsCodeCspSafeTag } from './cspSafeTag';
import type { EditorContext } from './context';
import { button, el, show } from './dom';
import { Header } from './header';
import { RawTab } from './rawTab';
import { Store } from './state';

provideVSCodeDesignSystem().register(
  vsCodeButton(),
  vsCodeCheckbox(),
  vsCodeDivider(),
  vsCodeDropdown(),
  vsCodeOption(),
  vsCodePanels(),
  vsCodePanelTab(),
  vsCodePanelView(),
  vsCodeProgressRing(),
  vsCodeCspSafeTag(),
  vsCodeTextArea(),
  vsCodeTextField(),
);

const vscode = acquireVsCodeApi<WebviewState>();
const post = (m: WebviewToHost): void => vscode.postMessage(m);
const store = new Store(vscode, (state) => post({ type: 'state', state }));

const TABS = ['tab-cache', 'tab-auth', 'tab-raw'];

const app = document.getElementById('app') ?? document.body.appendChild(el('div', { id: 'app' }));

// Until the first snapshot: a ring, or why loading failed.
const loadingText = el('span', { text: 'Loading…' });
const loadingView = el('div', { id: 'loading', class: 'loading', attrs: { role: 'status' } }, [
  el('vscode-progress-ring', { attrs: { 'aria-label': 'Loading' } }),
  loadingText,
]);
const loadErrorText = el('p', { class: 'load-error-text' });
const loadError = el('div', { id: 'load-error', class: 'banner error', attrs: { role: 'alert' } }, [
  el('strong', { text: 'Could not load the LDAP entry.' }),
  loadErrorText,
  button('Retry', { id: 'retry', onClick: () => post({ type: 'reload' }) }),
]);
show(loadError, false);

const header = new Header({
  store,
  post,
  discardAndReload: () => {
    store.clearDrafts();
    rerender();
    post({ type: 'reload' });
  },
});

const ctx: EditorContext = {
  store,
  edited(key, from, dropped) {
    if (dropped) {
      header.setStatus(dropped);
      // The other view of this value showed the draft that was just dropped: rebuild it.
      if (from === 'form') rawTab.renderValue(key);
      else if (key === 'cache') cacheTab.render();
      else authTab.renderValue(Number(key.slice(4)));
    }
    cacheTab.refresh();
    authTab.refresh();
    rawTab.refresh();
    header.update();
  },
  showTab(tabId) {
    (panels as HTMLElement & { activeid: string }).activeid = tabId;
  },
  post,
};

const cacheTab = new CacheTab(ctx);
const authTab = new AuthTab(ctx);
const rawTab = new RawTab(ctx);

const panels = el('vscode-panels', { id: 'tabs', attrs: { 'aria-label': 'Values' } }, [
  el('vscode-panel-tab', { id: 'tab-cache', text: 'Cache' }),
  el('vscode-panel-tab', { id: 'tab-auth', text: 'Authentication' }),
  el('vscode-panel-tab', { id: 'tab-raw', text: 'Raw JSON' }),
  el('vscode-panel-view', { id: 'view-cache' }, [cacheTab.element]),
  el('vscode-panel-view', { id: 'view-auth' }, [authTab.element]),
  el('vscode-panel-view', { id: 'view-raw' }, [rawTab.element]),
]);
if (store.tab && TABS.includes(store.tab)) panels.setAttribute('activeid', store.tab);
panels.addEventListener('change', (e) => {
  // Dropdowns and checkboxes inside the panels emit bubbling "change" events too.
  if (e.target !== panels) return;
  const id = (panels as HTMLElement & { activeid?: string }).activeid;
  if (id && id !== store.tab) {
    store.tab = id;
    store.persist();
  }
});

const editor = el('div', { id: 'editor', class: 'editor' }, [header.element, panels]);
show(editor, false);
app.replaceChildren(loadError, loadingView, editor);

function rerender(): void {
  cacheTab.render();
  authTab.render();
  rawTab.render();
  header.update();
}

/** Set by "saved" until the snapshot that follows it arrives. */
let justSaved = false;

function onMessage(m: HostToWebview): void {
  switch (m.type) {
    case 'restoreState':
      // Sent before the first snapshot: drafts are re-applied when it arrives.
      store.restore(m.state);
      vscode.setState(m.state);
      if (store.tab && TABS.includes(store.tab)) (panels as HTMLElement & { activeid: string }).activeid = store.tab;
      return;
    case 'loading':
      header.loading = true;
      store.node = m.node;
      loadingText.textContent = `Loading ${m.node}…`;
      // The reload right after a save keeps "Saved to …" in view: that is what the user needs to read.
      if (store.snapshot && !justSaved) header.setStatus(`Loading ${m.node}…`);
      header.update();
      return;
    case 'snapshot': {
      header.loading = false;
      show(loadError, false);
      show(loadingView, false);
      show(editor, true);
      const dropped = store.applySnapshot(m.snapshot);
      header.render(m.snapshot);
      rerender();
      if (dropped > 0) {
        header.setStatus(`${dropped} unsaved edit${dropped === 1 ? ' was' : 's were'} dropped because the value changed on the server`, {
          kind: 'error',
        });
      } else if (header.status.textContent?.startsWith('Loading')) header.setStatus('');
      justSaved = false;
      return;
    }
    case 'loadFailed':
      header.loading = false;
      loadErrorText.textContent = m.message;
      show(loadError, true);
      show(loadingView, false);
      header.update();
      loadError.querySelector<HTMLElement>('#retry')?.focus();
      return;
    case 'saving':
      header.saving = true;
      header.setStatus('Saving…');
      header.update();
      return;
    case 'saved':
      header.saving = false;
      store.saved();
      justSaved = true;
      header.setStatus(m.message, { kind: 'ok' });
      header.update();
      return;
    case 'saveFailed':
      header.saving = false;
      header.setStatus(m.message, { kind: 'error', offerReload: m.conflict });
      header.update();
      return;
    case 'saveCancelled':
      header.saving = false;
      header.setStatus(m.message);
      header.update();
      return;
  }
}

window.addEventListener('message', (e: MessageEvent) => {
  const m = e.data as HostToWebview | undefined;
  if (m && typeof m === 'object' && typeof m.type === 'string') onMessage(m);
});

post({ type: 'ready' });
