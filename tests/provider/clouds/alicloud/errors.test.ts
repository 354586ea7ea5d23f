import { strict as assert } from 'node:assert';
import { describeFailure, toImportedKeyError } from '../../../../provider/clouds/alicloud/errors';

/** What @alicloud/tea-typescript's ResponseError looks like (code "<Code>Error", body in data, status in the message). */
function responseError(status: number, code: string, message: string): Error {
  const e = new Error(`${code}Error: code: ${status}, ${message} requestid: R-1`) as Error & { code: string; data: object };
  e.code = `${code}Error`;
  e.data = { Code: code, Message: message, RequestId: 'R-1', HostId: 'kms.cn-hangzhou.aliyuncs.com' };
  return e;
}

describe('provider/clouds/alicloud/errors', () => {
  it('reads Code, status, Message and RequestId from the SDK error', () => {
    assert.deepEqual(describeFailure(responseError(404, 'Forbidden.KeyNotFound', 'The specified Key is not found.')),
      { code: 'Forbidden.KeyNotFound', status: 404, message: 'The specified Key is not found.', requestId: 'R-1' });
  });

  it('maps Alibaba codes to stable codes and keeps the Alibaba code in cloudCode', () => {
    const cases: Array<[string, string]> = [
      ['Forbidden.KeyNotFound', 'KeyNotFound'],
      ['Rejected.PendingDeletion', 'InvalidKeyState'],
      ['Rejected.Disabled', 'InvalidKeyState'],
      ['InvalidParameter.ImportToken', 'ImportTokenRejected'],
      ['InvalidParameter.ImportTokenExpired', 'ImportTokenRejected'],
      ['InvalidParameter.KeyMaterialMismatch', 'InvalidKeyMaterial'],
      ['InvalidParameter.EncryptedKeyMaterial', 'ImportFailed'],
      ['InvalidParameter', 'InvalidArgument'],
      ['MissingParameter', 'InvalidArgument'],
      ['SignatureDoesNotMatch', 'CloudError'],
      ['Throttling.User', 'CloudError'],
    ];
    for (const [cloudCode, code] of cases) {
      const mapped = toImportedKeyError('ImportKeyMaterial', 'k-1', responseError(400, cloudCode, 'msg'));
      assert.equal(mapped.code, code, cloudCode);
      assert.equal(mapped.cloudCode, cloudCode);
      assert.match(mapped.message, new RegExp(`^Alibaba Cloud KMS ImportKeyMaterial on key k-1 failed: ${cloudCode.replace('.', '\\.')}: msg \\(RequestId R-1\\)`));
    }
  });

  it('tells the user what to do about credentials and pending deletion', () => {
    assert.match(toImportedKeyError('DescribeKey', 'k', responseError(400, 'SignatureDoesNotMatch', 'x')).message, /ALIBABA_CLOUD_ACCESS_KEY_ID/);
    assert.match(toImportedKeyError('DescribeKey', 'k', responseError(404, 'InvalidAccessKeyId.NotFound', 'x')).message, /credentials/);
    assert.match(toImportedKeyError('EnableKey', 'k', responseError(409, 'Rejected.PendingDeletion', 'x')).message, /CancelKeyDeletion/);
  });

  it('does not attach the SDK error (it can carry the last request)', () => {
    assert.equal((toImportedKeyError('X', 'k', responseError(500, 'InternalFailure', 'x')) as { cause?: unknown }).cause, undefined);
  });

  it('reports network failures as CloudError with their errno code', () => {
    const e = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    const mapped = toImportedKeyError('CreateKey', undefined, e);
    assert.equal(mapped.code, 'CloudError');
    assert.equal(mapped.cloudCode, undefined);
    assert.match(mapped.message, /CreateKey failed: ECONNREFUSED/);
  });

  it('drops the request query (token, wrapped material, signature) that the SDK quotes in network errors', () => {
    const e = Object.assign(new Error('ConnectTimeout: Connect http://127.0.0.1:1/?Action=ImportKeyMaterial&ImportToken=SECRET-TOKEN&EncryptedKeyMaterial=WRAPPED&Signature=SIG failed.'),
      { name: 'RequestTimeoutError', code: 'RequestTimeout' });
    const mapped = toImportedKeyError('ImportKeyMaterial', 'k', e);
    assert.match(mapped.message, /Connect http:\/\/127\.0\.0\.1:1\/\?<query omitted> failed/);
    for (const secret of ['SECRET-TOKEN', 'WRAPPED', 'SIG']) assert.ok(!mapped.message.includes(secret));
  });
});
