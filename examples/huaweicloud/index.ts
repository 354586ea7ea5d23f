// Huawei Cloud KMS: create an external AES_256 key and import your own material into it.
//
//   export HUAWEICLOUD_SDK_AK=... HUAWEICLOUD_SDK_SK=... HUAWEICLOUD_SDK_PROJECT_ID=...   (or HW_ACCESS_KEY / HW_SECRET_KEY / HW_PROJECT_ID)
//   pulumi config set huaweicloud:region cn-north-4
//   openssl rand -base64 32 | pulumi config set --secret keyMaterial      # keep a copy: only this material can ever be reimported
//   pulumi config set expiresAt 2027-06-30T00:00:00Z                      # optional: leave out for material that never expires
//   pulumi up
//
// Against the local emulator instead: `pulumi config set endpoint http://127.0.0.1:PORT` and `pulumi config set projectId 0a1b2c3d4e5f60718293a4b5c6d7e8f9` (any 32 lowercase hex characters: the emulator keeps keys per project).
import * as pulumi from '@pulumi/pulumi';
// In your own project: import { ImportedKey } from 'pulumi-imported-key';
import { ImportedKey } from '../../sdk';

const config = new pulumi.Config();

const key = new ImportedKey('payments-key', {
  cloud: 'huaweicloud',
  keySpec: config.get('keySpec') ?? 'AES_256', // or SM4 (16-byte material)
  alias: config.get('alias') ?? 'payments-key',
  description: 'AES-256 key with customer-supplied material',
  keyMaterial: config.requireSecret('keyMaterial'),
  expiresAt: config.get('expiresAt'),
  projectId: config.get('projectId'), // else HUAWEICLOUD_SDK_PROJECT_ID / HW_PROJECT_ID
  endpoint: config.get('endpoint'), // else https://kms.<region>.myhuaweicloud.com
  deletionWindowInDays: config.getNumber('deletionWindowInDays'), // 7-1096, default 7
});

export const keyId = key.keyId;
export const keyState = key.keyState;
export const validTo = key.validTo;
