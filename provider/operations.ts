// create / read / update / delete of one ImportedKey through a KmsAdapter, for every cloud.
// Decisions come from lifecycle.ts; this file only sequences the cloud calls.

import type { CloudProfile, KeyDescription, KeyFinish, KmsAdapter } from './clouds/adapter';
import { creationToken } from './creation-token';
import { digestMaterial, materialMatchesDigest } from './digest';
import { ImportedKeyError } from '../core/errors';
import { expiryPolicy, importExpiry } from './expiry';
import { importKeyMaterial, MaterialDeletedError } from './import-material';
import { effectiveOnDelete, keyIsGone, materialInPlace, planDelete, planUpdate } from './lifecycle';
import { materialRecords, needsMaterialListing, recordedDigests, recordedMaterialCount, singleMaterialRecord } from './materials';
import { toOutputs } from './outputs';
import { updateMaterials, type MaterialOutcome, type MaterialSteps } from './rotation';
import type { RecentLook } from './recent-look';
import type { KeyInputs, KeyOutputs } from './types';
import type { KeyMaterialEntry } from './clouds/adapter';
import { describeRecordedKey, waitForKey } from './waiter';
import { isWrappingAlgorithm } from '../core/wrapping';
import type { Material } from './material-sources';
import { validateMaterial } from './material-sources/wrap-material';
import { previousStepMaterials } from './source-material';

export interface Cloud {
  profile: CloudProfile;
  adapter: KmsAdapter;
}

/**
 * The cloud's time: the Date of its latest reply where the adapter reads it, else the machine's clock. The cloud
 * decides when material expires, so a rolling expiry is measured on its clock (a skewed machine cannot cut it short).
 */
export function cloudNow(adapter: KmsAdapter): Date {
  return adapter.cloudTime?.() ?? new Date();
}

/**
 * The arguments a create works with: where the cloud requires an alias and none is given, one derived from
 * the resource name (random suffix, so a create-before-delete replacement does not collide), marked as derived.
 */
export function withDerivedAlias(profile: CloudProfile, inputs: KeyInputs): KeyInputs {
  if (inputs.alias !== undefined || inputs.keyId !== undefined || !profile.deriveAlias) return inputs;
  return { ...inputs, alias: profile.deriveAlias(inputs.resourceName ?? 'imported-key'), aliasDerived: true };
}

/** An update keeps the alias derived at creation while the `alias` argument stays out (it is the key's name). */
function keepDerivedAlias(olds: Partial<KeyOutputs>, news: KeyInputs): KeyInputs {
  if (news.alias !== undefined || !olds.aliasDerived || olds.alias === undefined) return news;
  return { ...news, alias: olds.alias, aliasDerived: true };
}

/**
 * The recorded outputs as a diff compares them: state written before protection levels were recorded has none,
 * and its created key has the key spec's default level (what the adapter always created) — not a change.
 */
export function withRecordedDefaults(profile: CloudProfile, olds: KeyOutputs): KeyOutputs {
  if (olds.adopted || olds.protectionLevel !== undefined || !profile.protectionLevels || !profile.keySpecs.includes(olds.keySpec)) return olds;
  return { ...olds, protectionLevel: profile.protectionLevels(olds.keySpec)[0] };
}

/**
 * The wrapping algorithm and key spec for the live key: the arguments, else the cloud's defaults. Where the cloud
 * has protection levels, the key's level decides (an adopted key's level is only known here).
 */
function wrappingFor(profile: CloudProfile, inputs: KeyInputs, live: KeyDescription): { wrappingAlgorithm: string; wrappingKeySpec: string } {
  const level = live.protectionLevel ?? inputs.protectionLevel;
  const offered = profile.wrappingAlgorithms(live.keySpec, level);
  const wrappingAlgorithm = inputs.wrappingAlgorithm ?? offered[0];
  if (profile.protectionLevels && inputs.wrappingAlgorithm !== undefined && !offered.some((offer) => offer === inputs.wrappingAlgorithm)) {
    throw new ImportedKeyError(
      'InvalidArgument',
      `wrappingAlgorithm: ${profile.cloud} does not accept ${inputs.wrappingAlgorithm} for key ${live.keyId} (${live.keySpec}, protectionLevel ${level}); one of: ${offered.join(', ')}`,
    );
  }
  const wrappingKeySpec = inputs.wrappingKeySpec ?? (isWrappingAlgorithm(wrappingAlgorithm) ? profile.wrappingKeySpecs(wrappingAlgorithm)[0] : undefined);
  if (!wrappingAlgorithm || !wrappingKeySpec) {
    throw new ImportedKeyError('InvalidArgument', `keySpec: ${profile.cloud} offers no wrapping algorithm for ${live.keySpec}`);
  }
  return { wrappingAlgorithm, wrappingKeySpec };
}

