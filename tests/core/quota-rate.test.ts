// What a rate means (core/quota-rate.ts), shared by the emulator's limits and the provider's pacer.
import { strict as assert } from 'node:assert';
import { minimumSpanMs, rateShape } from '../../core/quota-rate';

describe('core/quota-rate', () => {
  it('gives each rate its burst and window: 5/s → 5 in 1 s; 0.25/s → 1 in 4 s; 2.5/s → 3 in 1.2 s', () => {
    assert.deepEqual(rateShape(5), { burst: 5, windowMs: 1000 });
    assert.deepEqual(rateShape(0.25), { burst: 1, windowMs: 4000 });
    assert.deepEqual(rateShape(2.5), { burst: 3, windowMs: 1200 });
    assert.throws(() => rateShape(0), /a rate must be from 0.001/);
  });

  it('the least time for N requests evenly spaced: (N − 1) / r — 200 GetParametersForImport at 0.25/s take 796 s', () => {
    assert.equal(minimumSpanMs(200, 0.25), 796_000);
    assert.equal(minimumSpanMs(200, 5), 39_800);
    assert.equal(minimumSpanMs(1, 0.25), 0);
    assert.equal(minimumSpanMs(0, 0.25), 0);
  });
});
