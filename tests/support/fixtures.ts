// Test-only fixtures for provider tests: key descriptions, outputs and random material.
import { randomBytes } from 'node:crypto';
import type { KeyDescription } from '../../provider/clouds/adapter';
import { digestMaterial } from '../../provider/digest';
import type { KeyInputs, KeyOutputs } from '../../provider/types';

export const MATERIAL = randomBytes(32);
export const MATERIAL_B64 = MATERIAL.toString('base64');
export const OTHER_MATERIAL = randomBytes(32);

export function inFuture(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z');
}

export function live(over: Partial<KeyDescription> = {}): KeyDescription {
  return {
    keyId: '11111111-2222-3333-4444-555555555555',
    arn: 'arn:aws:kms:us-east-1:111122223333:key/11111111-2222-3333-4444-555555555555',
    keyState: 'Enabled',
    origin: 'EXTERNAL',
    keySpec: 'SYMMETRIC_DEFAULT',
    keyUsage: 'ENCRYPT_DECRYPT',
    expirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
    ...over,
  };
}

export function outputs(over: Partial<KeyOutputs> = {}): KeyOutputs {
  const l = live();
  return {
    cloud: 'aws',
    region: 'us-east-1',
    onDelete: 'scheduleKeyDeletion',
    deletionWindowInDays: 30,
    wrappingAlgorithm: 'RSAES_OAEP_SHA_256',
    wrappingKeySpec: 'RSA_2048',
    adopted: false,
    keyId: l.keyId,
    arn: l.arn,
    keyState: 'Enabled',
    origin: 'EXTERNAL',
    keySpec: 'SYMMETRIC_DEFAULT',
    keyUsage: 'ENCRYPT_DECRYPT',
    expirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
    materialDigest: digestMaterial(MATERIAL),
    ...over,
  };
}

export function inputs(over: Partial<KeyInputs> = {}): KeyInputs {
  return {
    cloud: 'aws',
    region: 'us-east-1',
    keySpec: 'SYMMETRIC_DEFAULT',
    keyMaterial: MATERIAL_B64,
    wrappingAlgorithm: 'RSAES_OAEP_SHA_256',
    wrappingKeySpec: 'RSA_2048',
    onDelete: 'scheduleKeyDeletion',
    deletionWindowInDays: 30,
    ...over,
  };
}
