// The hand-over of a DescribeKey answer from one step to the next (provider/recent-look.ts): taken once, only by the
// step it was left for, only at the same place, only while young; the cloud's time moves on with the machine's.
import { strict as assert } from 'node:assert';
import { dropLook, leaveLook, lookKey, MAX_AGE_MS, takeLook } from '../../provider/recent-look';
import { live } from '../support/fixtures';

describe('recent-look: a describe handed to the next step', () => {
  let t = 1_000_000;
  const clock = () => t;
  const cloudNow = new Date('2030-01-01T00:00:00Z');
  const look = { live: live({ keyId: 'k1' }), now: cloudNow };
  const here = lookKey({ cloud: 'aws', region: 'us-east-1', endpoint: 'http://127.0.0.1:1' }, 'k1');

  it('is taken once by the step it was left for, with the cloud time moved on by the time elapsed', () => {
    leaveLook(here, 'diff', look, clock);
    t += 1_200;
    const taken = takeLook(here, 'diff', clock);
    assert.deepEqual(taken?.live, look.live);
    assert.equal(taken?.now.getTime(), cloudNow.getTime() + 1_200);
    assert.equal(takeLook(here, 'diff', clock), undefined, 'taken twice');
  });

  it('is not taken by another step: a Diff never takes a Diff answer, an Update never a Read answer', () => {
    leaveLook(here, 'diff', look, clock);
    assert.equal(takeLook(here, 'read', clock), undefined);
    // The attempt used it up: nothing older may be taken after.
    assert.equal(takeLook(here, 'diff', clock), undefined);
    leaveLook(here, 'read', look, clock);
    assert.equal(takeLook(here, 'diff', clock), undefined);
  });

  it(`is not taken once older than ${MAX_AGE_MS} ms, nor when the clock went back`, () => {
    leaveLook(here, 'read', look, clock);
    t += MAX_AGE_MS + 1;
    assert.equal(takeLook(here, 'read', clock), undefined);
    leaveLook(here, 'read', look, clock);
    t -= 1;
    assert.equal(takeLook(here, 'read', clock), undefined);
  });

  it('is another key in another region, endpoint, project or cloud', () => {
    leaveLook(here, 'diff', look, clock);
    for (const place of [
      { cloud: 'aws', region: 'eu-west-1', endpoint: 'http://127.0.0.1:1' },
      { cloud: 'aws', region: 'us-east-1', endpoint: 'http://127.0.0.1:2' },
      { cloud: 'aws', region: 'us-east-1', endpoint: 'http://127.0.0.1:1', projectId: 'p' },
      { cloud: 'alicloud', region: 'us-east-1', endpoint: 'http://127.0.0.1:1' },
    ]) assert.equal(takeLook(lookKey(place, 'k1'), 'diff', clock), undefined, JSON.stringify(place));
    assert.equal(takeLook(lookKey({ cloud: 'aws', region: 'us-east-1', endpoint: 'http://127.0.0.1:1' }, 'k2'), 'diff', clock), undefined);
    assert.ok(takeLook(here, 'diff', clock));
  });

  it('a later look replaces an earlier one; a dropped look is gone', () => {
    leaveLook(here, 'read', look, clock);
    const later = { live: live({ keyId: 'k1', keyState: 'PendingImport' }), now: cloudNow };
    leaveLook(here, 'diff', later, clock);
    assert.equal(takeLook(here, 'diff', clock)?.live.keyState, 'PendingImport');
    leaveLook(here, 'diff', look, clock);
    dropLook(here);
    assert.equal(takeLook(here, 'diff', clock), undefined);
  });
});
