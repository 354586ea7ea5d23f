// Mocha's spec reporter, plus one closing line in the plain form CI reads: "N passed, N failed, N skipped".
// When the real-engine scenarios could not run (no Pulumi CLI built), it says so plainly before that line.
'use strict';
const Mocha = require('mocha');
const { Spec } = Mocha.reporters;

class SpecWithSummary extends Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const s = runner.stats;
      const skipped = globalThis.__importedKeySkippedForNoCli || [];
      if (skipped.length > 0) {
        process.stdout.write(
          `\nreal-engine scenarios: NOT RUN (${skipped.length} suite${skipped.length === 1 ? "" : "s"}) — no Pulumi CLI here. ` +
            'Run `npm run pulumi-cli` (builds it from its Go module, once), then `npm test` again.\n',
        );
      }
      const r = globalThis.__importedKeyReliability;
      if (r && r.faults + r.badInputs + r.leakChecks + r.keysUnderLoad > 0) {
        process.stdout.write(
          `\nreliability: ${r.faults} faults survived, ${r.badInputs} bad inputs refused, ${r.leakChecks} leak checks clean, ` +
            `${r.keysUnderLoad} keys under load, ${r.lost} lost\n`,
        );
      }
      process.stdout.write(`\ntests: ${s.passes} passed, ${s.failures} failed, ${s.pending} skipped\n`);
    });
  }
}
module.exports = SpecWithSummary;
