import { strict as assert } from 'node:assert';
import { isThrottled } from '../../../../provider/clouds/huaweicloud/retries';

describe('huaweicloud retries', () => {
  it('knows throttling when it sees it', () => {
    assert.equal(isThrottled(429, {}), true);
    assert.equal(isThrottled(400, { errorCode: 'APIGW.0308' }), true);
    assert.equal(isThrottled(400, { errorCode: 'KMS.0310' }), false);
  });
});
