/**
 * The Raw JSON tab: the exact stored text of each value, editable, checked as the user types with
 * the same parser the host uses (so "line L, column C" here is what the host would report). This
 * is also the only way to repair a value that is not valid JSON.
 */
import type { EditorContext } from './context';
import { el, show, type ToolkitField } from './dom';
import { ProblemSlots } from './problems';
import { idpKey, valueLabel, type ValueKey } from './state';

interface RawArea {
  element: HTMLElement;
  refresh: () => void;
}

export class RawTab {
  readonly element = el('div', { class: 'view-body' });
  private areas = new Map<ValueKey, RawArea>();

  constructor(private readonly ctx: EditorContext) {}

  render(): void {
    const snapshot = this.ctx.store.snapshot;
    this.areas.clear();
    if (!snapshot) return this.element.replaceChildren();
    const keys: ValueKey[] = ['cache', ...snapshot.idp.map((_, i) => idpKey(i))];
    for (const key of keys) this.areas.set(key, this.area(key));
    this.element.replaceChildren(
      el('p', { class: 'hint', text: 'The values exactly as stored in LDAP. An edit here replaces any form edit of the same value.' }),
      ...[...this.areas.values()].map((a) => a.element),
    );
  }

  /** Rebuilds one value's area (its raw draft was dropped by a form edit). */
  renderValue(key: ValueKey): void {
    const old = this.areas.get(key);
    if (!old) return;
    const next = this.area(key);
    old.element.replaceWith(next.element);
    this.areas.set(key, next);
  }

  refresh(): void {
    for (const a of this.areas.values()) a.refresh();
  }

  private area(key: ValueKey): RawArea {
    const { store } = this.ctx;
    const snapshot = store.snapshot!;
    const id = key === 'cache' ? 'raw-cache' : `raw-idp-${key.slice(4)}`;
    const label = key === 'cache' && snapshot.cache === null ? `${valueLabel(snapshot, key)} (no value yet)` : valueLabel(snapshot, key);
    const text = store.rawValue(key);
    const area = el(
      'vscode-text-area',
      { id, class: 'raw-json', attrs: { resize: 'vertical', rows: String(Math.min(24, Math.max(6, text.split('\n').length + 1))) } },
      [label],
    ) as ToolkitField;
    area.value = text;
    const error = el('div', { id: `${id}-error`, class: 'field-error', attrs: { role: 'alert' } });
    area.setAttribute('aria-describedby', error.id);
    const slots = new ProblemSlots(ProblemSlots.list(`${id}-problems`));
    const note = el('div', {
      class: 'banner info',
      text: 'This value has unsaved form edits. The text shows the stored value; typing here drops the form edits.',
    });
    const refresh = () => {
      const c = store.check(key);
      // With a raw draft, its parse error as the user types; without one, the stored value's.
      const storedError = key === 'cache' ? snapshot.cache?.error : snapshot.idp[Number(key.slice(4))]?.error;
      error.textContent = store.hasRawDraft(key)
        ? (c.parseError ?? '')
        : storedError
          ? `The stored value is not valid JSON: ${storedError}`
          : '';
      show(error, error.textContent !== '');
      slots.fill(store.hasFormDraft(key) ? [] : c.problems);
      show(note, store.hasFormDraft(key));
    };
    area.addEventListener('input', () => {
      const dropped = store.setRaw(key, area.value);
      refresh();
      this.ctx.edited(key, 'raw', dropped);
    });
    const element = el('section', { class: 'raw-value', attrs: { 'aria-label': label } }, [note, area, error, slots.list]);
    refresh();
    return { element, refresh };
  }
}
