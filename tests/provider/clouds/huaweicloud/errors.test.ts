import { strict as assert } from 'node:assert';
import { parseErrorBody, toImportedKeyError } from '../../../../provider/clouds/huaweicloud/errors';

describe('huaweicloud error mapping', () => {
  it("reads KMS's nested error body and the API gateway's flat one", () => {
    assert.deepEqual(parseErrorBody('{"error":{"error_code":"KMS.0310","error_msg":"not pending import"}}'), {
      errorCode: 'KMS.0310', errorMsg: 'not pending import',
    });
    assert.deepEqual(parseErrorBody('{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information"}'), {
      errorCode: 'APIGW.0301', errorMsg: 'Incorrect IAM authentication information',
    });
    assert.deepEqual(parseErrorBody('<html>bad gateway</html>'), {});
  });

  it('keeps the KMS.xxxx code in cloudCode and maps it to our code', () => {
    const cases: Array<[string, number, string]> = [
      ['KMS.0207', 404, 'KeyNotFound'],
      ['KMS.0310', 400, 'InvalidKeyState'],
      ['KMS.2601', 400, 'ImportTokenRejected'],
      ['KMS.2603', 400, 'ImportTokenRejected'],
      ['KMS.2606', 400, 'ImportFailed'],
      ['KMS.2604', 400, 'InvalidKeyMaterial'],
      ['KMS.0204', 400, 'InvalidArgument'],
      ['KMS.9999', 500, 'CloudError'],
    ];
    for (const [cloudCode, status, code] of cases) {
      const e = toImportedKeyError('import-key-material', status, { errorCode: cloudCode, errorMsg: 'm' });
      assert.equal(e.code, code, cloudCode);
      assert.equal(e.cloudCode, cloudCode);
      assert.match(e.message, new RegExp(`^huaweicloud import-key-material failed: ${cloudCode.replace('.', '\\.')} m$`));
    }
    assert.equal(toImportedKeyError('describe-key', 404, {}).code, 'KeyNotFound');
    assert.equal(toImportedKeyError('describe-key', 502, {}).message, 'huaweicloud describe-key failed: HTTP 502');
  });
});
