// Desired state (arguments) vs recorded state (outputs) vs live state (DescribeKey) → what to do.
// Pure functions only: no cloud calls, no Pulumi. provider/operations.ts carries the decisions out.

import type { KeyDescription } from './clouds/adapter';
import { materialMatchesDigest } from './digest';
import { ImportedKeyError } from '../core/errors';
import { expiryMatches, expiryPolicy, expirySatisfied, renewalDue, samePolicy, type ExpiryPolicy } from './expiry';
import { earlierMaterialId, materialsOutOfReach, outgoingMissing, recordedMaterialCount } from './materials';
import { select } from './properties';
import type { KeyInputs, KeyOutputs, OnDelete } from './types';
import type { Material } from './material-sources';
import { describeMaterialSource } from './material-sources/spec';

/** keyMaterialSource could not be read here: why (the source named, nothing of the material). */
export type Unchecked = { unchecked: string };

function isUnchecked(material: Material | 'unknown' | Unchecked): material is Unchecked {
  return typeof material === 'object' && 'unchecked' in material;
}

export { expiryMatches } from './expiry';

/** The engine's placeholder for a value not known until apply (pulumi/sdk runtime/rpc `unknownValue`). */
export const UNKNOWN = '04da6b54-80e4-46f7-96ec-b56ff0331ba9';

export function isUnknown(value: unknown): boolean {
  return value === UNKNOWN;
}

// What a change of each argument means, from the one table (properties.ts).
/** Arguments that pick which key this is: any change means another key. */
const IDENTITY_FIELDS = select({ change: 'replace', place: true });
/** Arguments that say where the key is: while one is unknown, the cloud cannot be asked. */
const PLACE_FIELDS = select({ place: true });
/** Creation settings that, left out, mean the cloud's default: what the key already has. */
const LEFT_TO_CLOUD = select({ change: 'replace', cloudDefault: true });
/** Arguments fixed when the resource creates the key; the adapters cannot change them afterwards (cloud defaults first). */
const CREATION_FIELDS = [...LEFT_TO_CLOUD, ...select({ change: 'replace', createOnly: true, cloudDefault: false })];
/** Arguments whose change reimports the same material (a new expiry). */
const EXPIRY_FIELDS = select({ change: 'reimport' });
/** Arguments only recorded: a change needs no cloud call now. */
const LOCAL_FIELDS = select({ change: 'local' });

export interface DiffPlan {
  changes: boolean;
  replaces: string[];
  /** Why, one line per change, for messages and tests. */
  reasons: string[];
}

/** Whether the key is gone for good as far as this resource is concerned (terraform's findKeyByID rule). */
export function keyIsGone(live: KeyDescription | undefined): boolean {
  return live === undefined || live.keyState === 'PendingDeletion';
}

/** Whether the key holds material with the expiry asked for. */
export function materialInPlace(live: KeyDescription, expiresAt: string | undefined): boolean {
  return (live.keyState === 'Enabled' || live.keyState === 'Disabled') && expiryMatches(live, expiresAt);
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(normalizeForCompare(a)) === JSON.stringify(normalizeForCompare(b));
}

function normalizeForCompare(value: unknown): unknown {
  if (value === null || value === undefined || value === '') return undefined;
  if (typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b));
    return entries.length === 0 ? undefined : Object.fromEntries(entries);
  }
  return value;
}

function sameInstant(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return Date.parse(a) === Date.parse(b);
}

/** What the diff knows before asking the cloud: the replacements and changes the recorded outputs and the arguments show. */
export interface OfflineDiff {
  readonly olds: KeyOutputs;
  readonly news: KeyInputs;
  readonly replaces: readonly string[];
  readonly reasons: readonly string[];
}

/** What the diff knows of rotating: the earlier materials given (decoded), and the key specs the cloud rotates (none: it cannot). */
export interface RotationContext {
  previous: readonly Material[] | 'unknown';
  keySpecs?: readonly string[];
}

/**
 * The diff's first half: what the recorded outputs (`olds`) and the checked arguments (`news`) say without asking the
 * cloud. Throws for a change the cloud can never carry out (new material into an adopted key that does not rotate; a
 * rotation that would leave one of the key's materials out of reach).
 */
