/**
 * A reader for the POSIX shell the steps generate, enough to find every command a script can run
 * and its arguments as the program receives them: quoting ('…', "…", \x), command substitution
 * $(…) (read as a nested script), arithmetic $((…)) (kept as text), control operators and
 * redirections, and nested shells (`bash -c SCRIPT`, the remote part of `ssh … root@localhost
 * SCRIPT`) read again. It refuses what it does not understand (backquotes, arithmetic inside
 * double quotes, here-documents) rather than guess, so a test built on it fails loudly. Not read: a
 * `case` inside $(…) (its patterns' `)` would end the substitution); the steps have none.
 */

export type Token = { kind: 'word'; value: string } | { kind: 'op'; value: string };

/** A simple command: its words, assignments and redirections removed. */
export type Command = string[];

const OPERATORS = ['&&', '||', ';;', '>>', '>&', '<&', '<<', ';', '|', '&', '(', ')', '<', '>', '\n'];
const REDIRECTIONS = new Set(['>', '>>', '>&', '<', '<&']);
const RESERVED = new Set(['if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'while', 'until', 'for', 'case', 'esac', 'in', '{', '}', '!']);

interface Scan {
  tokens: Token[];
  /** Scripts found inside $(…), read on their own. */
  nested: string[];
  /** Where reading stopped (after the `)` that closes a $(…) when reading one). */
  end: number;
}

function scan(text: string, start: number, inSubstitution: boolean): Scan {
  const tokens: Token[] = [];
  const nested: string[] = [];
  let word: string | undefined;
  let depth = 0;
  const flush = () => {
    if (word !== undefined) tokens.push({ kind: 'word', value: word });
    word = undefined;
  };
  let i = start;
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\t') {
      flush();
      i++;
    } else if (c === '#' && word === undefined) {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === "'") {
      const close = text.indexOf("'", i + 1);
      if (close < 0) throw new Error(`unterminated single quote at ${i}`);
      word = (word ?? '') + text.slice(i + 1, close);
      i = close + 1;
    } else if (c === '"') {
      let value = '';
      i++;
      while (text[i] !== '"') {
        if (i >= text.length) throw new Error('unterminated double quote');
        if (text[i] === '\\' && '$`"\\\n'.includes(text[i + 1])) {
          if (text[i + 1] !== '\n') value += text[i + 1];
          i += 2;
        } else if (text[i] === '`' || text.startsWith('$((', i)) {
          throw new Error(`backquotes and arithmetic inside double quotes are not read: ${text.slice(i, i + 30)}`);
        } else if (text.startsWith('$(', i)) {
          const inner = scan(text, i + 2, true);
          nested.push(text.slice(i + 2, inner.end - 1));
          value += '$(…)';
          i = inner.end;
        } else value += text[i++];
      }
      word = (word ?? '') + value;
      i++;
    } else if (c === '\\') {
      if (text[i + 1] !== '\n') word = (word ?? '') + text[i + 1];
      i += 2;
    } else if (c === '`') {
      throw new Error('backquotes are not read');
    } else if (text.startsWith('$((', i)) {
      const close = text.indexOf('))', i);
      if (close < 0) throw new Error('unterminated $((');
      word = (word ?? '') + text.slice(i, close + 2);
      i = close + 2;
    } else if (text.startsWith('$(', i)) {
      const inner = scan(text, i + 2, true);
      nested.push(text.slice(i + 2, inner.end - 1));
      word = (word ?? '') + '$(…)';
      i = inner.end;
    } else if (text.startsWith('<<', i)) {
      throw new Error('here-documents are not read');
    } else {
      const op = OPERATORS.find((o) => text.startsWith(o, i));
      if (!op) {
        word = (word ?? '') + c;
        i++;
        continue;
      }
      if (inSubstitution && op === ')' && depth === 0) {
        flush();
        return { tokens, nested, end: i + 1 };
      }
      if (op === '(') depth++;
      if (op === ')') depth--;
      // An IO number: digits right before a redirection belong to it (2>&1).
      if ((op === '>' || op === '>>' || op === '>&' || op === '<' || op === '<&') && word !== undefined && /^\d+$/.test(word))
        word = undefined;
      flush();
      tokens.push({ kind: 'op', value: op });
      i += op.length;
    }
  }
  if (inSubstitution) throw new Error('unterminated $(');
  flush();
  return { tokens, nested, end: i };
}

export function tokenize(text: string): Token[] {
  return scan(text, 0, false).tokens;
}

/**
 * Every simple command in `text`, including those inside $(…) and inside nested shells, each as
 * the words the program receives (its name first).
 */
export function commands(text: string): Command[] {
  const { tokens, nested } = scan(text, 0, false);
  const out: Command[] = [];
  let current: string[] = [];
  const end = () => {
    // Leading reserved words and assignments are not the command.
    let k = 0;
    while (k < current.length && (RESERVED.has(current[k]) || /^[A-Za-z_][A-Za-z0-9_]*=/.test(current[k]))) k++;
    const cmd = current.slice(k);
    if (cmd.length) out.push(cmd);
    current = [];
  };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.kind === 'op' && REDIRECTIONS.has(t.value)) {
      i++; // its target
    } else if (t.kind === 'op') {
      end();
    } else current.push(t.value);
  }
  end();
  const found = [...out];
  for (const c of found) {
    const script = nestedShell(c);
    if (script !== undefined) out.push(...commands(script));
  }
  for (const n of nested) out.push(...commands(n));
  return out;
}

/** The script a command hands to another shell: `… bash -c SCRIPT`, or the remote command of `ssh … user@host WORDS…`. */
function nestedShell(c: Command): string | undefined {
  const dashC = c.findIndex((w, i) => w === '-c' && i > 0 && /(^|\/)(ba|da)?sh$/.test(c[i - 1]));
  if (dashC >= 0) return c[dashC + 1];
  if (c[0] === 'ssh') {
    const dest = c.findIndex((w, i) => i > 0 && /^[^-][^\s]*@[^\s]+$/.test(w) && !['-i', '-o', '-p'].includes(c[i - 1]));
    if (dest >= 0) return c.slice(dest + 1).join(' ');
  }
  return undefined;
}
