/**
 * Strict JSON for LDAP values: parse with the position of the first error (line and column, as
 * the Raw JSON tab and the CLI show it), and pretty-print for diffs. jsonc-parser gives offsets;
 * JSON.parse's messages differ between Node and the webview's V8.
 */
import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';

export interface JsonProblem {
  message: string;
  /** 1-based */
  line: number;
  /** 1-based */
  column: number;
  offset: number;
}

const WORDS: Record<string, string> = {
  InvalidSymbol: 'unexpected character',
  InvalidNumberFormat: 'invalid number',
  PropertyNameExpected: 'a property name in double quotes was expected',
  ValueExpected: 'a value was expected',
  ColonExpected: '":" was expected',
  CommaExpected: '"," was expected',
  CloseBraceExpected: '"}" was expected',
  CloseBracketExpected: '"]" was expected',
  EndOfFileExpected: 'nothing more was expected after the JSON value',
  InvalidCommentToken: 'comments are not allowed in JSON',
  UnexpectedEndOfComment: 'comments are not allowed in JSON',
  UnexpectedEndOfString: 'the string is not closed',
  UnexpectedEndOfNumber: 'the number is incomplete',
  InvalidUnicode: 'invalid \\u escape',
  InvalidEscapeCharacter: 'invalid escape character',
  InvalidCharacter: 'a control character must be escaped inside a string',
};

function position(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      start = i + 1;
    }
  }
  return { line, column: offset - start + 1 };
}

/** The JSON value of `text`, or the first problem in it. Comments and trailing commas are errors. */
export function parseJson(text: string): { value: unknown; problem?: undefined } | { value?: undefined; problem: JsonProblem } {
  if (text.trim() === '') return { problem: { message: 'empty: a JSON value was expected', line: 1, column: 1, offset: 0 } };
  const errors: ParseError[] = [];
  const value: unknown = parse(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  if (errors.length) {
    const e = errors[0];
    const code = printParseErrorCode(e.error);
    const { line, column } = position(text, e.offset);
    return { problem: { message: `${WORDS[code] ?? code} (line ${line}, column ${column})`, line, column, offset: e.offset } };
  }
  return { value };
}

/** A JSON object, or why the text is not one. */
export function parseJsonObject(
  text: string,
): { value: Record<string, unknown>; problem?: undefined } | { value?: undefined; problem: JsonProblem } {
  const r = parseJson(text);
  if (r.problem) return r;
  if (r.value === null || typeof r.value !== 'object' || Array.isArray(r.value)) {
    return { problem: { message: 'a JSON object ({ … }) was expected', line: 1, column: 1, offset: 0 } };
  }
  return { value: r.value as Record<string, unknown> };
}

export const pretty = (v: unknown): string => JSON.stringify(v, null, 2);

/** Deep equality of JSON values (key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => jsonEqual(x, bb[i]));
  }
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  return (
    ka.length === kb.length &&
    ka.every(
      (k) => Object.prototype.hasOwnProperty.call(b, k) && jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
    )
  );
}
