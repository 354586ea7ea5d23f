// The material wrapped under the cloud's public key for an import: core/wrapping for bytes, the HSM for an HSM's key.
import { validateKeyMaterial, wrapKeyMaterial, type WrappingAlgorithm } from '../../core/wrapping';
import { HsmMaterial } from './hsm-material';
import type { Material } from './index';

export async function wrapMaterial(material: Material, algorithm: WrappingAlgorithm, publicKey: Buffer): Promise<Buffer> {
  if (material instanceof HsmMaterial) return material.wrap(algorithm, publicKey);
  return wrapKeyMaterial({ algorithm, publicKey, material });
}

/**
 * The key spec's rule for material bytes (core/wrapping). An HSM's key is not read: its length is the HSM's to know,
 * and the cloud refuses a key of the wrong length at the import (InvalidKeyMaterial), before anything changes.
 */
export function validateMaterial(keySpec: string, material: Material): void {
  if (!(material instanceof HsmMaterial)) validateKeyMaterial(keySpec, material);
}
