// Mocha's spec reporter, plus the run's exact counts written as JSON to $GLUU_MOCHA_STATS
// when the run ends (scripts/test-all.mjs reads them). Used with --reporter <this file>.
'use strict';
const fs = require('node:fs');
const Mocha = require('mocha');

class StatsSpec extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    // Each failure's title and the first line of its error: CI keeps only the end of the output,
    // so the summary names what failed (scripts/test-all.mjs prints these under the table).
    const failures = [];
    runner.on('fail', (test, err) => {
      failures.push({ title: test.fullTitle(), error: firstLine(err) });
    });
    runner.once('end', () => {
      const file = process.env.GLUU_MOCHA_STATS;
      if (!file) return;
      const s = runner.stats || {};
      fs.writeFileSync(
        file,
        JSON.stringify({
          passed: s.passes || 0,
          failed: s.failures || 0,
          pending: s.pending || 0,
          tests: s.tests || 0,
          failures,
        }),
      );
    });
  }
}

function firstLine(err) {
  return String(err?.message ?? err ?? '')
    .split('\n')[0]
    .slice(0, 300);
}
module.exports = StatsSpec;
