// One import of key material into one key, written once for every cloud through KmsAdapter:
// fresh parameters → wrap → (delete old material first where the cloud demands it) → import,
// with one retry on a refused token and a DescribeKey before giving up (the reply may be lost).
// Once the old material is deleted the key is unusable until an import succeeds, so that import is tried again
// (fresh parameters each time) for a bounded time, and if it still fails the error says what was left behind.

import type { KeyDescription, KmsAdapter } from './clouds/adapter';
import { backoffDelay } from './clouds/retry';
import { ImportedKeyError, type ErrorCode } from '../core/errors';
import { materialInPlace } from './lifecycle';
import { NOT_FOUND_POLICY, REAL_CLOCK, waitForKey, type WaitClock } from './waiter';
import type { WrappingAlgorithm } from '../core/wrapping';
import type { Material } from './material-sources';
import { wrapMaterial } from './material-sources/wrap-material';

export interface ImportRequest {
  keyId: string;
  /** The bytes, or an HSM's key (the HSM wraps it). */
  material: Material;
  wrappingAlgorithm: string;
  wrappingKeySpec: string;
  expiresAt?: string;
  /** True when the key holds material now (a reimport: new expiry). */
  materialPresent: boolean;
}

/** Answers in which the cloud says what it refused: the work was not done, whatever DescribeKey shows. */
const DEFINITE_REFUSALS: readonly ErrorCode[] = ['InvalidKeyMaterial', 'InvalidArgument'];

function errorCode(error: unknown): ErrorCode | undefined {
  return error instanceof ImportedKeyError ? error.code : undefined;
}

