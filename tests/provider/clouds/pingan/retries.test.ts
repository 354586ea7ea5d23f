import { strict as assert } from 'node:assert';
import { ImportedKeyError } from '../../../../core/errors';
import { isThrottled, mayHaveCreated, markUnclear, networkFailureKind, replyFailureKind, retryVerdict } from '../../../../provider/clouds/pingan/retries';

describe('pingan retries', () => {
  it('knows throttling by HTTP 429 or a code that says so, whatever the status', () => {
    assert.equal(isThrottled(429, {}), true);
    assert.equal(isThrottled(200, { code: 'Throttling.User' }), true);
    assert.equal(isThrottled(400, { code: 'FlowControl' }), true);
    assert.equal(isThrottled(400, { code: 'InvalidKeyState' }), false);
  });

  it('tells what a failed reply says about the work', () => {
    assert.equal(replyFailureKind(503, {}), 'unavailable');
    assert.equal(replyFailureKind(200, { code: 'ServiceUnavailable' }), 'unavailable');
    assert.equal(replyFailureKind(500, { code: 'Whatever' }), 'unclear');
    assert.equal(replyFailureKind(200, { code: 'InternalError' }), 'unclear');
    assert.equal(replyFailureKind(200, {}), 'unclear', 'a 2xx that is not the documented envelope');
    assert.equal(replyFailureKind(200, { code: 'InvalidKeyState' }), 'refused', 'a failure answered with 200');
    assert.equal(replyFailureKind(404, {}), 'refused');
    assert.equal(networkFailureKind({ code: 'ECONNREFUSED' }), 'unavailable');
    assert.equal(networkFailureKind({ code: 'ECONNRESET' }), 'unclear');
  });

  it('sends again after an unclear outcome only what is repeatable: never CreateCmk nor ImportKeyMaterial', () => {
    for (const action of ['DescribeKey', 'GetParametersForImport', 'EnableKey', 'DisableKey', 'ScheduleKeyDeletion', 'DeleteKeyMaterial', 'CancelKeyDeletion']) {
      assert.equal(retryVerdict(action, 'unclear'), true, action);
    }
    for (const action of ['CreateCmk', 'ImportKeyMaterial']) {
      assert.equal(retryVerdict(action, 'unclear'), false, action);
      assert.equal(retryVerdict(action, 'throttled'), 'throttled', action);
      assert.equal(retryVerdict(action, 'unavailable'), true, action);
      assert.equal(retryVerdict(action, 'refused'), false, action);
    }
  });

  it('a create may have made a key only when its outcome was unclear', () => {
    assert.equal(mayHaveCreated(new Error('anything not ours')), true);
    assert.equal(mayHaveCreated(markUnclear(new ImportedKeyError('CloudError', 'reset'), 'unclear')), true);
    for (const kind of ['refused', 'throttled', 'unavailable'] as const) assert.equal(mayHaveCreated(markUnclear(new ImportedKeyError('CloudError', kind), kind)), false, kind);
  });
});
