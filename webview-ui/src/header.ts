/**
 * The header: where the values were read from (cluster, node, route, entry, time), the Reload /
 * Save / Restore Previous buttons, the inline "discard unsaved changes?" bar (window.confirm is
 * blocked in webviews) and the status line.
 */
import type { EditorSnapshot, WebviewToHost } from '../../src/core/ldap/protocol';
import { button, dropdown, el, setDropdown, show, type ToolkitButton, type ToolkitDropdown } from './dom';
import type { Store } from './state';

export interface HeaderHooks {
  store: Store;
  post: (m: WebviewToHost) => void;
  /** The user confirmed discarding the drafts before a reload. */
  discardAndReload: () => void;
}

export class Header {
  readonly element: HTMLElement;
  private readonly facts = el('dl', { class: 'facts' });
  private readonly nodeSlot = el('div', { class: 'node-slot' });
  private readonly busy = el('span', { class: 'busy', attrs: { 'aria-hidden': 'true' } }, [
    el('vscode-progress-ring', { class: 'small-ring' }),
  ]);
  private readonly reload: ToolkitButton;
  private readonly save: ToolkitButton;
  private readonly restore: ToolkitButton;
  private readonly saveHint = el('div', { id: 'save-hint', class: 'hint save-hint' });
  private readonly discardBar: HTMLElement;
  private readonly statusText = el('span', { class: 'status-text' });
  private readonly statusReload: ToolkitButton;
  readonly status: HTMLElement;
  private shownNodes = '';
  private nodeSelect: ToolkitDropdown | undefined;
  /** Between "saving" and its outcome: Save stays disabled. */
  saving = false;
  loading = false;

  constructor(private readonly hooks: HeaderHooks) {
    this.reload = button('Reload', { id: 'reload', secondary: true, onClick: () => this.askReload() });
    this.save = button('Save', { id: 'save', attrs: { 'aria-describedby': 'save-hint' }, onClick: () => this.doSave() });
    this.restore = button('Restore Previous', { id: 'restore', secondary: true, onClick: () => hooks.post({ type: 'restorePrevious' }) });
    const discard = button('Discard', { id: 'discard-confirm', onClick: () => this.confirmDiscard(true) });
    const keep = button('Keep', { id: 'discard-keep', secondary: true, onClick: () => this.confirmDiscard(false) });
    this.discardBar = el(
      'div',
      { id: 'discard-bar', class: 'banner warning confirm', attrs: { role: 'alertdialog', 'aria-labelledby': 'discard-question' } },
      [el('span', { id: 'discard-question', text: 'Discard unsaved changes?' }), discard, keep],
    );
    // Escape answers "Keep", as it would in a dialog.
    this.discardBar.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') this.confirmDiscard(false);
    });
    show(this.discardBar, false);
    this.statusReload = button('Reload', { id: 'status-reload', secondary: true, onClick: () => this.askReload() });
    show(this.statusReload, false);
    this.status = el('div', { id: 'status', class: 'status', attrs: { role: 'status', 'aria-live': 'polite' } }, [
      this.statusText,
      this.statusReload,
    ]);
    show(this.busy, false);
    this.element = el('header', { class: 'header' }, [
      el('div', { class: 'header-top' }, [
        el('h1', { id: 'title', text: 'LDAP editor' }),
        this.busy,
        el('div', { class: 'toolbar', attrs: { role: 'toolbar', 'aria-label': 'Editor actions' } }, [this.reload, this.save, this.restore]),
      ]),
      this.saveHint,
      el('div', { class: 'header-meta' }, [this.nodeSlot, this.facts]),
      this.discardBar,
      this.status,
    ]);
    this.update();
  }

  render(s: EditorSnapshot): void {
    this.element.querySelector('#title')!.textContent = `LDAP editor — ${s.cluster}`;
    const key = JSON.stringify([s.nodes, s.node]);
    // Rebuilt only when the choices change, so keyboard focus on the dropdown survives a reload.
    if (key !== this.shownNodes) {
      this.shownNodes = key;
      const nodes = s.nodes.includes(s.node) ? s.nodes : [s.node, ...s.nodes];
      const { wrap, select } = dropdown('Node', nodes, s.node, {
        id: 'node-select',
        onChange: (node) => {
          if (node === this.hooks.store.node) return;
          this.hooks.store.node = node;
          this.hooks.store.persist();
          this.hooks.post({ type: 'switchNode', node });
        },
      });
      this.nodeSlot.replaceChildren(wrap);
      this.nodeSelect = select;
    } else if (this.nodeSelect) {
      // The user picked another node but the host answered for this one (e.g. a reload).
      setDropdown(this.nodeSelect, s.node);
    }
    const loaded = new Date(s.loadedAt);
    const fact = (term: string, value: string, id: string) => [el('dt', { text: term }), el('dd', { id, text: value })];
    this.facts.replaceChildren(
      ...fact('Cluster', s.cluster, 'fact-cluster'),
      ...fact('Via', s.via, 'fact-via'),
      ...fact('Entry', s.entryDN, 'fact-dn'),
      ...fact('Loaded at', Number.isNaN(loaded.getTime()) ? s.loadedAt : loaded.toLocaleString(), 'fact-loaded'),
    );
    this.update();
  }

  /** Save, Restore and the hint after any change of drafts or of the host's progress. */
  update(): void {
    const { store } = this.hooks;
    const errors = store.blockingErrors();
    const count = store.draftCount;
    const idle = !this.saving && !this.loading && store.snapshot !== null;
    this.save.disabled = !idle || count === 0 || errors.length > 0;
    this.restore.disabled = !idle;
    this.reload.disabled = this.saving;
    show(this.restore, store.snapshot?.canRestore === true);
    show(this.busy, this.loading || this.saving);
    this.saveHint.textContent =
      errors.length > 0
        ? `Fix ${errors.length} error${errors.length === 1 ? '' : 's'} to save: ${errors[0]}${errors.length > 1 ? ' …' : ''}`
        : count > 0
          ? `${count} unsaved edit${count === 1 ? '' : 's'}`
          : 'No unsaved edits';
  }

  setStatus(message: string, opts: { kind?: 'info' | 'error' | 'ok'; offerReload?: boolean } = {}): void {
    this.statusText.textContent = message;
    this.status.className = `status ${opts.kind ?? 'info'}`;
    show(this.statusReload, opts.offerReload === true);
  }

  private doSave(): void {
    const edits = this.hooks.store.edits();
    if (edits.length === 0) return;
    this.saving = true;
    this.update();
    this.setStatus('Saving…');
    this.hooks.post({ type: 'save', edits });
  }

  private askReload(): void {
    if (this.hooks.store.draftCount === 0) {
      this.hooks.post({ type: 'reload' });
      return;
    }
    show(this.discardBar, true);
    this.discardBar.querySelector<HTMLElement>('#discard-confirm')?.focus();
  }

  private confirmDiscard(discard: boolean): void {
    show(this.discardBar, false);
    this.reload.focus();
    if (discard) this.hooks.discardAndReload();
  }
}
