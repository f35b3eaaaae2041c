/**
 * Edits to the cluster file that keep the user's comments, key order and formatting: each finds
 * its place through the parsed yaml Document and splices only the characters that change (the
 * yaml library's own re-serialisation would re-align comments and reflow the file). The editor applies only the changed
 * span (see textChange) so undo and cursor positions behave.
 */
import { isMap, isScalar, isSeq, parseDocument, type Document, type Node, type YAMLMap, type YAMLSeq } from 'yaml';
import { matchesFormat } from './validate';

export class EditError extends Error {}

function load(text: string): Document {
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length) throw new EditError('the cluster file has YAML errors; fix them first (see the Problems panel)');
  return doc;
}

function nodesSeq(doc: Document): YAMLSeq {
  const seq = doc.get('nodes', true);
  if (!isSeq(seq)) throw new EditError('the cluster file has no "nodes" list');
  return seq;
}

function nodeMaps(doc: Document): YAMLMap[] {
  return nodesSeq(doc).items.filter(isMap) as YAMLMap[];
}

function findNode(doc: Document, host: string): YAMLMap {
  const found = nodeMaps(doc).find((m) => m.get('host') === host);
  if (!found) throw new EditError(`no node "${host}" in the cluster file`);
  return found;
}

interface Splice {
  start: number;
  end: number;
  text: string;
}

