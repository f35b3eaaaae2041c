/**
 * Where the shared validators' problems are shown: next to the field they are about when that
 * field is on screen, otherwise in the value's problem list, so an error in a hidden provider
 * section (which still blocks Save) is never invisible.
 */
import type { FieldProblem } from '../../src/core/ldap/cacheConfig';
import { el, show } from './dom';

interface Slot {
  path: string;
  anchor: HTMLElement;
  target: HTMLElement;
  skip?: (message: string) => boolean;
}

/**
 * Whether `e` is shown within its tab's view: hidden provider sections count, the tab panel
 * itself (hidden by vscode-panels while another tab is active) does not.
 */
function shownInView(e: HTMLElement): boolean {
  for (let cur: HTMLElement | null = e; cur && !cur.classList.contains('view-body'); cur = cur.parentElement) {
    if (cur.hidden) return false;
  }
  return true;
}

export const problemText = (p: FieldProblem): string => `${p.severity === 'error' ? 'Error' : 'Warning'}: ${p.message}`;

export class ProblemSlots {
  private slots: Slot[] = [];

  /** `list` receives what no visible field claims; `exclude` problems are shown elsewhere (e.g. #cache-warning). */
  constructor(
    readonly list: HTMLElement,
    private readonly exclude: (p: FieldProblem) => boolean = () => false,
  ) {}

  static list(id: string): HTMLElement {
    return el('ul', { id, class: 'problems', attrs: { 'aria-label': 'Problems' } });
  }

  /** Problems at `path` go to `target` while `anchor` is visible; `skip` filters messages shown by the field itself. */
  add(path: string[], anchor: HTMLElement, target: HTMLElement, skip?: (message: string) => boolean): void {
    this.slots.push({ path: path.join('.'), anchor, target, skip });
  }

  fill(problems: FieldProblem[]): void {
    const claimed = new Set<FieldProblem>();
    for (const slot of this.slots) {
      const visible = shownInView(slot.anchor);
      const mine = visible ? problems.filter((p) => !this.exclude(p) && p.path.join('.') === slot.path) : [];
      for (const p of mine) claimed.add(p);
      const shown = mine.filter((p) => !slot.skip?.(p.message));
      slot.target.replaceChildren(...shown.map((p) => el('div', { class: `problem ${p.severity}`, text: problemText(p) })));
      show(slot.target, shown.length > 0);
    }
    const rest = problems.filter((p) => !claimed.has(p) && !this.exclude(p));
    this.list.replaceChildren(...rest.map((p) => el('li', { class: `problem ${p.severity}`, text: problemText(p) })));
    show(this.list, rest.length > 0);
  }
}

/** An element for field-level problems, placed under the field. */
export const fieldProblems = (): HTMLElement => {
  const e = el('div', { class: 'field-problems', attrs: { 'aria-live': 'polite' } });
  show(e, false);
  return e;
};
