// The materials of one key, as the clouds describe them (never the bytes: those stay in the store's private map).
// AWS lets a symmetric key hold several materials since 2025: the first one, each one rotated to, and at most one
// imported as NEW and waiting for RotateKeyOnDemand. The other clouds (and AWS HMAC/asymmetric keys) keep one. The
// rules that follow from the list alone live here, as pure functions over a StoredKey, so the store's truth and the
// lagging copies a describe may see (consistency.ts) age the same way: expiry and rotation completion on the clock,
// and the key state they imply — usable only while every associated material is imported.

import type { StoredKey } from './store-types';

/** AWS's KeyMaterialState (PENDING_MULTI_REGION_IMPORT_AND_ROTATION is not modelled: the emulator has no replicas). */
export type KeyMaterialState = 'CURRENT' | 'NON_CURRENT' | 'PENDING_ROTATION';
/** AWS's ImportState of one material. */
export type MaterialImportState = 'IMPORTED' | 'PENDING_IMPORT';

/** One material of a key; `id` is derived from (key id, material), so it is stable across reimports. */
export interface KeyMaterialInfo {
  readonly id: string;
  state: KeyMaterialState;
  importState: MaterialImportState;
  /** When this import expires (ms since the epoch); undefined = does not expire, or not imported. */
  expiresAt?: number;
  /** The customer's KeyMaterialDescription; kept across reimports that give none. */
  description?: string;
  /** When a rotation made it CURRENT; absent for the first material and a pending one. */
  rotationDate?: number;
  rotationType?: 'ON_DEMAND';
}

/** A RotateKeyOnDemand that has started and completes at `completesAt` on the emulator clock. */
export interface RotationInProgress {
  materialId: string;
  startedAt: number;
  completesAt: number;
}

/** AWS: "You can perform on-demand key rotation a maximum of 25 times per KMS key" (older pages: 10). */
export const MAX_ON_DEMAND_ROTATIONS = 25;
/** How long an on-demand rotation takes on the emulator clock unless configured (AWS: "a slight delay"). */
export const DEFAULT_ROTATION_DELAY_MS = 3_000;

/** Permanently associated: the first material and every one that became CURRENT (a pending one is not). */
export function isAssociated(material: KeyMaterialInfo): boolean {
  return material.state !== 'PENDING_ROTATION';
}

export function materialsOf(key: StoredKey): KeyMaterialInfo[] {
  return key.materials ?? [];
}

export function findMaterial(key: StoredKey, id: string): KeyMaterialInfo | undefined {
  return materialsOf(key).find((m) => m.id === id);
}

export function currentMaterial(key: StoredKey): KeyMaterialInfo | undefined {
  return materialsOf(key).find((m) => m.state === 'CURRENT');
}

export function pendingMaterial(key: StoredKey): KeyMaterialInfo | undefined {
  return materialsOf(key).find((m) => m.state === 'PENDING_ROTATION');
}

/**
 * What DescribeKey reports: over the associated materials that are imported, the earliest ValidTo (model
 * KEY_MATERIAL_EXPIRES when any of them expires); undefined when none is imported.
 */
export function associatedExpiry(key: StoredKey): { model: 'KEY_MATERIAL_EXPIRES' | 'KEY_MATERIAL_DOES_NOT_EXPIRE'; validTo?: number } | undefined {
  const imported = materialsOf(key).filter((m) => isAssociated(m) && m.importState === 'IMPORTED');
  if (imported.length === 0) return undefined;
  const expiries = imported.flatMap((m) => (m.expiresAt === undefined ? [] : [m.expiresAt]));
  return expiries.length === 0 ? { model: 'KEY_MATERIAL_DOES_NOT_EXPIRE' } : { model: 'KEY_MATERIAL_EXPIRES', validTo: Math.min(...expiries) };
}

/**
 * Recomputes what the key says about its materials (hasMaterial, keyMaterialId, materialExpiresAt) and its state:
 * PendingImport while any associated material is not imported, back to Enabled when all are again. PendingDeletion
 * and Disabled keys keep their state while their materials are whole.
 */
export function summarize(key: StoredKey): void {
  const associated = materialsOf(key).filter(isAssociated);
  const whole = associated.length > 0 && associated.every((m) => m.importState === 'IMPORTED');
  key.hasMaterial = whole;
  const current = currentMaterial(key);
  if (current) key.keyMaterialId = current.id;
  key.materialExpiresAt = associatedExpiry(key)?.validTo;
  if (key.state === 'PendingDeletion') return;
  if (!whole) key.state = 'PendingImport';
  else if (key.state === 'PendingImport') key.state = 'Enabled';
}

/**
 * Applies what happened up to `now`, oldest first: imports that expired (the material becomes PENDING_IMPORT) and a
 * rotation that completed. Returns true when anything changed (the key's summary and state are then recomputed).
 */
export function advanceMaterials(key: StoredKey, now: number): boolean {
  let changed = false;
  for (;;) {
    let at = Infinity;
    let apply: (() => void) | undefined;
    for (const material of materialsOf(key)) {
      if (material.importState === 'IMPORTED' && material.expiresAt !== undefined && material.expiresAt <= now && material.expiresAt < at) {
        at = material.expiresAt;
        apply = () => markNotImported(material);
      }
    }
    const rotation = key.rotation;
    if (rotation && rotation.completesAt <= now && rotation.completesAt < at) {
      at = rotation.completesAt;
      apply = () => completeRotation(key, rotation);
    }
    if (!apply) break;
    apply();
    changed = true;
  }
  if (changed) summarize(key);
  return changed;
}

/** The material is gone from KMS (expired or deleted); its id stays so that exactly it can be imported again. */
export function markNotImported(material: KeyMaterialInfo): void {
  material.importState = 'PENDING_IMPORT';
  delete material.expiresAt;
}

/** The pending material becomes CURRENT and the previous CURRENT NON_CURRENT; a pending one no longer imported is not rotated to. */
function completeRotation(key: StoredKey, rotation: RotationInProgress): void {
  key.rotation = undefined;
  const incoming = findMaterial(key, rotation.materialId);
  if (!incoming || incoming.state !== 'PENDING_ROTATION' || incoming.importState !== 'IMPORTED') return;
  const outgoing = currentMaterial(key);
  if (outgoing) outgoing.state = 'NON_CURRENT';
  incoming.state = 'CURRENT';
  incoming.rotationDate = rotation.completesAt;
  incoming.rotationType = 'ON_DEMAND';
  key.onDemandRotations = (key.onDemandRotations ?? 0) + 1;
  // The list stays in the order materials were associated: the one rotated to goes after every associated one.
  const list = materialsOf(key);
  list.splice(list.indexOf(incoming), 1);
  const firstPending = list.findIndex((m) => !isAssociated(m));
  list.splice(firstPending === -1 ? list.length : firstPending, 0, incoming);
}

/** A deep copy of the public material fields (for snapshots and the lagging copies of consistency.ts). */
export function copyMaterials(key: StoredKey): Pick<StoredKey, 'materials' | 'rotation'> {
  return {
    materials: key.materials?.map((m) => ({ ...m })),
    rotation: key.rotation && { ...key.rotation },
  };
}