/**
 * The DescribeKey that confirms an import. KMS is eventually consistent, so it is asked again with backoff (waiter.ts,
 * up to PROPAGATION_TIMEOUT_MS) until it shows the material in place with the expiry asked for; NotFound is waited out
 * only for a key just created (not visible yet), and a key pending deletion ends the wait at once.
 */
async function confirmImport(adapter: KmsAdapter, keyId: string, expiresAt: string | undefined, justCreated: boolean): Promise<KeyDescription> {
  const shows = (live: KeyDescription | undefined): boolean =>
    live === undefined ? !justCreated : live.keyState === 'PendingDeletion' || materialInPlace(live, expiresAt);
  const { live, settled, waitedMs } = await waitForKey(adapter, keyId, shows);
  const waited = settled ? '' : ` (still so after waiting ${Math.round(waitedMs / 1000)} s for the import to show)`;
  if (!live) throw new ImportedKeyError('KeyNotFound', `key ${keyId} not found${waited}`, { id: keyId });
  if (!materialInPlace(live, expiresAt)) {
    throw new ImportedKeyError('ImportFailed', `key ${keyId} is ${live.keyState} after the import, not Enabled with the expiry asked for${waited}`);
  }
  return live;
}

/** Checks an existing key can be adopted and returns its description. */
async function describeKeyToAdopt(adapter: KmsAdapter, keyId: string, inputs: KeyInputs, material: Material): Promise<KeyDescription> {
  const live = await adapter.describeKey(keyId);
  if (keyIsGone(live)) throw new ImportedKeyError('KeyNotFound', `keyId: key ${keyId} does not exist or is pending deletion`);
  if (live!.origin.toUpperCase() !== 'EXTERNAL') {
    throw new ImportedKeyError('InvalidArgument', `keyId: key ${keyId} has origin ${live!.origin}; only keys with origin EXTERNAL take imported material`);
  }
  if (inputs.keySpec !== undefined && inputs.keySpec !== live!.keySpec) {
    throw new ImportedKeyError('InvalidArgument', `keySpec: key ${keyId} is ${live!.keySpec}, not ${inputs.keySpec}`);
  }
  validateMaterial(live!.keySpec, material);
  return live!;
}

export interface CreateResult {
  id: string;
  outs: KeyOutputs;
}

/**
 * Creates (or adopts) the key and imports the material. A failure after the key exists carries
 * the key id in `id`, so the engine records a partly created resource and the next update finishes.
 */
