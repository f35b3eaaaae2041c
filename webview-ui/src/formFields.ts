/**
 * Form fields bound to one member of the decoded object a form edits. Each writes only when the
 * user changes it, and a handler seeing the value it already has does nothing, so toolkit events
 * fired while elements upgrade never create a draft.
 */
import { flag } from '../../src/core/ldap/idpAuth';
import { checkbox, dropdown, el, textField, type ToolkitCheckbox } from './dom';
import { getPath, hasPath, numberFromText, setPath, textOf, type Json } from './objectPath';
import { fieldProblems, type ProblemSlots } from './problems';

export interface Binding {
  /** The object being edited (a deep copy of what was read, or the form draft). */
  working: Json;
  /** What was read, so emptying a field that was absent removes it again. */
  original: Json | undefined;
  slots: ProblemSlots;
  /** Called after the working object changed. */
  edited: () => void;
}

function withProblems(b: Binding, path: string[], control: HTMLElement): HTMLElement {
  const problems = fieldProblems();
  b.slots.add(path, control, problems);
  return el('div', { class: 'field' }, [control, problems]);
}

/** Text member; an emptied field removes a member that was not there before. */
export function textInput(b: Binding, path: string[], label: string, id: string): HTMLElement {
  const f = textField(label, textOf(getPath(b.working, path)), {
    id,
    class: 'wide',
    onInput: (text) => {
      const next = text === '' && !hasPath(b.original, path) ? undefined : text;
      if (getPath(b.working, path) === next) return;
      setPath(b.working, path, next, b.original);
      b.edited();
    },
  });
  return withProblems(b, path, f);
}

/**
 * Number member. The toolkit has no number field, so this is a text field with a numeric
 * keyboard hint; text that is not a number is stored as text so the shared validators flag it.
 */
export function numberInput(b: Binding, path: string[], label: string, id: string): HTMLElement {
  const f = textField(label, textOf(getPath(b.working, path)), {
    id,
    class: 'narrow',
    attrs: { inputmode: 'numeric' },
    onInput: (text) => {
      const next = numberFromText(text);
      if (getPath(b.working, path) === next) return;
      setPath(b.working, path, next, b.original);
      b.edited();
    },
  });
  return withProblems(b, path, f);
}

/** Boolean member, read with flag() (3.1.x stores "true"); written as a boolean when changed. */
export function flagInput(b: Binding, path: string[], label: string, id: string): { wrap: HTMLElement; box: ToolkitCheckbox } {
  const box = checkbox(label, flag(getPath(b.working, path)) === true, {
    id,
    onChange: (checked) => {
      if (flag(getPath(b.working, path)) === checked) return;
      setPath(b.working, path, checked, b.original);
      b.edited();
    },
  });
  return { wrap: withProblems(b, path, box), box };
}

/**
 * Enumerated member. When absent the dropdown shows `fallback` (what Gluu assumes) without
 * writing it; the member is written only once the user picks a value.
 */
export function choiceInput(
  b: Binding,
  path: string[],
  label: string,
  id: string,
  choices: readonly string[],
  fallback: string,
): HTMLElement {
  const current = () => {
    const v = getPath(b.working, path);
    return typeof v === 'string' ? v : v === undefined ? fallback : textOf(v);
  };
  const { wrap, select } = dropdown(label, choices, current(), {
    id,
    onChange: (v) => {
      if (current() === v) return;
      setPath(b.working, path, v, b.original);
      b.edited();
    },
  });
  const problems = fieldProblems();
  b.slots.add(path, select, problems);
  wrap.append(problems);
  return wrap;
}
