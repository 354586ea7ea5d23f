// Ping An Cloud KMS: create an external key and import your own 256-bit material into it.
//
//   export PINGAN_ACCESS_KEY_ID=... PINGAN_ACCESS_KEY_SECRET=...
//   pulumi config set region cn-shanghai                              # or cn-hongkong
//   openssl rand -base64 32 | pulumi config set --secret keyMaterial  # keep a copy: only this material can ever be reimported
//   pulumi config set expiresAt 2027-06-30T00:00:00Z                  # optional: leave out for material that never expires
//   pulumi up
//
// Before trusting the resource with a real account, check what it assumes about Ping An's API (read-only):
//   npx imported-key probe --cloud pingan --region cn-shanghai --key-id <an EXTERNAL key>
//
// Against the local emulator instead: `pulumi config set endpoint http://127.0.0.1:PORT`.
import * as pulumi from '@pulumi/pulumi';
// In your own project: import { ImportedKey } from 'pulumi-imported-key';
import { ImportedKey } from '../../sdk';

const config = new pulumi.Config();

const key = new ImportedKey('payments-key', {
  cloud: 'pingan',
  region: config.get('region') ?? 'cn-shanghai', // else PINGAN_REGION
  alias: config.get('alias') ?? 'payments-key',
  description: 'AES-256 key with customer-supplied material',
  keyMaterial: config.requireSecret('keyMaterial'), // 32 bytes, base64 (Ping An takes 256-bit material only)
  expiresAt: config.get('expiresAt'),
  endpoint: config.get('endpoint'), // else https://kms-<region>.yun.pingan.com
  deletionWindowInDays: config.getNumber('deletionWindowInDays'), // 7-30
});

export const keyId = key.keyId;
export const keyState = key.keyState;
export const validTo = key.validTo;
