// The reliability suite's tally, kept for the whole mocha run (one process) and printed by reporter.js as one line:
// `reliability: N faults survived, N bad inputs refused, N leak checks clean, N keys under load, 0 lost`.
// Each suite adds what it proved, only once its assertions passed.

export interface ReliabilityTally {
  /** Fault cases (throttling, 5xx, lost replies, restarts, out-of-band changes …) a scenario came through. */
  faults: number;
  /** Bad inputs refused at preview, with the argument named and no cloud call. */
  badInputs: number;
  /** Places (stored files, transcripts, logs) searched for the material in every form and found clean. */
  leakChecks: number;
  /** Keys created, proven and destroyed under load with throttling. */
  keysUnderLoad: number;
  /** Keys lost or made twice under load (a passing run has 0). */
  lost: number;
}

const holder = globalThis as { __importedKeyReliability?: ReliabilityTally };
export const reliability: ReliabilityTally = (holder.__importedKeyReliability ??= { faults: 0, badInputs: 0, leakChecks: 0, keysUnderLoad: 0, lost: 0 });
