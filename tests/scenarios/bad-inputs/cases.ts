// TEST ONLY: the bad inputs of tests/scenarios/bad-inputs.test.ts, exported so that other suites can count them.
//
// Each group is ONE ImportedKey carrying several bad arguments that `check` judges independently of each other: a
// failing Check stops the whole deployment at that resource, on the real CLI (pkg/resource/deploy/step_generator.go:
// "If the resource isn't valid, don't proceed any further" → BailErrorf; the deployment executor then cancels) and on
// the harness alike, so a preview reports one resource's failures — all of them — and no other resource's.
//
// `expect` lists each bad input: the argument it must be refused under, and a fragment of what is allowed that the
// message must carry for that argument. Values are JSON (the program reads them from stack config): a number where a
// string belongs, unknown arguments, and so on. '$EMULATOR' stands for the emulator's URL.
import { randomBytes } from 'node:crypto';

export interface BadInput {
  /** The argument the failure must name. */
  arg: string;
  /** A fragment of what is allowed, which the same message line must carry after the argument's name. */
  allowed: string;
  /** What is wrong, for the test's name. */
  what: string;
}

export interface BadInputGroup {
  /** The resource's name (none is a part of another). */
  name: string;
  /** The ImportedKey's arguments but keyMaterial. */
  args: Record<string, unknown>;
  /** Its keyMaterial (any JSON value; undefined = left out). */
  material: unknown;
  /** Environment for the provider host beyond the common one (which supplies no region, project or instance metadata). */
  env?: Record<string, string>;
  expect: BadInput[];
}

export const PROJECT = '0a1b2c3d4e5f60718293a4b5c6d7e8f9';
const KEY_ID = '11111111-2222-3333-4444-555555555555';
const b64 = (bytes: number) => randomBytes(bytes).toString('base64');
const manyTags = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`team${i}`, 'payments']));
const daysFromNow = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z');

/** A value under a misspelt argument name: must never be printed (the engine prints a failing property's value). */
export const MISSPELT_MATERIAL = randomBytes(32);