export function offlineDiff(olds: KeyOutputs, news: KeyInputs, material: Material | 'unknown' | Unchecked, rotation: RotationContext = { previous: [] }): OfflineDiff {
  const replaces: string[] = [];
  const reasons: string[] = [];
  const replace = (field: string, why: string) => {
    if (!replaces.includes(field)) replaces.push(field);
    reasons.push(`${field}: ${why} (replace)`);
  };
  const update = (why: string) => reasons.push(why);

  for (const field of IDENTITY_FIELDS) {
    const next = news[field];
    if (isUnknown(next)) replace(field, 'not known until apply');
    else if (next !== undefined && olds[field] !== undefined && !sameValue(next, olds[field])) replace(field, 'changed');
  }

  if (news.keyId !== undefined) {
    if (isUnknown(news.keyId)) replace('keyId', 'not known until apply');
    else if (!olds.adopted) replace('keyId', 'the resource now adopts an existing key instead of the one it created');
    else if (news.keyId !== olds.keyId && news.keyId !== olds.arn) replace('keyId', 'another key to adopt');
  } else if (olds.adopted) {
    replace('keyId', 'the resource no longer adopts a key: it will create one');
  }

  if (!olds.adopted && news.keyId === undefined) {
    for (const field of CREATION_FIELDS) {
      const next = news[field];
      // keySpec/keyUsage/protectionLevel left out mean "the cloud's default", which is what the key already has; an
      // alias left out where the cloud needs one was derived from the resource name at creation and is kept.
      const leftToCloud = next === undefined && (LEFT_TO_CLOUD.some((name) => name === field) || (field === 'alias' && olds.aliasDerived === true));
      // A partly created key's alias / tags / description still to be set: compared with what was asked, not with the
      // cloud's nothing (a pending description is '' when none was asked).
      const pending = (field === 'alias' || field === 'tags' || field === 'description') ? olds.pendingFinish?.[field] : undefined;
      const recorded = pending !== undefined ? pending : olds[field];
      const asked = field === 'description' && pending !== undefined ? next ?? '' : next;
      if (isUnknown(next)) replace(field, 'not known until apply');
      else if (!leftToCloud && !sameValue(asked, recorded)) replace(field, 'fixed when the key is created');
    }
    if (olds.pendingFinish) update(`${Object.keys(olds.pendingFinish).join(', ')}: not set on the key yet (update sets them)`);
  }

  // A source this machine cannot read (preview on a runner without the file, variable or HSM): an update whose reason
  // says so, never "no change" (provider/source-material.ts; IMPORTED_KEY_SOURCE_UNAVAILABLE=fail refuses instead).
  if (isUnchecked(material)) update(`keyMaterialSource: ${material.unchecked}; whether its material changed is not checked here`);
  const materialChanged = material === 'unknown' ? 'maybe' : isUnchecked(material) ? false : !materialMatchesDigest(material, olds.materialDigest);
  const rotating = news.onMaterialChange === 'rotate' && replaces.length === 0;
  if (rotating) judgeRotation(olds, isUnchecked(material) ? 'unknown' : material, rotation, materialChanged);
  if (materialChanged && rotating) {
    update(materialChanged === true
      ? 'keyMaterial: new material, onMaterialChange rotate: a rotation, not a replacement — the same key imports it (NEW_KEY_MATERIAL) and rotates to it; earlier ciphertexts stay readable'
      : 'keyMaterial: not known until apply (onMaterialChange rotate: a rotation if it changes)');
  } else if (materialChanged) {
    if (olds.adopted && replaces.length === 0) {
      if (materialChanged === true) {
        throw new ImportedKeyError(
          'InvalidArgument',
          `keyMaterial: key ${olds.keyId} was adopted and only ever accepts the material first imported into it; ` +
            'to use new material, create a new key (remove keyId so the resource creates one)',
        );
      }
      update('keyMaterial: not known until apply');
    } else if (!olds.adopted) {
      replace('keyMaterial', materialChanged === true ? 'a key only ever accepts one material' : 'not known until apply');
    }
  }

  const source = news.keyMaterialSource !== undefined && !isUnknown(news.keyMaterialSource) ? describeMaterialSource(news.keyMaterialSource) : undefined;
  if (source !== olds.materialSource) update(`keyMaterialSource: now ${source ?? 'none (keyMaterial)'} (recorded; the material itself is compared by its digest)`);
  if (!rotating && replaces.length === 0 && !isUnchecked(material)) judgeKeptMaterials(olds, material, rotation);

  const changedExpiry = EXPIRY_FIELDS.filter((field) => isUnknown(news[field]) || (field === 'expiresAt' ? !sameInstant(news[field], olds[field]) : !sameValue(news[field], olds[field])));
  if (changedExpiry.length > 0) update(`${changedExpiry.join(', ')}: changed (reimport)`);

  for (const field of LOCAL_FIELDS) {
    if (!sameValue(news[field], olds[field])) update(`${field}: changed (no cloud call)`);
  }

  if (olds.keyState === 'PendingImport') update('keyState: PendingImport in state (reimport)');
  return { olds, news, replaces, reasons };
}

