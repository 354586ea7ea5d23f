// Ping An's key metadata (CreateCmk's and DescribeKey's replies) → the KeyDescription every cloud returns. The readers
// are tolerant (assumptions.ts): states as names, digits or Alibaba's names; field names ours or Alibaba's; times as
// dates at UTC+08:00, ISO or epoch numbers.
import type { KeyDescription } from '../adapter';
import {
  ASSUMED_KEY_SPEC,
  KEY_FIELDS,
  KEY_METADATA_FIELDS,
  MATERIAL_EXPIRE_FIELDS,
  parsePinganTime,
  readField,
  readKeyState,
  readKeyUsage,
  readOrigin,
} from './assumptions';

/** The key metadata object of a reply (`keyMetadata` / `KeyMetadata`); undefined when there is none. */
export function keyMetadataOf(reply: Record<string, unknown>): Record<string, unknown> | undefined {
  const found = readField(reply, KEY_METADATA_FIELDS);
  return found && typeof found.value === 'object' && !Array.isArray(found.value) ? (found.value as Record<string, unknown>) : undefined;
}

/** The material's expiry, from the metadata or the top of the reply (assumed `materialExpireTime`; empty = never). */
export function materialExpireOf(reply: Record<string, unknown>, metadata: Record<string, unknown>): { name: string; value: unknown } | undefined {
  return readField(metadata, MATERIAL_EXPIRE_FIELDS) ?? readField(reply, MATERIAL_EXPIRE_FIELDS);
}

/**
 * The description of the key in `reply` (a DescribeKey or CreateCmk reply); undefined when it carries no key metadata
 * with a key id.
 */
export function toKeyDescription(reply: Record<string, unknown>): KeyDescription | undefined {
  const metadata = keyMetadataOf(reply);
  if (!metadata) return undefined;
  const keyId = readField(metadata, KEY_FIELDS.keyId)?.value;
  if (typeof keyId !== 'string') return undefined;
  const keyState = readKeyState(readField(metadata, KEY_FIELDS.keyState)?.value);
  const origin = readOrigin(readField(metadata, KEY_FIELDS.origin)?.value);
  const keySpec = readField(metadata, KEY_FIELDS.keySpec)?.value;
  const description: KeyDescription = {
    keyId,
    arn: keyId,
    keyState,
    origin,
    keySpec: typeof keySpec === 'string' ? keySpec : ASSUMED_KEY_SPEC,
    keyUsage: readKeyUsage(readField(metadata, KEY_FIELDS.keyUsage)?.value),
  };
  // No material while pending import; an external key's material otherwise expires exactly when it has a time.
  if (origin === 'EXTERNAL' && keyState !== 'PendingImport' && keyState !== 'Unknown') {
    const validTo = parsePinganTime(materialExpireOf(reply, metadata)?.value);
    description.expirationModel = validTo ? 'KEY_MATERIAL_EXPIRES' : 'KEY_MATERIAL_DOES_NOT_EXPIRE';
    if (validTo) description.validTo = validTo.toISOString();
  }
  if (keyState === 'PendingDeletion') {
    const deletionDate = parsePinganTime(readField(metadata, KEY_FIELDS.deleteDate)?.value);
    if (deletionDate) description.deletionDate = deletionDate.toISOString();
  }
  return description;
}