export async function createImportedKey({ profile, adapter }: Cloud, inputs: KeyInputs, material: Material): Promise<CreateResult> {
  const adopted = inputs.keyId !== undefined;
  let live: KeyDescription;
  // What CreateKey could not set (alias, tags on some clouds), when setting it after failed: recorded as pending.
  let unfinished: { finish: KeyFinish; error: unknown } | undefined;
  const token = adopted ? undefined : creationToken(inputs, material);
  if (adopted) {
    live = await describeKeyToAdopt(adapter, inputs.keyId!, inputs, material);
  } else {
    const keySpec = inputs.keySpec ?? profile.defaultKeySpec;
    // A key an interrupted earlier create made (its reply lost, its host or CLI killed before the import) is finished
    // here instead of being left behind while a second one is made.
    const earlier = await adapter.findCreated?.(token!);
    // A derived alias is random per attempt (Huawei): the key found has the one its create derived, and the state says so.
    if (earlier?.alias !== undefined && inputs.aliasDerived) inputs = { ...inputs, alias: earlier.alias };
    live = earlier ?? await adapter.createKey({
      keySpec, keyUsage: inputs.keyUsage, protectionLevel: inputs.protectionLevel, description: inputs.description, alias: inputs.alias, tags: inputs.tags,
      creationToken: token!,
    });
    const finish = finishingSteps(adapter, inputs);
    // The material still goes in when the alias cannot be set: the key is usable, and the alias is retried later.
    if (finish) await adapter.finishKey!(live.keyId, finish).catch((error: unknown) => (unfinished = { finish, error }));
  }
  const keyId = live.keyId;
  const policy = expiryPolicy(inputs);
  const recorded = (liveNow: KeyDescription, pending: KeyFinish | undefined) => outputsWhilePending(inputs, liveNow, adopted, digestMaterial(material), pending);
  try {
    // Always import, also into an adopted key that looks right: importing the same material is the only proof the
    // clouds give that the key holds *this* material (other material is refused: IncorrectKeyMaterialException).
    const materialPresent = live.keyState === 'Enabled' || live.keyState === 'Disabled';
    if (adopted && materialPresent && adapter.reimportMode === 'delete-first') {
      throw new ImportedKeyError(
        'InvalidArgument',
        `keyId: key ${keyId} already holds key material, and ${profile.cloud} takes an import only into a key pending import: ` +
          'proving that material is yours would mean deleting it first, which destroys it if it is not. If you hold that material, ' +
          'delete it from the key yourself (delete-imported-key-material) and run `pulumi up` again; or adopt a key pending import',
      );
    }
    const expiresAt = importExpiry(policy, cloudNow(adapter));
    const imported = await importKeyMaterial(adapter, { keyId, material, expiresAt, materialPresent, ...wrappingFor(profile, inputs, live) });
    live = await confirmImport(adapter, keyId, expiresAt, !adopted);
    // AWS keys can hold several materials: ours being one of them does not make it the one the key uses.
    assertSameMaterialId(keyId, imported.keyMaterialId, live);
  } catch (error) {
    if (adopted) throw error;
    const cause = error instanceof Error ? error.message : String(error);
    const aliasToo = unfinished ? `; its ${describeFinish(unfinished.finish)} is not set either (${message(unfinished.error)})` : '';
    throw new ImportedKeyError(
      error instanceof ImportedKeyError ? error.code : 'ImportFailed',
      `key ${keyId} was created but its material is not imported yet (${cause})${aliasToo}; the key is recorded, and once the cause is fixed \`pulumi up\` imports the material into this same key`,
      {
        cause: error,
        id: keyId,
        cloudCode: error instanceof ImportedKeyError ? error.cloudCode : undefined,
        // The key as created: no material yet (whatever a failed describe would have said).
        // Where the token rides in the description, the key still carries it instead of the one asked for.
        outputs: recorded(
          withoutMaterial(live),
          adapter.creationInDescription ? { ...unfinished?.finish, description: inputs.description ?? '' } : unfinished?.finish,
        ),
      },
    );
  }
  if (inputs.enabled === false) live = await matchEnabled(adapter, keyId, live, false);
  if (!adopted) {
    // The marker goes, and where it was the description, the one asked for replaces it: failing that, it is pending.
    await adapter.creationDone?.(token!, { keyId, description: inputs.description }).catch((error: unknown) => {
      unfinished = { finish: { ...unfinished?.finish, description: inputs.description ?? '' }, error: unfinished?.error ?? error };
    });
  }
  if (unfinished) {
    throw new ImportedKeyError(
      unfinished.error instanceof ImportedKeyError ? unfinished.error.code : 'CloudError',
      `key ${keyId} was created and its material imported, but its ${describeFinish(unfinished.finish)} could not be set (${message(unfinished.error)}); ` +
        'the stack records the key without it, and the next `pulumi up` sets it',
      {
        cause: unfinished.error,
        id: keyId,
        cloudCode: unfinished.error instanceof ImportedKeyError ? unfinished.error.cloudCode : undefined,
        outputs: recorded(live, unfinished.finish),
      },
    );
  }
  const digest = digestMaterial(material);
  const digests = live.keyMaterialId ? { [live.keyMaterialId]: digest } : {};
  return { id: keyId, outs: withMaterials(adapter, toOutputs(live, { inputs, adopted, materialDigest: digest }), live, undefined, digests) };
}

/**
 * The material outputs, where the cloud keeps several materials per key (an adapter with listMaterials): the current
 * id, every material (from `materials`, else DescribeKey's one), the digests by id (only of materials still listed).
 */
