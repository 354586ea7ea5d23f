// The AWS operations of on-demand rotation (RotateKeyOnDemand, GetKeyRotationStatus, ListKeyRotations) over the
// several materials of a key (emulator/key-materials.ts); the rules themselves live in the store.

import type { StoredKey } from '../../store';
import type { KeyMaterialInfo } from '../../key-materials';
import { AwsError } from './errors';
import { optEnum, paginate, type Json } from './wire';
import { generateMaterial, keyArn, keyById, refOf, type AwsCall } from './operations-keys';

/** On-demand rotation is for symmetric encryption keys only (not HMAC, not asymmetric), as AWS says. */
function requireRotatable(key: StoredKey, call: AwsCall, operation: string): void {
  if (key.keySpec !== 'SYMMETRIC_DEFAULT') {
    throw new AwsError('UnsupportedOperationException', `${operation} is only for symmetric encryption keys; ${keyArn(call.region, key.id)} is ${key.keySpec}`);
  }
}

export function rotateKeyOnDemand(body: Json, call: AwsCall): Json {
  const key = keyById(body, call);
  requireRotatable(key, call, 'RotateKeyOnDemand');
  // EXTERNAL keys rotate to the material imported as NEW; keys KMS made get fresh material from KMS.
  call.store.rotateOnDemand(refOf(key), key.external ? undefined : generateMaterial('SYMMETRIC_DEFAULT'));
  return { KeyId: keyArn(call.region, key.id) };
}

export function getKeyRotationStatus(body: Json, call: AwsCall): Json {
  const key = keyById(body, call);
  requireRotatable(key, call, 'GetKeyRotationStatus');
  // Automatic rotation is not emulated (and never applies to imported material): KeyRotationEnabled is false.
  const result: Json = { KeyId: keyArn(call.region, key.id), KeyRotationEnabled: false };
  if (key.rotation) result.OnDemandRotationStartDate = key.rotation.startedAt / 1000;
  return result;
}

export function listKeyRotations(body: Json, call: AwsCall): Json {
  const key = keyById(body, call);
  const include = optEnum(body, 'IncludeKeyMaterial', ['ALL_KEY_MATERIAL', 'ROTATIONS_ONLY'] as const) ?? 'ROTATIONS_ONLY';
  requireRotatable(key, call, 'ListKeyRotations');
  const entries = (key.materials ?? [])
    // ROTATIONS_ONLY: the materials rotations made current; ALL_KEY_MATERIAL adds the first one and one pending rotation
    // (of imported material: the fresh material of a rotation KMS runs itself is not listed until it is done).
    .filter((m) => (include === 'ALL_KEY_MATERIAL' ? key.external || m.state !== 'PENDING_ROTATION' : m.rotationDate !== undefined))
    .map((m) => rotationsListEntry(key, m));
  return paginate(entries, body, 1000, 'Rotations', 100);
}

/** A RotationsListEntry; the import fields are for EXTERNAL keys only. ValidTo and ExpirationModel only while imported. */
function rotationsListEntry(key: StoredKey, m: KeyMaterialInfo): Json {
  const entry: Json = { KeyId: key.id, KeyMaterialId: m.id, KeyMaterialState: m.state };
  if (key.external) {
    if (m.description !== undefined) entry.KeyMaterialDescription = m.description;
    entry.ImportState = m.importState;
    if (m.importState === 'IMPORTED') {
      entry.ExpirationModel = m.expiresAt === undefined ? 'KEY_MATERIAL_DOES_NOT_EXPIRE' : 'KEY_MATERIAL_EXPIRES';
      if (m.expiresAt !== undefined) entry.ValidTo = m.expiresAt / 1000;
    }
  }
  if (m.rotationDate !== undefined) entry.RotationDate = m.rotationDate / 1000;
  if (m.rotationType !== undefined) entry.RotationType = m.rotationType;
  return entry;
}
