// ImportedKey against the local KMS emulator: no cloud account needed. `npm run demo` drives it;
// by hand (from the repository root, whose Pulumi.yaml points here):
//
//   npx ts-node bin/kms-emulator.ts --port 4566 --state /tmp/kms.json &   # prints: kms-emulator listening on http://127.0.0.1:4566
//   export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test    # the emulator's credentials
//   export NODE_OPTIONS=--conditions=pulumi-imported-key-ts     # in this repo: load the package from its sources
//   pulumi stack init dev
//   pulumi config set aws:region us-east-1
//   pulumi config set endpoint http://127.0.0.1:4566
//   openssl rand -base64 32 | pulumi config set --secret keyMaterial
//   pulumi config set expiresAt 2027-06-30T00:00:00Z           # optional: without it the material never expires
//   pulumi up
import * as pulumi from '@pulumi/pulumi';
import { ImportedKey } from 'pulumi-imported-key';

const config = new pulumi.Config();

const key = new ImportedKey('demo-key', {
  cloud: 'aws',
  endpoint: config.require('endpoint'),
  keyMaterial: config.requireSecret('keyMaterial'),
  expiresAt: config.get('expiresAt'),
  // Adopt an existing EXTERNAL key instead of creating one.
  keyId: config.get('keyId'),
  description: 'BYOK demo key (local emulator)',
  alias: config.get('alias'),
  tags: { purpose: 'demo' },
});

export const keyId = key.keyId;
export const arn = key.arn;
export const keyState = key.keyState;
export const expirationModel = key.expirationModel;
export const validTo = key.validTo;
export const keyMaterialId = key.keyMaterialId;
