// The cloud steps for a key that holds several materials (AWS symmetric EXTERNAL keys since 2025): keep every
// associated material imported (drift heal, rolling renewal), rotate to new material in place, and finish or undo a
// rotation an earlier run left half done. The key is usable only while every material it ever rotated to is imported,
// so each step walks them all. Decisions that need no cloud call are in materials.ts and lifecycle.ts.

import type { KeyDescription, KeyMaterialEntry, KmsAdapter } from './clouds/adapter';
import { digestMaterial, materialMatchesDigest } from './digest';
import { ImportedKeyError } from '../core/errors';
import { expirySatisfied, importExpiry, samePolicy, type ExpiryPolicy } from './expiry';
import { isAssociated, isPendingRotation, plaintextFor } from './materials';
import { REAL_CLOCK, waitForKey, type WaitClock, type WaitPolicy } from './waiter';
import type { WrappingAlgorithm } from '../core/wrapping';
import type { Material } from './material-sources';
import { wrapMaterial } from './material-sources/wrap-material';

/** How long a rotation may take to show its material CURRENT in ListKeyRotations: AWS completes it asynchronously. */
export const ROTATION_COMPLETION_POLICY: Readonly<WaitPolicy> = Object.freeze({ timeoutMs: 10 * 60_000, initialDelayMs: 500, maxDelayMs: 15_000 });
/**
 * How long RotateKeyOnDemand's ConflictException (a rotation in progress, or one due within 20 minutes) is waited out
 * before the step fails saying so: past that, a later `up` finishes the rotation (the material stays pending).
 */
export const ROTATION_CONFLICT_POLICY: Readonly<WaitPolicy> = Object.freeze({ timeoutMs: 5 * 60_000, initialDelayMs: 2_000, maxDelayMs: 30_000 });
/** How long the key may take to leave PendingImport in DescribeKey once its materials are imported again. */
export const MATERIALS_SETTLE_POLICY: Readonly<WaitPolicy> = Object.freeze({ timeoutMs: 120_000, initialDelayMs: 250, maxDelayMs: 5_000 });

/** What the material steps of one update work with. */
export interface MaterialSteps {
  adapter: KmsAdapter;
  keyId: string;
  /** The key as described at the start of the step. */
  live: KeyDescription;
  policy: ExpiryPolicy;
  /** The policy recorded at the last import: a new rolling period renews every material. */
  previousPolicy: ExpiryPolicy;
  /** The cloud's time. */
  now: Date;
  wrappingAlgorithm: string;
  wrappingKeySpec: string;
  /** The plaintexts within reach: keyMaterial first, then previousKeyMaterials (newest first). */
  candidates: readonly Material[];
  /** keyMaterialId → digest as recorded; the steps add what they learn. */
  digests: Record<string, string>;
  clock?: WaitClock;
}

/** What the material steps leave: the listing after them, the key described after them, the digests to record. */
export interface MaterialOutcome {
  materials: KeyMaterialEntry[];
  live: KeyDescription;
  digests: Record<string, string>;
  /** Calls of note, in order, for messages and tests: `reimport <id>`, `rotate <id>`, `delete <id>`. */
  done: string[];
}

/** One GetParametersForImport per step, shared by its imports (a token serves every import into its key until it expires). */
class ImportSession {
  private parameters?: { publicKey: Buffer; importToken: Buffer };
  constructor(private readonly steps: MaterialSteps) {}

  /** Imports `material`; a refused token is fetched again once. */
  async import(material: Material, fields: { importType: 'NEW_KEY_MATERIAL' | 'EXISTING_KEY_MATERIAL'; keyMaterialId?: string; description?: string }, expiresAt: string | undefined) {
    const { adapter, keyId } = this.steps;
    for (let attempt = 0; ; attempt++) {
      const parameters = await this.fetch(attempt > 0);
      const encryptedKeyMaterial = await wrapMaterial(material, this.steps.wrappingAlgorithm as WrappingAlgorithm, parameters.publicKey);
      try {
        return await adapter.importMaterial({ keyId, importToken: parameters.importToken, encryptedKeyMaterial, expiresAt, ...fields });
      } catch (error) {
        if (attempt === 0 && error instanceof ImportedKeyError && error.code === 'ImportTokenRejected') continue;
        throw error;
      }
    }
  }