function withMaterials(
  adapter: KmsAdapter, outs: KeyOutputs, live: KeyDescription, materials: readonly KeyMaterialEntry[] | undefined, digests: Record<string, string>,
): KeyOutputs {
  if (!adapter.listMaterials) return outs;
  const listed = materials ? new Set(materials.map((entry) => entry.keyMaterialId)) : undefined;
  const kept = Object.fromEntries(Object.entries(digests).filter(([id]) => !listed || listed.has(id)));
  return {
    ...outs,
    currentKeyMaterialId: live.keyMaterialId,
    keyMaterials: materials ? materialRecords(materials) : singleMaterialRecord(live, outs.keyMaterials),
    materialDigests: kept,
  };
}

/** Whether an update goes through the material steps (rotation.ts): a key that rotates, or holds several materials already. */
function manyMaterials(profile: CloudProfile, adapter: KmsAdapter, live: KeyDescription, olds: Partial<KeyOutputs>, news: KeyInputs): boolean {
  if (!adapter.listMaterials || !profile.materialRotation?.keySpecs.includes(live.keySpec)) return false;
  return news.onMaterialChange === 'rotate' || recordedMaterialCount(olds) > 1;
}

/**
 * The material steps of an update (heal, renewal, rotation, crash recovery: rotation.ts). A failure once new material
 * is in the key records its digest (a partial failure), so the next `up` finds it pending and finishes the rotation.
 */
async function runMaterialSteps(
  { profile, adapter }: Cloud, id: string, olds: Partial<KeyOutputs>, news: KeyInputs, material: Material, live: KeyDescription, now: Date,
): Promise<MaterialOutcome> {
  if (!['Enabled', 'Disabled', 'PendingImport'].includes(live.keyState)) {
    throw new ImportedKeyError('InvalidKeyState', `key ${live.keyId} is ${live.keyState}; cannot import material in that state`);
  }
  validateMaterial(live.keySpec, material);
  // Read only here, where the material steps may reimport one of them (source-material.ts).
  const previous = await previousStepMaterials(news, olds);
  for (const earlier of previous) validateMaterial(live.keySpec, earlier);
  const rotating = news.onMaterialChange === 'rotate' && !materialMatchesDigest(material, olds.materialDigest);
  const steps: MaterialSteps = {
    adapter, keyId: id, live, now,
    policy: expiryPolicy(news),
    previousPolicy: expiryPolicy(olds),
    ...wrappingFor(profile, news, live),
    // The newest first: the likeliest match for a material nobody recorded.
    candidates: [material, ...[...previous].reverse()],
    digests: recordedDigests(olds),
  };
  try {
    return await updateMaterials(steps, rotating ? material : undefined);
  } catch (error) {
    const pendingMaterialId = (error as { pendingMaterialId?: string }).pendingMaterialId;
    if (!(error instanceof ImportedKeyError) || pendingMaterialId === undefined) throw error;
    // Recorded: the key as it was, plus the digest of the material now pending in it.
    const outputs = { ...olds, materialDigests: { ...steps.digests } };
    throw new ImportedKeyError(error.code, `${error.message} (new material ${pendingMaterialId} is in the key, pending; the next \`pulumi up\` rotates to it)`, {
      cause: error, cloudCode: error.cloudCode, id, outputs,
    });
  }
}

/** Enables or disables the key to match `enabled`; the description after, as the cloud reports it. */
async function matchEnabled(adapter: KmsAdapter, keyId: string, live: KeyDescription, enabled: boolean): Promise<KeyDescription> {
  if (enabled && live.keyState === 'Disabled') await adapter.enableKey(keyId);
  else if (!enabled && live.keyState === 'Enabled') await adapter.disableKey(keyId);
  else return live;
  // The DescribeKey that confirms it waits for the change to show (eventual consistency: waiter.ts).
  const wanted = enabled ? 'Enabled' : 'Disabled';
  const { live: after } = await waitForKey(adapter, keyId, (d) => d === undefined || d.keyState === wanted || d.keyState === 'PendingDeletion');
  if (!after) throw new ImportedKeyError('KeyNotFound', `key ${keyId} not found`, { id: keyId });
  return after;
}

/** The pending steps, as the arguments now ask for them (an alias or tags changed meanwhile are what is set). */
function finishFor(pending: KeyFinish, news: KeyInputs): KeyFinish {
  const finish: KeyFinish = {};
  if (pending.alias !== undefined && news.alias !== undefined) finish.alias = news.alias;
  if (pending.tags !== undefined && news.tags !== undefined) finish.tags = news.tags;
  return finish;
}

