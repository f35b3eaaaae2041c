/** The end-of-run summary: per target what ran, what failed where (exit code) and what did not run. */
import type { StepOutcome } from './runner';

const ICON = { done: '✓', 'already-done': '✓', failed: '✗', cancelled: '■', 'not-run': '·' } as const;
const WORD = { done: 'done', 'already-done': 'already done', failed: 'FAILED', cancelled: 'cancelled', 'not-run': 'not run' } as const;

export function summarize(outcome: StepOutcome): string[] {
  const lines = [
    `${outcome.stepId}: ${outcome.status === 'done' ? 'done' : outcome.status === 'cancelled' ? 'cancelled' : 'FAILED'} in ${(outcome.ms / 1000).toFixed(1)} s`,
  ];
  for (const s of outcome.sequences) {
    const verified = s.verified === true && s.status === 'done' ? ', verified' : '';
    lines.push(
      `  ${ICON[s.status]} ${s.label}: ${WORD[s.status]}${verified} (${s.ran.length} ran${s.notRun.length ? `, ${s.notRun.length} not run` : ''})`,
    );
    if (s.failure) {
      lines.push(
        `      failed at "${s.failure.action}" on ${s.failure.host}${typeof s.failure.exitCode === 'number' ? ` with exit code ${s.failure.exitCode}` : ''}: ${s.failure.message}`,
      );
    }
    if (s.notRun.length && s.status !== 'already-done') lines.push(...s.notRun.map((t) => `      not run: ${t}`));
  }
  return lines;
}
