import { strict as assert } from 'node:assert';
import { errorCodeFor, redactor, toImportedKeyError } from '../../../../provider/clouds/pingan/errors';

describe('pingan error mapping', () => {
  it('tells codes apart by their words (no code list is public), keeping the code in cloudCode', () => {
    const cases: Array<[string, string]> = [
      ['KeyNotFound', 'KeyNotFound'], ['Forbidden.KeyNotFound', 'KeyNotFound'], ['EntityNotExist.Key', 'KeyNotFound'],
      ['InvalidImportToken', 'ImportTokenRejected'], ['InvalidParameter.ImportTokenExpired', 'ImportTokenRejected'],
      ['KeyMaterialMismatch', 'InvalidKeyMaterial'], ['InvalidParameter.EncryptedKeyMaterial', 'ImportFailed'],
      ['InvalidKeyState', 'InvalidKeyState'], ['Rejected.PendingImport', 'InvalidKeyState'],
      ['InvalidParameter.PendingWindowInDays', 'InvalidArgument'], ['MissingParameter', 'InvalidArgument'],
      ['SignatureDoesNotMatch', 'CloudError'], ['IllegalTimestamp', 'CloudError'], ['Throttling.User', 'CloudError'], ['InternalError', 'CloudError'], ['Whatever', 'CloudError'],
    ];
    for (const [code, ours] of cases) {
      const e = toImportedKeyError('DescribeKey', 200, { code, message: 'm', requestId: 'r-1' });
      assert.equal(e.code, ours, code);
      assert.equal(e.cloudCode, code);
      assert.ok(e.message.startsWith(`pingan DescribeKey failed: ${code}: m (requestId r-1)`), e.message);
    }
    assert.equal(errorCodeFor(undefined, 404), 'KeyNotFound');
    assert.equal(errorCodeFor(undefined, 502), 'CloudError');
  });

  it('says what to do for credentials, the clock and other material', () => {
    assert.match(toImportedKeyError('DescribeKey', 403, { code: 'SignatureDoesNotMatch' }).message, /check the Ping An credentials \(PINGAN_ACCESS_KEY_ID \/ PINGAN_ACCESS_KEY_SECRET\)/);
    assert.match(toImportedKeyError('DescribeKey', 400, { code: 'IllegalTimestamp' }).message, /check this machine's clock: .*more than 15 minutes off/);
    assert.match(toImportedKeyError('ImportKeyMaterial', 200, { code: 'KeyMaterialMismatch' }).message, /create a new key for new material/);
  });

  it('names the HTTP status when there is no envelope', () => {
    const e = toImportedKeyError('DescribeKey', 502, {});
    assert.equal(e.message, 'pingan DescribeKey failed: HTTP 502');
    assert.equal(e.cloudCode, undefined);
  });

  it('cuts secrets out of the message (long values only: short ones could match innocent text)', () => {
    const token = 'ab'.repeat(32);
    const redact = redactor([token, 'short', 'c2lnbmF0dXJlLXZhbHVl']);
    const e = toImportedKeyError('ImportKeyMaterial', 400, { code: 'InvalidParameter', message: `bad token ${token}, signature c2lnbmF0dXJlLXZhbHVl, short` }, redact);
    assert.equal(e.message, 'pingan ImportKeyMaterial failed: InvalidParameter: bad token <redacted>, signature <redacted>, short');
  });
});
