/**
 * An editable list of strings: one text field per item with a Remove button, and an Add button.
 * Used for host:port server lists (validated with the shared serverProblem, so the webview and
 * the host agree) and for base DNs. Empty rows are kept on screen while the user types but are
 * left out of the value handed to `onChange`.
 */
import { serverProblem } from '../../src/core/ldap/cacheConfig';
import { button, el, show, textField, type ToolkitField } from './dom';

export interface EditableListOptions {
  /** The container's id; rows and buttons are addressed inside it by class. */
  id: string;
  label: string;
  /** "Server", "Base DN": labels each row for screen readers ("Server 2"). */
  itemName: string;
  addId: string;
  addLabel: string;
  placeholder: string;
  /** Row classes: "server-field" / "server-remove" for server lists. */
  fieldClass: string;
  removeClass: string;
  validate?: (item: string) => string | undefined;
  onChange: (items: string[]) => void;
}

export const serverListOptions = (id: string, addId: string, onChange: (items: string[]) => void): EditableListOptions => ({
  id,
  label: 'Servers',
  itemName: 'Server',
  addId,
  addLabel: 'Add server',
  placeholder: 'host:port',
  fieldClass: 'server-field',
  removeClass: 'server-remove',
  validate: serverProblem,
  onChange,
});

export class EditableList {
  readonly element: HTMLElement;
  private readonly rowsEl: HTMLElement;
  private items: string[];

  constructor(
    items: string[],
    private readonly opts: EditableListOptions,
  ) {
    this.items = [...items];
    const labelId = `${opts.id}-label`;
    this.rowsEl = el('div', { id: opts.id, class: 'list-rows', attrs: { role: 'group', 'aria-labelledby': labelId } });
    const add = button(opts.addLabel, {
      id: opts.addId,
      secondary: true,
      onClick: () => {
        this.items.push('');
        this.render();
        // Focus the new row so keyboard users can type straight away.
        this.rowsEl.querySelector<HTMLElement>(`.list-row:last-child .${opts.fieldClass}`)?.focus();
      },
    });
    this.element = el('div', { class: 'field list' }, [
      el('span', { class: 'field-label', id: labelId, text: opts.label }),
      this.rowsEl,
      el('div', { class: 'list-actions' }, [add]),
    ]);
    this.render();
  }

  /** Replaces the items from code (e.g. "Use all cluster nodes") and reports the change. */
  set(items: string[]): void {
    this.items = [...items];
    this.render();
    this.changed();
  }

  private changed(): void {
    this.opts.onChange(this.items.map((s) => s.trim()).filter((s) => s.length > 0));
  }

  private render(): void {
    this.rowsEl.replaceChildren(...this.items.map((item, i) => this.row(item, i)));
    if (this.items.length === 0) this.rowsEl.append(el('div', { class: 'list-empty', text: `No ${this.opts.itemName.toLowerCase()}s.` }));
  }

  private row(item: string, i: number): HTMLElement {
    const name = `${this.opts.itemName} ${i + 1}`;
    const error = el('div', { class: 'field-error', attrs: { id: `${this.opts.id}-error-${i}` } });
    const field: ToolkitField = textField('', item, {
      class: `list-field ${this.opts.fieldClass}`,
      ariaLabel: name,
      placeholder: this.opts.placeholder,
      attrs: { 'aria-describedby': error.id },
      onInput: (v) => {
        this.items[i] = v;
        this.showError(error, v);
        this.changed();
      },
    });
    const remove = button('Remove', {
      class: `list-remove ${this.opts.removeClass}`,
      secondary: true,
      attrs: { 'aria-label': `Remove ${name}` },
      onClick: () => {
        this.items.splice(i, 1);
        this.render();
        this.changed();
        // Keep keyboard focus in the list rather than losing it to <body>.
        const fields = this.rowsEl.querySelectorAll<HTMLElement>(`.${this.opts.fieldClass}`);
        (fields[Math.min(i, fields.length - 1)] ?? this.element.querySelector<HTMLElement>(`#${this.opts.addId}`))?.focus();
      },
    });
    this.showError(error, item);
    return el('div', { class: 'list-row' }, [el('div', { class: 'list-row-main' }, [field, remove]), error]);
  }

  private showError(error: HTMLElement, item: string): void {
    const problem = item.trim() === '' ? undefined : this.opts.validate?.(item.trim());
    error.textContent = problem ?? '';
    show(error, problem !== undefined);
  }
}