  private async fetch(fresh: boolean) {
    if (!this.parameters || fresh) {
      const { adapter, keyId } = this.steps;
      this.parameters = await adapter.getImportParameters(keyId, this.steps.wrappingAlgorithm as WrappingAlgorithm, this.steps.wrappingKeySpec);
    }
    return this.parameters;
  }
}

/** Whether an associated material must be imported again: pending import, or its expiry not what the policy asks. */
function needsImport(entry: KeyMaterialEntry, steps: MaterialSteps): boolean {
  if (entry.importState === 'PENDING_IMPORT') return true;
  const asDescribed = { keyState: 'Enabled', validTo: entry.validTo, expirationModel: entry.expirationModel } as KeyDescription;
  const newPeriod = steps.policy.kind === 'period' && !samePolicy(steps.policy, steps.previousPolicy);
  return newPeriod || !expirySatisfied(steps.policy, asDescribed, steps.now);
}

/**
 * Imports `entry` again (EXISTING_KEY_MATERIAL + its id) with the plaintext its recorded digest names, else the first
 * candidate AWS accepts (it refuses another material: IncorrectKeyMaterialException). Records the digest found.
 */
async function reimportEntry(steps: MaterialSteps, session: ImportSession, entry: KeyMaterialEntry, expiresAt: string | undefined): Promise<Material> {
  const recorded = plaintextFor(steps.digests[entry.keyMaterialId], steps.candidates);
  const tries = recorded ? [recorded] : steps.candidates;
  for (const candidate of tries) {
    try {
      await session.import(candidate, { importType: 'EXISTING_KEY_MATERIAL', keyMaterialId: entry.keyMaterialId }, expiresAt);
      steps.digests[entry.keyMaterialId] ??= digestMaterial(candidate);
      return candidate;
    } catch (error) {
      if (!(error instanceof ImportedKeyError && error.code === 'InvalidKeyMaterial') || recorded) throw error;
    }
  }
  throw new ImportedKeyError(
    'InvalidKeyMaterial',
    `key ${steps.keyId}'s material ${entry.keyMaterialId} (${entry.state}, ${entry.importState ?? 'import state unknown'}) is none of keyMaterial and previousKeyMaterials ` +
      `(${tries.length} tried, each refused): the key needs that material imported to be usable; add it to previousKeyMaterials`,
  );
}

/**
 * Drift heal and rolling renewal: every associated material (CURRENT, NON_CURRENT) that is pending import or due for
 * renewal is imported again, and one nobody recorded (an adopted key's history, a rotation made elsewhere) is matched
 * against the candidates so that its digest is recorded. Pending rotations are left to rotateTo.
 */
export async function keepMaterialsAlive(steps: MaterialSteps, materials: readonly KeyMaterialEntry[], session = new ImportSession(steps), done: string[] = []): Promise<void> {
  const expiresAt = importExpiry(steps.policy, steps.now);
  for (const entry of materials) {
    if (!isAssociated(entry)) continue;
    const unrecorded = steps.digests[entry.keyMaterialId] === undefined;
    if (!needsImport(entry, steps) && !unrecorded) continue;
    // An unrecorded material that needs nothing is proved with its own expiry kept where the policy allows it.
    await reimportEntry(steps, session, entry, expiresAt);
    done.push(`reimport ${entry.keyMaterialId}`);
  }
}

/** Every material, listed. */
async function list(steps: MaterialSteps): Promise<KeyMaterialEntry[]> {
  return steps.adapter.listMaterials!(steps.keyId);
}