function describeCause(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * How long the import after a delete-first cloud's delete keeps trying: 6 attempts, full-jitter pauses below 0.5, 1,
 * 2, 4, 5 s (about 6 s in all on average), and never past 60 s from the delete. Each attempt's calls also get their
 * client's own retries (throttling, 503), so this covers what those do not: a 500 or a lost reply on the import, a
 * token used or expired meanwhile. Long enough for a blip; short enough that a cloud refusing for good is reported
 * within the step rather than after minutes of an unusable key nobody was told about.
 */
export const IMPORT_AFTER_DELETE_BUDGET = Object.freeze({ maxAttempts: 6, timeoutMs: 60_000, baseDelayMs: 500, maxDelayMs: 5_000 });

/**
 * The import after the delete failed for good: the key holds no material (pending import, unusable). Operations turn
 * it into a partial failure that records the key as PendingImport, so the stack says what the cloud has.
 */
export class MaterialDeletedError extends ImportedKeyError {}

/** Failures another attempt may cure (a refusal that names the material or the arguments will not change). */
function worthAnotherAttempt(error: unknown): boolean {
  const code = errorCode(error);
  // CloudError: 5xx, network, no reply; ImportTokenRejected: a used or expired token (fresh parameters cure it);
  // InvalidKeyState: e.g. Huawei's KMS.0310 when an earlier attempt's lost reply did import (DescribeKey settles it).
  return code === undefined || code === 'CloudError' || code === 'ImportTokenRejected' || code === 'InvalidKeyState';
}

/** Resolves with the id the cloud gave the material (AWS), when the reply said it. */
export async function importKeyMaterial(adapter: KmsAdapter, request: ImportRequest, clock: WaitClock = REAL_CLOCK): Promise<{ keyMaterialId?: string }> {
  const { keyId, material, expiresAt } = request;
  const algorithm = request.wrappingAlgorithm as WrappingAlgorithm;
  // Parameters are fetched and the material wrapped before anything is deleted, so a delete-first
  // cloud leaves the key without material for one round trip at most.
  const prepare = async () => {
    const parameters = await adapter.getImportParameters(keyId, algorithm, request.wrappingKeySpec);
    const encryptedKeyMaterial = await wrapMaterial(material, algorithm, parameters.publicKey);
    return { importToken: parameters.importToken, encryptedKeyMaterial };
  };
  let prepared = await prepare();
  if (request.materialPresent && adapter.reimportMode === 'delete-first') {
    await deleteForReimport(adapter, keyId);
    return importAfterDelete(adapter, request, prepared, prepare, clock);
  }

  for (let attempt = 0; ; attempt++) {
    try {
      return await adapter.importMaterial({ keyId, ...prepared, expiresAt });
    } catch (error) {
      if (errorCode(error) === 'ImportTokenRejected' && attempt === 0) {
        prepared = await prepare();
        continue;
      }
      if (await importShows(adapter, keyId, expiresAt, error, clock, true)) return {};
      // Each layer adds its context once: the adapters' errors already name the call and, but for Huawei's, the key
      // ("importing key material into <id>: InvalidImportTokenException: …"); only a key not named yet is added here.
      const cause = describeCause(error);
      throw new ImportedKeyError(
        error instanceof ImportedKeyError ? error.code : 'ImportFailed',
        cause.includes(keyId) ? cause : `importing key material into ${keyId}: ${cause}`,
        { cause: error, cloudCode: error instanceof ImportedKeyError ? error.cloudCode : undefined },
      );
    }
  }
}

/**
 * Whether a failed import was done after all (its reply lost): DescribeKey shows the material in place with the expiry
 * asked for. Never believed over a refusal that names the material, or a key already holding other material would
 * pass for ours. When the outcome is unclear (no reply, a 5xx) and `wait`, the describe is asked again for up to
 * NOT_FOUND_TIMEOUT_MS: an eventually consistent describe may show the import only seconds later (waiter.ts).
 */
async function importShows(adapter: KmsAdapter, keyId: string, expiresAt: string | undefined, error: unknown, clock: WaitClock, wait: boolean): Promise<boolean> {
  const code = errorCode(error);
  if (code !== undefined && DEFINITE_REFUSALS.includes(code)) return false;
  const unclear = code === undefined || code === 'CloudError';
  const policy = wait && unclear ? NOT_FOUND_POLICY : { ...NOT_FOUND_POLICY, timeoutMs: 0 };
  const done = (live: KeyDescription | undefined) => live !== undefined && (materialInPlace(live, expiresAt) || live.keyState === 'PendingDeletion');
  const result = await waitForKey(adapter, keyId, done, policy, clock).catch(() => undefined);
  return result?.live !== undefined && materialInPlace(result.live, expiresAt);
}

/**
 * The delete before a delete-first reimport. When it fails after its client's retries (replies lost each time), the
 * material may be gone all the same: DescribeKey decides, and a key pending import goes on to the import — else the
 * stack, which still says Enabled, would keep a key without material until the next `up`.
 */
async function deleteForReimport(adapter: KmsAdapter, keyId: string): Promise<void> {
  try {
    await adapter.deleteMaterial(keyId);
  } catch (error) {
    const live = await adapter.describeKey(keyId).catch(() => undefined);
    if (live?.keyState !== 'PendingImport') throw error;
  }
}

type Prepared = { importToken: Buffer; encryptedKeyMaterial: Buffer };

/**
 * The import into a key whose material this step just deleted. Every failure another attempt may cure is checked with
 * a DescribeKey (a lost reply may have imported) and tried again with fresh parameters — harmless, and the cure for a
 * token the lost attempt used — within IMPORT_AFTER_DELETE_BUDGET. Then MaterialDeletedError says plainly what is left.
 */
async function importAfterDelete(
  adapter: KmsAdapter, request: ImportRequest, first: Prepared, prepare: () => Promise<Prepared>, clock: WaitClock,
): Promise<{ keyMaterialId?: string }> {
  const { keyId, expiresAt } = request;
  const budget = IMPORT_AFTER_DELETE_BUDGET;
  const started = clock.now();
  let prepared = first;
  let last: unknown;
  let attempt = 0;
  for (;;) {
    attempt++;
    try {
      if (attempt > 1) prepared = await prepare();
      return await adapter.importMaterial({ keyId, ...prepared, expiresAt });
    } catch (error) {
      last = error;
      if (!worthAnotherAttempt(error)) break;
      // The next attempt is itself a probe (refused while the material is back), so only the last one waits for a
      // lagging describe.
      const final = attempt >= budget.maxAttempts || clock.now() - started >= budget.timeoutMs;
      if (await importShows(adapter, keyId, expiresAt, error, clock, final)) return {};
      if (final) break;
      await clock.sleep(Math.min(backoffDelay(budget, attempt), Math.max(0, budget.timeoutMs - (clock.now() - started))));
    }
  }
  const seconds = Math.round((clock.now() - started) / 1000);
  const cause = describeCause(last);
  throw new MaterialDeletedError(
    errorCode(last) ?? 'ImportFailed',
    `key ${keyId}: its key material was deleted so that it could be imported again (${adapter.cloud} imports only into a key pending import), ` +
      `and importing it failed ${attempt} time${attempt === 1 ? '' : 's'} over ${seconds} s (last: ${cause}). The key is left pending import — ` +
      'unusable until its material is imported — and the stack records it so; the next `pulumi up` imports the material again into this same key',
    { cause: last, cloudCode: last instanceof ImportedKeyError ? last.cloudCode : undefined },
  );
}