/** What this cloud sets after CreateKey (its finishKey), for these arguments; undefined when nothing. */
function finishingSteps(adapter: KmsAdapter, inputs: KeyInputs): KeyFinish | undefined {
  if (!adapter.finishKey) return undefined;
  const finish: KeyFinish = {};
  if (inputs.alias !== undefined) finish.alias = inputs.alias;
  if (inputs.tags !== undefined && Object.keys(inputs.tags).length > 0) finish.tags = inputs.tags;
  return Object.keys(finish).length > 0 ? finish : undefined;
}

/** The outputs while `pending` is not on the key: without those arguments, and with them as pendingFinish. */
function outputsWhilePending(inputs: KeyInputs, live: KeyDescription, adopted: boolean, digest: string, pending: KeyFinish | undefined): Record<string, unknown> {
  return {
    ...toOutputs(live, { inputs: pending ? withoutFinish(inputs, pending) : inputs, adopted, materialDigest: digest }),
    ...(pending ? { pendingFinish: pending } : {}),
  };
}

/** The key as it is without material (just created, or its material deleted): pending import, no expiry, no material id. */
function withoutMaterial(live: KeyDescription): KeyDescription {
  return { ...live, keyState: 'PendingImport', expirationModel: undefined, validTo: undefined, keyMaterialId: undefined };
}

/** The arguments as the cloud has them while `finish` is pending: without that alias, those tags, that description. */
function withoutFinish(inputs: KeyInputs, finish: KeyFinish): KeyInputs {
  return {
    ...inputs,
    alias: finish.alias !== undefined ? undefined : inputs.alias,
    tags: finish.tags !== undefined ? undefined : inputs.tags,
    description: finish.description !== undefined ? undefined : inputs.description,
  };
}

