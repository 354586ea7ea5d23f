// The emulator's clock: real time plus an offset that tests move, so expiry (material ValidTo,
// import tokens, deletion dates) can be exercised without waiting.

/** How many past offsets the clock remembers (see offsetsSoFar). */
const OFFSET_HISTORY = 64;

export class EmulatorClock {
  private offsetMs = 0;
  private readonly history: number[] = [0];

  /** Milliseconds since the epoch, on the emulator's clock. */
  now(): number {
    return Date.now() + this.offsetMs;
  }

  nowIso(): string {
    return new Date(this.now()).toISOString();
  }

  advance(seconds: number): void {
    this.moveTo(this.offsetMs + seconds * 1000);
  }

  /** Jumps to an absolute time (ms since the epoch); later reads keep ticking from there. */
  set(epochMs: number): void {
    this.moveTo(epochMs - Date.now());
  }

  get offset(): number {
    return this.offsetMs;
  }

  /** Restores a persisted offset (the state file keeps it so separate processes agree on the time). */
  restoreOffset(offsetMs: number): void {
    this.moveTo(offsetMs);
  }

  reset(): void {
    this.moveTo(0);
  }

  /**
   * Every offset the clock has had (0 = real time included, newest last). Replies carry the clock in Date and
   * clients such as the AWS SDK sign with the time they learnt there; a cloud's clock never jumps, this one does,
   * so a client may still sign with an offset from before a jump.
   */
  offsetsSoFar(): readonly number[] {
    return this.history;
  }

  private moveTo(offsetMs: number): void {
    this.offsetMs = offsetMs;
    if (!this.history.includes(offsetMs)) this.history.push(offsetMs);
    if (this.history.length > OFFSET_HISTORY) this.history.splice(1, 1); // keep 0: real time is always on time
  }
}
