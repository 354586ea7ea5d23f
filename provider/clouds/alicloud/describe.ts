// Alibaba's DescribeKey KeyMetadata → the KeyDescription every cloud returns: its key states to ours, and its times
// (ISO 8601, sometimes without milliseconds; empty for none) to ISO 8601 UTC.

import type { KeyDescription, KeyState } from '../adapter';

const KEY_STATES: Record<string, KeyState> = {
  Enabled: 'Enabled',
  Disabled: 'Disabled',
  PendingDeletion: 'PendingDeletion',
  PendingImport: 'PendingImport',
};

/** Alibaba writes times as ISO 8601 UTC (sometimes without milliseconds); empty means "none". */
export function isoOrUndefined(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

export function toKeyDescription(metadata: Record<string, unknown>): KeyDescription {
  const keyState = KEY_STATES[String(metadata.KeyState ?? metadata.keyState ?? '')] ?? 'Unknown';
  const get = (pascal: string, camel: string): unknown => metadata[pascal] ?? metadata[camel];
  const materialExpireTime = isoOrUndefined(get('MaterialExpireTime', 'materialExpireTime'));
  // Alibaba leaves MaterialExpireTime empty both for "never expires" and "no material": tell them apart by state.
  const holdsMaterial = keyState !== 'PendingImport' && keyState !== 'Unknown';
  const description: KeyDescription = {
    keyId: String(get('KeyId', 'keyId') ?? ''),
    arn: String(get('Arn', 'arn') ?? get('KeyId', 'keyId') ?? ''),
    keyState,
    origin: String(get('Origin', 'origin') ?? ''),
    keySpec: String(get('KeySpec', 'keySpec') ?? ''),
    keyUsage: String(get('KeyUsage', 'keyUsage') ?? ''),
  };
  if (holdsMaterial) {
    description.expirationModel = materialExpireTime ? 'KEY_MATERIAL_EXPIRES' : 'KEY_MATERIAL_DOES_NOT_EXPIRE';
    if (materialExpireTime) description.validTo = materialExpireTime;
  }
  const protectionLevel = get('ProtectionLevel', 'protectionLevel');
  if (typeof protectionLevel === 'string' && protectionLevel !== '') description.protectionLevel = protectionLevel;
  const deletionDate = isoOrUndefined(get('DeleteDate', 'deleteDate'));
  if (keyState === 'PendingDeletion' && deletionDate) description.deletionDate = deletionDate;
  return description;
}
