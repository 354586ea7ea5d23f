// One import of key material into one key, written once for every cloud through KmsAdapter:
// fresh parameters → wrap → (delete old material first where the cloud demands it) → import,
// with one retry on a refused token and a DescribeKey before giving up (the reply may be lost).

import type { KmsAdapter } from './clouds/adapter';
import { ImportedKeyError } from './errors';
import { materialInPlace } from './lifecycle';
import { wrapKeyMaterial, type WrappingAlgorithm } from './wrapping';

export interface ImportRequest {
  keyId: string;
  material: Buffer;
  wrappingAlgorithm: string;
  wrappingKeySpec: string;
  expiresAt?: string;
  /** True when the key holds material now (a reimport: new expiry). */
  materialPresent: boolean;
}

/** Answers in which the cloud says what it refused: the work was not done, whatever DescribeKey shows. */
const DEFINITE_REFUSALS = ['InvalidKeyMaterial', 'InvalidArgument'] as const;

function errorCode(error: unknown): string | undefined {
  return error instanceof ImportedKeyError ? error.code : undefined;
}

function describeCause(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Resolves with the id the cloud gave the material (AWS), when the reply said it. */
export async function importKeyMaterial(adapter: KmsAdapter, request: ImportRequest): Promise<{ keyMaterialId?: string }> {
  const { keyId, material, expiresAt } = request;
  const algorithm = request.wrappingAlgorithm as WrappingAlgorithm;
  // Parameters are fetched and the material wrapped before anything is deleted, so a delete-first
  // cloud leaves the key without material for one round trip at most.
  const prepare = async () => {
    const parameters = await adapter.getImportParameters(keyId, algorithm, request.wrappingKeySpec);
    const encryptedKeyMaterial = wrapKeyMaterial({ algorithm, publicKey: parameters.publicKey, material });
    return { importToken: parameters.importToken, encryptedKeyMaterial };
  };
  let prepared = await prepare();
  if (request.materialPresent && adapter.reimportMode === 'delete-first') await adapter.deleteMaterial(keyId);

  for (let attempt = 0; ; attempt++) {
    try {
      return await adapter.importMaterial({ keyId, ...prepared, expiresAt });
    } catch (error) {
      if (errorCode(error) === 'ImportTokenRejected' && attempt === 0) {
        prepared = await prepare();
        continue;
      }
      // The cloud may have done the work and the reply been lost: believe DescribeKey over the error — but never over
      // a refusal that names the material, or a key already holding other material would pass for ours.
      const live = DEFINITE_REFUSALS.includes(errorCode(error) as never) ? undefined : await adapter.describeKey(keyId).catch(() => undefined);
      if (live && materialInPlace(live, expiresAt)) return {};
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