/** Applies non-overlapping splices to `text`. */
function splice(text: string, edits: Splice[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

type Ranged = { range?: [number, number, number] | null };
const lineStart = (text: string, at: number) => text.lastIndexOf('\n', at - 1) + 1;
const lineEnd = (text: string, at: number) => {
  const i = text.indexOf('\n', at);
  return i < 0 ? text.length : i;
};
/** Offset just after the last non-blank character of a node (block nodes' ranges run into the next line). */
function contentEnd(text: string, node: Ranged): number {
  let end = node.range![1];
  while (end > node.range![0] && /\s/.test(text[end - 1])) end--;
  return end;
}

/** Makes `host` the only primary, touching only the `primary` values (comments and layout stay). */
export function setPrimary(text: string, host: string): string {
  const doc = load(text);
  const target = findNode(doc, host);
  const edits: Splice[] = [];
  for (const m of nodeMaps(doc)) {
    const pair = m.items.find((p) => isScalar(p.key) && p.key.value === 'primary');
    const value = pair?.value as (Ranged & { value?: unknown }) | undefined;
    if (m === target) {
      if (value?.range) edits.push({ start: value.range[0], end: value.range[1], text: 'true' });
      else edits.push(appendPair(text, m, 'primary', 'true'));
    } else if (value?.range && value.value === true) {
      edits.push({ start: value.range[0], end: value.range[1], text: 'false' });
    }
  }
  return splice(text, edits);
}

/** A new `key: value` at the end of a mapping, in its style (flow or block, same indentation). */
function appendPair(text: string, m: YAMLMap, key: string, value: string): Splice {
  if (m.flow) {
    const close = text.lastIndexOf('}', m.range![1]);
    let at = close;
    while (at > 0 && /\s/.test(text[at - 1])) at--;
    return { start: at, end: at, text: `${m.items.length ? ',' : ''} ${key}: ${value}` };
  }
  const firstKey = m.items[0].key as Ranged;
  const indent = firstKey.range![0] - lineStart(text, firstKey.range![0]);
  const end = lineEnd(text, contentEnd(text, m));
  return { start: end, end, text: `\n${' '.repeat(indent)}${key}: ${value}` };
}

export interface NewNode {
  host: string;
  address: string;
  primary?: boolean;
}

/** Problems with a node about to be added, or undefined when it can be added. */
export function checkNewNode(text: string, node: NewNode): string | undefined {
  if (!matchesFormat(node.host, 'hostname')) return `"${node.host}" is not a valid host name`;
  if (!matchesFormat(node.address, ['ipv4', 'ipv6'])) return `"${node.address}" is not an IPv4 or IPv6 address`;
  const doc = load(text);
  const lb = doc.get('loadBalancer', true);
  const taken = [...nodeMaps(doc), ...(isMap(lb) ? [lb] : [])];
  for (const m of taken) {
    if (String(m.get('host')).toLowerCase() === node.host.toLowerCase()) return `host "${node.host}" is already in the cluster`;
    if (String(m.get('address')).toLowerCase() === node.address.toLowerCase())
      return `address ${node.address} is already used by ${m.get('host')}`;
  }
  return undefined;
}

/** Appends a node to the `nodes` list in the style of the entries already there. */
export function addNode(text: string, node: NewNode): string {
  const problem = checkNewNode(text, node);
  if (problem) throw new EditError(problem);
  const doc = load(text);
  const seq = nodesSeq(doc);
  const fields: [string, string][] = [
    ['host', node.host],
    ['address', node.address],
    ...(node.primary ? [['primary', 'true'] as [string, string]] : []),
  ];
  const flowEntry = `{ ${fields.map(([k, v]) => `${k}: ${v}`).join(', ')} }`;
  const last = seq.items[seq.items.length - 1] as (Node & Ranged) | undefined;
  if (seq.flow || !last) {
    if (!seq.flow) throw new EditError('the "nodes" list is empty; add the first node by hand');
    const close = text.lastIndexOf(']', seq.range![1]);
    let at = close;
    while (at > 0 && /\s/.test(text[at - 1])) at--;
    const out = splice(text, [{ start: at, end: at, text: `${seq.items.length ? ',' : ''} ${flowEntry}` }]);
    return node.primary ? setPrimary(out, node.host) : out;
  }
  // "  - " before the last item: reuse its indentation for the new one.
  const start = last.range![0];
  const prefix = text.slice(lineStart(text, start), start);
  const keyIndent = ' '.repeat(prefix.length);
  const entry =
    isMap(last) && last.flow ? `${prefix}${flowEntry}` : fields.map(([k, v], i) => `${i === 0 ? prefix : keyIndent}${k}: ${v}`).join('\n');
  const end = lineEnd(text, contentEnd(text, last));
  const out = splice(text, [{ start: end, end, text: `\n${entry}` }]);
  return node.primary ? setPrimary(out, node.host) : out;
}

/** Removes the node `host`: its lines (block list) or its entry (flow list); nothing else moves. */
export function removeNode(text: string, host: string): string {
  const doc = load(text);
  const seq = nodesSeq(doc);
  const target = findNode(doc, host) as YAMLMap & Ranged;
  if (target.get('primary') === true && seq.items.length > 1) {
    throw new EditError(`"${host}" is the primary; make another node the primary first`);
  }
  const i = seq.items.indexOf(target);
  if (seq.flow) {
    const prev = seq.items[i - 1] as Ranged | undefined;
    const next = seq.items[i + 1] as Ranged | undefined;
    // Remove "entry, " or ", entry" so the separators stay right.
    const edit = next
      ? { start: target.range![0], end: next.range![0], text: '' }
      : prev
        ? { start: contentEnd(text, prev), end: contentEnd(text, target), text: '' }
        : { start: target.range![0], end: contentEnd(text, target), text: '' };
    return splice(text, [edit]);
  }
  const from = lineStart(text, target.range![0]);
  const endLine = lineEnd(text, contentEnd(text, target));
  return splice(text, [{ start: from, end: Math.min(text.length, endLine + 1), text: '' }]);
}

/** Hosts listed under `nodes`, in file order (for pickers when the file has errors elsewhere). */
export function listNodeHosts(text: string): string[] {
  const doc = parseDocument(text);
  const seq = doc.get('nodes', true);
  if (!isSeq(seq)) return [];
  return seq.items
    .filter(isMap)
    .map((m) => (m as YAMLMap).get('host', true))
    .filter(isScalar)
    .map((s) => String(s.value));
}

/** The smallest single replacement turning `before` into `after` (offsets into `before`). */
export function textChange(before: string, after: string): { start: number; end: number; text: string } {
  let start = 0;
  const max = Math.min(before.length, after.length);
  while (start < max && before[start] === after[start]) start++;
  let tail = 0;
  while (tail < max - start && before[before.length - 1 - tail] === after[after.length - 1 - tail]) tail++;
  return { start, end: before.length - tail, text: after.slice(start, after.length - tail) };
}
