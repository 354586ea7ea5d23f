// The materials of a key that holds several (AWS rotation of imported material), as the state keeps them: per
// material its KeyMaterialId and a salted digest (digest.ts, secret), so that its plaintext can be found among
// keyMaterial and previousKeyMaterials; and the plain keyMaterials output (ids, states, expiries — never a material
// or a digest). Pure: no cloud calls.

import type { KeyDescription, KeyMaterialEntry } from './clouds/adapter';
import { materialMatchesDigest } from './digest';
import type { KeyOutputs, MaterialRecord } from './types';

/** Material states in which a material is permanently associated with the key: the key needs it imported. */
const ASSOCIATED = new Set(['CURRENT', 'NON_CURRENT']);

export function isAssociated(entry: Pick<KeyMaterialEntry, 'state'>): boolean {
  return ASSOCIATED.has(entry.state);
}

export function isPendingRotation(entry: Pick<KeyMaterialEntry, 'state'>): boolean {
  return entry.state === 'PENDING_ROTATION' || entry.state === 'PENDING_MULTI_REGION_IMPORT_AND_ROTATION';
}

/** keyMaterialId → digest, as recorded; state written before several materials were kept has the one in materialDigest. */
export function recordedDigests(olds: Partial<KeyOutputs>): Record<string, string> {
  if (olds.materialDigests) return { ...olds.materialDigests };
  return olds.keyMaterialId && olds.materialDigest ? { [olds.keyMaterialId]: olds.materialDigest } : {};
}

/** How many materials the state knows the key to hold. */
export function recordedMaterialCount(olds: Partial<KeyOutputs>): number {
  return Math.max(Object.keys(recordedDigests(olds)).length, olds.keyMaterials?.length ?? 0);
}

/** The candidate whose digest is `digest`, else undefined. */
export function plaintextFor(digest: string | undefined, candidates: readonly Buffer[]): Buffer | undefined {
  return digest === undefined ? undefined : candidates.find((candidate) => materialMatchesDigest(candidate, digest));
}

/** The recorded materials that no candidate matches: the key could not be healed once one of them needs importing. */
export function materialsOutOfReach(olds: Partial<KeyOutputs>, candidates: readonly Buffer[]): string[] {
  return Object.entries(recordedDigests(olds)).filter(([, digest]) => !plaintextFor(digest, candidates)).map(([id]) => id);
}

/** The recorded material (not the current one) that `material` is, if any: AWS cannot rotate back to it. */
export function earlierMaterialId(olds: Partial<KeyOutputs>, material: Buffer): string | undefined {
  return Object.entries(recordedDigests(olds)).find(([id, digest]) => id !== olds.keyMaterialId && materialMatchesDigest(material, digest))?.[0];
}

/** The keyMaterials output from a listing: oldest first as the cloud lists them, pending ones last. */
export function materialRecords(entries: readonly KeyMaterialEntry[]): MaterialRecord[] {
  return entries.map((entry) => plainRecord({
    keyMaterialId: entry.keyMaterialId,
    state: entry.state,
    importState: entry.importState,
    expirationModel: entry.expirationModel,
    validTo: entry.validTo,
    description: entry.description,
  }));
}

/**
 * The keyMaterials output of a key never rotated, from DescribeKey alone (refresh stays one call): its one material is
 * current, imported unless the key is pending import; the description as last recorded.
 */
export function singleMaterialRecord(live: KeyDescription, recorded?: readonly MaterialRecord[]): MaterialRecord[] | undefined {
  if (!live.keyMaterialId) return undefined;
  const before = recorded?.find((entry) => entry.keyMaterialId === live.keyMaterialId);
  return [plainRecord({
    keyMaterialId: live.keyMaterialId,
    state: 'CURRENT',
    importState: live.keyState === 'PendingImport' ? 'PENDING_IMPORT' : 'IMPORTED',
    expirationModel: live.keyState === 'PendingImport' ? before?.expirationModel : live.expirationModel,
    validTo: live.keyState === 'PendingImport' ? before?.validTo : live.validTo,
    description: before?.description,
  })];
}

/** Pulumi's Struct has no undefined. */
function plainRecord(record: MaterialRecord): MaterialRecord {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as unknown as MaterialRecord;
}

/**
 * Whether a refresh must list the materials (one more call) rather than trust DescribeKey alone: the state knows of more
 * than one material, or the key's current material is not the one recorded (a rotation happened, here or elsewhere).
 */
export function needsMaterialListing(olds: Partial<KeyOutputs>, live: KeyDescription): boolean {
  if (recordedMaterialCount(olds) > 1) return true;
  const recorded = olds.keyMaterialId ?? olds.currentKeyMaterialId;
  return !!(live.keyMaterialId && recorded && live.keyMaterialId !== recorded);
}

/** Why a rotation is refused when its outgoing material is not kept (check and diff say it alike). */
export function outgoingMissing(what = 'the material keyMaterial had until now'): string {
  return `must include ${what} (add it as the last entry): after the rotation the key still needs it, ` +
    'and once it expires or is deleted the whole key stays unusable until that very material is imported again — which only it can do';
}
