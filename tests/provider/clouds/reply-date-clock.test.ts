import { strict as assert } from 'node:assert';
import { ReplyDateClock } from '../../../provider/clouds/reply-date-clock';

describe('provider/clouds/reply-date-clock (the clock of the Huawei and Ping An clients)', () => {
  it('knows no time before a reply, then the latest reply\'s Date; an unreadable Date teaches nothing', () => {
    const clock = new ReplyDateClock();
    assert.equal(clock.now(), undefined);
    clock.observe(undefined);
    clock.observe('not a date');
    assert.equal(clock.now(), undefined);
    const ahead = new Date(Date.now() + 7 * 86_400_000);
    clock.observe(ahead.toUTCString());
    assert.ok(Math.abs(clock.now()!.getTime() - ahead.getTime()) < 2_000);
    clock.observe('garbage');
    assert.ok(Math.abs(clock.now()!.getTime() - ahead.getTime()) < 2_000, 'kept');
  });
});
