/**
 * From what the user (or a plan step) wants to what is written: each edit becomes the exact old
 * value and the new one, for one compare-and-swap modify. Invalid JSON never becomes a write;
 * an edit that changes nothing is dropped, so values nobody touched are written back unchanged
 * (they are not written at all).
 */
import { cacheProblems, type FieldProblem } from './cacheConfig';
import { decodeIdp, encodeIdp, idpProblems } from './idpAuth';
import { jsonEqual, parseJsonObject, pretty } from './json';
import { mergePatch } from './mergePatch';
import type { EditorSnapshot, IdpValueView, ValueEdit, ValueView } from './protocol';

export const IDP_ATTRIBUTE = 'oxIDPAuthentication';

/** One value replaced by another; old null when the attribute has no value yet. */
export interface ValueChange {
  /** LDAP attribute name. */
  attribute: string;
  /** "oxCacheConfiguration", "oxIDPAuthentication value 1". */
  label: string;
  old: string | null;
  new: string;
}

export interface ResolvedEdits {
  changes: ValueChange[];
  /** Errors that stop the save (nothing is written), prefixed with the value's label. */
  errors: string[];
  /** Warnings the user sees before confirming. */
  warnings: string[];
}

function sortProblems(label: string, problems: FieldProblem[], out: ResolvedEdits): void {
  for (const p of problems) (p.severity === 'error' ? out.errors : out.warnings).push(`${label}: ${p.message}`);
}

const idpLabel = (index: number) => `${IDP_ATTRIBUTE} value ${index + 1}`;

/** The stored values an edit is checked against: all of a snapshot that edits need. */
export type StoredValues = Pick<EditorSnapshot, 'cacheAttribute' | 'cache' | 'idp'>;

/** The stored values decoded for editing. */
export function decodeStored(cacheAttribute: EditorSnapshot['cacheAttribute'], cache: string | null, idp: string[]): StoredValues {
  return { cacheAttribute, cache: cache === null ? null : decodeCache(cache), idp: idp.map(decodeIdp) };
}

export function resolveEdits(snapshot: StoredValues, edits: ValueEdit[]): ResolvedEdits {
  const out: ResolvedEdits = { changes: [], errors: [], warnings: [] };
  for (const e of edits) {
    if (e.attribute === 'cache') {
      const label = snapshot.cacheAttribute;
      const before = snapshot.cache;
      let text: string;
      let decoded: Record<string, unknown>;
      if ('raw' in e) {
        if (before && e.raw === before.raw) continue;
        const p = parseJsonObject(e.raw);
        if (p.problem) {
          out.errors.push(`${label}: not valid JSON: ${p.problem.message}`);
          continue;
        }
        text = e.raw;
        decoded = p.value;
      } else {
        if (before?.decoded && jsonEqual(before.decoded, e.decoded)) continue;
        text = JSON.stringify(e.decoded);
        decoded = e.decoded;
      }
      sortProblems(label, cacheProblems(decoded), out);
      out.changes.push({ attribute: snapshot.cacheAttribute, label, old: before?.raw ?? null, new: text });
    } else {
      const label = idpLabel(e.index);
      const before = snapshot.idp[e.index];
      if (!before) {
        out.errors.push(`${label}: there is no such value (reload)`);
        continue;
      }
      let text: string;
      let view: IdpValueView;
      if ('raw' in e) {
        if (e.raw === before.raw) continue;
        view = decodeIdp(e.raw);
        if (view.error) {
          out.errors.push(`${label}: not valid JSON: ${view.error}`);
          continue;
        }
        text = e.raw;
      } else {
        if (before.decoded && jsonEqual(before.decoded, e.decoded)) continue;
        if (before.error) {
          // A value that could not be decoded is only ever replaced from the Raw JSON tab.
          out.errors.push(`${label}: the stored value is not valid JSON; fix it in the Raw JSON tab`);
          continue;
        }
        text = encodeIdp(e.decoded, before);
        view = decodeIdp(text);
      }
      if (view.decoded) sortProblems(label, idpProblems(view.decoded), out);
      out.changes.push({ attribute: IDP_ATTRIBUTE, label, old: before.raw, new: text });
    }
  }
  return out;
}

