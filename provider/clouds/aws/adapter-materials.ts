// The materials of an AWS key that holds several (rotation of imported material, 2025): ListKeyRotations with
// IncludeKeyMaterial ALL_KEY_MATERIAL, every page, as our KeyMaterialEntry; RotateKeyOnDemand; the import fields that
// only symmetric keys take.

import { ListKeyRotationsCommand, RotateKeyOnDemandCommand, type ImportKeyMaterialRequest, type KMSClient, type RotationsListEntry } from '@aws-sdk/client-kms';
import type { ImportMaterialRequest, KeyMaterialEntry } from '../adapter';
import { mapAwsError } from './errors';

/** ListKeyRotations' largest page: a key holds at most 26 materials (25 on-demand rotations), so one page in practice. */
const PAGE_LIMIT = 1000;

export function describeAwsMaterial(entry: RotationsListEntry): KeyMaterialEntry | undefined {
  if (!entry.KeyMaterialId) return undefined;
  return {
    keyMaterialId: entry.KeyMaterialId,
    state: entry.KeyMaterialState ?? 'UNKNOWN',
    importState: entry.ImportState,
    expirationModel: entry.ExpirationModel,
    validTo: entry.ValidTo?.toISOString(),
    description: entry.KeyMaterialDescription,
    rotationDate: entry.RotationDate?.toISOString(),
  };
}

/** Every material of the key, pending ones included, over every page. */
export async function listAwsMaterials(client: KMSClient, keyId: string): Promise<KeyMaterialEntry[]> {
  const materials: KeyMaterialEntry[] = [];
  let marker: string | undefined;
  do {
    const page = await client.send(new ListKeyRotationsCommand({ KeyId: keyId, IncludeKeyMaterial: 'ALL_KEY_MATERIAL', Limit: PAGE_LIMIT, Marker: marker }))
      .catch((error) => {
        throw mapAwsError(error, 'listing the key materials of', keyId);
      });
    for (const entry of page.Rotations ?? []) {
      const material = describeAwsMaterial(entry);
      if (material) materials.push(material);
    }
    marker = page.Truncated ? page.NextMarker : undefined;
  } while (marker);
  return materials;
}

/** Starts the rotation to the key's pending material; ConflictException and LimitExceededException keep their codes (errors.ts). */
export async function rotateAwsMaterial(client: KMSClient, keyId: string): Promise<void> {
  try {
    await client.send(new RotateKeyOnDemandCommand({ KeyId: keyId }));
  } catch (error) {
    const mapped = mapAwsError(error, 'rotating to the pending key material of', keyId);
    if (mapped.code !== 'RotationLimitExceeded') throw mapped;
    throw Object.assign(mapped, {
      message: `${mapped.message} — AWS allows 25 on-demand rotations per key; this key has used them: to use new material, create a new key (onMaterialChange replace)`,
    });
  }
}

/** ImportType / KeyMaterialId / KeyMaterialDescription, only when asked (they are for symmetric keys only; the caller knows the spec). */
export function awsMaterialFields(request: ImportMaterialRequest): Pick<ImportKeyMaterialRequest, 'ImportType' | 'KeyMaterialId' | 'KeyMaterialDescription'> {
  if (request.importType === undefined) return {};
  return {
    ImportType: request.importType,
    ...(request.importType === 'EXISTING_KEY_MATERIAL' && request.keyMaterialId ? { KeyMaterialId: request.keyMaterialId } : {}),
    ...(request.importType === 'NEW_KEY_MATERIAL' && request.description ? { KeyMaterialDescription: request.description } : {}),
  };
}
