import { main } from '../../src/cli';

/** Runs the CLI in this process: its exit code and what it printed. */
export function cli(...argv: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = main(
    argv,
    (s) => (out += s),
    (s) => (err += s),
  ) as number;
  return { code, out, err };
}
