/**
 * Text from a cluster file, a server or a remote program can carry terminal control sequences:
 * an unknown key `"\e]0;…\a"` printed raw retitles the user's terminal, and U+2028/U+2029 break
 * lines in editors and logs. Every message shows such characters as visible escapes instead.
 */

// Everything but tab (and newline when kept), the printable ASCII range and U+00A0 onwards less
// U+2028/U+2029: that is C0 controls, DEL, C1 controls (0x9B is a one-byte CSI) and the two separators.
const CONTROLS = /[^\t -~\u00A0-\u2027\u202A-\uFFFF]/g;
const CONTROLS_BUT_NEWLINE = /[^\t\n -~\u00A0-\u2027\u202A-\uFFFF]/g;

const escape = (c: string): string => {
  const n = c.charCodeAt(0);
  return n > 0xff ? `\\u${n.toString(16).padStart(4, '0')}` : `\\x${n.toString(16).padStart(2, '0')}`;
};

/** `s` with control characters as `\xHH` / `\uHHHH`; `newlines: true` keeps line feeds (multi-line output). */
export function printable(s: string, { newlines = false } = {}): string {
  return s.replace(newlines ? CONTROLS_BUT_NEWLINE : CONTROLS, escape);
}