function describeFinish(finish: KeyFinish): string {
  const parts = [finish.alias !== undefined ? `alias ${finish.alias}` : '', finish.tags !== undefined ? 'tags' : '', finish.description !== undefined ? 'description' : ''];
  return parts.filter(Boolean).join(' and ');
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The key's current material is not the one this stack imported (AWS CurrentKeyMaterialId): refuse to record it. */
function assertSameMaterialId(keyId: string, recorded: string | undefined, live: KeyDescription): void {
  if (recorded && live.keyMaterialId && live.keyMaterialId !== recorded) {
    throw new ImportedKeyError(
      'InvalidKeyMaterial',
      `key ${keyId}'s current key material is ${live.keyMaterialId}, not ${recorded}, the material this stack imported: ` +
        'someone imported or rotated to other material. The stack keeps recording the material it imported; restore it as current, or create a new key',
    );
  }
}

/**
 * The live outputs, or undefined when the key is gone or pending deletion (the resource is gone). A key this stack
 * recorded is believed missing only after describeRecordedKey's wait (a key just created may not show yet); a key
 * read with `ImportedKey.get` (nothing recorded) is not waited for.
 */
export async function readImportedKey(
  { profile, adapter }: Cloud, id: string, olds: KeyOutputs, seen?: (look: RecentLook) => void,
): Promise<KeyOutputs | undefined> {
  const live = olds.keyState === undefined ? await adapter.describeKey(id) : await describeRecordedKey(adapter, id);
  if (keyIsGone(live)) return undefined;
  // A key this stack recorded, found: what it is now, for the step that follows (a refresh's Diff).
  if (olds.keyState !== undefined) seen?.({ live: live!, now: cloudNow(adapter) });
  const outs = toOutputs(live!, { recorded: olds });
  // One DescribeKey for a key never rotated; ListKeyRotations too once the key holds several materials (materials.ts).
  const rotates = !!profile.materialRotation?.keySpecs.includes(live!.keySpec);
  const materials = olds.keyState !== undefined && rotates && adapter.listMaterials && needsMaterialListing(olds, live!) ? await adapter.listMaterials(id) : undefined;
  return withMaterials(adapter, outs, live!, materials, recordedDigests(olds));
}

/**
 * Imports the same material again when the key lost it or the expiry changed; records the rest. `recent` is what the
 * diff just before saw of the key (recent-look.ts), taken instead of describing it again; without it, it is described.
 */
export async function updateImportedKey(
  { profile, adapter }: Cloud, id: string, olds: Partial<KeyOutputs>, wanted: KeyInputs, material: Material, recent?: RecentLook,
): Promise<KeyOutputs> {
  const news = keepDerivedAlias(olds, wanted);
  let live = recent ? recent.live : await describeRecordedKey(adapter, id);
  const now = recent ? recent.now : cloudNow(adapter);
  const policy = expiryPolicy(news);
  let outcome: MaterialOutcome | undefined;
  if (live && !keyIsGone(live) && manyMaterials(profile, adapter, live, olds, news)) {
    outcome = await runMaterialSteps({ profile, adapter }, id, olds, news, material, live, now);
    live = outcome.live;
  }
  const materialMoved = !!(olds.keyMaterialId && live?.keyMaterialId && live.keyMaterialId !== olds.keyMaterialId);
  const planned = outcome ? 'none' : planUpdate(live, policy, now, expiryPolicy(olds));
  // Other current material: import ours again (the cloud refuses it if ours is not there), then check who is current.
  const action = planned === 'none' && materialMoved && !outcome ? 'reimport' : planned;
  if (action !== 'none') {
    validateMaterial(live!.keySpec, material);
    const expiresAt = importExpiry(policy, now);
    try {
      await importKeyMaterial(adapter, {
        keyId: id,
        material,
        expiresAt,
        materialPresent: action === 'reimport',
        ...wrappingFor(profile, news, live!),
      });
    } catch (error) {
      if (!(error instanceof MaterialDeletedError)) throw error;
      // The material is deleted and not back: record the key as the cloud has it (pending import, no expiry), not as
      // it was, so refresh and preview show PendingImport and the next `up` imports again (a partial failure).
      const adopted = olds.adopted ?? news.keyId !== undefined;
      // What a partly created key still lacked (alias, tags, description) stays pending, and unrecorded as set.
      const pending = olds.pendingFinish && !adopted ? olds.pendingFinish : undefined;
      const outputs = outputsWhilePending(news, withoutMaterial(live!), adopted, recordedDigest(material, olds), pending);
      throw new ImportedKeyError(error.code, error.message, { cause: error, cloudCode: error.cloudCode, id, outputs });
    }
    live = await confirmImport(adapter, id, expiresAt, false);
  }
  if (!outcome) assertSameMaterialId(id, olds.keyMaterialId, live!);
  live = await matchEnabled(adapter, id, live!, news.enabled !== false);
  // A partly created key's alias / tags that the cloud does not have yet (recorded only once it has them).
  if (olds.pendingFinish && !olds.adopted) await adapter.finishKey?.(id, finishFor(olds.pendingFinish, news));
  // A pending description: the create was never done (its key still carries the creation marker); this finishes it.
  if (olds.pendingFinish?.description !== undefined && !olds.adopted) {
    await adapter.creationDone?.(creationToken(news, material), { keyId: id, description: news.description });
  }
  const digests = outcome ? outcome.digests : recordedDigests(olds);
  const digest = (live!.keyMaterialId && materialMatchesDigest(material, digests[live!.keyMaterialId]) ? digests[live!.keyMaterialId] : undefined) ?? recordedDigest(material, olds);
  if (!outcome && live!.keyMaterialId) digests[live!.keyMaterialId] = digest;
  const outs = toOutputs(live!, { inputs: news, adopted: olds.adopted ?? news.keyId !== undefined, materialDigest: digest });
  return withMaterials(adapter, outs, live!, outcome?.materials, digests);
}

/** The digest to record: the recorded one while it still matches (a digest is salted: a new one would be a diff). */
function recordedDigest(material: Material, olds: Partial<KeyOutputs>): string {
  return materialMatchesDigest(material, olds.materialDigest) ? olds.materialDigest! : digestMaterial(material);
}

/** Follows onDelete; a key already gone or already pending deletion counts as deleted. */
export async function deleteImportedKey({ profile, adapter }: Cloud, id: string, olds: Partial<KeyOutputs>): Promise<void> {
  const adopted = olds.adopted ?? false;
  const choice = effectiveOnDelete(olds.onDelete, adopted);
  const live = choice === 'deleteMaterial' ? await adapter.describeKey(id) : 'unchecked';
  const action = planDelete(choice, adopted, live);
  if (action === 'scheduleDeletion') await adapter.scheduleDeletion(id, olds.deletionWindowInDays ?? profile.deletionWindowDays.default);
  else if (action === 'deleteMaterial') await adapter.deleteMaterial(id);
}
