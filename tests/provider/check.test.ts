import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { checkInputs, decodeKeyMaterial } from '../../provider/check';
import { UNKNOWN } from '../../provider/lifecycle';
import { MATERIAL_B64, inFuture } from './support/fixtures';

function failuresOf(news: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(checkInputs(news).failures.map((f) => [f.property, f.reason]));
}

describe('check: arguments validated offline', () => {
  it('accepts a minimal AWS key and fills in the defaults', () => {
    const { inputs, failures } = checkInputs({ cloud: 'aws', keyMaterial: MATERIAL_B64 });
    assert.deepEqual(failures, []);
    assert.equal(inputs.keySpec, 'SYMMETRIC_DEFAULT');
    assert.equal(inputs.wrappingAlgorithm, 'RSAES_OAEP_SHA_256');
    assert.equal(inputs.wrappingKeySpec, 'RSA_2048');
    assert.equal(inputs.onDelete, 'scheduleKeyDeletion');
    assert.equal(inputs.deletionWindowInDays, 30);
  });

  it('defaults an adopted key to deleteMaterial and leaves its key spec to the cloud', () => {
    const { inputs, failures } = checkInputs({ cloud: 'aws', keyId: '11111111-2222-3333-4444-555555555555', keyMaterial: MATERIAL_B64 });
    assert.deepEqual(failures, []);
    assert.equal(inputs.onDelete, 'deleteMaterial');
    assert.equal(inputs.keySpec, undefined);
  });

  it('defaults RSA and ECC specs to RSA_AES_KEY_WRAP_SHA_256', () => {
    for (const keySpec of ['RSA_2048', 'ECC_NIST_P256']) {
      assert.equal(checkInputs({ cloud: 'aws', keySpec, keyMaterial: UNKNOWN }).inputs.wrappingAlgorithm, 'RSA_AES_KEY_WRAP_SHA_256');
    }
  });

  it('names the field for each rule', () => {
    const f = failuresOf({
      cloud: 'aws',
      keySpec: 'HMAC_256',
      keyMaterial: randomBytes(8).toString('base64'),
      wrappingAlgorithm: 'RSAES_PKCS1_V1_5',
      expiresAt: inFuture(400),
      deletionWindowInDays: 3,
      onDelete: 'burn',
      keyUsage: 'ENCRYPT_DECRYPT',
    });
    assert.match(f.keyMaterial, /HMAC_256|bytes/);
    assert.match(f.wrappingAlgorithm, /RSAES_OAEP_SHA_256/);
    assert.match(f.expiresAt, /365 days/);
    assert.match(f.deletionWindowInDays, /7 to 30/);
    assert.match(f.onDelete, /scheduleKeyDeletion, deleteMaterial, retain/);
    assert.match(f.keyUsage, /GENERATE_VERIFY_MAC/);
  });

  it('refuses an unknown cloud, key spec, wrapping key spec and argument', () => {
    assert.match(failuresOf({ cloud: 'gcp', keyMaterial: MATERIAL_B64 }).cloud, /aws/);
    assert.match(failuresOf({ cloud: 'aws', keySpec: 'AES_256', keyMaterial: MATERIAL_B64 }).keySpec, /SYMMETRIC_DEFAULT/);
    assert.match(failuresOf({ cloud: 'aws', wrappingKeySpec: 'RSA_1024', keyMaterial: MATERIAL_B64 }).wrappingKeySpec, /RSA_2048/);
    assert.match(failuresOf({ cloud: 'aws', keyMaterial: MATERIAL_B64, materail: 'x' }).materail, /unknown argument/);
    assert.match(failuresOf({ cloud: 'aws' }).keyMaterial, /required/);
  });

  it('refuses RSAES_OAEP for an RSA private key (AWS needs RSA_AES_KEY_WRAP)', () => {
    assert.match(failuresOf({ cloud: 'aws', keySpec: 'RSA_2048', wrappingAlgorithm: 'RSAES_OAEP_SHA_256', keyMaterial: UNKNOWN }).wrappingAlgorithm, /RSA_AES_KEY_WRAP_SHA_256/);
  });

  it('refuses material too long for plain RSA-OAEP under the wrapping key (P-521 with RSA_2048)', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const p521 = generateKeyPairSync('ec', { namedCurve: 'P-521' }).privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64');
    const f = failuresOf({ cloud: 'aws', keySpec: 'ECC_NIST_P521', wrappingAlgorithm: 'RSAES_OAEP_SHA_256', wrappingKeySpec: 'RSA_2048', keyMaterial: p521 });
    assert.match(f.keyMaterial, /wraps at most 190/);
    assert.deepEqual(failuresOf({ cloud: 'aws', keySpec: 'ECC_NIST_P521', wrappingAlgorithm: 'RSAES_OAEP_SHA_256', wrappingKeySpec: 'RSA_3072', keyMaterial: p521 }), {});
    assert.deepEqual(failuresOf({ cloud: 'aws', keySpec: 'ECC_NIST_P521', keyMaterial: p521 }), {});
  });

  it('checks expiresAt: ISO 8601 with a zone, in the future', () => {
    assert.match(failuresOf({ cloud: 'aws', keyMaterial: MATERIAL_B64, expiresAt: '2030-01-01' }).expiresAt, /ISO 8601/);
    assert.match(failuresOf({ cloud: 'aws', keyMaterial: MATERIAL_B64, expiresAt: '2020-01-01T00:00:00Z' }).expiresAt, /future/);
    assert.deepEqual(failuresOf({ cloud: 'aws', keyMaterial: MATERIAL_B64, expiresAt: inFuture(364) }), {});
  });

  it('checks expiresIn: an ISO 8601 duration without years or months, at least PT1H, at most the cloud maximum', () => {
    const f = (expiresIn: unknown, cloud = 'aws') => failuresOf({ cloud, keyMaterial: MATERIAL_B64, expiresIn }).expiresIn;
    assert.equal(f('P90D'), undefined);
    assert.equal(f('P1DT12H'), undefined);
    assert.equal(f('PT1H'), undefined, 'the minimum itself');
    assert.equal(f('P365D'), undefined, "AWS's maximum itself");
    assert.match(f('P3M'), /years or months, whose length varies/);
    assert.match(f('90 days'), /ISO 8601 duration/);
    assert.match(f('PT59M'), /at least 1 hour \(PT1H\)/);
    assert.match(f('P366D'), /aws accepts an expiry at most 365 days ahead/);
    assert.match(f('P53W'), /at most 365 days/);
    assert.equal(f('P1000D', 'alicloud'), undefined, 'no documented maximum');
    assert.match(f(30), /must be a string/);
  });

  it('refuses expiresIn with expiresAt, naming both', () => {
    const failures = checkInputs({ cloud: 'aws', keyMaterial: MATERIAL_B64, expiresIn: 'P30D', expiresAt: inFuture(30) }).failures;
    assert.equal(failures.length, 1);
    assert.equal(failures[0].property, 'expiresIn');
    assert.match(failures[0].reason, /expiresAt/);
  });

  it('checks renewBefore: only with expiresIn, a positive duration shorter than it', () => {
    const f = (args: Record<string, unknown>) => failuresOf({ cloud: 'aws', keyMaterial: MATERIAL_B64, ...args }).renewBefore;
    assert.equal(f({ expiresIn: 'P30D', renewBefore: 'P7D' }), undefined);
    assert.equal(f({ expiresIn: 'P30D', renewBefore: 'P29DT23H' }), undefined);
    assert.match(f({ renewBefore: 'P7D' }), /only applies with expiresIn/);
    assert.match(f({ expiresIn: 'P30D', renewBefore: 'P30D' }), /shorter than expiresIn \(P30D\)/);
    assert.match(f({ expiresIn: 'P30D', renewBefore: 'P1M' }), /years or months/);
    assert.match(f({ expiresIn: 'P30D', renewBefore: 'PT0S' }), /longer than zero/);
    assert.deepEqual(failuresOf({ cloud: 'aws', keyMaterial: MATERIAL_B64, expiresIn: UNKNOWN, renewBefore: 'P1D' }), {});
  });

  it('accepts the resource name the SDK passes, and does not list it among the arguments', () => {
    assert.deepEqual(failuresOf({ cloud: 'aws', keyMaterial: MATERIAL_B64, resourceName: 'payments' }), {});
    const unknown = failuresOf({ cloud: 'aws', keyMaterial: MATERIAL_B64, aliasDerived: true }).aliasDerived;
    assert.match(unknown, /unknown argument.*expiresIn, renewBefore/);
    assert.doesNotMatch(unknown, /resourceName|__provider/);
  });

  it('checks keyId format and refuses creation-only arguments when adopting', () => {
    assert.match(failuresOf({ cloud: 'aws', keyId: 'alias/mine', keyMaterial: MATERIAL_B64 }).keyId, /key id/);
    assert.deepEqual(failuresOf({ cloud: 'aws', keyId: 'arn:aws:kms:us-east-1:111122223333:key/11111111-2222-3333-4444-555555555555', keyMaterial: MATERIAL_B64 }), {});
    assert.match(failuresOf({ cloud: 'aws', keyId: '11111111-2222-3333-4444-555555555555', description: 'd', keyMaterial: MATERIAL_B64 }).description, /creates/);
  });

  describe('protectionLevel (alicloud only)', () => {
    const ali = (over: Record<string, unknown>) => ({ cloud: 'alicloud', keyMaterial: MATERIAL_B64, ...over });

    it('defaults to the key spec\'s level: SOFTWARE for Aliyun_AES_256 (RSA algorithms), HSM for Aliyun_SM4', () => {
      const aes = checkInputs(ali({}));
      assert.deepEqual(aes.failures, []);
      assert.equal(aes.inputs.protectionLevel, 'SOFTWARE');
      const sm4 = checkInputs(ali({ keySpec: 'Aliyun_SM4', keyMaterial: randomBytes(16).toString('base64') }));
      assert.deepEqual(sm4.failures, []);
      assert.equal(sm4.inputs.protectionLevel, 'HSM');
      assert.match(failuresOf(ali({ wrappingAlgorithm: 'SM2PKE' })).wrappingAlgorithm, /SM2PKE for Aliyun_AES_256 keys with protectionLevel SOFTWARE; one of: RSAES_OAEP_SHA_256, RSAES_OAEP_SHA_1, RSAES_PKCS1_V1_5$/);
    });

    it('offers SM2PKE with EC_SM2 for an HSM Aliyun_AES_256 key', () => {
      const { inputs, failures } = checkInputs(ali({ protectionLevel: 'HSM', wrappingAlgorithm: 'SM2PKE' }));
      assert.deepEqual(failures, []);
      assert.equal(inputs.protectionLevel, 'HSM');
      assert.equal(inputs.wrappingKeySpec, 'EC_SM2');
      assert.equal(checkInputs(ali({ protectionLevel: 'HSM' })).inputs.wrappingAlgorithm, 'RSAES_OAEP_SHA_256', 'the default stays RSAES_OAEP_SHA_256');
    });

    it('refuses SOFTWARE for Aliyun_SM4 and other values, naming the field and what is allowed', () => {
      const sm4 = failuresOf(ali({ keySpec: 'Aliyun_SM4', keyMaterial: randomBytes(16).toString('base64'), protectionLevel: 'SOFTWARE' }));
      assert.deepEqual(Object.keys(sm4), ['protectionLevel']);
      assert.match(sm4.protectionLevel, /"SOFTWARE" is not allowed for Aliyun_SM4 keys; alicloud Aliyun_SM4 keys take HSM$/);
      assert.match(failuresOf(ali({ protectionLevel: 'hsm' })).protectionLevel, /take SOFTWARE or HSM/);
      assert.match(failuresOf(ali({ protectionLevel: 2 })).protectionLevel, /must be a string/);
    });

    it('is refused for other clouds, naming the field and the cloud it applies to', () => {
      assert.match(failuresOf({ cloud: 'aws', keyMaterial: MATERIAL_B64, protectionLevel: 'HSM' }).protectionLevel, /aws keys have no protection level to choose; it only applies to cloud alicloud/);
      assert.match(failuresOf({ cloud: 'huaweicloud', keyMaterial: MATERIAL_B64, protectionLevel: 'SOFTWARE' }).protectionLevel, /huaweicloud keys have no protection level/);
      assert.equal(checkInputs({ cloud: 'aws', keyMaterial: MATERIAL_B64 }).inputs.protectionLevel, undefined);
    });

    it('is a creation argument: refused when adopting; an adopted key takes the algorithms of any level (the cloud knows its level)', () => {
      const keyId = '11111111-2222-3333-4444-555555555555';
      assert.match(failuresOf(ali({ keyId, protectionLevel: 'HSM' })).protectionLevel, /only applies to a key the resource creates/);
      const adopted = checkInputs(ali({ keyId, keySpec: 'Aliyun_AES_256', wrappingAlgorithm: 'SM2PKE' }));
      assert.deepEqual(adopted.failures, []);
      assert.equal(adopted.inputs.protectionLevel, undefined);
    });

    it('is not judged while unknown during preview', () => {
      assert.deepEqual(failuresOf(ali({ protectionLevel: UNKNOWN, wrappingAlgorithm: 'SM2PKE' })), {});
    });
  });

  it('refuses a given alias that does not match the cloud\'s pattern (huaweicloud key_alias, alicloud alias/…), naming alias and the pattern', () => {
    const hw = (alias: unknown) => failuresOf({ cloud: 'huaweicloud', keyMaterial: MATERIAL_B64, alias }).alias;
    assert.equal(hw('prod/payments:key_1'), undefined);
    assert.equal(hw('x'.repeat(255)), undefined);
    for (const bad of ['payments key', 'clé', 'x'.repeat(256), '']) {
      assert.ok(hw(bad)?.endsWith('is not a valid huaweicloud alias; it must match ^[a-zA-Z0-9:/_-]{1,255}$'), `${bad}: ${hw(bad)}`);
    }
    assert.equal(hw(UNKNOWN), undefined);
    assert.match(failuresOf({ cloud: 'alicloud', keyMaterial: MATERIAL_B64, alias: 'payments' }).alias, /not a valid alicloud alias; it must match \^alias/);
    assert.equal(failuresOf({ cloud: 'alicloud', keyMaterial: MATERIAL_B64, alias: 'alias/payments' }).alias, undefined);
  });

  it('skips what depends on values unknown during preview', () => {
    assert.deepEqual(failuresOf({ cloud: 'aws', keyMaterial: UNKNOWN, expiresAt: UNKNOWN, keySpec: UNKNOWN }), {});
    assert.deepEqual(failuresOf({ cloud: UNKNOWN, keyMaterial: MATERIAL_B64 }), {});
  });

  it('never puts the material in a failure', () => {
    const material = randomBytes(31).toString('base64');
    const result = checkInputs({ cloud: 'aws', keyMaterial: material });
    assert.equal(result.failures.length, 1);
    assert.ok(!JSON.stringify(result.failures).includes(material));
    const notBase64 = 'secret-material-!!';
    const bad = checkInputs({ cloud: 'aws', keyMaterial: notBase64 });
    assert.match(bad.failures[0].reason, /base64/);
    assert.ok(!JSON.stringify(bad.failures).includes(notBase64));
  });

  it('decodes base64 with whitespace and refuses other text', () => {
    assert.equal(decodeKeyMaterial(' AAEC\nAw== ').length, 4);
    assert.throws(() => decodeKeyMaterial('AAE'), /base64/);
  });
});

