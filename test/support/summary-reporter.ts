// Mocha's spec output, plus the run's totals written to $BURROW_TEST_SUMMARY so that `npm test` can
// print one closing "N passed, N failed" line over the unit and integration runs.
import * as fs from 'node:fs';
import Mocha from 'mocha';

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    runner.once('end', () => {
      const file = process.env.BURROW_TEST_SUMMARY;
      const s = runner.stats;
      if (file && s) fs.appendFileSync(file, `${s.passes} ${s.failures} ${s.pending}\n`);
    });
  }
}

export = SummaryReporter;
