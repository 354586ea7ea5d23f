// ImportedKey on real AWS KMS: creates an EXTERNAL symmetric key (or adopts one) and imports your
// material into it. From a clone of this repo:
//
//   npm ci && npm run build                     # at the repository root: builds dist/
//   cd examples/aws && npm install               # links the package from ../..
//   pulumi stack init dev
//   pulumi config set aws:region eu-west-1       # or AWS_REGION; credentials: the usual AWS chain (env, profile, SSO)
//   openssl rand -base64 32 | pulumi config set --secret keyMaterial   # keep a copy: only this material can ever be reimported
//   pulumi config set expiresAt 2027-06-30T00:00:00Z                  # optional: leave out for material that never expires
//   pulumi up
//
// Adopt an existing EXTERNAL key instead: `pulumi config set keyId <key id or ARN>`.
// GitOps drift check: `pulumi preview --refresh --expect-no-changes` fails when the material has
// expired or was deleted; `pulumi up` imports it again.
import * as pulumi from '@pulumi/pulumi';
import { ImportedKey } from 'pulumi-imported-key';

const config = new pulumi.Config();

const key = new ImportedKey('byok-key', {
  cloud: 'aws',
  keyMaterial: config.requireSecret('keyMaterial'),
  expiresAt: config.get('expiresAt'),
  keyId: config.get('keyId'),
  alias: config.get('alias') ?? `alias/byok-${pulumi.getStack()}`,
  description: 'Symmetric key with customer-supplied material (pulumi-imported-key)',
  keySpec: config.get('keySpec'), // default SYMMETRIC_DEFAULT; HMAC_*, RSA_*, ECC_* also take imported material
  deletionWindowInDays: config.getNumber('deletionWindowInDays'), // 7-30, default 30
  tags: { 'managed-by': 'pulumi', stack: pulumi.getStack() },
});

export const keyId = key.keyId;
export const arn = key.arn;
export const keyState = key.keyState;
export const expirationModel = key.expirationModel;
export const validTo = key.validTo;
