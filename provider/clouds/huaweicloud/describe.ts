// Huawei's describe-key reply → the KeyDescription every cloud returns: states "1".."5" to names, and times given
// as strings of milliseconds to ISO 8601.
import type { KeyDescription, KeyState } from '../adapter';

export interface HuaweicloudKeyInfo {
  key_id: string;
  key_alias?: string;
  key_state?: string;
  origin?: string;
  key_spec?: string;
  key_usage?: string;
  /** Milliseconds since the epoch, as a string; "0", "" or absent when the material does not expire. */
  expiration_time?: string | number;
  creation_date?: string | number;
  scheduled_deletion_date?: string | number;
}

const STATES: Record<string, KeyState> = {
  '1': 'Creating', // pending activation
  '2': 'Enabled',
  '3': 'Disabled',
  '4': 'PendingDeletion',
  '5': 'PendingImport',
};

/** A string or number of milliseconds → ISO 8601 UTC; undefined for empty, zero or unparsable values. */
export function millisToIso(value: string | number | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  const ms = Number(value);
  return Number.isFinite(ms) && ms > 0 ? new Date(ms).toISOString() : undefined;
}

export function toKeyDescription(info: HuaweicloudKeyInfo): KeyDescription {
  const keyState = STATES[info.key_state ?? ''] ?? 'Unknown';
  const external = (info.origin ?? '').toLowerCase() === 'external';
  const validTo = millisToIso(info.expiration_time);
  // No material while pending import; otherwise an external key's material expires exactly when it has a time.
  const hasMaterial = external && keyState !== 'PendingImport' && keyState !== 'Creating';
  const description: KeyDescription = {
    keyId: info.key_id,
    arn: info.key_id,
    keyState,
    origin: external ? 'EXTERNAL' : (info.origin ?? '').toUpperCase(),
    keySpec: info.key_spec ?? '',
    keyUsage: info.key_usage ?? '',
  };
  if (hasMaterial) {
    description.expirationModel = validTo ? 'KEY_MATERIAL_EXPIRES' : 'KEY_MATERIAL_DOES_NOT_EXPIRE';
    if (validTo) description.validTo = validTo;
  }
  const deletionDate = keyState === 'PendingDeletion' ? millisToIso(info.scheduled_deletion_date) : undefined;
  if (deletionDate) description.deletionDate = deletionDate;
  return description;
}