export const BAD_INPUT_GROUPS: BadInputGroup[] = [
  {
    name: 'aws-creation-args',
    args: {
      cloud: 'aws', region: 'us-east-1', endpoint: '$EMULATOR',
      description: 'd'.repeat(8193), alias: 'payments', tags: { 'aws:owner': 'me' }, keyUsage: 'SIGN_VERIFY', onDelete: 'burn',
      deletionWindowInDays: 31, expiresAt: '2020-01-01T00:00:00Z', projectId: PROJECT, protectionLevel: 'HSM', enabled: 'false',
      keyMaterail: MISSPELT_MATERIAL.toString('base64'),
    },
    material: b64(32),
    expect: [
      { arg: 'description', allowed: 'takes at most 8192', what: 'AWS description of 8193 characters' },
      { arg: 'alias', allowed: 'it must match ^alias', what: 'AWS alias without alias/' },
      { arg: 'tags', allowed: 'tag keys must not start with aws:', what: 'AWS tag key under aws:' },
      { arg: 'keyUsage', allowed: 'SYMMETRIC_DEFAULT keys take keyUsage ENCRYPT_DECRYPT', what: 'SIGN_VERIFY for a symmetric key' },
      { arg: 'onDelete', allowed: 'one of: scheduleKeyDeletion, deleteMaterial, retain', what: 'onDelete burn' },
      { arg: 'deletionWindowInDays', allowed: 'whole number of days from 7 to 30', what: 'AWS deletion window of 31 days' },
      { arg: 'expiresAt', allowed: 'must be in the future', what: 'expiresAt in the past' },
      { arg: 'projectId', allowed: 'only applies to cloud huaweicloud', what: 'projectId on AWS' },
      { arg: 'protectionLevel', allowed: 'only applies to cloud alicloud', what: 'protectionLevel on AWS' },
      { arg: 'enabled', allowed: 'must be true or false', what: 'enabled as the string "false"' },
      { arg: 'keyMaterail', allowed: 'the arguments are cloud, region, endpoint', what: 'a misspelt keyMaterial (unknown argument)' },
    ],
  },
  {
    name: 'aws-region-upper-case',
    args: {
      cloud: 'aws', region: 'US-EAST-1', keySpec: 'AES_256', endpoint: 'http://exa mple.com', expiresAt: '2027-02-30T00:00:00Z',
      alias: 'alias/aws/reserved', tags: { ['k'.repeat(129)]: 'v' }, deletionWindowInDays: 3.5,
    },
    material: 'not base64!!',
    expect: [
      { arg: 'region', allowed: 'aws region name such as us-east-1', what: 'AWS region in upper case' },
      { arg: 'keySpec', allowed: 'one of: SYMMETRIC_DEFAULT', what: 'AES_256 on AWS' },
      { arg: 'endpoint', allowed: 'an http:// or https:// URL', what: 'an endpoint with a space' },
      { arg: 'expiresAt', allowed: 'real ISO 8601 date and time with a zone', what: 'expiresAt 2027-02-30' },
      { arg: 'alias', allowed: 'it must match ^alias', what: 'an alias under alias/aws/' },
      { arg: 'tags', allowed: 'tag keys of 1–128 characters', what: 'an AWS tag key of 129 characters' },
      { arg: 'deletionWindowInDays', allowed: 'whole number of days from 7 to 30', what: 'deletion window 3.5' },
      { arg: 'keyMaterial', allowed: 'must be base64', what: 'material that is not base64' },
    ],
  },
  {
    name: 'aws-rsa-spaced-region',
    args: {
      cloud: 'aws', region: 'us east 1', endpoint: '$EMULATOR', keySpec: 'RSA_2048', wrappingAlgorithm: 'RSAES_OAEP_SHA_256', wrappingKeySpec: 'RSA_1024',
      keyUsage: 'GENERATE_VERIFY_MAC', expiresAt: daysFromNow(400), tags: { team: 'v'.repeat(257) }, onDelete: 'Retain',
    },
    material: b64(32),
    expect: [
      { arg: 'region', allowed: '(lower case, no spaces)', what: 'AWS region with spaces' },
      { arg: 'keyMaterial', allowed: 'RSA private key with a 2048-bit modulus', what: '32 random bytes for an RSA_2048 key' },
      { arg: 'wrappingAlgorithm', allowed: 'one of: RSA_AES_KEY_WRAP_SHA_256', what: 'RSA-OAEP for an RSA private key' },
      { arg: 'wrappingKeySpec', allowed: 'wrapping key spec RSA_2048, RSA_3072, RSA_4096', what: 'wrapping key spec RSA_1024' },
      { arg: 'keyUsage', allowed: 'RSA_2048 keys take keyUsage ENCRYPT_DECRYPT or SIGN_VERIFY', what: 'an HMAC usage for an RSA key' },
      { arg: 'expiresAt', allowed: 'at most 365 days ahead', what: 'expiresAt 400 days ahead on AWS' },
      { arg: 'tags', allowed: 'tag values of 0–256 characters', what: 'an AWS tag value of 257 characters' },
      { arg: 'onDelete', allowed: 'one of: scheduleKeyDeletion', what: 'onDelete Retain (case)' },
    ],
  },
  {
    name: 'aws-adopt-no-region',
    args: {
      cloud: 'aws', endpoint: '$EMULATOR', keyId: 'alias/payments', description: 'adopted', alias: 'alias/adopted', tags: { team: 'payments' },
      keyUsage: 'ENCRYPT_DECRYPT', expiresIn: 'P1Y',
    },
    material: b64(32),
    expect: [
      { arg: 'keyId', allowed: 'is not an aws key id; it must match', what: 'an alias as the key to adopt' },
      { arg: 'description', allowed: 'only applies to a key the resource creates', what: 'description with keyId' },
      { arg: 'alias', allowed: 'only applies to a key the resource creates', what: 'alias with keyId' },
      { arg: 'tags', allowed: 'only applies to a key the resource creates', what: 'tags with keyId' },
      { arg: 'keyUsage', allowed: 'only applies to a key the resource creates', what: 'keyUsage with keyId' },
      { arg: 'region', allowed: 'set the region argument, the stack config aws:region, or AWS_REGION', what: 'no AWS region anywhere (an endpoint does not replace it)' },
      { arg: 'expiresIn', allowed: 'use weeks, days or hours', what: 'expiresIn of a year' },
    ],
  },
  {
    name: 'aws-ecc-outside-china',
    args: {
      cloud: 'aws', region: 'eu-west-1', endpoint: 'kms.eu-west-1.amazonaws.com', keySpec: 'ECC_NIST_P256', wrappingAlgorithm: 'SM2PKE',
      expiresIn: 'PT30M', renewBefore: 'P2D', deletionWindowInDays: '10', description: 5,
    },
    material: b64(32),
    expect: [
      { arg: 'keyMaterial', allowed: 'EC private key', what: '32 random bytes for an ECC_NIST_P256 key' },
      { arg: 'wrappingAlgorithm', allowed: 'only in the AWS China Regions', what: 'SM2PKE outside China' },
      { arg: 'expiresIn', allowed: 'at least 1 hour', what: 'expiresIn of 30 minutes' },
      { arg: 'renewBefore', allowed: 'must be shorter than expiresIn', what: 'renewBefore longer than expiresIn' },
      { arg: 'deletionWindowInDays', allowed: 'whole number of days from 7 to 30', what: 'deletion window as a string' },
      { arg: 'description', allowed: 'must be a string: text of at most 8192 characters', what: 'a number as description' },
      { arg: 'endpoint', allowed: 'an http:// or https:// URL', what: 'a bare host on AWS' },
    ],
  },
  {
    name: 'aws-hmac-short',
    args: {
      cloud: 'aws', region: 'us-west-2', endpoint: 'http://127.0.0.1:4566?debug=1', keySpec: 'HMAC_256', wrappingAlgorithm: 'RSAES_PKCS1_V1_5',
      expiresIn: 'P400D', renewBefore: 'P0D', tags: manyTags(51), onDelete: 5,
    },
    material: b64(16),
    expect: [
      { arg: 'keyMaterial', allowed: '32 to 64 bytes', what: '16 bytes for HMAC_256' },
      { arg: 'wrappingAlgorithm', allowed: 'one of: RSAES_OAEP_SHA_256', what: 'PKCS#1 v1.5 on AWS' },
      { arg: 'expiresIn', allowed: 'at most 365 days ahead (P365D)', what: 'expiresIn 400 days on AWS' },
      { arg: 'renewBefore', allowed: 'must be longer than zero', what: 'renewBefore of zero' },
      { arg: 'tags', allowed: 'takes at most 50 tags per key', what: '51 AWS tags' },
      { arg: 'endpoint', allowed: 'must not have a query', what: 'an endpoint with a query' },
      { arg: 'onDelete', allowed: 'must be a string: one of: scheduleKeyDeletion', what: 'a number as onDelete' },
    ],
  },
  {
    name: 'aws-sm2-not-china',
    args: {
      cloud: 'aws', region: 'us-east-1', endpoint: '$EMULATOR', keySpec: 'SM2', expiresAt: 'tomorrow', renewBefore: 'P1D', alias: '',
      wrappingKeySpec: 'RSA_8192', expiry: 'P90D',
    },
    material: b64(32),
    expect: [
      { arg: 'keySpec', allowed: 'only in the AWS China Regions', what: 'an SM2 key outside China' },
      { arg: 'keyMaterial', allowed: 'SM2 private key as unencrypted PKCS#8 DER', what: '32 random bytes for an SM2 key' },
      { arg: 'expiresAt', allowed: 'e.g. 2027-01-31T00:00:00Z', what: 'expiresAt "tomorrow"' },
      { arg: 'renewBefore', allowed: 'only applies with expiresIn', what: 'renewBefore without expiresIn' },
      { arg: 'alias', allowed: 'it must match ^alias', what: 'an empty alias' },
      { arg: 'wrappingKeySpec', allowed: 'RSA_2048, RSA_3072, RSA_4096', what: 'wrapping key spec RSA_8192' },
      { arg: 'expiry', allowed: 'the arguments are cloud, region', what: 'an unknown argument' },
    ],
  },
  {
    name: 'alicloud-no-region',
    args: {
      cloud: 'alicloud', keySpec: 'Aliyun_AES_128', description: 'd'.repeat(8193), alias: 'payments', tags: { 'acs:owner': 'me' },
      deletionWindowInDays: 367, projectId: PROJECT,
      onMaterialChange: 'rotate',
    },
    material: b64(32),
    expect: [
      { arg: 'region', allowed: 'ALIBABA_CLOUD_REGION_ID / ALICLOUD_REGION', what: 'no Alibaba region and no endpoint' },
      { arg: 'keySpec', allowed: 'one of: Aliyun_AES_256, Aliyun_SM4', what: 'Aliyun_AES_128' },
      { arg: 'description', allowed: 'alicloud takes at most 8192', what: 'Alibaba description of 8193 characters' },
      { arg: 'alias', allowed: 'it must match ^alias', what: 'Alibaba alias without alias/' },
      { arg: 'tags', allowed: 'must not start with aliyun or acs:', what: 'Alibaba tag key under acs:' },
      { arg: 'deletionWindowInDays', allowed: 'whole number of days from 7 to 366', what: 'Alibaba deletion window of 367 days' },
      { arg: 'projectId', allowed: 'only applies to cloud huaweicloud', what: 'projectId on Alibaba' },
      { arg: 'onMaterialChange', allowed: 'use onMaterialChange replace (the default), which creates a new key', what: 'rotate on Alibaba (one material per key)' },
    ],
  },
  {
    name: 'alicloud-endpoint-path',
    args: {
      cloud: 'alicloud', region: 'cn_hangzhou', endpoint: 'https://kms.example.com/kms', protectionLevel: 'DEDICATED', tags: manyTags(11), onDelete: 'delete',
      expiresAt: '2027-01-01T24:00:00Z',
    },
    material: b64(16),
    expect: [
      { arg: 'region', allowed: 'alicloud region name such as cn-hangzhou', what: 'an Alibaba region with an underscore' },
      { arg: 'endpoint', allowed: 'https://host, http://host:port or a bare host', what: 'an Alibaba endpoint with a path' },
      { arg: 'protectionLevel', allowed: 'take SOFTWARE or HSM', what: 'protection level DEDICATED' },
      { arg: 'tags', allowed: 'takes at most 10 tags per key', what: '11 Alibaba tags' },
      { arg: 'keyMaterial', allowed: 'exactly 32 bytes', what: '16 bytes for Aliyun_AES_256' },
      { arg: 'onDelete', allowed: 'one of: scheduleKeyDeletion, deleteMaterial, retain', what: 'onDelete delete' },
      { arg: 'expiresAt', allowed: 'real ISO 8601 date and time', what: 'expiresAt at hour 24' },
    ],
  },
  {
    name: 'alicloud-sm4-software',
    args: {
      cloud: 'alicloud', region: 'cn-hangzhou', endpoint: 'https://kms.example.com?x=1', keySpec: 'Aliyun_SM4', protectionLevel: 'SOFTWARE',
      tags: { team: 'v'.repeat(129) }, expiresIn: 'P3M', keyUsage: 'ENCRYPT_DECRYPT',
    },
    material: b64(32),
    expect: [
      { arg: 'protectionLevel', allowed: 'Aliyun_SM4 keys take HSM', what: 'SOFTWARE for an SM4 key' },
      { arg: 'keyMaterial', allowed: 'exactly 16 bytes', what: '32 bytes for Aliyun_SM4' },
      { arg: 'endpoint', allowed: 'must not have a query', what: 'an Alibaba endpoint with a query' },
      { arg: 'tags', allowed: 'tag values of 0–128 characters', what: 'an Alibaba tag value of 129 characters' },
      { arg: 'expiresIn', allowed: 'use weeks, days or hours', what: 'expiresIn of three months' },
      { arg: 'keyUsage', allowed: 'take keyUsage ENCRYPT/DECRYPT', what: 'AWS spelling of the Alibaba key usage' },
    ],
  },
  {
    name: 'alicloud-software-sm2',
    args: {
      cloud: 'alicloud', region: 'cn-shanghai', endpoint: '$EMULATOR', wrappingAlgorithm: 'SM2PKE', wrappingKeySpec: 'RSA_2048',
      tags: { 'aliyun-team': 'x' }, alias: 'alias/has space', expiresAt: '2021-06-30T00:00:00Z', deletionWindowInDays: 0,
    },
    material: b64(32),
    expect: [
      { arg: 'wrappingAlgorithm', allowed: 'one of: RSAES_OAEP_SHA_256, RSAES_OAEP_SHA_1, RSAES_PKCS1_V1_5', what: 'SM2PKE for a SOFTWARE key' },
      { arg: 'wrappingKeySpec', allowed: 'wrapping key spec EC_SM2', what: 'RSA_2048 with SM2PKE' },
      { arg: 'tags', allowed: 'must not start with aliyun or acs:', what: 'an Alibaba tag key starting with aliyun' },
      { arg: 'alias', allowed: 'it must match ^alias', what: 'an Alibaba alias with a space' },
      { arg: 'expiresAt', allowed: 'must be in the future', what: 'an Alibaba expiry in the past' },
      { arg: 'deletionWindowInDays', allowed: 'from 7 to 366', what: 'an Alibaba deletion window of 0' },
    ],
  },
  {
    name: 'alicloud-adopt',
    args: {
      cloud: 'alicloud', region: 'cn-hangzhou', endpoint: '$EMULATOR', keyId: 'not a key id!', protectionLevel: 'HSM', description: 'adopted',
      keySpec: 'Aliyun_AES_256', wrappingAlgorithm: 'RSA_AES_KEY_WRAP_SHA_1', expiresIn: 'P30D', renewBefore: 'P100D',
    },
    material: b64(32),
    expect: [
      { arg: 'keyId', allowed: 'is not an alicloud key id; it must match', what: 'a malformed Alibaba key id' },
      { arg: 'protectionLevel', allowed: 'only applies to a key the resource creates', what: 'protectionLevel with keyId' },
      { arg: 'description', allowed: 'only applies to a key the resource creates', what: 'description with keyId on Alibaba' },
      { arg: 'wrappingAlgorithm', allowed: 'one of: RSAES_OAEP_SHA_256', what: 'an AWS key-wrap algorithm on Alibaba' },
      { arg: 'renewBefore', allowed: 'must be shorter than expiresIn', what: 'renewBefore longer than expiresIn on Alibaba' },
    ],
  },
  {
    name: 'huawei-nothing-set',
    args: {
      cloud: 'huaweicloud', tags: { team: 'payments' }, description: 'd'.repeat(256), alias: 'bad alias!', keySpec: 'AES_128', deletionWindowInDays: 1097,
      onMaterialChange: 'rotate',
    },
    material: b64(32),
    expect: [
      { arg: 'region', allowed: 'HW_REGION_NAME / HUAWEICLOUD_REGION / HUAWEICLOUD_SDK_REGION', what: 'no Huawei region and no endpoint' },
      { arg: 'projectId', allowed: 'pass the projectId argument or set HUAWEICLOUD_SDK_PROJECT_ID', what: 'no Huawei project anywhere' },
      { arg: 'tags', allowed: 'tags work on aws, alicloud', what: 'tags on Huawei' },
      { arg: 'description', allowed: 'huaweicloud takes at most 255', what: 'Huawei description of 256 characters' },
      { arg: 'alias', allowed: 'it must match ^[a-zA-Z0-9:/_-]{1,255}$', what: 'a Huawei alias with a space and !' },
      { arg: 'keySpec', allowed: 'one of: AES_256, SM4', what: 'AES_128 on Huawei' },
      { arg: 'deletionWindowInDays', allowed: 'from 7 to 1096', what: 'a Huawei deletion window of 1097 days' },
      { arg: 'onMaterialChange', allowed: 'use onMaterialChange replace (the default), which creates a new key', what: 'rotate on Huawei (one material per key)' },
    ],
  },
  {
    name: 'huawei-malformed-place',
    args: {
      cloud: 'huaweicloud', region: 'cn north 4', projectId: 'my-project', endpoint: 'kms.cn-north-4.myhuaweicloud.com', keySpec: 'SM4',
      wrappingAlgorithm: 'RSA_AES_KEY_WRAP_SHA_256', expiresAt: '2027-01-01T00:00:00', onDelete: 'never',
    },
    material: b64(32),
    expect: [
      { arg: 'region', allowed: 'huaweicloud region name such as cn-north-4', what: 'a Huawei region with spaces' },
      { arg: 'projectId', allowed: '32 lowercase hexadecimal characters', what: 'a Huawei project id that is not 32 hex characters' },
      { arg: 'keyMaterial', allowed: 'exactly 16 bytes', what: '32 bytes for SM4' },
      { arg: 'wrappingAlgorithm', allowed: 'one of: RSAES_OAEP_SHA_256, SM2PKE', what: 'an AWS key-wrap algorithm on Huawei' },
      { arg: 'expiresAt', allowed: 'with a zone', what: 'expiresAt without a zone' },
      { arg: 'onDelete', allowed: 'one of: scheduleKeyDeletion', what: 'onDelete never' },
    ],
  },
  {
    name: 'huawei-query-endpoint',
    args: {
      cloud: 'huaweicloud', region: 'cn-north-4', projectId: PROJECT, endpoint: 'http://127.0.0.1:4566?q=1', protectionLevel: 'HSM', keyUsage: 'SIGN_VERIFY',
      expiresIn: 'soon', projectID: PROJECT,
    },
    material: 'not base64 at all',
    expect: [
      { arg: 'endpoint', allowed: 'must not have a query', what: 'a Huawei endpoint with a query' },
      { arg: 'protectionLevel', allowed: 'only applies to cloud alicloud', what: 'protectionLevel on Huawei' },
      { arg: 'keyUsage', allowed: 'AES_256 keys take keyUsage ENCRYPT_DECRYPT', what: 'SIGN_VERIFY on a Huawei AES key' },
      { arg: 'keyMaterial', allowed: 'must be base64', what: 'Huawei material that is not base64' },
      { arg: 'expiresIn', allowed: 'ISO 8601 duration', what: 'expiresIn "soon"' },
      { arg: 'projectID', allowed: 'the arguments are cloud, region, endpoint, projectId', what: 'projectId misspelt' },
    ],
  },
  {
    name: 'huawei-adopt-env',
    args: { cloud: 'huaweicloud', keyId: 'ABCDEF', alias: 'payments', tags: { a: 'b' }, keyUsage: 'ENCRYPT_DECRYPT', endpoint: '$EMULATOR' },
    material: b64(32),
    env: { HUAWEICLOUD_SDK_PROJECT_ID: 'not-a-project', HW_REGION_NAME: 'CN-NORTH-4' },
    expect: [
      { arg: 'keyId', allowed: 'is not a huaweicloud key id; it must match', what: 'a malformed Huawei key id' },
      { arg: 'alias', allowed: 'only applies to a key the resource creates', what: 'alias with keyId on Huawei' },
      { arg: 'tags', allowed: 'only applies to a key the resource creates', what: 'tags with keyId on Huawei' },
      { arg: 'keyUsage', allowed: 'only applies to a key the resource creates', what: 'keyUsage with keyId on Huawei' },
      { arg: 'projectId', allowed: 'HUAWEICLOUD_SDK_PROJECT_ID is "not-a-project", which is not a huaweicloud project id: 32 lowercase', what: 'a malformed project id in the environment' },
      { arg: 'region', allowed: 'HW_REGION_NAME is "CN-NORTH-4", which is not a huaweicloud region name', what: 'a malformed region in the environment' },
    ],
  },
  {
    name: 'pingan-sm4-beijing',
    args: {
      cloud: 'pingan', region: 'cn-beijing', keySpec: 'SM4', deletionWindowInDays: 31, tags: { team: 'payments' }, projectId: PROJECT,
      protectionLevel: 'HSM', previousKeyMaterials: [b64(32)],
    },
    material: b64(32),
    expect: [
      // The documented regions are cn-shanghai and cn-hongkong only.
      { arg: 'region', allowed: 'is not one of pingan\'s regions (cn-shanghai, cn-hongkong)', what: 'a region Ping An does not have (cn-beijing)' },
      { arg: 'keySpec', allowed: 'is not a pingan key spec; one of: AES_256', what: 'SM4 on Ping An' },
      { arg: 'deletionWindowInDays', allowed: 'pingan accepts a whole number of days from 7 to 30', what: 'a Ping An deletion window of 31 days' },
      { arg: 'tags', allowed: 'not supported for pingan keys yet; remove them (tags work on aws, alicloud)', what: 'tags on Ping An (CreateCmk takes none)' },
      { arg: 'projectId', allowed: 'only applies to cloud huaweicloud; pingan keys have no project', what: 'projectId on Ping An' },
      { arg: 'protectionLevel', allowed: 'only applies to cloud alicloud', what: 'protectionLevel on Ping An' },
      { arg: 'previousKeyMaterials', allowed: 'hold one material for good, so there are no earlier materials to keep', what: 'previousKeyMaterials on Ping An' },
    ],
  },
  {
    name: 'pingan-wrap-short',
    args: { cloud: 'pingan', endpoint: '$EMULATOR', wrappingAlgorithm: 'SM2PKE', keyUsage: 'SIGN_VERIFY', deletionWindowInDays: 6 },
    material: b64(16),
    env: { PINGAN_REGION: 'CN-SHANGHAI' },
    expect: [
      { arg: 'wrappingAlgorithm', allowed: 'pingan does not accept SM2PKE for AES_256 keys; one of: RSAES_OAEP_SHA_256, RSAES_OAEP_SHA_1, RSAES_PKCS1_V1_5', what: 'SM2PKE on Ping An' },
      { arg: 'keyUsage', allowed: 'AES_256 keys take keyUsage ENCRYPT_DECRYPT', what: 'SIGN_VERIFY on a Ping An key' },
      { arg: 'keyMaterial', allowed: 'AES_256 takes exactly 32 bytes', what: '16 bytes for a Ping An AES_256 key' },
      { arg: 'deletionWindowInDays', allowed: 'from 7 to 30', what: 'a Ping An deletion window of 6 days' },
      // Judged even with an endpoint: a malformed variable is a mistake to show, not to ignore.
      { arg: 'region', allowed: 'PINGAN_REGION is "CN-SHANGHAI", which is not one of pingan\'s regions (cn-shanghai, cn-hongkong)', what: 'a malformed PINGAN_REGION in the environment' },
    ],
  },
  {
    name: 'pingan-adopt-nowhere',
    args: { cloud: 'pingan', keyId: 'not a key id!', alias: 'payments', description: 'adopted' },
    material: b64(32),
    expect: [
      { arg: 'keyId', allowed: 'is not a pingan key id; it must match', what: 'a malformed Ping An key id' },
      { arg: 'alias', allowed: 'only applies to a key the resource creates', what: 'alias with keyId on Ping An' },
      { arg: 'description', allowed: 'only applies to a key the resource creates', what: 'description with keyId on Ping An' },
      { arg: 'region', allowed: 'is required for pingan (or an endpoint): set the region argument, the stack config pingan:region, or PINGAN_REGION', what: 'no Ping An region and no endpoint' },
    ],
  },
  {
    name: 'cloud-a-number',
    args: { cloud: 5, region: 5, expiresAt: daysFromNow(30), expiresIn: 'P90D', onDelete: 'destroy', Region: 'us-east-1' },
    material: undefined,
    expect: [
      { arg: 'cloud', allowed: 'one of: aws, alicloud, huaweicloud, pingan', what: 'cloud given as a number' },
      { arg: 'region', allowed: 'must be a string: a region name', what: 'region given as a number' },
      { arg: 'keyMaterial', allowed: 'the key material as a base64 string', what: 'no keyMaterial' },
      { arg: 'expiresIn', allowed: 'choose a fixed date (expiresAt) or a rolling period (expiresIn)', what: 'expiresIn together with expiresAt' },
      { arg: 'onDelete', allowed: 'one of: scheduleKeyDeletion', what: 'onDelete destroy' },
      { arg: 'Region', allowed: 'the arguments are cloud, region', what: 'Region in the wrong case' },
    ],
  },
  {
    name: 'cloud-upper-case',
    args: { cloud: 'AWS', renewBefore: 'P1D', expiresAt: '2027-01-01T00:00:00+24:00', keyId: KEY_ID, description: 'x' },
    material: '@@@@',
    expect: [
      { arg: 'cloud', allowed: 'one of: aws, alicloud, huaweicloud, pingan', what: 'cloud AWS in upper case' },
      { arg: 'keyMaterial', allowed: 'must be base64', what: 'material @@@@' },
      { arg: 'renewBefore', allowed: 'only applies with expiresIn', what: 'renewBefore alone' },
      { arg: 'expiresAt', allowed: 'real ISO 8601 date and time with a zone', what: 'an expiry at offset +24:00' },
      { arg: 'description', allowed: 'only applies to a key the resource creates', what: 'description with keyId on an unknown cloud' },
    ],
  },
];

/** How many distinct bad inputs the groups hold. */
export const BAD_INPUT_COUNT = BAD_INPUT_GROUPS.reduce((n, group) => n + group.expect.length, 0);
