/**
 * Structural validation of the cluster file's YAML tree against the field description in
 * fields.ts. Works on the yaml AST rather than on plain JS values so that every problem carries
 * the line and column of the exact key or value at fault.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node, type YAMLMap } from 'yaml';
import { FORMATS, FORMAT_HINTS, SECRET_KEY_PATTERN, type Field, type FormatName, type ObjectField } from './fields';
import type { Problem, Range } from './types';
import { closestMatch } from './suggest';

type Path = (string | number)[];

export const SECRET_KEY_MESSAGE =
  "passwords are kept in the editor's secret storage and asked for when needed; remove this key from the cluster file";

const compiled = new Map<FormatName, RegExp>();
function formatRegExp(name: FormatName): RegExp {
  let re = compiled.get(name);
  if (!re) {
    re = new RegExp(FORMATS[name], 'u');
    compiled.set(name, re);
  }
  return re;
}

/** True when `value` satisfies the format (or one of the formats). */
export function matchesFormat(value: string, format: FormatName | FormatName[]): boolean {
  const list = Array.isArray(format) ? format : [format];
  return list.some((f) => formatRegExp(f).test(value));
}

function formatHint(format: FormatName | FormatName[]): string {
  const list = Array.isArray(format) ? format : [format];
  return list.map((f) => FORMAT_HINTS[f]).join(' or ');
}

export class StructureValidator {
  readonly problems: Problem[] = [];

  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  rangeOf(node: { range?: [number, number, number] | null } | null | undefined): Range {
    const [start, end] = node?.range ?? [0, 0];
    const a = this.lines.linePos(start);
    const b = this.lines.linePos(Math.max(start, end));
    return { start: { line: a.line - 1, col: a.col - 1 }, end: { line: b.line - 1, col: b.col - 1 } };
  }

  private report(code: string, message: string, at: Node | null | undefined, path: Path): void {
    this.problems.push({ severity: 'error', code, message, range: this.rangeOf(at), path });
  }

  /** Validates `node` against `field`; `keyNode` anchors problems about a missing value. */
  check(node: unknown, field: Field, path: Path, keyNode?: Node | null): void {
    if (isAlias(node)) node = node.resolve(this.doc);
    const anchor = (node as Node | null | undefined) ?? keyNode;
    const where = path.length ? `"${formatPath(path)}"` : 'the cluster file';
    switch (field.kind) {
      case 'object': {
        if (!isMap(node)) {
          this.report('type', `${where} must be a mapping of keys to values`, anchor, path);
          return;
        }
        this.checkObject(node, field, path, keyNode);
        return;
      }
      case 'array': {
        if (!isSeq(node)) {
          this.report('type', `${where} must be a list`, anchor, path);
          return;
        }
        if (field.minItems !== undefined && node.items.length < field.minItems) {
          this.report('min-items', `${where} needs at least ${field.minItems} entr${field.minItems === 1 ? 'y' : 'ies'}`, anchor, path);
        }
        if (field.maxItems !== undefined && node.items.length > field.maxItems) {
          // Checking past the cap would only multiply problems: say it once, at the list.
          this.report('max-items', `${where} has ${node.items.length} entries; at most ${field.maxItems}`, anchor, path);
          return;
        }
        node.items.forEach((item, i) => this.check(item, field.items, [...path, i], anchor));
        return;
      }
      default:
        this.checkScalar(node, field, path, anchor, where);
    }
  }

  private checkScalar(
    node: unknown,
    field: Exclude<Field, { kind: 'object' | 'array' }>,
    path: Path,
    anchor: Node | null | undefined,
    where: string,
  ): void {
    const value = isScalar(node) ? node.value : undefined;
    switch (field.kind) {
      case 'boolean':
        if (typeof value !== 'boolean') this.report('type', `${where} must be true or false`, anchor, path);
        return;
      case 'integer':
        if (typeof value !== 'number' || !Number.isInteger(value)) {
          this.report('type', `${where} must be a whole number`, anchor, path);
        } else if (value < field.minimum || value > field.maximum) {
          this.report('range', `${where} must be between ${field.minimum} and ${field.maximum}`, anchor, path);
        }
        return;
      case 'string':
        if (typeof value !== 'string') {
          this.report('type', `${where} must be text`, anchor, path);
          return;
        }
        if (field.enum && !field.enum.includes(value)) {
          const guess = closestMatch(value, field.enum);
          this.report(
            'enum',
            `${where} must be one of ${field.enum.join(', ')}${guess ? ` (did you mean "${guess}"?)` : ''}`,
            anchor,
            path,
          );
        } else if (field.format && !matchesFormat(value, field.format)) {
          this.report('format', `${where}: "${printable(value)}" is not ${formatHint(field.format)}`, anchor, path);
        }
        return;
    }
  }

  private checkObject(map: YAMLMap, field: ObjectField, path: Path, keyNode?: Node | null): void {
    const seen = new Set<string>();
    const known = Object.keys(field.fields);
    for (const pair of map.items) {
      if (!isPair(pair)) continue;
      const k = pair.key as Node | null;
      const key = isScalar(k) ? String(k.value) : undefined;
      if (key === undefined) {
        this.report('key', 'keys must be plain names', k, path);
        continue;
      }
      seen.add(key);
      const sub = field.fields[key];
      if (sub) {
        this.check(pair.value, sub, [...path, key], k);
      } else if (SECRET_KEY_PATTERN.test(key)) {
        this.report('secret-key', `"${key}": ${SECRET_KEY_MESSAGE}`, k, [...path, key]);
      } else {
        const guess = closestMatch(key, known);
        const allowed = known.join(', ');
        this.report(
          'unknown-key',
          guess ? `unknown key "${key}" (did you mean "${guess}"?)` : `unknown key "${key}"; allowed here: ${allowed}`,
          k,
          [...path, key],
        );
      }
    }
    for (const req of field.required ?? []) {
      if (!seen.has(req)) {
        // Anchor on the key that holds this mapping (or the list item itself); at top level, line 1.
        const at = path.length === 0 ? null : isScalar(keyNode) ? keyNode : map;
        this.report('required', `missing required key "${req}"${path.length ? ` in "${formatPath(path)}"` : ''}`, at, [...path, req]);
      }
    }
  }
}

/** nodes[1].ssh.port — how a person would name the place in the file. */
export function formatPath(path: Path): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

function printable(s: string): string {
  const flat = JSON.stringify(s).slice(1, -1);
  return flat.length > 60 ? `${flat.slice(0, 57)}...` : flat;
}
