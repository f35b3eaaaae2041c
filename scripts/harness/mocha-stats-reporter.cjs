// Mocha's spec reporter, plus the run's exact counts written as JSON to $GLUU_MOCHA_STATS
// when the run ends (scripts/test-all.mjs reads them). Used with --reporter <this file>.
'use strict';
const fs = require('node:fs');
const Mocha = require('mocha');

class StatsSpec extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once('end', () => {
      const file = process.env.GLUU_MOCHA_STATS;
      if (!file) return;
      const s = runner.stats || {};
      fs.writeFileSync(
        file,
        JSON.stringify({ passed: s.passes || 0, failed: s.failures || 0, pending: s.pending || 0, tests: s.tests || 0 }),
      );
    });
  }
}
module.exports = StatsSpec;