describe('check: what would strand a new key is refused at preview', () => {
  it('AWS: SM2PKE or an SM2 key outside the China Regions (argument or AWS_REGION), fine in cn-north-1', () => {
    assert.match(failuresOf({ cloud: 'aws', region: 'us-east-1', keyMaterial: MATERIAL_B64, wrappingAlgorithm: 'SM2PKE' }).wrappingAlgorithm, /only in the AWS China Regions.*us-east-1/);
    assert.deepEqual(failuresOf({ cloud: 'aws', region: 'cn-north-1', keyMaterial: MATERIAL_B64, wrappingAlgorithm: 'SM2PKE' }), {});
    const saved = process.env.AWS_REGION;
    process.env.AWS_REGION = 'eu-west-1';
    try {
      assert.match(failuresOf({ cloud: 'aws', keyMaterial: MATERIAL_B64, wrappingAlgorithm: 'SM2PKE' }).wrappingAlgorithm, /eu-west-1/);
      assert.match(failuresOf({ cloud: 'aws', keyMaterial: MATERIAL_B64, keySpec: 'SM2' }).keySpec, /SM2 keys exist only in the AWS China Regions/);
    } finally {
      if (saved === undefined) delete process.env.AWS_REGION;
      else process.env.AWS_REGION = saved;
    }
  });

  it("Huawei's own name SM2_ENCRYPT is recorded as SM2PKE, the name the adapters speak", () => {
    const { inputs, failures } = checkInputs({ cloud: 'huaweicloud', projectId: 'p', region: 'cn-north-4', keyMaterial: MATERIAL_B64, wrappingAlgorithm: 'SM2_ENCRYPT' });
    assert.deepEqual(failures, []);
    assert.equal(inputs.wrappingAlgorithm, 'SM2PKE');
    assert.equal(inputs.wrappingKeySpec, 'SM2');
  });

  it('AWS aliases follow AWS: alias/ + letters, digits, / _ -, at most 256 characters, never alias/aws/', () => {
    for (const alias of ['payments', 'alias/', 'alias/pay ments', 'alias/pay:ments', 'alias/aws/payments', `alias/${'a'.repeat(251)}`]) {
      assert.match(failuresOf({ cloud: 'aws', region: 'us-east-1', keyMaterial: MATERIAL_B64, alias }).alias ?? '', /not a valid aws alias/, alias);
    }
    for (const alias of ['alias/payments', 'alias/team/pay_ments-1', `alias/${'a'.repeat(250)}`]) {
      assert.deepEqual(failuresOf({ cloud: 'aws', region: 'us-east-1', keyMaterial: MATERIAL_B64, alias }), {}, alias);
    }
  });
});
