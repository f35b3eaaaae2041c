/**
 * Small DOM builders. The webview's CSP forbids inline styles and scripts, so everything is built
 * with createElement, styled through classes from media/ldap-editor.css and shown or hidden with
 * the `hidden` attribute.
 */

export interface ElOptions {
  id?: string;
  class?: string;
  text?: string;
  attrs?: Record<string, string>;
}

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, opts?: ElOptions, children?: (Node | string)[]): HTMLElementTagNameMap[K];
export function el(tag: string, opts?: ElOptions, children?: (Node | string)[]): HTMLElement;
export function el(tag: string, opts: ElOptions = {}, children: (Node | string)[] = []): HTMLElement {
  const e = document.createElement(tag);
  if (opts.id) e.id = opts.id;
  if (opts.class) e.className = opts.class;
  if (opts.text !== undefined) e.textContent = opts.text;
  for (const [k, v] of Object.entries(opts.attrs ?? {})) e.setAttribute(k, v);
  for (const c of children) e.append(c);
  return e;
}

export const show = (e: Element, visible: boolean): void => {
  e.toggleAttribute('hidden', !visible);
};

/** The toolkit's elements expose these properties; the DOM typings do not know them. */
export type ToolkitField = HTMLElement & { value: string; disabled: boolean; readOnly: boolean };
export type ToolkitCheckbox = HTMLElement & { checked: boolean; disabled: boolean };
export type ToolkitDropdown = HTMLElement & { value: string; disabled: boolean };
export type ToolkitButton = HTMLElement & { disabled: boolean };

export function button(label: string, opts: ElOptions & { secondary?: boolean; onClick: () => void }): ToolkitButton {
  const b = el('vscode-button', opts, [label]) as ToolkitButton;
  if (opts.secondary) b.setAttribute('appearance', 'secondary');
  // vscode-button wraps a real <button>, so Enter and Space arrive here as clicks.
  b.addEventListener('click', () => {
    if (!b.disabled) opts.onClick();
  });
  return b;
}

/** A text field whose label is its slotted text (the toolkit renders it as a <label>). */
export function textField(
  label: string,
  value: string,
  opts: ElOptions & { onInput?: (v: string) => void; placeholder?: string; readOnly?: boolean; ariaLabel?: string },
): ToolkitField {
  const f = el('vscode-text-field', opts, label ? [label] : []) as ToolkitField;
  f.value = value;
  if (opts.placeholder) f.setAttribute('placeholder', opts.placeholder);
  if (opts.ariaLabel) f.setAttribute('aria-label', opts.ariaLabel);
  if (opts.readOnly) f.setAttribute('readonly', '');
  const onInput = opts.onInput;
  if (onInput) f.addEventListener('input', () => onInput(f.value));
  return f;
}

export function checkbox(label: string, checked: boolean, opts: ElOptions & { onChange: (v: boolean) => void }): ToolkitCheckbox {
  const c = el('vscode-checkbox', opts, [label]) as ToolkitCheckbox;
  c.checked = checked;
  // The toolkit emits "change" also when `checked` is set from code, including the line above
  // once the element upgrades; handlers compare with the model, so that is harmless.
  c.addEventListener('change', () => opts.onChange(c.checked));
  return c;
}

/**
 * A labelled vscode-dropdown. `onChange` runs once per distinct value, whether it changed by
 * mouse, keyboard or `dropdown.value = …` from code (a test driver, or our own "Use the
 * cluster's cache host"): the toolkit emits "change" only for user selection, but it reflects
 * every value into the `current-value` attribute, which a MutationObserver sees.
 * A current value that is not one of `choices` gets its own option so it is shown as stored and
 * never silently replaced by the first choice.
 */
export function dropdown(
  label: string,
  choices: readonly string[],
  value: string,
  opts: ElOptions & { id: string; onChange: (v: string) => void },
): { wrap: HTMLElement; select: ToolkitDropdown } {
  const labelEl = el('label', { class: 'field-label', id: `${opts.id}-label`, attrs: { for: opts.id }, text: label });
  const select = el('vscode-dropdown', {
    id: opts.id,
    class: opts.class,
    attrs: { 'aria-labelledby': `${opts.id}-label`, position: 'below' },
  }) as ToolkitDropdown;
  const all = choices.includes(value) ? choices : [...choices, value];
  for (const c of all) {
    const o = el('vscode-option', { attrs: { value: c } }, [choices.includes(c) ? c : `${c} (not a known value)`]);
    if (c === value) o.setAttribute('selected', '');
    select.append(o);
  }
  let last = value;
  const fire = () => {
    const v = select.value;
    if (v === last || v === '') return;
    last = v;
    opts.onChange(v);
  };
  select.addEventListener('change', fire);
  new MutationObserver(fire).observe(select, { attributes: true, attributeFilter: ['current-value'] });
  return { wrap: el('div', { class: 'field' }, [labelEl, select]), select };
}

/** Sets a dropdown from code; the value is known to `onChange` only if it differs from the last one. */
export function setDropdown(select: ToolkitDropdown, value: string): void {
  if (select.value !== value) select.value = value;
}

/** "line 3, column 5: unexpected character" from the parser's "unexpected character (line 3, column 5)". */
export function positionFirst(p: { message: string; line: number; column: number }): string {
  return `line ${p.line}, column ${p.column}: ${p.message.replace(/\s*\(line \d+, column \d+\)$/, '')}`;
}
