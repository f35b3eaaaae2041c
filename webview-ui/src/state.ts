/**
 * The webview's model: the last snapshot, the unsaved drafts and the UI state that survives the
 * panel being hidden or the window reloading (vscode.setState).
 *
 * A value ("cache", "idp.0", …) has at most one draft: a form draft under its own key holding the
 * decoded object, or a raw draft under key + ".raw" holding text. Each draft remembers `base`, the
 * stored raw text it started from, so a later snapshot can tell whether the edit still applies.
 */
import { cacheProblems, type FieldProblem } from '../../src/core/ldap/cacheConfig';
import { decodeIdp, idpProblems } from '../../src/core/ldap/idpAuth';
import { jsonEqual, parseJsonObject } from '../../src/core/ldap/json';
import type { EditorSnapshot, ValueEdit, WebviewState } from '../../src/core/ldap/protocol';
import { positionFirst } from './dom';
import { deepCopy, isObject, type Json } from './objectPath';

export type ValueKey = 'cache' | `idp.${number}`;
type Draft = { base: string; value: unknown };

/** What the cache form starts from when the entry has no cache configuration yet. */
export const EMPTY_CACHE: Json = { cacheProviderType: 'IN_MEMORY' };

export const idpKey = (index: number): ValueKey => `idp.${index}`;

export function valueLabel(snapshot: EditorSnapshot, key: ValueKey): string {
  return key === 'cache' ? snapshot.cacheAttribute : `oxIDPAuthentication value ${Number(key.slice(4)) + 1}`;
}

/** The state of one value's current edit, as the tabs and the Save button need it. */
export interface ValueCheck {
  /** Why the raw draft is not valid JSON ("line L, column C: …"). */
  parseError?: string;
  problems: FieldProblem[];
}

export class Store {
  snapshot: EditorSnapshot | null = null;
  drafts: Record<string, Draft>;
  tab: string | undefined;
  node: string | undefined;
  /** Set by "saved": the snapshot that follows replaces every draft. */
  private clearOnSnapshot = false;

  constructor(
    private readonly api: VsCodeWebviewApi<WebviewState>,
    private readonly mirror: (s: WebviewState) => void,
  ) {
    this.drafts = {};
    this.restore(api.getState() ?? {});
  }

  /** Takes a saved state (the page's own, or the extension's copy of it). */
  restore(s: WebviewState): void {
    this.drafts = isObject(s.drafts) ? (s.drafts as Record<string, Draft>) : {};
    this.tab = s.tab;
    this.node = s.node;
  }

  persist(): void {
    const s: WebviewState = { node: this.node, tab: this.tab, drafts: this.drafts };
    this.api.setState(s);
    this.mirror(s);
  }

  /** The stored raw text of a value ("" for a cache value the entry does not have); undefined when there is no such value. */
  baseRaw(key: ValueKey, snapshot = this.snapshot): string | undefined {
    if (!snapshot) return undefined;
    if (key === 'cache') return snapshot.cache?.raw ?? '';
    return snapshot.idp[Number(key.slice(4))]?.raw;
  }

  /** The decoded value the form starts from, or undefined when the stored value cannot be decoded. */
  baseline(key: ValueKey): Json | undefined {
    const s = this.snapshot;
    if (!s) return undefined;
    if (key === 'cache') return s.cache === null ? EMPTY_CACHE : s.cache.decoded;
    return s.idp[Number(key.slice(4))]?.decoded;
  }

  /** The object the form edits: the form draft, or a fresh deep copy of the baseline. */
  formValue(key: ValueKey): Json | undefined {
    const d = this.drafts[key];
    if (d && isObject(d.value)) return d.value;
    const b = this.baseline(key);
    return b && deepCopy(b);
  }

  rawValue(key: ValueKey): string {
    const d = this.drafts[`${key}.raw`];
    return d && typeof d.value === 'string' ? d.value : (this.baseRaw(key) ?? '');
  }

  hasFormDraft = (key: ValueKey): boolean => key in this.drafts;
  hasRawDraft = (key: ValueKey): boolean => `${key}.raw` in this.drafts;
  get draftCount(): number {
    return Object.keys(this.drafts).length;
  }

  /**
   * Records the form's object as the value's draft (none when it equals what was read). Returns a
   * message when this dropped the value's raw draft (the newer edit wins).
   */
  setForm(key: ValueKey, value: Json): string | undefined {
    return this.set(key, `${key}.raw`, !jsonEqual(value, this.baseline(key)), value, 'Raw JSON', 'form');
  }

