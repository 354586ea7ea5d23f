// What a rate means (rate-window.ts), on a clock the test moves: whole numbers as maxPerSecond always behaved (N in
// any second), 0.25 as AWS documents GetParametersForImport (one in each 4-second interval), fractions above 1.

import assert from 'node:assert/strict';
import { RateWindow } from '../../emulator/rate-window';

/** Which of the requests at these times (ms) the window lets through. */
function admitted(rate: number, times: number[]): boolean[] {
  const window = new RateWindow(rate);
  return times.map((t) => window.admit(t));
}

describe('emulator / rate window', () => {
  it('0.25 per second lets one request through in each 4-second interval', () => {
    assert.deepEqual(admitted(0.25, [0, 1, 3_999, 4_000, 4_001, 7_999, 8_000, 20_000, 20_500]), [
      true, false, false, true, false, false, true, true, false,
    ]);
  });

  it('throttled requests do not count: a client retrying every second gets through at the 4th second', () => {
    assert.deepEqual(admitted(0.25, [0, 1_000, 2_000, 3_000, 4_000, 5_000]), [true, false, false, false, true, false]);
  });

  it('a whole number N lets N through in any 1-second window, as maxPerSecond always did', () => {
    assert.deepEqual(admitted(2, [0, 10, 20, 999, 1_000, 1_005, 1_010, 1_011]), [true, true, false, false, true, false, true, false]);
    const window = new RateWindow(5);
    assert.equal(window.burst, 5);
    assert.equal(window.windowMs, 1_000);
  });

  it('2.5 per second: at most 3 in any 1.2 s, 2.5 per second over a long run', () => {
    const window = new RateWindow(2.5);
    assert.equal(window.burst, 3);
    assert.equal(window.windowMs, 1_200);
    // A client asking every 10 ms for 60 s gets 150 requests through: 2.5 per second.
    let through = 0;
    for (let t = 0; t < 60_000; t += 10) if (window.admit(t)) through += 1;
    assert.equal(through, 150);
  });

  it('0.5 is one in each 2-second interval; 0.1 one in each 10', () => {
    assert.deepEqual(admitted(0.5, [0, 1_999, 2_000]), [true, false, true]);
    assert.deepEqual(admitted(0.1, [0, 9_999, 10_000]), [true, false, true]);
  });

  it('refuses a rate outside 0.001 to 1000000', () => {
    for (const bad of [0, -1, 0.0001, 2_000_000, Number.NaN]) assert.throws(() => new RateWindow(bad), /from 0\.001 to 1000000/);
  });
});
