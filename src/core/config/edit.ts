/**
 * Edits to the cluster file that keep the user's comments, key order and formatting: each works
 * on the parsed yaml Document and returns the new text. The editor applies only the changed
 * span (see textChange) so undo and cursor positions behave.
 */
import { isMap, isScalar, isSeq, parseDocument, type Document, type YAMLMap, type YAMLSeq } from 'yaml';
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

/** Makes `host` the only primary. */
export function setPrimary(text: string, host: string): string {
  const doc = load(text);
  const target = findNode(doc, host);
  for (const m of nodeMaps(doc)) {
    if (m === target) {
      m.set('primary', true);
    } else if (m.has('primary')) {
      // Keep an explicit "primary: false" where the user wrote one; drop "true".
      if (m.get('primary') === true) m.delete('primary');
    }
  }
  return doc.toString();
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
    if (String(m.get('address')).toLowerCase() === node.address.toLowerCase()) return `address ${node.address} is already used by ${m.get('host')}`;
  }
  return undefined;
}

/** Appends a node to the `nodes` list in the same style as the existing entries. */
export function addNode(text: string, node: NewNode): string {
  const problem = checkNewNode(text, node);
  if (problem) throw new EditError(problem);
  const doc = load(text);
  const seq = nodesSeq(doc);
  const entry = doc.createNode({ host: node.host, address: node.address, ...(node.primary ? { primary: true } : {}) }) as YAMLMap;
  // Match flow style ({...}) if the list already uses it.
  const first = seq.items.find(isMap) as YAMLMap | undefined;
  if (first?.flow) entry.flow = true;
  seq.items.push(entry);
  if (node.primary) {
    for (const m of nodeMaps(doc)) if (m !== entry && m.get('primary') === true) m.delete('primary');
  }
  return doc.toString();
}

/** Removes the node `host`; its comment lines go with it. */
export function removeNode(text: string, host: string): string {
  const doc = load(text);
  const seq = nodesSeq(doc);
  const target = findNode(doc, host);
  if (target.get('primary') === true && seq.items.length > 1) {
    throw new EditError(`"${host}" is the primary; make another node the primary first`);
  }
  seq.items = seq.items.filter((i) => i !== target);
  return doc.toString();
}

/** Hosts listed under `nodes`, in file order (for pickers when the file has errors elsewhere). */
export function listNodeHosts(text: string): string[] {
  const doc = parseDocument(text);
  const seq = doc.get('nodes', true);
  if (!isSeq(seq)) return [];
  return seq.items.filter(isMap).map((m) => (m as YAMLMap).get('host', true)).filter(isScalar).map((s) => String(s.value));
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