/** Waits (policy) until `probe()` satisfies `settled`; returns the last answer and whether it settled. */
async function poll<T>(probe: () => Promise<T>, settled: (value: T) => boolean, policy: WaitPolicy, clock: WaitClock): Promise<{ value: T; settled: boolean; waitedMs: number }> {
  const started = clock.now();
  let delay = policy.initialDelayMs;
  for (;;) {
    const value = await probe();
    const waitedMs = clock.now() - started;
    if (settled(value)) return { value, settled: true, waitedMs };
    if (waitedMs >= policy.timeoutMs) return { value, settled: false, waitedMs };
    await clock.sleep(Math.min(delay, policy.timeoutMs - waitedMs));
    delay = Math.min(delay * 2, policy.maxDelayMs);
  }
}

/**
 * RotateKeyOnDemand, a ConflictException (a rotation in progress) waited out within ROTATION_CONFLICT_POLICY. "No
 * material pending rotation" is success when `id` is already CURRENT: an earlier run's RotateKeyOnDemand, still in
 * flight when that run died, landed meanwhile.
 */
async function startRotation(steps: MaterialSteps, clock: WaitClock, id: string): Promise<void> {
  let last: unknown;
  const { settled } = await poll(
    async () => {
      try {
        await steps.adapter.rotateMaterial!(steps.keyId);
        return true;
      } catch (error) {
        if (error instanceof ImportedKeyError && error.code === 'InvalidKeyState') {
          const entries = await list(steps);
          if (entries.some((entry) => entry.keyMaterialId === id && entry.state === 'CURRENT')) return true;
          throw error;
        }
        if (!(error instanceof ImportedKeyError && error.code === 'RotationInProgress')) throw error;
        last = error;
        return false;
      }
    },
    (started) => started,
    ROTATION_CONFLICT_POLICY,
    clock,
  );
  if (!settled) {
    throw new ImportedKeyError(
      'RotationInProgress',
      `key ${steps.keyId}: a rotation was still in progress after ${Math.round(ROTATION_CONFLICT_POLICY.timeoutMs / 60_000)} minutes (${message(last)}); ` +
        'the new material is imported and pending: the next `pulumi up` rotates to it',
      { cause: last },
    );
  }
}

/**
 * Rotates the key to `material`: a rotation an earlier run left half done is finished (its pending material is this
 * one) or undone (deleted by id); then parameters → ImportKeyMaterial(NEW_KEY_MATERIAL, the expiry, a description) →
 * RotateKeyOnDemand → ListKeyRotations until it is CURRENT. Returns the listing that shows it and the new id.
 */
export async function rotateTo(
  steps: MaterialSteps, material: Material, materials: KeyMaterialEntry[], session = new ImportSession(steps), done: string[] = [],
): Promise<{ materials: KeyMaterialEntry[]; keyMaterialId: string }> {
  const clock = steps.clock ?? REAL_CLOCK;
  const expiresAt = importExpiry(steps.policy, steps.now);
  // Already rotated to it (a run that stopped after RotateKeyOnDemand): keepMaterialsAlive matched and recorded it.
  const current = materials.find((entry) => entry.state === 'CURRENT');
  if (current && materialMatchesDigest(material, steps.digests[current.keyMaterialId])) return { materials, keyMaterialId: current.keyMaterialId };

  let pendingId: string | undefined;
  for (const pending of materials.filter(isPendingRotation)) {
    if (pendingId === undefined && (await isIntended(steps, session, pending, material, expiresAt))) {
      pendingId = pending.keyMaterialId;
      done.push(`resume ${pending.keyMaterialId}`);
    } else {
      // Not the material asked for: a pending material is not associated with the key yet, so deleting it loses nothing.
      await steps.adapter.deleteMaterial(steps.keyId, pending.keyMaterialId);
      done.push(`delete ${pending.keyMaterialId}`);
    }
  }
  if (pendingId === undefined) {
    const generation = materials.filter(isAssociated).length + 1;
    const reply = await session.import(material, { importType: 'NEW_KEY_MATERIAL', description: `pulumi imported-key generation ${generation}` }, expiresAt);
    if (!reply.keyMaterialId) throw new ImportedKeyError('CloudError', `importing new key material into ${steps.keyId}: the reply has no KeyMaterialId`);
    pendingId = reply.keyMaterialId;
    done.push(`import-new ${pendingId}`);
  }
  steps.digests[pendingId] = digestMaterial(material);
  const id = pendingId;
  try {
    await startRotation(steps, clock, id);
    done.push(`rotate ${id}`);
    const { value, settled, waitedMs } = await poll(() => list(steps), (entries) => entries.some((e) => e.keyMaterialId === id && e.state === 'CURRENT'), ROTATION_COMPLETION_POLICY, clock);
    if (!settled) {
      throw new ImportedKeyError('CloudError', `key ${steps.keyId}: material ${id} is still not CURRENT ${Math.round(waitedMs / 1000)} s after RotateKeyOnDemand; the next \`pulumi up\` checks again`);
    }
    return { materials: value, keyMaterialId: id };
  } catch (error) {
    // The material is in the key, pending or rotating: the state must say so (its digest recorded), so the next up resumes it.
    throw Object.assign(error instanceof ImportedKeyError ? error : new ImportedKeyError('CloudError', message(error), { cause: error }), { pendingMaterialId: id });
  }
}

