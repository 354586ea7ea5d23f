// The pacer (provider/clouds/pacer.ts) on a fake clock: each attempt's turn keeps the quota as the cloud counts it
// (core/quota-rate.ts, the emulator's meaning too), turns are shared by concurrent callers in call order, operations
// of one shared quota share one pacer (the settings: quota-settings.test.ts).
import { strict as assert } from 'node:assert';
import { Pacer, pacerFor, resetPacers, safetyMarginMs, type PacerClock } from '../../../provider/clouds/pacer';
import { RateWindow } from '../../../emulator/rate-window';

/** A clock that only moves when a sleeper is due: `sleep` resolves when `run` reaches its time. */
function fakeClock() {
  let now = 0;
  const sleepers: Array<{ at: number; wake: () => void }> = [];
  const clock: PacerClock = {
    now: () => now,
    sleep: (ms) => new Promise<void>((wake) => sleepers.push({ at: now + ms, wake })),
  };
  /** Moves time to each sleeper in turn until none is left. */
  const run = async () => {
    for (;;) {
      await new Promise((r) => setImmediate(r));
      if (sleepers.length === 0) return;
      sleepers.sort((a, b) => a.at - b.at);
      const next = sleepers.shift()!;
      now = Math.max(now, next.at);
      next.wake();
    }
  };
  return { clock, run, now: () => now };
}

const noMargin = () => 0;

