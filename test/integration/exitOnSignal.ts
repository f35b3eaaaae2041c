/**
 * Loaded by mocha before the tests (.mocharc.json "require"). Mocha has no handler for SIGINT,
 * SIGTERM or SIGHUP, so a run interrupted by one died at once and left its lab hosts and
 * sandboxes up, with their SSH keys and passwords in the temporary directory. Ending through
 * process.exit() runs the exit hooks of scripts/lab/netns.cjs and scripts/sandbox/sandbox.cjs,
 * which take down whatever is still up.
 */
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
  ['SIGHUP', 129],
] as const)
  process.once(signal, () => process.exit(code));
