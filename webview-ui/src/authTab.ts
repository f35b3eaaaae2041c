/**
 * The Authentication tab: one card per oxIDPAuthentication value, a form over its decoded
 * `config` (the LDAP servers oxAuth authenticates against). The outer members (type, level,
 * priority, …) are kept as read. The bind password is never shown or editable: the value holds
 * it encrypted and the form passes it through unchanged.
 */
import { describeConfigForm, idpProblems } from '../../src/core/ldap/idpAuth';
import type { EditorContext } from './context';
import { button, el, show, textField } from './dom';
import { flagInput, numberInput, textInput, type Binding } from './formFields';
import { getPath, hasPath, isObject, setPath } from './objectPath';
import { fieldProblems, ProblemSlots } from './problems';
import { EditableList, serverListOptions } from './serverList';
import { idpKey } from './state';

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map((s) => (typeof s === 'string' ? s : JSON.stringify(s))) : []);

export class AuthTab {
  readonly element = el('div', { class: 'view-body' });
  private cards: HTMLElement[] = [];
  private refreshers: (() => void)[] = [];

  constructor(private readonly ctx: EditorContext) {}

  render(): void {
    const snapshot = this.ctx.store.snapshot;
    this.cards = [];
    this.refreshers = [];
    if (!snapshot) return this.element.replaceChildren();
    snapshot.idp.forEach((_, i) => this.cards.push(this.card(i)));
    const empty = snapshot.idp.length === 0 ? [el('p', { class: 'banner info', text: 'The entry has no oxIDPAuthentication value.' })] : [];
    this.element.replaceChildren(el('h2', { text: 'oxIDPAuthentication' }), ...empty, ...this.cards);
  }

  /** Rebuilds one value's card (its form draft was dropped by a Raw JSON edit). */
  renderValue(index: number): void {
    const old = this.cards[index];
    if (!old) return;
    const card = this.card(index);
    old.replaceWith(card);
    this.cards[index] = card;
  }

  refresh(): void {
    for (const r of this.refreshers) r();
  }

  private card(i: number): HTMLElement {
    const { store } = this.ctx;
    const snapshot = store.snapshot!;
    const view = snapshot.idp[i];
    const key = idpKey(i);
    const title = el('h3', { id: `idp-${i}-title`, text: `Value ${i + 1}` });
    const head = el('div', { class: 'card-head' }, [title, el('vscode-tag', { text: describeConfigForm(view.configForm) })]);
    const card = el('section', { id: `idp-${i}`, class: 'card', attrs: { 'aria-labelledby': title.id } }, [head]);
    this.refreshers[i] = () => undefined;
    if (view.error) {
      card.append(
        el('div', { class: 'banner error', attrs: { role: 'alert' } }, [
          el('p', { text: `The stored value is not valid JSON: ${view.error}. Fix it in Raw JSON.` }),
          button('Open Raw JSON', { id: `idp-${i}-open-raw`, onClick: () => this.ctx.showTab('tab-raw') }),
        ]),
      );
      return card;
    }
    const working = store.formValue(key)!;
    const original = store.baseline(key);
    if (!isObject(working.config)) {
      card.append(el('p', { class: 'banner info', text: 'This value has no "config" member to edit here; use Raw JSON.' }));
      return card;
    }
    const rawNote = el('div', {
      class: 'banner info',
      text: 'This value has an unsaved Raw JSON edit. The form shows the stored value; editing it here drops the Raw JSON edit.',
    });
    card.append(rawNote);
    const slots = new ProblemSlots(ProblemSlots.list(`idp-${i}-problems`));
    const edited = () => {
      const dropped = store.setForm(key, working);
      this.refreshers[i]();
      this.ctx.edited(key, 'form', dropped);
    };
    const b: Binding = { working, original, slots, edited };
    const setList = (path: string[], items: string[]) => {
      const next = items.length === 0 && !hasPath(original, path) ? undefined : items;
      if (JSON.stringify(getPath(working, path)) === JSON.stringify(next)) return;
      setPath(working, path, next, original);
      edited();
    };

    const serversPath = ['config', 'servers'];
    const servers = new EditableList(
      strings(getPath(working, serversPath)),
      serverListOptions(`idp-${i}-servers`, `idp-${i}-add-server`, (items) => setList(serversPath, items)),
    );
    const serverProblems = fieldProblems();
    slots.add(serversPath, servers.element, serverProblems, (m) => /^"|^port /.test(m));
    const allNodes = snapshot.nodes.map((n) => `${n}:${snapshot.ldapsPort}`);
    servers.element.append(
      serverProblems,
      el('div', { class: 'list-actions' }, [
        button('Use all cluster nodes', {
          id: `idp-${i}-use-all-nodes`,
          secondary: true,
          attrs: { title: allNodes.join(', ') },
          onClick: () => servers.set(allNodes),
        }),
      ]),
    );

    const dnsPath = ['config', 'baseDNs'];
    const baseDNs = new EditableList(strings(getPath(working, dnsPath)), {
      id: `idp-${i}-basedns`,
      label: 'Base DNs',
      itemName: 'Base DN',
      addId: `idp-${i}-add-basedn`,
      addLabel: 'Add base DN',
      placeholder: 'o=gluu',
      fieldClass: 'basedn-field',
      removeClass: 'basedn-remove',
      onChange: (items) => setList(dnsPath, items),
    });
    const dnProblems = fieldProblems();
    slots.add(dnsPath, baseDNs.element, dnProblems);
    baseDNs.element.append(dnProblems);

    const password = textField('Bind password', 'encrypted — unchanged', { id: `idp-${i}-password`, class: 'wide', readOnly: true });

    card.append(
      el('div', { class: 'form' }, [
        servers.element,
        textInput(b, ['config', 'bindDN'], 'Bind DN', `idp-${i}-binddn`),
        el('div', { class: 'field' }, [password]),
        flagInput(b, ['config', 'useSSL'], 'Use SSL', `idp-${i}-ssl`).wrap,
        numberInput(b, ['config', 'maxConnections'], 'Max connections', `idp-${i}-maxconn`),
        baseDNs.element,
        textInput(b, ['config', 'primaryKey'], 'Primary key', `idp-${i}-primarykey`),
        textInput(b, ['config', 'localPrimaryKey'], 'Local primary key', `idp-${i}-localprimarykey`),
        flagInput(b, ['config', 'enabled'], 'Enabled', `idp-${i}-enabled`).wrap,
        slots.list,
      ]),
    );
    this.refreshers[i] = () => {
      slots.fill(idpProblems(working));
      show(rawNote, store.hasRawDraft(key));
    };
    this.refreshers[i]();
    return card;
  }
}
