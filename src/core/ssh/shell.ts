/**
 * The one way a value gets into a shell command. Every command the extension sends to a host is
 * a `Shell` built here: literal text comes from our source code (template literal parts) and every
 * interpolated value is single-quoted, so host names, paths, DNs and passwords can never be read
 * as shell syntax. Nothing else in the code base concatenates shell commands.
 */

// A registered symbol: the extension's bundles (core.js, run.js) each carry this module, and a
// Shell made in one must be recognised in the other.
const brand: unique symbol = Symbol.for('gluu-cluster.shell') as never;

/** A shell script fragment whose every value has been quoted. */
export interface Shell {
  readonly text: string;
  readonly [brand]: true;
}

const make = (text: string): Shell => ({ text, [brand]: true }) as Shell;

export function isShell(v: unknown): v is Shell {
  return typeof v === 'object' && v !== null && (v as Shell)[brand] === true;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Characters that never need quoting; anything else is wrapped in single quotes. */
const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/**
 * POSIX single-quoting: 'it'\''s'. Works in sh, dash, bash and zsh; inside single quotes nothing
 * is special, so only the quote itself needs the close-escape-reopen dance.
 */
export function quote(value: string | number): string {
  // A missing value would otherwise reach the shell as the word "undefined"/"null" (or "NaN"):
  // a command that runs, on the wrong thing. Callers pass strings and finite numbers only.
  if (typeof value === 'number' ? !Number.isFinite(value) : typeof value !== 'string') {
    throw new Error(
      `a shell argument must be a string or a finite number, not ${value === null ? 'null' : typeof value === 'number' ? value : typeof value}`,
    );
  }
  const s = String(value);
  if (s.includes('\0')) throw new Error('a shell argument cannot contain a NUL character');
  // A lone UTF-16 surrogate has no UTF-8 form: it would reach the host as U+FFFD, a different
  // value from the one the user wrote (a path or a password that then never matches).
  if (LONE_SURROGATE.test(s)) throw new Error('a shell argument cannot contain a lone UTF-16 surrogate (malformed Unicode)');
  if (s === '') return "''";
  if (SAFE.test(s) && !s.startsWith('-') && !s.startsWith('=')) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

type Arg = string | number | Shell | readonly (string | number)[];

function render(v: Arg): string {
  if (isShell(v)) return v.text;
  if (Array.isArray(v)) return v.map((x) => quote(x)).join(' ');
  return quote(v as string | number);
}

/**
 * Tagged template: sh`grep -q ${line} ${file}`. Literal parts are trusted source text, taken raw
 * (a `\n` in the template reaches the shell as backslash-n, as if typed at a prompt);
 * interpolated strings and numbers are quoted, arrays become several quoted words, and a
 * nested Shell is inserted as it is.
 */
export function sh(literals: TemplateStringsArray, ...values: Arg[]): Shell {
  let text = literals.raw[0];
  values.forEach((v, i) => {
    text += render(v) + literals.raw[i + 1];
  });
  return make(text);
}

/** A command from argv: every word quoted. */
export function cmd(...argv: (string | number)[]): Shell {
  return make(argv.map((a) => quote(a)).join(' '));
}

/** a && b && c */
export function and(...parts: Shell[]): Shell {
  return make(parts.map((p) => p.text).join(' && '));
}

/** One command per line (a script). */
export function lines(...parts: Shell[]): Shell {
  return make(parts.map((p) => p.text).join('\n'));
}
