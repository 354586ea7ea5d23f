// The emulator's clock: real time plus an offset that tests move, so expiry (material ValidTo,
// import tokens, deletion dates) can be exercised without waiting.

export class EmulatorClock {
  private offsetMs = 0;

  /** Milliseconds since the epoch, on the emulator's clock. */
  now(): number {
    return Date.now() + this.offsetMs;
  }

  nowIso(): string {
    return new Date(this.now()).toISOString();
  }

  advance(seconds: number): void {
    this.offsetMs += seconds * 1000;
  }

  /** Jumps to an absolute time (ms since the epoch); later reads keep ticking from there. */
  set(epochMs: number): void {
    this.offsetMs = epochMs - Date.now();
  }

  get offset(): number {
    return this.offsetMs;
  }

  /** Restores a persisted offset (the state file keeps it so separate processes agree on the time). */
  restoreOffset(offsetMs: number): void {
    this.offsetMs = offsetMs;
  }

  reset(): void {
    this.offsetMs = 0;
  }
}
