// Which quota each call is held to (provider/clouds/quota-settings.ts): the published figure, IMPORTED_KEY_QUOTAS for a
// quota as the cloud counts it (a shared quota as a whole), IMPORTED_KEY_QUOTA_SCALE on every figure; bad values refused
// naming the variable and what is allowed.
import { strict as assert } from 'node:assert';
import { pacerFor, resetPacers } from '../../../provider/clouds/pacer';
import { quotaFor, quotaSettings } from '../../../provider/clouds/quota-settings';

describe('provider/clouds/quota-settings', () => {
  afterEach(() => resetPacers());

  it('IMPORTED_KEY_QUOTAS replaces the figure of the quota that counts the operation (a shared quota as a whole), then the scale applies', () => {
    const settings = quotaSettings({ IMPORTED_KEY_QUOTAS: '{"aws:GetParametersForImport": 1, "alicloud:DescribeKey": 100, "pingan:ListKeys": 3}', IMPORTED_KEY_QUOTA_SCALE: '2' });
    assert.equal(quotaFor('aws', 'GetParametersForImport', settings)?.perSecond, 2);
    assert.equal(quotaFor('aws', 'CreateKey', settings)?.perSecond, 10, 'the others keep the published figure, scaled');
    assert.equal(quotaFor('alicloud', 'ListKeys', settings)?.perSecond, 200, 'ListKeys shares the read quota DescribeKey names');
    assert.equal(quotaFor('pingan', 'ListKeys', settings)?.perSecond, 6, 'an operation under no published quota gets its own');
  });

  it('refuses bad values, naming the variable and what is allowed', () => {
    const bad: Array<[Record<string, string>, RegExp]> = [
      [{ IMPORTED_KEY_QUOTA_SCALE: 'fast' }, /IMPORTED_KEY_QUOTA_SCALE must be a number from 0\.001 to 100000/],
      [{ IMPORTED_KEY_QUOTA_SCALE: '0' }, /IMPORTED_KEY_QUOTA_SCALE must be a number/],
      [{ IMPORTED_KEY_QUOTAS: '{aws' }, /IMPORTED_KEY_QUOTAS is not JSON; it must be a JSON object of "<cloud>:<Operation>": requests per second/],
      [{ IMPORTED_KEY_QUOTAS: '[1]' }, /IMPORTED_KEY_QUOTAS must be a JSON object/],
      [{ IMPORTED_KEY_QUOTAS: '{"gcp:CreateKey": 1}' }, /IMPORTED_KEY_QUOTAS: "gcp:CreateKey" is not "<cloud>:<Operation>"; .*aws, alicloud, huaweicloud, pingan/],
      [{ IMPORTED_KEY_QUOTAS: '{"aws:CreateKey": "5"}' }, /IMPORTED_KEY_QUOTAS: "aws:CreateKey" must be a number of requests per second from 0\.001/],
      [{ IMPORTED_KEY_QUOTAS: '{"aws:CreateKey": 0}' }, /must be a number of requests per second/],
      [{ IMPORTED_KEY_QUOTAS: '{"alicloud:DescribeKey": 10, "alicloud:ListKeys": 20}' }, /share one quota .*different figures/],
    ];
    for (const [env, message] of bad) {
      assert.throws(() => quotaSettings(env), (e: Error & { code?: string }) => message.test(e.message) && e.code === 'InvalidArgument', JSON.stringify(env));
      assert.throws(() => pacerFor('aws', 'us-east-1', 'CreateKey', env), message, 'a call meets the same refusal');
    }
  });
});