/**
 * Whether a pending material is `material`: by its recorded digest, else by importing `material` as that material
 * (EXISTING_KEY_MATERIAL + its id): AWS accepts only the same material. A refusal of any kind means "not provably ours".
 */
async function isIntended(steps: MaterialSteps, session: ImportSession, pending: KeyMaterialEntry, material: Material, expiresAt: string | undefined): Promise<boolean> {
  if (materialMatchesDigest(material, steps.digests[pending.keyMaterialId])) return true;
  try {
    await session.import(material, { importType: 'EXISTING_KEY_MATERIAL', keyMaterialId: pending.keyMaterialId }, expiresAt);
    return true;
  } catch (error) {
    if (error instanceof ImportedKeyError && (error.code === 'InvalidKeyMaterial' || error.code === 'InvalidArgument' || error.code === 'InvalidKeyState')) return false;
    throw error;
  }
}

/**
 * The whole material step of an update: list, heal and renew every material, rotate when `rotateTo` is given, then
 * describe until the key is out of PendingImport (and, after a rotation, reports the new material as current).
 */
export async function updateMaterials(steps: MaterialSteps, newMaterial: Material | undefined): Promise<MaterialOutcome> {
  const session = new ImportSession(steps);
  const done: string[] = [];
  let materials = await list(steps);
  await keepMaterialsAlive(steps, materials, session, done);
  let expectedCurrent: string | undefined;
  if (newMaterial) {
    const rotated = await rotateTo(steps, newMaterial, materials, session, done);
    materials = rotated.materials;
    expectedCurrent = rotated.keyMaterialId;
  } else if (done.length > 0) {
    materials = await list(steps);
  }
  const healed = done.length > 0 || steps.live.keyState === 'PendingImport';
  let live = steps.live;
  if (healed || expectedCurrent) {
    const settled = (d: KeyDescription | undefined) =>
      d === undefined || d.keyState === 'PendingDeletion' || (d.keyState !== 'PendingImport' && (!expectedCurrent || d.keyMaterialId === expectedCurrent));
    const result = await waitForKey(steps.adapter, steps.keyId, settled, MATERIALS_SETTLE_POLICY, steps.clock ?? REAL_CLOCK);
    if (!result.live || !settled(result.live) || result.live.keyState === 'PendingDeletion') {
      const pending = materials.filter((entry) => isAssociated(entry) && entry.importState === 'PENDING_IMPORT').map((entry) => entry.keyMaterialId);
      throw new ImportedKeyError(
        'ImportFailed',
        `key ${steps.keyId} is ${result.live?.keyState ?? 'not found'} after importing its materials again` +
          `${pending.length > 0 ? ` (still pending import: ${pending.join(', ')})` : ''}; the next \`pulumi up\` tries again`,
      );
    }
    live = result.live;
  }
  return { materials, live, digests: steps.digests, done };
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