/**
 * A rotation the key could not survive is refused before any call: a key spec that does not rotate, new material that
 * is one of the key's earlier ones (AWS cannot rotate back), or a material of the key's that no argument holds.
 */
function judgeRotation(olds: KeyOutputs, material: Material | 'unknown', rotation: RotationContext, changed: boolean | 'maybe'): void {
  const specs = rotation.keySpecs ?? [];
  if (changed && !specs.includes(olds.keySpec)) {
    throw new ImportedKeyError(
      'InvalidArgument',
      `onMaterialChange: rotate is not possible for key ${olds.keyId} (${olds.cloud} ${olds.keySpec}): ${olds.cloud} keeps one material per ${olds.keySpec} key` +
        `${specs.length > 0 ? ` (only ${specs.join(', ')} keys rotate)` : ''}; use onMaterialChange replace, which creates a new key with the new material and moves the alias to it`,
    );
  }
  if (material === 'unknown' || rotation.previous === 'unknown') return;
  if (changed === true && !rotation.previous.some((earlier) => materialMatchesDigest(earlier, olds.materialDigest))) {
    throw new ImportedKeyError('InvalidArgument', `previousKeyMaterials ${outgoingMissing(`the material key ${olds.keyId} has now (the one this rotation retires)`)}`);
  }
  if (changed === true) {
    const earlier = earlierMaterialId(olds, material);
    if (earlier) {
      throw new ImportedKeyError(
        'InvalidArgument',
        `keyMaterial: this is material ${earlier}, one of key ${olds.keyId}'s earlier materials; a key cannot rotate back to a material it already holds — give new material, or keep the current one`,
      );
    }
  }
  judgeKeptMaterials(olds, material, rotation, 1);
}

/**
 * A key that stays and holds several materials (it rotated) needs every one of them within reach, whatever
 * onMaterialChange says now: with replace, previousKeyMaterials still keeps the earlier materials a heal reimports.
 */
function judgeKeptMaterials(olds: KeyOutputs, material: Material | 'unknown', rotation: RotationContext, fromCount = 2): void {
  if (material === 'unknown' || rotation.previous === 'unknown' || recordedMaterialCount(olds) < fromCount) return;
  const missing = materialsOutOfReach(olds, [material, ...rotation.previous]);
  if (missing.length > 0) {
    const which = missing.map((id) => (id === olds.keyMaterialId ? `${id} (the current one)` : id)).join(', ');
    throw new ImportedKeyError(
      'InvalidArgument',
      `previousKeyMaterials must include every material key ${olds.keyId} holds, and ${which} is in neither keyMaterial nor previousKeyMaterials: ` +
        'the key is usable only while each of its materials is imported, and once that one expires or is deleted only it can bring the key back (add it, oldest first)',
    );
  }
}

/**
 * Whether the diff must describe the key before it can plan: only a key that stays (a replacement certain from the
 * offline comparison needs no look at the old one), only where the cloud can be asked (the place known, an id).
 */
export function needsLiveLook(offline: OfflineDiff, id: string | undefined): boolean {
  return offline.replaces.length === 0 && !!id && !PLACE_FIELDS.some((field) => isUnknown(offline.news[field]));
}

/**
 * The plan for `pulumi preview`/`up` from the offline comparison and `live`, what DescribeKey says now ('unchecked'
 * when the cloud was not asked: needsLiveLook said no), `now` the cloud's time of that answer (a rolling expiry is
 * renewed against it).
 */
