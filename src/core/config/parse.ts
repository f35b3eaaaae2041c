/**
 * Parses a cluster file: YAML syntax, structure (validate.ts), the rules that span several
 * entries (rules.ts), then fills in defaults. The yaml Document is kept so that edits
 * (edit.ts) preserve comments and key order.
 */
import { LineCounter, parseDocument, visit, type Document } from 'yaml';
import { CLUSTER_FILE_FIELD } from './fields';
import { resolveConfig } from './resolve';
import { crossEntryRules } from './rules';
import type { ClusterConfig, Problem, Range } from './types';
import { StructureValidator } from './validate';
import { printable } from '../printable';

export interface ParsedClusterFile {
  text: string;
  doc: Document;
  lines: LineCounter;
  /** Errors and warnings, in file order. */
  problems: Problem[];
  /** Present when the file has no errors (warnings allowed). */
  config?: ClusterConfig;
  /** Range of the entry at `path` (key and value), or of the whole file's first line. */
  rangeOf(path: (string | number)[]): Range;
}

/**
 * What a cluster file may hold. A real one is a few KiB (64 nodes with comments stay far under
 * 64 KiB); the caps keep a hostile or broken file from hanging or crashing validation, the plan
 * and the views (the YAML library's duplicate-key check alone is quadratic in a mapping's size).
 */
export const CLUSTER_FILE_LIMITS = {
  /** Characters in the file. */
  chars: 64 * 1024,
  /** Alias expansions: YAML's count of nodes copied through `*alias` (the library's default is 100). */
  aliasNodes: 10_000,
  /** Problems reported; the rest are summed up in one. */
  problems: 100,
};

export function parseClusterFile(text: string): ParsedClusterFile {
  const lines = new LineCounter();
  if (text.length > CLUSTER_FILE_LIMITS.chars) return tooLarge(text, lines);
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false, strict: true });
  const validator = new StructureValidator(doc, lines);
  const rangeOf = (path: (string | number)[]): Range => rangeOfPath(doc, validator, path);
  const result: ParsedClusterFile = { text, doc, lines, problems: validator.problems, rangeOf };

  const yamlIssues = [
    ...doc.errors.map((e) => ({ e, severity: 'error' as const })),
    ...doc.warnings.map((e) => ({ e, severity: 'warning' as const })),
  ];
  for (const { e, severity } of yamlIssues) {
    const [start, end] = e.pos;
    const message = e.code === 'DUPLICATE_KEY' ? 'the same key appears twice in this mapping' : e.message.split('\n')[0];
    result.problems.push({
      severity,
      code: `yaml-${e.code.toLowerCase()}`,
      message: `YAML: ${message}`,
      range: validator.rangeOf({ range: [start, end, end] }),
      path: [],
    });
  }
  let config: ClusterConfig | undefined;
  if (doc.errors.length === 0) {
    if (doc.contents === null) {
      result.problems.push({
        severity: 'error',
        code: 'empty',
        message: 'the cluster file is empty; run "Gluu Cluster: Create Cluster File" for a commented example',
        range: validator.rangeOf(null),
        path: [],
      });
    } else {
      validator.check(doc.contents, CLUSTER_FILE_FIELD, []);
      // The rules across entries run in the same pass, so every problem shows at once (the
      // resolved values are lenient: what the structure check refused is left out).
      const raw = aliasesExpanded(doc, result, validator);
      if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
        config = resolveConfig(raw as Record<string, unknown>);
        const structure = [...result.problems];
        const refused = (path: (string | number)[]) => structure.some((p) => path.every((k, i) => p.path[i] === k));
        for (const p of crossEntryRules(config, refused)) result.problems.push({ ...p, range: rangeOf(p.path) });
      }
    }
  }
  if (config && !result.problems.some((p) => p.severity === 'error')) result.config = config;
  result.problems.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.col - b.range.start.col);
  if (result.problems.length > CLUSTER_FILE_LIMITS.problems) {
    const rest = result.problems.splice(CLUSTER_FILE_LIMITS.problems);
    const errors = rest.filter((p) => p.severity === 'error').length;
    result.problems.push({
      severity: errors ? 'error' : 'warning',
      code: 'too-many-problems',
      message: `${rest.length} more problems (${errors} errors) after these, from line ${rest[0].range.start.line + 1} on; fix these first`,
      range: rest[0].range,
      path: [],
    });
  }
  // Messages quote keys and values from the file: never let them carry control sequences.
  for (const p of result.problems) p.message = printable(p.message);
  return result;
}

/** A file over the size cap: one problem, nothing parsed (parsing it is what would hang). */
function tooLarge(text: string, lines: LineCounter): ParsedClusterFile {
  const doc = parseDocument('');
  const range: Range = { start: { line: 0, col: 0 }, end: { line: 0, col: 0 } };
  const problem: Problem = {
    severity: 'error',
    code: 'file-too-large',
    message: `the cluster file has ${text.length} characters; at most ${CLUSTER_FILE_LIMITS.chars} (a cluster of 64 nodes with comments needs far fewer). Is this the right file?`,
    range,
    path: [],
  };
  return { text, doc, lines, problems: [problem], rangeOf: () => range };
}

/** The document as plain data; an alias expansion over the cap is a problem at the first alias, not a crash. */
function aliasesExpanded(doc: Document, result: ParsedClusterFile, validator: StructureValidator): unknown {
  try {
    return doc.toJS({ maxAliasCount: CLUSTER_FILE_LIMITS.aliasNodes });
  } catch (e) {
    if (!(e instanceof ReferenceError)) throw e;
    let first: { range?: [number, number, number] | null } | null = null;
    visit(doc, {
      Alias(_key, node) {
        first = node;
        return visit.BREAK;
      },
    });
    result.problems.push({
      severity: 'error',
      code: 'yaml-aliases',
      message: `YAML aliases (*name) expand to more than ${CLUSTER_FILE_LIMITS.aliasNodes} copied entries; write shared settings once (for example the top-level ssh:, which every host inherits) instead of an alias per host`,
      range: validator.rangeOf(first),
      path: [],
    });
    return undefined;
  }
}

/** The range of the deepest existing node along `path`: the key for a pair, the item for a list entry. */
function rangeOfPath(doc: Document, v: StructureValidator, path: (string | number)[]): Range {
  for (let n = path.length; n > 0; n--) {
    const sub = path.slice(0, n);
    const last = sub[sub.length - 1];
    if (typeof last === 'string') {
      const parent = sub.length > 1 ? doc.getIn(sub.slice(0, -1), true) : doc.contents;
      const pair = (parent as { items?: { key?: { value?: unknown; range?: [number, number, number] } }[] } | null)?.items?.find(
        (p) => p?.key?.value === last,
      );
      if (pair?.key) return v.rangeOf(pair.key);
    } else {
      const node = doc.getIn(sub, true) as { range?: [number, number, number] } | undefined;
      if (node?.range) return v.rangeOf(node);
    }
  }
  return v.rangeOf(null);
}
