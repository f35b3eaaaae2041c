/**
 * Parses a cluster file: YAML syntax, structure (validate.ts), the rules that span several
 * entries (rules.ts), then fills in defaults. The yaml Document is kept so that edits
 * (edit.ts) preserve comments and key order.
 */
import { LineCounter, parseDocument, type Document } from 'yaml';
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

export function parseClusterFile(text: string): ParsedClusterFile {
  const lines = new LineCounter();
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
      const raw = doc.toJS() as unknown;
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
  // Messages quote keys and values from the file: never let them carry control sequences.
  for (const p of result.problems) p.message = printable(p.message);
  return result;
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
