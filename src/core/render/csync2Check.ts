/**
 * Checks csync2.cfg for the structure csync2 accepts (csync2's own parser is a yacc grammar in
 * cfgfile.y; this follows it): top-level `nossl`, `config`, `prefix` and `group NAME { ... }`
 * blocks holding `host`, `key`, `include`, `exclude`, `compare`, `pattern`, `backup-directory`,
 * `backup-generations`, `auto` and `action { pattern; exec; logfile; do-local; }` statements,
 * each ending with a semicolon. Problems carry 0-based line and column.
 *
 * Against a cluster (the workspace's csync2.cfg, which the csync2 step pushes to every node) it
 * also flags what would sync the nodes' Gluu files with another machine: a `host` that is not one
 * of the cluster's nodes, and any group besides the first (csync2 -x syncs every group).
 */
export interface CfgProblem {
  line: number;
  col: number;
  message: string;
}

interface Token {
  text: string;
  line: number;
  col: number;
}

function tokenize(text: string): { tokens: Token[]; problems: CfgProblem[] } {
  const tokens: Token[] = [];
  const problems: CfgProblem[] = [];
  const lines = text.split('\n');
  lines.forEach((raw, line) => {
    let i = 0;
    while (i < raw.length) {
      const c = raw[i];
      if (c === '#') break;
      if (/\s/.test(c)) {
        i++;
        continue;
      }
      if (c === '{' || c === '}' || c === ';') {
        tokens.push({ text: c, line, col: i });
        i++;
        continue;
      }
      if (c === '"') {
        const end = raw.indexOf('"', i + 1);
        if (end < 0) {
          problems.push({ line, col: i, message: 'unterminated string' });
          break;
        }
        tokens.push({ text: raw.slice(i, end + 1), line, col: i });
        i = end + 1;
        continue;
      }
      let j = i;
      while (j < raw.length && !/[\s{};#"]/.test(raw[j])) j++;
      tokens.push({ text: raw.slice(i, j), line, col: i });
      i = j;
    }
  });
  return { tokens, problems };
}

// `pattern` belongs in action blocks only: csync2 rejects it at group level.
const GROUP_STATEMENTS = new Set(['host', 'key', 'include', 'exclude', 'compare', 'backup-directory', 'backup-generations', 'auto']);
const ACTION_STATEMENTS = new Set(['pattern', 'exec', 'logfile', 'do-local', 'do-local-only']);
const AUTO_VALUES = new Set(['none', 'first', 'younger', 'older', 'bigger', 'smaller', 'left', 'right']);

/** What the file is checked against: the host names of the cluster's nodes. */
export interface Csync2Cluster {
  nodes: readonly string[];
}

/**
 * The host name in a `host` word: csync2 writes a passive host as "(name)" and, in 2.x, may give
 * its address as "name@address". Host names compare as DNS names do, without case.
 */
function hostName(word: string): string {
  return word
    .replace(/^\(|\)$/g, '')
    .replace(/@.*$/, '')
    .toLowerCase();
}

export function checkCsync2Cfg(text: string, cluster?: Csync2Cluster): CfgProblem[] {
  const { tokens, problems } = tokenize(text);
  const nodes = new Set(cluster?.nodes.map((n) => n.toLowerCase()));
  let groups = 0;
  let i = 0;
  const at = (t: Token | undefined, message: string) => {
    const last = tokens[tokens.length - 1];
    problems.push({ line: t?.line ?? last?.line ?? 0, col: t?.col ?? last?.col ?? 0, message });
  };
  /** Words up to the next ';' (the statement's arguments). */
  const args = (): Token[] | undefined => {
    const out: Token[] = [];
    while (i < tokens.length && tokens[i].text !== ';') {
      if (tokens[i].text === '{' || tokens[i].text === '}') {
        at(tokens[i], `expected ";" before "${tokens[i].text}"`);
        return undefined;
      }
      out.push(tokens[i++]);
    }
    if (i >= tokens.length) {
      at(tokens[i - 1], 'expected ";" at the end of the statement');
      return undefined;
    }
    i++; // ;
    return out;
  };
  const block = (kind: 'group' | 'action'): boolean => {
    const open = tokens[i];
    if (open?.text !== '{') {
      at(open, `expected "{" after ${kind}`);
      return false;
    }
    i++;
    let hosts = 0;
    let keys = 0;
    while (i < tokens.length && tokens[i].text !== '}') {
      const t = tokens[i++];
      if (kind === 'group' && t.text === 'action') {
        if (!block('action')) return false;
        continue;
      }
      const allowed = kind === 'group' ? GROUP_STATEMENTS : ACTION_STATEMENTS;
      if (!allowed.has(t.text)) {
        at(t, `unknown ${kind} statement "${t.text}"; expected one of ${[...allowed, ...(kind === 'group' ? ['action'] : [])].join(', ')}`);
        return false;
      }
      const a = args();
      if (!a) return false;
      const needsArgs = !['do-local', 'do-local-only'].includes(t.text);
      if (needsArgs && a.length === 0) at(t, `"${t.text}" needs a value`);
      if (t.text === 'host') {
        hosts += a.length;
        for (const h of cluster ? a : []) {
          const name = hostName(h.text);
          // A lone "(" or ")" is csync2's bracket around passive hosts, not a host.
          if (name && !nodes.has(name))
            at(
              h,
              `host "${h.text}" is not a node of the cluster: csync2 would sync the Gluu files with it (nodes: ${[...nodes].join(', ')})`,
            );
        }
      }
      if (t.text === 'key') {
        keys++;
        if (a.length !== 1) at(t, '"key" takes exactly one file');
        if (keys > 1) at(t, 'a group has only one "key"');
      }
      if (t.text === 'auto' && a[0] && !AUTO_VALUES.has(a[0].text)) at(a[0], `"auto" must be one of ${[...AUTO_VALUES].join(', ')}`);
      if (t.text === 'backup-generations' && a[0] && !/^\d+$/.test(a[0].text)) at(a[0], '"backup-generations" takes a number');
    }
    if (i >= tokens.length) {
      at(open, `"{" of this ${kind} is never closed`);
      return false;
    }
    i++; // }
    if (kind === 'group') {
      if (hosts === 0) at(open, 'a group needs at least one "host"');
      if (keys === 0) at(open, 'a group needs a "key" file (csync2 -k creates one)');
    }
    return true;
  };
  while (i < tokens.length) {
    const t = tokens[i++];
    if (t.text === 'group') {
      const name = tokens[i];
      if (!name || /[{};]/.test(name.text)) {
        at(name ?? t, 'a group needs a name');
        break;
      }
      i++;
      if (cluster && ++groups > 1)
        at(
          name,
          `a second group "${name.text}": the cluster's csync2.cfg has one group, and csync2 -x on the nodes would sync this one too`,
        );
      if (!block('group')) break;
    } else if (t.text === 'nossl' || t.text === 'config' || t.text === 'prefix' || t.text === 'ignore') {
      if (t.text === 'prefix') {
        // prefix NAME { on HOST: PATH; }
        i++;
        if (tokens[i]?.text !== '{') {
          at(tokens[i] ?? t, 'expected "{" after prefix NAME');
          break;
        }
        while (i < tokens.length && tokens[i].text !== '}') i++;
        i++;
      } else if (!args()) break;
    } else {
      at(t, `unexpected "${t.text}" at top level; expected "group NAME { ... }"`);
      break;
    }
  }
  return problems;
}