describe('provider/clouds/pacer', () => {
  afterEach(() => resetPacers());

  it("spaces AWS's GetParametersForImport at 0.25 per second one turn every 4 s (plus the margin)", () => {
    const pacer = new Pacer(0.25, undefined, noMargin);
    assert.deepEqual([0, 0, 0, 0].map(() => pacer.reserve(0)), [0, 4000, 8000, 12000]);
    const padded = new Pacer(0.25);
    assert.deepEqual([padded.reserve(0), padded.reserve(0)], [0, 4000 + safetyMarginMs(4000)]);
    assert.equal(safetyMarginMs(4000), 80, '2 % of a 4 s window');
    assert.equal(safetyMarginMs(200), 25, 'at least 25 ms');
  });

  it('widens its margin a little with each throttled reply (1 % of the window, at least 10 ms), up to 10 % of the window', () => {
    const pacer = new Pacer(0.25);
    assert.equal(pacer.windowMs, 4080);
    pacer.throttled();
    assert.equal(pacer.windowMs, 4120);
    for (let i = 0; i < 50; i++) pacer.throttled();
    assert.equal(pacer.windowMs, 4400, 'at most 10 %');
    const fast = new Pacer(5);
    fast.throttled();
    assert.equal(fast.windowMs, 1000 + 25 + 10);
  });

  it('spaces turns evenly, 1/r apart (5 per second: one every 200 ms, so never more than 5 in any 1 s)', () => {
    const pacer = new Pacer(5, undefined, noMargin);
    const turns = Array.from({ length: 7 }, () => pacer.reserve(0));
    assert.deepEqual(turns, [0, 200, 400, 600, 800, 1000, 1200]);
    assert.equal(pacer.reserve(5000), 5000, 'an idle pacer lets the next attempt go at once');
  });

  it('never lets more through than the emulator\'s window admits, whatever the rate and the arrival times', () => {
    for (const rate of [0.25, 1, 2.5, 5, 20]) {
      const pacer = new Pacer(rate);
      const window = new RateWindow(rate);
      let arrival = 0;
      for (let i = 0; i < 200; i++) {
        arrival += (i * 7919) % 13 === 0 ? 3000 : (i * 104729) % 97; // uneven arrivals, some gaps
        assert.ok(window.admit(pacer.reserve(arrival)), `rate ${rate}: turn ${i} throttled`);
      }
    }
  });

  it('does not hold back a call when the quota has room, and the time waited is what acquire resolves with', async () => {
    const { clock, run } = fakeClock();
    const pacer = new Pacer(1, clock, noMargin);
    const waits = Promise.all([pacer.acquire(), pacer.acquire(), pacer.acquire()]);
    await run();
    assert.deepEqual(await waits, [0, 1000, 2000]);
  });

  it('is shared by concurrent callers, first come first served, and leaves no timer behind', async () => {
    const { clock, run, now } = fakeClock();
    const pacer = new Pacer(0.25, clock, noMargin);
    const order: number[] = [];
    const callers = Array.from({ length: 5 }, (_, i) => pacer.acquire().then(() => order.push(i)));
    await run();
    await Promise.all(callers);
    assert.deepEqual(order, [0, 1, 2, 3, 4]);
    assert.equal(now(), 16_000, '5 turns: the last one 16 s after the first');
  });

  it('real waits: only callers that must wait hold a timer, each ending with its turn (nothing keeps the process alive after)', async () => {
    let live = 0;
    let started = 0;
    const clock: PacerClock = {
      now: () => Date.now(),
      sleep: (ms) => new Promise<void>((resolve) => {
        live++;
        started++;
        setTimeout(() => { live--; resolve(); }, ms);
      }),
    };
    const pacer = new Pacer(20, clock, noMargin);
    const began = Date.now();
    await Promise.all(Array.from({ length: 21 }, () => pacer.acquire()));
    assert.ok(Date.now() - began >= 990, 'the 21st turn came a window after the first');
    assert.equal(started, 20, 'the first went at once, without a timer');
    assert.equal(live, 0, 'no timer left');
  });

  describe('the registry: one pacer per cloud, region and quota, shared by every step of the process', () => {
    const env = {};

    it('gives every operation of a shared quota one pacer (Alibaba\'s "read" group, Huawei\'s one TPS), and separate ones otherwise', () => {
      assert.equal(pacerFor('alicloud', 'cn-hangzhou', 'DescribeKey', env), pacerFor('alicloud', 'cn-hangzhou', 'GetParametersForImport', env));
      assert.notEqual(pacerFor('alicloud', 'cn-hangzhou', 'DescribeKey', env), pacerFor('alicloud', 'cn-hangzhou', 'CreateKey', env));
      assert.equal(pacerFor('huaweicloud', 'cn-north-4', 'create-key', env), pacerFor('huaweicloud', 'cn-north-4', 'describe-key', env));
      assert.notEqual(pacerFor('aws', 'us-east-1', 'CreateKey', env), pacerFor('aws', 'us-east-1', 'ImportKeyMaterial', env), 'AWS counts each operation apart');
      assert.notEqual(pacerFor('aws', 'us-east-1', 'CreateKey', env), pacerFor('aws', 'eu-west-1', 'CreateKey', env), 'each region has its own quotas');
      assert.equal(pacerFor('pingan', 'cn-shanghai', 'ListKeys', env), undefined, 'an operation under no quota is not paced');
    });

    it('sets each pacer to the published figure (AWS GetParametersForImport 0.25, Huawei 20, Alibaba read 50)', () => {
      assert.equal(pacerFor('aws', 'us-east-1', 'GetParametersForImport', env)?.perSecond, 0.25);
      assert.equal(pacerFor('huaweicloud', 'x', 'import-key-material', env)?.perSecond, 20);
      assert.equal(pacerFor('alicloud', 'x', 'ListAliases', env)?.perSecond, 50);
    });

    it('scales every quota by IMPORTED_KEY_QUOTA_SCALE, and a new scale makes a new pacer', () => {
      const scaled = pacerFor('aws', 'us-east-1', 'GetParametersForImport', { IMPORTED_KEY_QUOTA_SCALE: '20' });
      assert.equal(scaled?.perSecond, 5);
      assert.equal(pacerFor('aws', 'us-east-1', 'GetParametersForImport', { IMPORTED_KEY_QUOTA_SCALE: '20' }), scaled);
      assert.equal(pacerFor('aws', 'us-east-1', 'GetParametersForImport', env)?.perSecond, 0.25);
    });
  });
});
