// AWS's KeyMetadata → the KeyDescription every cloud returns, and AWS's key states → ours.

import type { KeyMetadata } from '@aws-sdk/client-kms';
import type { KeyDescription, KeyState } from '../adapter';

const KEY_STATES: Readonly<Record<string, KeyState>> = {
  Creating: 'Creating',
  Enabled: 'Enabled',
  Disabled: 'Disabled',
  PendingImport: 'PendingImport',
  PendingDeletion: 'PendingDeletion',
  PendingReplicaDeletion: 'PendingDeletion',
  Unavailable: 'Unavailable',
};

export function describeAwsKey(metadata: KeyMetadata): KeyDescription {
  return {
    keyId: metadata.KeyId!,
    arn: metadata.Arn ?? metadata.KeyId!,
    keyState: KEY_STATES[metadata.KeyState ?? ''] ?? 'Unknown',
    origin: metadata.Origin ?? 'UNKNOWN',
    keySpec: metadata.KeySpec ?? 'SYMMETRIC_DEFAULT',
    keyUsage: metadata.KeyUsage ?? 'ENCRYPT_DECRYPT',
    expirationModel: metadata.ExpirationModel,
    validTo: metadata.ValidTo?.toISOString(),
    keyMaterialId: metadata.CurrentKeyMaterialId,
    deletionDate: metadata.DeletionDate?.toISOString(),
  };
}
