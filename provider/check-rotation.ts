// `check`'s rules for rotating imported material (AWS: several materials per key): where rotate is possible, what
// previousKeyMaterials must hold. All knowable offline, so `pulumi preview` refuses before any call; each reason names
// its argument and what is allowed, and never a material (entries are named by their index).

import type { CloudProfile } from './clouds/adapter';
import { CLOUD_NAMES, findCloudProfile } from './clouds';
import { isUnknown } from './lifecycle';
import { outgoingMissing } from './materials';
import { ON_MATERIAL_CHANGE_VALUES } from './types';
import { validateKeyMaterial } from '../core/wrapping';
import { checkMaterialSource, describeMaterialSource } from './material-sources/spec';

type Fail = (property: string, reason: string) => void;

/** What `replace` does, said wherever rotate is refused: the way that works everywhere. */
const REPLACE_INSTEAD = 'use onMaterialChange replace (the default), which creates a new key with the new material and moves the alias to it';

/** The clouds (and key specs) that rotate, for messages. */
function rotatingClouds(): string {
  return CLOUD_NAMES.flatMap((name) => {
    const rotation = findCloudProfile(name)?.materialRotation;
    return rotation ? [`${name} (key spec ${rotation.keySpecs.join(', ')})`] : [];
  }).join(', ');
}

/**
 * `onMaterialChange` and `previousKeyMaterials`. `keySpec` is the key's spec where known offline (a created key; an
 * adopted key's spec is judged by the diff, which describes it). `decode` is check's base64 decoder (its errors name
 * no bytes).
 */
export function checkMaterialRotation(
  profile: CloudProfile | undefined,
  keySpec: string | undefined,
  news: Record<string, unknown>,
  decode: (value: unknown) => Buffer,
  fail: Fail,
): void {
  const mode = news.onMaterialChange;
  if (mode !== undefined && !isUnknown(mode) && !ON_MATERIAL_CHANGE_VALUES.some((value) => value === mode)) {
    const shown = typeof mode === 'string' ? JSON.stringify(mode.slice(0, 40)) : `a ${typeof mode}`;
    fail('onMaterialChange', `${shown} is not allowed; one of: ${ON_MATERIAL_CHANGE_VALUES.join(', ')}`);
    return;
  }
  const rotating = mode === 'rotate';
  if (rotating && profile && !profile.materialRotation) {
    fail('onMaterialChange', `rotate is not possible on ${profile.cloud}: its keys hold one material for good; ${REPLACE_INSTEAD}. Rotation works on ${rotatingClouds()}`);
  } else if (rotating && profile?.materialRotation && keySpec !== undefined && !profile.materialRotation.keySpecs.includes(keySpec)) {
    fail('onMaterialChange', `rotate is not possible for ${keySpec} keys: ${profile.cloud} keeps one material per ${keySpec} key (only ${profile.materialRotation.keySpecs.join(', ')} keys rotate); ${REPLACE_INSTEAD}`);
  }

  const previous = news.previousKeyMaterials;
  if (previous === undefined || isUnknown(previous)) return;
  if (profile && !profile.materialRotation) {
    fail('previousKeyMaterials', `${profile.cloud} keys hold one material for good, so there are no earlier materials to keep; remove it (it applies to ${rotatingClouds()})`);
    return;
  }
  // Allowed with replace too: a key that rotated keeps needing every earlier material (heal, renewal) after its
  // program switches back to replace; the diff refuses dropping one (lifecycle.ts judgeKeptMaterials).
  if (!Array.isArray(previous)) {
    fail('previousKeyMaterials', `must be a list of the earlier key materials, oldest first, each base64 or a source ({ file }, { env }, { command }, { pkcs11 }); got ${previous === null ? 'null' : typeof previous}`);
    return;
  }
  // A source entry is checked for its shape only (nothing is read at preview); the diff opens it and judges its material.
  const decoded: (Buffer | string | undefined)[] = previous.map((entry, index) => {
    if (isUnknown(entry)) return undefined;
    if (typeof entry === 'object' && entry !== null && !Array.isArray(entry)) {
      try {
        return describeMaterialSource(checkMaterialSource(entry, `previousKeyMaterials[${index}]`));
      } catch (error) {
        fail('previousKeyMaterials', error instanceof Error ? error.message : String(error));
        return undefined;
      }
    }
    try {
      const material = decode(entry);
      if (keySpec !== undefined) validateKeyMaterial(keySpec, material);
      return material;
    } catch (error) {
      const reason = error instanceof Error ? error.message.replace(/^keyMaterial\b/, 'it') : String(error);
      fail('previousKeyMaterials', `[${index}] is not usable key material (base64, or a source object): ${reason}`);
      return undefined;
    }
  });
  const current = news.keyMaterial !== undefined && !isUnknown(news.keyMaterial) ? safeDecode(decode, news.keyMaterial) : undefined;
  const currentSource = isSpecLike(news.keyMaterialSource) ? safeDescribe(news.keyMaterialSource) : undefined;
  const same = (a: Buffer | string, b: Buffer | string) => (typeof a === 'string' ? a === b : typeof b !== 'string' && a.equals(b));
  decoded.forEach((material, index) => {
    if (material === undefined) return;
    const first = decoded.findIndex((other) => other !== undefined && same(other, material));
    if (first < index) fail('previousKeyMaterials', `[${index}] is the same ${typeof material === 'string' ? 'source' : 'material'} as [${first}]; list each earlier material once, oldest first`);
    else if ((current && typeof material !== 'string' && current.equals(material)) || (currentSource !== undefined && material === currentSource)) {
      const argument = typeof material === 'string' ? 'keyMaterialSource' : 'keyMaterial';
      fail('previousKeyMaterials', `[${index}] is the same ${typeof material === 'string' ? 'source' : 'material'} as ${argument}; ${argument} is the current material, previousKeyMaterials only the earlier ones`);
    }
  });
}

function isSpecLike(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !isUnknown(value);
}

function safeDescribe(raw: unknown): string | undefined {
  try {
    return describeMaterialSource(checkMaterialSource(raw));
  } catch {
    return undefined;
  }
}

function safeDecode(decode: (value: unknown) => Buffer, value: unknown): Buffer | undefined {
  try {
    return decode(value);
  } catch {
    return undefined;
  }
}

/**
 * The outgoing material of a rotation must stay within reach: with the old arguments known to `check` (the engine
 * passes the previous inputs), a new keyMaterial under rotate whose predecessor is not in previousKeyMaterials is
 * refused. The diff judges the same against the recorded digests, for every material the key holds.
 */
export function checkOutgoingMaterial(olds: Record<string, unknown>, news: Record<string, unknown>, decode: (value: unknown) => Buffer, fail: Fail): void {
  if (news.onMaterialChange !== 'rotate' || typeof olds.keyMaterial !== 'string' || typeof news.keyMaterial !== 'string') return;
  if (olds.cloud !== news.cloud) return;
  const before = safeDecode(decode, olds.keyMaterial);
  const now = safeDecode(decode, news.keyMaterial);
  if (!before || !now || before.equals(now)) return;
  const previous = Array.isArray(news.previousKeyMaterials) ? news.previousKeyMaterials : [];
  // Unknown entries, or sources (read only by the diff, which judges the same against the recorded digests): not here.
  if (previous.some((entry) => isUnknown(entry) || typeof entry !== 'string') || isUnknown(news.previousKeyMaterials)) return;
  const kept = previous.some((entry) => safeDecode(decode, entry)?.equals(before));
  if (!kept) fail('previousKeyMaterials', outgoingMissing());
}
