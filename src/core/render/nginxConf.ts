/**
 * The directives of an nginx.conf, read the way nginx reads them (ngx_conf_read_token in
 * src/core/ngx_conf_file.c): words split at spaces, ";" and "{", "#" comments from the start of a
 * word, '…' and "…" quoting, backslash escapes, "${" inside a variable. The editor's nginx -t
 * check decides from these what nginx would load or open before it lets nginx read the file, so
 * the reading must agree with nginx's own, quirks included ("}" inside a word is part of it).
 */

export interface ConfWord {
  /** The word as nginx sees it: quotes removed, \" \' \\ \t \r \n unescaped. */
  value: string;
  /** Offsets of the word in the text, quotes included. */
  start: number;
  end: number;
  /** 0-based line of its first character. */
  line: number;
}

export interface ConfDirective {
  name: ConfWord;
  args: ConfWord[];
  /** Names of the blocks it is in, outermost first ([] at the top level). */
  context: string[];
  /** For a block ("http {"), the offset just after its "{". */
  blockStart?: number;
}

export interface ConfReading {
  directives: ConfDirective[];
  /** Where nginx stops with a syntax error, if it does: nothing after it is read. */
  error?: { offset: number; line: number; message: string };
}

const SPACE = new Set([' ', '\t', '\r', '\n']);

/** nginx's unescaping of a word (ngx_conf_read_token's copy loop): only these escapes, the rest kept. */
function unescape(raw: string): string {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === '\\' && i + 1 < raw.length) {
      const next = raw[i + 1];
      if (next === '"' || next === "'" || next === '\\') {
        out += next;
        i++;
        continue;
      }
      const control = { t: '\t', r: '\r', n: '\n' }[next];
      if (control) {
        out += control;
        i++;
        continue;
      }
    }
    out += raw[i];
  }
  return out;
}

export function readNginxConf(text: string): ConfReading {
  const directives: ConfDirective[] = [];
  const context: string[] = [];
  let args: ConfWord[] = [];
  let line = 0;
  let lastSpace = true;
  let needSpace = false;
  let comment = false;
  let escaped = false;
  let dQuoted = false;
  let sQuoted = false;
  let variable = false;
  let start = 0;
  let startLine = 0;
  const fail = (offset: number, message: string): ConfReading => ({ directives, error: { offset, line, message } });
  /** A statement ends at ";" or opens a block at "{". */
  const statement = (offset: number, block: boolean): void => {
    const [name, ...rest] = args;
    directives.push({ name, args: rest, context: [...context], ...(block ? { blockStart: offset + 1 } : {}) });
    if (block) context.push(name.value);
    args = [];
  };

  for (let pos = 0; pos < text.length; pos++) {
    const ch = text[pos];
    if (ch === '\n') {
      line++;
      comment = false;
    }
    if (comment) continue;
    if (escaped) {
      escaped = false;
      continue;
    }
    if (needSpace) {
      if (SPACE.has(ch)) {
        lastSpace = true;
        needSpace = false;
        continue;
      }
      if (ch === ';' || ch === '{') {
        needSpace = false;
        lastSpace = true;
        statement(pos, ch === '{');
        continue;
      }
      if (ch !== ')') return fail(pos, `unexpected "${ch}"`);
      lastSpace = true;
      needSpace = false;
    }
    if (lastSpace) {
      start = pos;
      startLine = line;
      if (SPACE.has(ch)) continue;
      switch (ch) {
        case ';':
        case '{':
          if (args.length === 0) return fail(pos, `unexpected "${ch}"`);
          statement(pos, ch === '{');
          continue;
        case '}':
          if (args.length !== 0 || context.length === 0) return fail(pos, 'unexpected "}"');
          context.pop();
          continue;
        case '#':
          comment = true;
          continue;
        case '\\':
          escaped = true;
          lastSpace = false;
          continue;
        case '"':
          dQuoted = true;
          lastSpace = false;
          continue;
        case "'":
          sQuoted = true;
          lastSpace = false;
          continue;
        case '$':
          variable = true;
          lastSpace = false;
          continue;
        default:
          lastSpace = false;
          continue;
      }
    }
    // Inside a word.
    if (ch === '{' && variable) continue;
    variable = false;
    if (ch === '\\') {
      escaped = true;
      continue;
    }
    if (ch === '$') {
      variable = true;
      continue;
    }
    let end: number | undefined;
    if (dQuoted || sQuoted) {
      if (ch === (dQuoted ? '"' : "'")) {
        dQuoted = sQuoted = false;
        needSpace = true;
        end = pos + 1;
      }
    } else if (SPACE.has(ch) || ch === ';' || ch === '{') {
      lastSpace = true;
      end = pos;
    }
    if (end === undefined) continue;
    const quoted = text[start] === '"' || text[start] === "'";
    const raw = text.slice(quoted ? start + 1 : start, quoted ? end - 1 : end);
    args.push({ value: unescape(raw), start, end, line: startLine });
    if (ch === ';' || ch === '{') statement(pos, ch === '{');
  }
  if (args.length > 0 || !lastSpace) return fail(text.length, 'unexpected end of file, expecting ";" or "}"');
  if (context.length > 0) return fail(text.length, 'unexpected end of file, expecting "}"');
  return { directives };
}
