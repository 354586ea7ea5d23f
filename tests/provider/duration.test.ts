import { strict as assert } from 'node:assert';
import { describeDuration, parseDuration } from '../../provider/duration';

const H = 3_600_000;
const D = 24 * H;

describe('duration: ISO 8601 durations for expiresIn / renewBefore', () => {
  it('reads weeks, days, hours, minutes and seconds, alone or together', () => {
    assert.equal(parseDuration('P90D'), 90 * D);
    assert.equal(parseDuration('P2W'), 14 * D);
    assert.equal(parseDuration('PT36H'), 36 * H);
    assert.equal(parseDuration('P1DT12H'), 36 * H);
    assert.equal(parseDuration('PT90M'), 90 * 60_000);
    assert.equal(parseDuration('PT45S'), 45_000);
    assert.equal(parseDuration('P1W2DT3H4M5S'), 9 * D + 3 * H + 4 * 60_000 + 5_000);
    assert.equal(parseDuration('P0D'), 0);
  });

  it('refuses years and months, saying their length varies; an M after T is minutes', () => {
    for (const text of ['P1Y', 'P3M', 'P1Y2M', 'P1M2D', 'P1MT2H']) {
      assert.throws(() => parseDuration(text), /years or months, whose length varies/, text);
    }
    assert.equal(parseDuration('PT3M'), 180_000);
  });

  it('refuses what is not a duration of whole units, with examples', () => {
    for (const text of ['', 'P', 'PT', '90D', 'P1.5D', 'PT0,5H', 'p90d', 'P90DT', 'P-1D', 'P1H', 'PT1D', 'P 1D', 'P1D ', '30']) {
      assert.throws(() => parseDuration(text), /not an ISO 8601 duration.*e\.g\. P90D/, JSON.stringify(text));
    }
  });

  it('refuses a duration too long to count in milliseconds', () => {
    assert.throws(() => parseDuration(`P${'9'.repeat(20)}D`), /too long/);
  });

  it('describes durations for messages', () => {
    assert.equal(describeDuration(30 * D), '30 days');
    assert.equal(describeDuration(36 * H), '1 day 12 hours');
    assert.equal(describeDuration(45 * 60_000), '45 minutes');
    assert.equal(describeDuration(0), '0 seconds');
  });
});
