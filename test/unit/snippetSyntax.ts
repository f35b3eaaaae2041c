/**
 * Expands a VS Code snippet body the way the editor inserts it when every placeholder is left at
 * its default: `${1:default}` → default, `${1|a,b|}` → a (or the choice picked per tab stop),
 * `$1` / `${1}` → the default of the same tab stop elsewhere (a mirror) or nothing, `$0` →
 * nothing, `\$` `\}` `\\` → the character. Variables (`$name`, `${name}`) and transforms throw:
 * the snippets use none, so one is an nginx variable that was not escaped (`$host` must be
 * written `\\$host` in the JSON, or the editor inserts the placeholder "host").
 */

type Node = { kind: 'text'; value: string } | { kind: 'tabstop'; index: number; children?: Node[]; choices?: string[] };

export class SnippetSyntaxError extends Error {}

export function parseSnippet(src: string): Node[] {
  let i = 0;
  const fail = (message: string): never => {
    throw new SnippetSyntaxError(`${message} at ${i} in ${JSON.stringify(src)}`);
  };
  const digits = (): number | undefined => {
    const m = /^\d+/.exec(src.slice(i));
    if (!m) return undefined;
    i += m[0].length;
    return Number(m[0]);
  };
  const choices = (): string[] => {
    const out: string[] = [];
    let cur = '';
    for (;;) {
      if (i >= src.length) fail('unterminated choice');
      const c = src[i];
      if (c === '\\' && i + 1 < src.length && ',|\\$}'.includes(src[i + 1])) {
        cur += src[i + 1];
        i += 2;
      } else if (c === ',') {
        out.push(cur);
        cur = '';
        i++;
      } else if (c === '|' && src[i + 1] === '}') {
        out.push(cur);
        i += 2;
        return out;
      } else {
        cur += c;
        i++;
      }
    }
  };
  const sequence = (inPlaceholder: boolean): Node[] => {
    const out: Node[] = [];
    let text = '';
    const flush = () => {
      if (text) out.push({ kind: 'text', value: text });
      text = '';
    };
    while (i < src.length) {
      const c = src[i];
      if (c === '\\' && i + 1 < src.length && '$}\\'.includes(src[i + 1])) {
        text += src[i + 1];
        i += 2;
        continue;
      }
      if (inPlaceholder && c === '}') {
        flush();
        return out;
      }
      if (c === '$') {
        const next = src[i + 1] ?? '';
        if (/\d/.test(next)) {
          i++;
          flush();
          out.push({ kind: 'tabstop', index: digits()! });
          continue;
        }
        if (next === '{') {
          i += 2;
          const index = digits();
          if (index === undefined) fail(`variable \${${/^[A-Za-z_]\w*/.exec(src.slice(i))?.[0] ?? ''}...}: escape a literal $ as \\$`);
          flush();
          const d = src[i];
          if (d === '}') {
            i++;
            out.push({ kind: 'tabstop', index: index! });
          } else if (d === ':') {
            i++;
            const children = sequence(true);
            if (src[i] !== '}') fail('unterminated placeholder');
            i++;
            out.push({ kind: 'tabstop', index: index!, children });
          } else if (d === '|') {
            i++;
            out.push({ kind: 'tabstop', index: index!, choices: choices() });
          } else if (d === '/') {
            fail('transforms are not supported');
          } else {
            fail(`unexpected ${JSON.stringify(d)} in a tab stop`);
          }
          continue;
        }
        if (/[A-Za-z_]/.test(next)) fail(`variable $${/^[A-Za-z_]\w*/.exec(src.slice(i + 1))![0]}: escape a literal $ as \\$`);
      }
      text += c;
      i++;
    }
    if (inPlaceholder) fail('unterminated placeholder');
    flush();
    return out;
  };
  return sequence(false);
}

export interface ExpandOptions {
  /** Which choice each tab stop with choices takes (default: the first). */
  choose?: Record<number, number>;
}

/** The inserted text when every placeholder keeps its default. */
export function expandSnippet(body: string | string[], opts: ExpandOptions = {}): string {
  const src = Array.isArray(body) ? body.join('\n') : body;
  const nodes = parseSnippet(src);
  // The first tab stop of each index with a default or choices defines the text of all of them.
  const defs = new Map<number, Node & { kind: 'tabstop' }>();
  const collect = (ns: Node[]) => {
    for (const n of ns) {
      if (n.kind !== 'tabstop') continue;
      if ((n.children || n.choices) && !defs.has(n.index)) defs.set(n.index, n);
      if (n.children) collect(n.children);
    }
  };
  collect(nodes);
  const render = (ns: Node[], depth: number): string =>
    ns
      .map((n) => {
        if (n.kind === 'text') return n.value;
        if (n.index === 0) return '';
        if (depth > 20) throw new SnippetSyntaxError('placeholders nest in a loop');
        const def = defs.get(n.index);
        if (!def) return '';
        if (def.choices) {
          const k = opts.choose?.[n.index] ?? 0;
          if (k >= def.choices.length) throw new SnippetSyntaxError(`tab stop ${n.index} has no choice ${k}`);
          return def.choices[k];
        }
        return render(def.children!, depth + 1);
      })
      .join('');
  return render(nodes, 0);
}

/** Tab stops that offer choices, with their choices. */
export function snippetChoices(body: string | string[]): Map<number, string[]> {
  const out = new Map<number, string[]>();
  const walk = (ns: Node[]) => {
    for (const n of ns) {
      if (n.kind !== 'tabstop') continue;
      if (n.choices && !out.has(n.index)) out.set(n.index, n.choices);
      if (n.children) walk(n.children);
    }
  };
  walk(parseSnippet(Array.isArray(body) ? body.join('\n') : body));
  return out;
}

/**
 * Every way to expand the body that the tests should check: all defaults, then each choice of
 * each choice tab stop with the others at their first choice.
 */
export function snippetVariants(body: string | string[]): { label: string; text: string }[] {
  const out = [{ label: 'defaults', text: expandSnippet(body) }];
  for (const [index, choices] of snippetChoices(body)) {
    for (let k = 1; k < choices.length; k++)
      out.push({ label: `\${${index}} = ${choices[k]}`, text: expandSnippet(body, { choose: { [index]: k } }) });
  }
  return out;
}

/**
 * The text as it lands in a file: VS Code indents every line after the first like the line the
 * snippet was inserted on, and turns the body's tabs into the editor's indentation.
 */
export function indentSnippet(text: string, indent: string, tab = '    '): string[] {
  return text.split('\n').map((l) => {
    const m = /^\t*/.exec(l)![0];
    const line = tab.repeat(m.length) + l.slice(m.length);
    return line.trim() === '' ? '' : indent + line;
  });
}
