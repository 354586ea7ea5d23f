// Alibaba Cloud KMS: create an EXTERNAL Aliyun_AES_256 key and import your own material into it.
//
//   export ALIBABA_CLOUD_ACCESS_KEY_ID=... ALIBABA_CLOUD_ACCESS_KEY_SECRET=...   (or ALICLOUD_ACCESS_KEY / ALICLOUD_SECRET_KEY)
//   pulumi config set alicloud:region cn-hangzhou
//   openssl rand -base64 32 | pulumi config set --secret keyMaterial      # keep a copy: only this material can ever be reimported
//   pulumi config set expiresAt 2027-06-30T00:00:00Z                      # optional: leave out for material that never expires
//   pulumi up
//
// Against the local emulator instead: `pulumi config set endpoint http://127.0.0.1:PORT` (credentials: the emulator's).
import * as pulumi from '@pulumi/pulumi';
// In your own project: import { ImportedKey } from 'pulumi-imported-key';
import { ImportedKey } from '../../sdk';

const config = new pulumi.Config();

const key = new ImportedKey('payments-key', {
  cloud: 'alicloud',
  keySpec: config.get('keySpec') ?? 'Aliyun_AES_256', // or Aliyun_SM4 (16-byte material; managed HSM, mainland China)
  alias: config.get('alias') ?? 'alias/payments-key',
  description: 'AES-256 key with customer-supplied material',
  keyMaterial: config.requireSecret('keyMaterial'),
  expiresAt: config.get('expiresAt'),
  wrappingAlgorithm: config.get('wrappingAlgorithm'), // default RSAES_OAEP_SHA_256; SM2PKE for Aliyun_SM4 keys
  endpoint: config.get('endpoint'), // else https://kms.<region>.aliyuncs.com
  deletionWindowInDays: config.getNumber('deletionWindowInDays'), // 7-366, default 30
});

export const keyId = key.keyId;
export const arn = key.arn;
export const keyState = key.keyState;
export const validTo = key.validTo;
