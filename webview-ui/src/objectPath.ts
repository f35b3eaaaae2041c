/**
 * Edits inside a decoded JSON value. The forms change one member at a time in a deep copy of
 * what was read, so members the form does not know (or the user did not touch) are kept exactly,
 * and no member appears that the user did not set.
 */

export type Json = Record<string, unknown>;

export const deepCopy = <T>(v: T): T => (v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T));

export function isObject(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function getPath(root: unknown, path: readonly string[]): unknown {
  let cur = root;
  for (const k of path) {
    if (!isObject(cur)) return undefined;
    cur = cur[k];
  }
  return cur;
}

export const hasPath = (root: unknown, path: readonly string[]): boolean => {
  const parent = getPath(root, path.slice(0, -1));
  return isObject(parent) && Object.prototype.hasOwnProperty.call(parent, path[path.length - 1]);
};

/**
 * Sets (or, with `undefined`, deletes) the member at `path`, creating parent objects on the way.
 * A parent this call created, or one that was absent in `original`, is removed again when it ends
 * up empty, so touching a field and clearing it leaves no `{}` behind.
 */
export function setPath(root: Json, path: readonly string[], value: unknown, original?: unknown): void {
  const parents: Json[] = [root];
  let cur = root;
  for (const k of path.slice(0, -1)) {
    if (!isObject(cur[k])) {
      if (value === undefined) return;
      cur[k] = {};
    }
    cur = cur[k] as Json;
    parents.push(cur);
  }
  const last = path[path.length - 1];
  if (value === undefined) delete cur[last];
  else cur[last] = value;
  for (let i = path.length - 1; i > 0; i--) {
    const obj = parents[i];
    const sub = path.slice(0, i);
    if (Object.keys(obj).length > 0 || hasPath(original, sub)) break;
    delete parents[i - 1][path[i - 1]];
  }
}

/**
 * The JSON value of a number field's text: a number when it reads as one, else the text itself
 * (kept so the shared validators report it and Save stays blocked); undefined when empty.
 */
export function numberFromText(text: string): unknown {
  const t = text.trim();
  if (t === '') return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : t;
}

export const textOf = (v: unknown): string => (v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));