export function finishDiff(offline: OfflineDiff, live: KeyDescription | undefined | 'unchecked', now: Date): DiffPlan {
  const { olds, news } = offline;
  const replaces = [...offline.replaces];
  const reasons = [...offline.reasons];
  const replace = (field: string, why: string) => {
    if (!replaces.includes(field)) replaces.push(field);
    reasons.push(`${field}: ${why} (replace)`);
  };
  const update = (why: string) => reasons.push(why);
  const expiryKnown = EXPIRY_FIELDS.every((field) => !isUnknown(news[field]));
  if (live !== 'unchecked' && replaces.length === 0) {
    if (keyIsGone(live)) {
      if (olds.adopted) {
        throw new ImportedKeyError(
          'KeyNotFound',
          `keyId: the adopted key ${olds.keyId} is gone or pending deletion; cancel the deletion or adopt another key`,
        );
      }
      replace('keyId', `key ${olds.keyId} is gone or pending deletion`);
    } else if (live!.keyState === 'PendingImport') {
      update('keyState: the cloud reports PendingImport (reimport)');
    } else if (live!.keyState === 'Disabled' && news.enabled !== false) {
      update('keyState: Disabled, enabled is true (EnableKey)');
    } else if (live!.keyState === 'Enabled' && news.enabled === false) {
      update('keyState: Enabled, enabled is false (DisableKey)');
    } else if (olds.keyMaterialId && live!.keyMaterialId && live!.keyMaterialId !== olds.keyMaterialId) {
      update(`keyMaterialId: the key's current material is ${live!.keyMaterialId}, not the ${olds.keyMaterialId} imported (reimport proves or refuses it)`);
    } else if (expiryKnown && renewalDue(expiryPolicy(news), live!, now)) {
      update(live!.validTo ? `validTo: ${live!.validTo} is closer than renewBefore (renew: reimport)` : 'validTo: the material never expires, expiresIn asks for a rolling period (reimport)');
    }
  }

  return { changes: replaces.length > 0 || reasons.length > 0, replaces, reasons };
}

/** Both halves at once: the offline comparison, then `live` (see finishDiff). */
export function planDiff(
  olds: KeyOutputs,
  news: KeyInputs,
  live: KeyDescription | undefined | 'unchecked',
  material: Material | 'unknown' | Unchecked,
  now: Date,
  rotation?: RotationContext,
): DiffPlan {
  return finishDiff(offlineDiff(olds, news, material, rotation), live, now);
}

export type UpdateAction =
  /** The key has no material: import it. */
  | 'import'
  /** The key holds the material with another expiry: import the same material again. */
  | 'reimport'
  /** Nothing to do in the cloud. */
  | 'none';

/**
 * What an update must do to the key, judged from its live state (not the recorded one) at the cloud's `now`.
 * `previous` is the policy recorded at the last import: a new rolling period is imported even when the live
 * expiry would still do.
 */
export function planUpdate(live: KeyDescription | undefined, policy: ExpiryPolicy, now: Date, previous: ExpiryPolicy = policy): UpdateAction {
  if (keyIsGone(live)) {
    throw new ImportedKeyError('KeyNotFound', `keyId: the key is gone or pending deletion${live ? ` (${live.keyId})` : ''}`);
  }
  if (live!.keyState === 'PendingImport') return 'import';
  if (live!.keyState === 'Enabled' || live!.keyState === 'Disabled') {
    const newPeriod = policy.kind === 'period' && !samePolicy(policy, previous);
    return expirySatisfied(policy, live!, now) && !newPeriod ? 'none' : 'reimport';
  }
  throw new ImportedKeyError('InvalidKeyState', `key ${live!.keyId} is ${live!.keyState}; cannot import material in that state`);
}

export type DeleteAction = 'scheduleDeletion' | 'deleteMaterial' | 'nothing';

/** The `onDelete` in effect: the argument, else deleteMaterial for adopted keys and scheduleKeyDeletion for created ones. */
export function effectiveOnDelete(onDelete: OnDelete | undefined, adopted: boolean): OnDelete {
  return onDelete ?? (adopted ? 'deleteMaterial' : 'scheduleKeyDeletion');
}

/**
 * What delete does for an `onDelete` choice. `live` is 'unchecked' when the key was not described
 * (scheduling deletion needs no look first: the adapter counts "already gone/pending" as done).
 */
export function planDelete(onDelete: OnDelete | undefined, adopted: boolean, live: KeyDescription | undefined | 'unchecked'): DeleteAction {
  const choice = effectiveOnDelete(onDelete, adopted);
  if (choice === 'retain') return 'nothing';
  if (live !== 'unchecked' && keyIsGone(live)) return 'nothing';
  if (choice === 'deleteMaterial') return live !== 'unchecked' && live!.keyState === 'PendingImport' ? 'nothing' : 'deleteMaterial';
  return 'scheduleDeletion';
}
