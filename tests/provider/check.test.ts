import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkInputs, decodeKeyMaterial } from '../../provider/check';
import { ALICLOUD_REGION_VARIABLES, resolveRegion } from '../../provider/clouds/alicloud/settings';
import { awsProfile } from '../../provider/clouds/aws/profile';
import { resolveAwsRegion } from '../../provider/clouds/aws/settings';
import { huaweicloudProfile } from '../../provider/clouds/huaweicloud/profile';
import { ENV as HUAWEI_ENV } from '../../provider/clouds/huaweicloud/settings';
import { UNKNOWN } from '../../provider/lifecycle';
import { MATERIAL_B64, inFuture } from '../support/fixtures';

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
    // An unknown argument is reported without a property: the engine would print its value (a misspelt keyMaterial).
    assert.match(failuresOf({ cloud: 'aws', keyMaterial: MATERIAL_B64, materail: 'x' })[''], /^materail is not an argument of ImportedKey/);
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
    const unknown = failuresOf({ cloud: 'aws', keyMaterial: MATERIAL_B64, aliasDerived: true })[''];
    assert.match(unknown, /^aliasDerived is not an argument.*expiresIn, renewBefore/);
    assert.doesNotMatch(unknown, /resourceName|__provider/);
  });

  it('checks keyId format and refuses creation-only arguments when adopting', () => {
    assert.match(failuresOf({ cloud: 'aws', keyId: 'alias/mine', keyMaterial: MATERIAL_B64 }).keyId, /key id/);
    assert.deepEqual(failuresOf({ cloud: 'aws', keyId: 'arn:aws:kms:us-east-1:111122223333:key/11111111-2222-3333-4444-555555555555', keyMaterial: MATERIAL_B64 }), {});
    assert.match(failuresOf({ cloud: 'aws', keyId: '11111111-2222-3333-4444-555555555555', description: 'd', keyMaterial: MATERIAL_B64 }).description, /creates/);
  });

  describe('protectionLevel (alicloud only)', () => {
    const ali = (over: Record<string, unknown>) => ({ cloud: 'alicloud', region: 'cn-hangzhou', keyMaterial: MATERIAL_B64, ...over });

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
    for (const bad of ['payments key', 'clé', 'x'.repeat(256)]) {
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
    const { inputs, failures } = checkInputs({ cloud: 'huaweicloud', projectId: '0123456789abcdef0123456789abcdef', region: 'cn-north-4', keyMaterial: MATERIAL_B64, wrappingAlgorithm: 'SM2_ENCRYPT' });
    assert.deepEqual(failures, []);
    assert.equal(inputs.wrappingAlgorithm, 'SM2PKE');
    assert.equal(inputs.wrappingKeySpec, 'SM2');
  });

  it('refuses a blank alias on every cloud, Ping An (no published pattern) included, naming alias', () => {
    for (const cloud of ['aws', 'alicloud', 'huaweicloud', 'pingan']) {
      for (const alias of ['', '   ']) {
        assert.match(failuresOf({ cloud, region: cloud === 'aws' ? 'us-east-1' : undefined, keyMaterial: MATERIAL_B64, alias }).alias ?? '', cloud === 'pingan' ? /^alias is empty; give pingan a non-blank alias, or leave alias out/ : /^alias is empty; it must match \^.*, or leave alias out/, `${cloud} ${JSON.stringify(alias)}`);
      }
    }
    assert.equal(failuresOf({ cloud: 'pingan', keyMaterial: MATERIAL_B64, alias: 'payments' }).alias, undefined);
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

describe('check: everything knowable offline, refused naming the argument and what is allowed (issue 11)', () => {
  const PROJECT = '0123456789abcdef0123456789abcdef';
  /** No region, project or instance metadata anywhere but in the arguments. */
  const BARE_ENV: NodeJS.ProcessEnv = { AWS_EC2_METADATA_DISABLED: 'true', AWS_CONFIG_FILE: '/nonexistent/aws-config', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials' };
  const base: Record<string, Record<string, unknown>> = {
    aws: { cloud: 'aws', region: 'us-east-1', keyMaterial: MATERIAL_B64 },
    alicloud: { cloud: 'alicloud', region: 'cn-hangzhou', keyMaterial: MATERIAL_B64 },
    huaweicloud: { cloud: 'huaweicloud', region: 'cn-north-4', projectId: PROJECT, keyMaterial: MATERIAL_B64 },
    pingan: { cloud: 'pingan', region: 'cn-shanghai', keyMaterial: MATERIAL_B64 },
  };
  /** The failures of `cloud`'s valid base with `over` applied (undefined removes an argument), by property. */
  function failures(cloud: string, over: Record<string, unknown>, env: NodeJS.ProcessEnv = BARE_ENV): Record<string, string> {
    const news = Object.fromEntries(Object.entries({ ...base[cloud], ...over }).filter(([, v]) => v !== undefined));
    const all = checkInputs(news, new Date(), env).failures;
    for (const f of all) assert.ok(f.property === '' || f.reason.startsWith(f.property), `the reason names its argument: ${JSON.stringify(f)}`);
    const byProperty: Record<string, string> = {};
    for (const f of all) byProperty[f.property] = byProperty[f.property] ? `${byProperty[f.property]} | ${f.reason}` : f.reason;
    return byProperty;
  }

  it('the valid bases pass with nothing in the environment', () => {
    for (const cloud of Object.keys(base)) assert.deepEqual(failures(cloud, {}), {}, cloud);
  });

  it('region: a malformed name is refused for every cloud, naming what a region looks like; real names pass', () => {
    for (const [cloud, bad] of [['aws', 'us east 1'], ['aws', 'US-EAST-1'], ['aws', 'useast1'], ['alicloud', 'CN_HANGZHOU'], ['alicloud', 'cn hangzhou'], ['huaweicloud', 'cn north 4'], ['huaweicloud', 'CN-NORTH-4']]) {
      assert.match(failures(cloud, { region: bad }).region ?? '', /^region ".*" is not an? \w+ region name such as [a-z]+-[a-z0-9-]+ \(lower case, no spaces\)$/, `${cloud} ${bad}`);
    }
    for (const region of ['us-east-1', 'us-gov-west-1', 'cn-northwest-1', 'us-isob-east-1', 'eusc-de-east-1', 'ap-southeast-7', 'il-central-1']) {
      assert.deepEqual(failures('aws', { region }), {}, region);
    }
    for (const region of ['cn-shanghai-finance-1', 'ap-southeast-1', 'eu-central-1']) assert.deepEqual(failures('alicloud', { region }), {}, region);
    for (const region of ['la-south-2', 'ap-southeast-3', 'af-south-1']) assert.deepEqual(failures('huaweicloud', { region }), {}, region);
    assert.match(failures('aws', { region: '' }).region, /^region is empty; give an aws region name such as us-east-1/);
    // Ping An publishes two regions: anything else, well formed or not, is refused naming both.
    for (const bad of ['CN_SHANGHAI', 'cn shanghai', 'cn-beijing']) {
      assert.equal(failures('pingan', { region: bad }).region, `region ${JSON.stringify(bad)} is not one of pingan's regions (cn-shanghai, cn-hongkong)`, bad);
    }
    assert.deepEqual(failures('pingan', { region: 'cn-hongkong' }), {});
    assert.match(failures('pingan', { region: '' }).region, /^region is empty; give one of pingan's regions \(cn-shanghai, cn-hongkong\)/);
  });

  it('region: a malformed one from the environment is refused naming the variable', () => {
    assert.match(failures('aws', { region: undefined }, { AWS_REGION: 'US-EAST-1' }).region, /^region is not given, and AWS_REGION is "US-EAST-1", which is not an aws region name/);
    assert.match(failures('alicloud', { region: undefined }, { ALICLOUD_REGION: 'Hangzhou' }).region, /ALICLOUD_REGION is "Hangzhou"/);
    assert.match(failures('huaweicloud', { region: undefined }, { HW_REGION_NAME: 'cn north 4' }).region, /HW_REGION_NAME is "cn north 4"/);
    assert.deepEqual(failures('huaweicloud', { region: undefined }, { HUAWEICLOUD_SDK_REGION: 'cn-north-4' }), {});
    assert.match(failures('pingan', { region: undefined }, { PINGAN_REGION: 'Shanghai' }).region, /PINGAN_REGION is "Shanghai", which is not one of pingan's regions/);
    assert.deepEqual(failures('pingan', { region: undefined }, { PINGAN_REGION: 'cn-hongkong' }), {});
  });

  it('region: missing where the cloud needs one and nothing supplies it — an endpoint does on Alibaba and Huawei, not on AWS', () => {
    for (const cloud of ['alicloud', 'huaweicloud', 'pingan']) {
      assert.match(failures(cloud, { region: undefined }).region, new RegExp(`^region is required for ${cloud} \\(or an endpoint\\): set the region argument, the stack config ${cloud}:region, or `));
      assert.deepEqual(failures(cloud, { region: undefined, endpoint: 'http://127.0.0.1:4566' }), {}, cloud);
      assert.deepEqual(failures(cloud, { region: undefined, endpoint: UNKNOWN }), {}, cloud);
    }
    assert.deepEqual(failures('alicloud', { region: undefined }, { ALIBABA_CLOUD_REGION_ID: 'cn-beijing' }), {});
    assert.match(failures('aws', { region: undefined, endpoint: 'http://127.0.0.1:4566' }).region, /^region is required for aws: set the region argument, the stack config aws:region, or AWS_REGION \/ AWS_DEFAULT_REGION/);
    assert.deepEqual(failures('aws', { region: UNKNOWN }), {});
  });

  it('region: AWS is not judged missing where its SDK can still find one (instance metadata, a shared config file)', () => {
    assert.deepEqual(failures('aws', { region: undefined }, {}), {}, 'instance metadata may answer: not knowable offline');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'check-aws-config-'));
    try {
      const config = path.join(dir, 'config');
      fs.writeFileSync(config, '[default]\nregion = eu-west-1\n');
      assert.deepEqual(failures('aws', { region: undefined }, { ...BARE_ENV, AWS_CONFIG_FILE: config }), {});
      fs.writeFileSync(config, '[default]\noutput = json\n');
      assert.match(failures('aws', { region: undefined }, { ...BARE_ENV, AWS_CONFIG_FILE: config }).region, /required for aws/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('region: the environment variables are the ones each adapter reads, in its order', () => {
    for (const [i, name] of ALICLOUD_REGION_VARIABLES.entries()) {
      const env = Object.fromEntries(ALICLOUD_REGION_VARIABLES.slice(i).map((n) => [n, n === name ? 'cn-beijing' : 'cn-shanghai']));
      assert.equal(resolveRegion({}, env), 'cn-beijing', name);
    }
    assert.deepEqual(huaweicloudProfile.region?.environment, HUAWEI_ENV.region);
    assert.deepEqual(huaweicloudProfile.project?.environment, HUAWEI_ENV.projectId);
    assert.equal(resolveAwsRegion({}, { AWS_DEFAULT_REGION: 'eu-west-1' }), 'eu-west-1');
    assert.deepEqual(awsProfile.region?.environment, ['AWS_REGION', 'AWS_DEFAULT_REGION']);
  });

  it('description: longer than the cloud takes (AWS and Alibaba 8192 characters, Huawei 255) is refused; characters, not UTF-16 units', () => {
    for (const [cloud, max] of [['aws', 8192], ['alicloud', 8192], ['huaweicloud', 255]] as const) {
      assert.deepEqual(failures(cloud, { description: 'd'.repeat(max) }), {}, cloud);
      assert.equal(failures(cloud, { description: 'd'.repeat(max + 1) }).description, `description is ${max + 1} characters; ${cloud} takes at most ${max}`);
    }
    assert.deepEqual(failures('huaweicloud', { description: '🔑'.repeat(255) }), {});
    assert.match(failures('aws', { description: 5 }).description, /^description must be a string: text of at most 8192 characters; got number 5$/);
  });

  it('projectId: Huawei needs one (argument or environment) of 32 lowercase hex characters; other clouds refuse it', () => {
    assert.match(failures('huaweicloud', { projectId: undefined }).projectId, /^projectId is required for huaweicloud \(32 lowercase hexadecimal characters.*\): pass the projectId argument or set HUAWEICLOUD_SDK_PROJECT_ID \/ HW_PROJECT_ID \/ HUAWEICLOUD_PROJECT_ID$/);
    assert.deepEqual(failures('huaweicloud', { projectId: undefined }, { HW_PROJECT_ID: PROJECT }), {});
    assert.match(failures('huaweicloud', { projectId: undefined }, { HW_PROJECT_ID: 'my-project' }).projectId, /^projectId is not given, and HW_PROJECT_ID is "my-project", which is not a huaweicloud project id: 32 lowercase hexadecimal/);
    for (const bad of ['my-project', PROJECT.toUpperCase(), PROJECT.slice(1), `${PROJECT}0`, '']) {
      assert.match(failures('huaweicloud', { projectId: bad }).projectId ?? '', /is not a huaweicloud project id: 32 lowercase hexadecimal characters/, bad);
    }
    assert.deepEqual(failures('huaweicloud', { projectId: UNKNOWN }), {});
    for (const cloud of ['aws', 'alicloud']) {
      assert.equal(failures(cloud, { projectId: PROJECT }).projectId, `projectId only applies to cloud huaweicloud; ${cloud} keys have no project — remove it`);
    }
  });

  it('tags: AWS keys 1–128, values 0–256, at most 50, no aws: prefix (any case)', () => {
    const many = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 'v']));
    assert.deepEqual(failures('aws', { tags: { ...many(48), ['k'.repeat(128)]: 'v'.repeat(256), empty: '' } }), {});
    assert.equal(failures('aws', { tags: many(51) }).tags, 'tags has 51 entries; aws takes at most 50 tags per key');
    assert.match(failures('aws', { tags: { ['k'.repeat(129)]: 'v' } }).tags, /^tags: key "k{40}"… is 129 characters; aws takes tag keys of 1–128 characters$/);
    assert.match(failures('aws', { tags: { '': 'v' } }).tags, /key "" is 0 characters; aws takes tag keys of 1–128/);
    assert.match(failures('aws', { tags: { k: 'v'.repeat(257) } }).tags, /^tags: value of "k" is 257 characters; aws takes tag values of 0–256 characters$/);
    for (const key of ['aws:team', 'AWS:team']) assert.match(failures('aws', { tags: { [key]: 'v' } }).tags, /starts with aws:, which aws keeps for itself; tag keys must not start with aws:/, key);
  });

  it('tags: Alibaba at most 10, keys 1–128 not starting with aliyun or acs:, values 0–128; Huawei refuses any; adopting reports create-only once', () => {
    const many = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 'v']));
    assert.deepEqual(failures('alicloud', { tags: { ...many(9), ['k'.repeat(128)]: 'v'.repeat(128) } }), {});
    assert.equal(failures('alicloud', { tags: many(11) }).tags, 'tags has 11 entries; alicloud takes at most 10 tags per key');
    assert.match(failures('alicloud', { tags: { k: 'v'.repeat(129) } }).tags, /tag values of 0–128 characters/);
    for (const key of ['aliyun-team', 'acs:team', 'Aliyun']) assert.match(failures('alicloud', { tags: { [key]: 'v' } }).tags, /tag keys must not start with aliyun or acs:/, key);
    assert.equal(failures('huaweicloud', { tags: { team: 'payments' } }).tags, 'tags are not supported for huaweicloud keys yet; remove them (tags work on aws, alicloud)');
    assert.deepEqual(failures('huaweicloud', { tags: {} }), {});
    const adopted = checkInputs({ ...base.huaweicloud, keyId: '11111111-2222-3333-4444-555555555555', tags: { a: 'b' }, description: 'd'.repeat(300) }, new Date(), BARE_ENV).failures;
    assert.deepEqual(adopted.map((f) => f.property).sort(), ['description', 'tags']);
    assert.ok(adopted.every((f) => /only applies to a key the resource creates/.test(f.reason)));
  });

  it('endpoint: only what the cloud\'s client sends — Alibaba no path, no cloud a query, fragment or user; a bare host where the client takes one', () => {
    assert.match(failures('alicloud', { endpoint: 'https://kms.example.com/path' }).endpoint, /^endpoint "https:\/\/kms.example.com\/path" must not have a path: alicloud calls always go to "\/"; give https:\/\/host, http:\/\/host:port or a bare host/);
    for (const cloud of ['aws', 'alicloud', 'huaweicloud', 'pingan']) {
      assert.match(failures(cloud, { endpoint: 'https://kms.example.com?x=1' }).endpoint, /must not have a query or fragment/, cloud);
      assert.match(failures(cloud, { endpoint: 'https://kms.example.com/#top' }).endpoint, /must not have a query or fragment/, cloud);
      assert.match(failures(cloud, { endpoint: 'https://user:pw@kms.example.com' }).endpoint, /must not carry a user or password/, cloud);
      assert.match(failures(cloud, { endpoint: 'http://exa mple.com' }).endpoint, /is not a URL/, cloud);
      assert.match(failures(cloud, { endpoint: 'http://127.0.0.1:99999' }).endpoint, /is not a URL/, cloud);
      assert.match(failures(cloud, { endpoint: 'ftp://kms.example.com' }).endpoint, /must use http or https/, cloud);
      assert.deepEqual(failures(cloud, { endpoint: 'http://127.0.0.1:4566' }), {}, cloud);
    }
    assert.deepEqual(failures('alicloud', { endpoint: 'kms.cn-hangzhou.aliyuncs.com' }), {}, 'the Alibaba client takes a bare host');
    assert.deepEqual(failures('huaweicloud', { endpoint: 'kms.cn-north-4.myhuaweicloud.com' }), {});
    assert.deepEqual(failures('huaweicloud', { endpoint: 'https://gateway.example.com/kms-prefix' }), {}, 'Huawei keeps a path prefix');
    assert.deepEqual(failures('aws', { endpoint: 'http://127.0.0.1:4566/prefix' }), {}, 'the AWS SDK keeps a path prefix');
    assert.match(failures('aws', { endpoint: 'kms.us-east-1.amazonaws.com' }).endpoint, /is not a URL; aws takes an http:\/\/ or https:\/\/ URL/);
    assert.deepEqual(Object.keys(failures('aws', { cloud: 'gcp', endpoint: 'https://kms.example.com/prefix' })), ['cloud'], 'an unknown cloud: the endpoint judged only by what no client takes');
    assert.match(failures('aws', { cloud: 'gcp', endpoint: 'https://kms.example.com?x=1' }).endpoint, /must not have a query/);
  });

  it('keyId: an ARN of another region than the resource\'s is refused', () => {
    const arn = 'arn:aws:kms:eu-west-1:111122223333:key/11111111-2222-3333-4444-555555555555';
    assert.match(failures('aws', { keyId: arn }).keyId, /^keyId names a key in eu-west-1, but this resource's region is us-east-1/);
    assert.deepEqual(failures('aws', { keyId: arn, region: 'eu-west-1' }), {});
    assert.deepEqual(failures('aws', { keyId: arn, region: undefined }, {}), {}, 'the region is not known here: not judged');
    assert.match(failures('alicloud', { keyId: 'acs:kms:cn-beijing:1234567890123456:key/key-abc12345' }).keyId, /names a key in cn-beijing, but this resource's region is cn-hangzhou/);
  });

  it('cloud, wrong types and unknown arguments: the reason names the argument and lists what is allowed, once', () => {
    assert.deepEqual(failures('aws', { cloud: 5 }), { cloud: 'cloud must be a string, one of: aws, alicloud, huaweicloud, pingan; got number 5' });
    assert.match(failures('aws', { cloud: 'AWS' }).cloud, /^cloud "AWS" is not supported; one of: aws, alicloud, huaweicloud, pingan$/);
    assert.match(failures('aws', { cloud: undefined }).cloud, /^cloud is required; one of: aws, alicloud, huaweicloud, pingan$/);
    assert.equal(failures('aws', { onDelete: 1 }).onDelete, 'onDelete must be a string: one of: scheduleKeyDeletion, deleteMaterial, retain; got number 1');
    assert.equal(failures('aws', { wrappingKeySpec: 2048 }).wrappingKeySpec, 'wrappingKeySpec must be a string: a wrapping key spec such as RSA_2048; got number 2048');
    assert.match(failures('aws', { keySpec: true }).keySpec, /^keySpec must be a string: one of: SYMMETRIC_DEFAULT, .*; got boolean true$/);
    assert.match(failures('aws', { region: 5 }).region, /^region must be a string: an aws region name such as us-east-1; got number 5$/);
    assert.match(failures('aws', { keyMaterial: 5 }).keyMaterial, /^keyMaterial must be the key material as a base64 string; got number$/);
    assert.match(failures('aws', { onDelete: 'burn' }).onDelete, /^onDelete "burn" is not allowed; one of: scheduleKeyDeletion, deleteMaterial, retain$/);
    assert.match(failures('aws', { deletionWindowInDays: '10' }).deletionWindowInDays, /^deletionWindowInDays: aws accepts a whole number of days from 7 to 30; got the string "10"$/);
    assert.match(failures('aws', { wrappingAlgorithm: 'ROT13' }).wrappingAlgorithm, /^wrappingAlgorithm: algorithm "ROT13" is not supported; supported wrapping algorithms: RSAES_OAEP_SHA_256/);
    assert.equal(failures('aws', { enabled: 'false' }).enabled, 'enabled must be true or false (default true); got the string "false"');
    assert.deepEqual(failures('aws', { enabled: false }), {});
  });

  it('an unknown argument is reported without its property, so the engine never prints its value (a misspelt keyMaterial)', () => {
    const material = randomBytes(32).toString('base64');
    const result = checkInputs({ ...base.aws, keyMaterail: material }, new Date(), BARE_ENV);
    assert.deepEqual(result.failures.map((f) => f.property), ['']);
    assert.match(result.failures[0].reason, /^keyMaterail is not an argument of ImportedKey \(its value is not shown\); the arguments are cloud, region/);
    assert.ok(!JSON.stringify(result.failures).includes(material));
  });
});

describe('check: the arguments as KeyInputs', () => {
  it('typed when every argument is of its type (an unknown value stands for any), with the defaults filled in', () => {
    const result = checkInputs({ cloud: 'aws', keyMaterial: MATERIAL_B64, deletionWindowInDays: UNKNOWN, enabled: false, tags: { team: 'x' }, resourceName: 'r' });
    assert.equal(result.typed, true);
    if (result.typed) assert.equal(result.inputs.wrappingAlgorithm, 'RSAES_OAEP_SHA_256');
  });

  it('not typed when an argument is of the wrong type or not an argument; the failures say so', () => {
    for (const wrong of [{ enabled: 'false' }, { region: 7 }, { tags: ['a'] }, { keyMaterail: MATERIAL_B64 }, { onDelete: 'later' }]) {
      const result = checkInputs({ cloud: 'aws', region: 'us-east-1', keyMaterial: MATERIAL_B64, ...wrong });
      assert.equal(result.typed, false, JSON.stringify(Object.keys(wrong)));
      assert.equal(result.failures.length, 1, JSON.stringify(Object.keys(wrong)));
    }
    assert.equal(checkInputs({ keyMaterial: MATERIAL_B64 }).typed, false, 'no cloud');
  });
});