  /** Records raw text as the value's draft (none when it is the stored text); as setForm. */
  setRaw(key: ValueKey, raw: string): string | undefined {
    return this.set(`${key}.raw`, key, raw !== this.baseRaw(key), raw, 'form', 'Raw JSON');
  }

  private set(draftKey: string, otherKey: string, changed: boolean, value: unknown, otherWords: string, words: string): string | undefined {
    const key = draftKey.replace(/\.raw$/, '') as ValueKey;
    const base = this.baseRaw(key);
    if (base === undefined) return undefined;
    if (changed) this.drafts[draftKey] = { base, value };
    else delete this.drafts[draftKey];
    let message: string | undefined;
    if (changed && otherKey in this.drafts) {
      delete this.drafts[otherKey];
      message = `Your ${otherWords} edit of ${valueLabel(this.snapshot!, key)} was dropped: the ${words} edit is newer and wins.`;
    }
    this.persist();
    return message;
  }

  /**
   * Takes a new snapshot. Drafts still based on the stored text are kept; the others are dropped
   * and counted. After "saved", every draft is replaced by what was written.
   */
  applySnapshot(snapshot: EditorSnapshot): number {
    let dropped = 0;
    if (this.clearOnSnapshot) {
      this.drafts = {};
      this.clearOnSnapshot = false;
    }
    for (const [draftKey, d] of Object.entries(this.drafts)) {
      const key = draftKey.replace(/\.raw$/, '') as ValueKey;
      if (!/^(cache|idp\.\d+)$/.test(key) || this.baseRaw(key, snapshot) !== d.base) {
        delete this.drafts[draftKey];
        dropped++;
      }
    }
    this.snapshot = snapshot;
    this.node = snapshot.node;
    this.persist();
    return dropped;
  }

  /** The drafts were written: none is unsaved any more, and the snapshot that follows replaces them. */
  saved(): void {
    this.drafts = {};
    this.clearOnSnapshot = true;
    this.persist();
  }

  clearDrafts(): void {
    this.drafts = {};
    this.persist();
  }

  /** Parse errors and problems of a value as currently edited (its draft, else as stored). */
  check(key: ValueKey): ValueCheck {
    const raw = this.drafts[`${key}.raw`];
    if (key === 'cache') {
      if (raw) {
        const p = parseJsonObject(String(raw.value));
        return p.problem ? { parseError: positionFirst(p.problem), problems: [] } : { problems: cacheProblems(p.value) };
      }
      const v = this.formValue(key);
      return { problems: v ? cacheProblems(v) : [] };
    }
    if (raw) {
      const text = String(raw.value);
      const p = parseJsonObject(text);
      if (p.problem) return { parseError: positionFirst(p.problem), problems: [] };
      const view = decodeIdp(text);
      return view.error ? { parseError: view.error, problems: [] } : { problems: idpProblems(view.decoded ?? {}) };
    }
    const v = this.formValue(key);
    return { problems: v ? idpProblems(v) : [] };
  }

  /** Errors in the drafts, each prefixed with its value's label: they keep Save disabled. */
  blockingErrors(): string[] {
    if (!this.snapshot) return [];
    const out: string[] = [];
    for (const key of this.editedValues()) {
      const c = this.check(key);
      const label = valueLabel(this.snapshot, key);
      if (c.parseError) out.push(`${label}: ${c.parseError}`);
      for (const p of c.problems) if (p.severity === 'error') out.push(`${label}: ${p.message}`);
    }
    return out;
  }

  editedValues(): ValueKey[] {
    return [...new Set(Object.keys(this.drafts).map((k) => k.replace(/\.raw$/, '') as ValueKey))];
  }

  /** The save message's edits: one per drafted value, in the protocol's shape. */
  edits(): ValueEdit[] {
    const out: ValueEdit[] = [];
    for (const [draftKey, d] of Object.entries(this.drafts)) {
      const raw = draftKey.endsWith('.raw');
      const key = draftKey.replace(/\.raw$/, '');
      if (key === 'cache') out.push(raw ? { attribute: 'cache', raw: String(d.value) } : { attribute: 'cache', decoded: d.value as Json });
      else {
        const index = Number(key.slice(4));
        out.push(raw ? { attribute: 'idp', index, raw: String(d.value) } : { attribute: 'idp', index, decoded: d.value as Json });
      }
    }
    return out;
  }
}
