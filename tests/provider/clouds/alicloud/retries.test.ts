import { strict as assert } from 'node:assert';
import { describeFailure, type AlicloudFailure } from '../../../../provider/clouds/alicloud/errors';
import { failureKind } from '../../../../provider/clouds/alicloud/retries';
import { retryVerdictFor } from '../../../../provider/clouds/retry';

/** What @alicloud/tea-typescript's ResponseError looks like (code "<Code>Error", body in data, status in the message). */
function responseError(status: number, code: string, message: string): Error {
  const e = new Error(`${code}Error: code: ${status}, ${message} requestid: R-1`) as Error & { code: string; data: object };
  e.code = `${code}Error`;
  e.data = { Code: code, Message: message, RequestId: 'R-1', HostId: 'kms.cn-hangzhou.aliyuncs.com' };
  return e;
}

/** Whether the adapter's calls send another attempt after `failure`: the rule they use (retryVerdictFor of failureKind). */
function isRetryable(failure: AlicloudFailure, repeatable = true): boolean {
  return retryVerdictFor(failureKind(failure), repeatable) !== false;
}

describe('provider/clouds/alicloud/retries', () => {
  it('retries throttling, 5xx, refused connections and (repeatable calls only) reset ones, nothing else', () => {
    assert.equal(isRetryable(describeFailure(responseError(400, 'Throttling.User', 'x'))), true);
    assert.equal(isRetryable(describeFailure(responseError(503, 'ServiceUnavailableTemporary', 'x'))), true);
    assert.equal(isRetryable(describeFailure(responseError(500, 'InternalFailure', 'x'))), true);
    assert.equal(isRetryable(describeFailure(responseError(502, 'SomethingElse', 'x'))), true);
    assert.equal(isRetryable(describeFailure(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))), true);
    // A connection closed mid-call: the outcome is unclear, so only a repeatable call is sent again (not CreateKey).
    assert.equal(isRetryable(describeFailure(Object.assign(new Error('x'), { code: 'ECONNRESET' }))), true);
    assert.equal(isRetryable(describeFailure(Object.assign(new Error('x'), { code: 'ECONNRESET' })), false), false);
    assert.equal(isRetryable(describeFailure(responseError(500, 'InternalFailure', 'x')), false), false);
    assert.equal(isRetryable(describeFailure(responseError(503, 'ServiceUnavailableTemporary', 'x')), false), true);
    assert.equal(isRetryable(describeFailure(Object.assign(new Error('x'), { code: 'ENOTFOUND' }))), false);
    assert.equal(isRetryable(describeFailure(responseError(404, 'Forbidden.KeyNotFound', 'x'))), false);
    assert.equal(isRetryable(describeFailure(responseError(400, 'InvalidParameter.ImportToken', 'x'))), false);
  });

  it('retries CreateKey only on refusals that did no work (a 500 may have made a key)', () => {
    assert.equal(isRetryable(describeFailure(responseError(400, 'Throttling.User', 'x')), false), true);
    assert.equal(isRetryable(describeFailure(responseError(503, 'ServiceUnavailableTemporary', 'x')), false), true);
    assert.equal(isRetryable(describeFailure(Object.assign(new Error('x'), { code: 'ECONNREFUSED' })), false), true);
    assert.equal(isRetryable(describeFailure(responseError(500, 'InternalFailure', 'x')), false), false);
  });
});