/** The change a plan step asks for ("cache" or "idpAuthentication", as a JSON merge patch). */
export function planEdits(
  snapshot: StoredValues,
  attribute: 'cache' | 'idpAuthentication',
  change: Record<string, unknown>,
): ResolvedEdits {
  if (attribute === 'cache') {
    if (snapshot.cache?.error)
      return {
        changes: [],
        errors: [
          `${snapshot.cacheAttribute}: the stored value is not valid JSON (${snapshot.cache.error}); fix it in the LDAP editor first`,
        ],
        warnings: [],
      };
    const next = mergePatch(snapshot.cache?.decoded ?? {}, change) as Record<string, unknown>;
    return resolveEdits(snapshot, [{ attribute: 'cache', decoded: next }]);
  }
  const targets = idpTargets(snapshot.idp);
  if (targets.length === 0)
    return { changes: [], errors: [`${IDP_ATTRIBUTE}: the entry has no value with an LDAP server configuration to change`], warnings: [] };
  const bad = targets.filter((i) => snapshot.idp[i].error);
  if (bad.length)
    return {
      changes: [],
      errors: bad.map(
        (i) => `${idpLabel(i)}: the stored value is not valid JSON (${snapshot.idp[i].error}); fix it in the LDAP editor first`,
      ),
      warnings: [],
    };
  return resolveEdits(
    snapshot,
    targets.map((index) => {
      const d = snapshot.idp[index].decoded!;
      return { attribute: 'idp' as const, index, decoded: { ...d, config: mergePatch(d.config, change) as Record<string, unknown> } };
    }),
  );
}

/**
 * The values a plan step changes: those configuring Gluu's own LDAP (configId
 * "auth_ldap_server"), or the only value when there is one.
 */
export function idpTargets(values: IdpValueView[]): number[] {
  const own = values.flatMap((v, i) =>
    (v.decoded?.config as Record<string, unknown> | undefined)?.configId === 'auth_ldap_server' || (v.error && values.length === 1)
      ? [i]
      : [],
  );
  return own.length ? own : values.length === 1 ? [0] : [];
}

/** A value pretty-printed for a diff; oxIDPAuthentication's string `config` shown decoded. */
export function readableValue(attribute: string, raw: string | null, { maskSecrets = false } = {}): string {
  if (raw === null) return '// (no value)\n';
  const show = (v: unknown) => pretty(maskSecrets ? maskedSecrets(v) : v) + '\n';
  const asIs = (r: string) => (maskSecrets ? maskSecretsInText(r) : r) + '\n';
  if (attribute === IDP_ATTRIBUTE) {
    const v = decodeIdp(raw);
    if (!v.decoded) return asIs(raw);
    const note = v.configForm === 'string' ? '// "config" is stored as a JSON string; shown decoded\n' : '';
    return note + show(v.decoded);
  }
  const p = parseJsonObject(raw);
  return p.problem ? asIs(raw) : show(p.value);
}

/** What a masked secret reads as: its presence shows, its value does not. */
export const MASKED = '********';
/** Keys whose values are secrets: bindPassword (oxIDPAuthentication), Redis' password, … */
const SECRET_KEY = /pass(word)?$|secret/i;

/**
 * A copy of a JSON value with every secret-named member's non-empty string replaced by MASKED,
 * for output that reaches terminals, logs and CI transcripts (`gluu-cluster ldap get`). Gluu's
 * "encoded" passwords are reversible (a fixed key), so they are secrets as much as plain ones.
 */
export function maskedSecrets(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(maskedSecrets);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(
    Object.entries(v).map(([k, x]) => [k, SECRET_KEY.test(k) && typeof x === 'string' && x !== '' ? MASKED : maskedSecrets(x)]),
  );
}

/** The same for a value that is not valid JSON, shown as stored: each `"key": "value"` member whose key is a secret's. */
export function maskSecretsInText(raw: string): string {
  return raw.replace(/"((?:[^"\\]|\\.)*)"(\s*:\s*)"((?:[^"\\]|\\.)+)"/g, (member, key: string, colon: string) =>
    SECRET_KEY.test(key) ? `"${key}"${colon}"${MASKED}"` : member,
  );
}

/** Both sides of a save, one section per changed value, for vscode.diff. */
export function diffTexts(changes: ValueChange[]): { before: string; after: string } {
  // JSONC comments: the diff documents open as JSON with Comments, so headers are no errors.
  const section = (c: ValueChange, side: 'old' | 'new') => `// ${c.label}\n${readableValue(c.attribute, c[side])}`;
  return { before: changes.map((c) => section(c, 'old')).join('\n'), after: changes.map((c) => section(c, 'new')).join('\n') };
}

/** Decoded view of a cache value. */
export function decodeCache(raw: string): ValueView {
  const p = parseJsonObject(raw);
  return p.problem ? { raw, error: p.problem.message } : { raw, decoded: p.value };
}

/** The changes that undo `changes` (for "Restore Previous"): each new value back to its old one. */
export function reverseChanges(changes: ValueChange[]): { changes: ValueChange[]; skipped: string[] } {
  const out: ValueChange[] = [];
  const skipped: string[] = [];
  for (const c of changes) {
    // An attribute that had no value cannot be put back by a swap: say so rather than delete it.
    if (c.old === null) skipped.push(`${c.label} had no value before; it stays as it is`);
    else out.push({ attribute: c.attribute, label: c.label, old: c.new, new: c.old });
  }
  return { changes: out, skipped };
}
