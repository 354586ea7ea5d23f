// check's rules for where the material comes from: exactly one of keyMaterial and keyMaterialSource, the source's
// shape (offline: nothing is read, run or opened at preview).
type CheckFailure = { property: string; reason: string };
import { isUnknown } from './lifecycle';
import { checkMaterialSource } from './material-sources/spec';

/** The checked source into `inputs`, or failures; returns whether keyMaterial is the material's way in. */
export function checkMaterialOrigin(news: Record<string, unknown>, inputs: Record<string, unknown>, failures: CheckFailure[]): 'keyMaterial' | 'source' | 'none' {
  const hasMaterial = news.keyMaterial !== undefined;
  const hasSource = news.keyMaterialSource !== undefined;
  if (hasMaterial && hasSource) {
    failures.push({ property: 'keyMaterialSource', reason: 'keyMaterialSource and keyMaterial are both given: give exactly one (keyMaterial: the material as base64; keyMaterialSource: where the provider reads it)' });
    return 'none';
  }
  if (!hasMaterial && !hasSource) {
    failures.push({ property: 'keyMaterial', reason: 'keyMaterial is required, or keyMaterialSource instead: the key material as a base64 string, or where the provider reads it ({ file }, { env }, { command }, { pkcs11 })' });
    return 'none';
  }
  if (hasMaterial) return 'keyMaterial';
  if (isUnknown(news.keyMaterialSource)) return 'source';
  try {
    const spec = checkMaterialSource(news.keyMaterialSource);
    inputs.keyMaterialSource = spec;
  } catch (error) {
    failures.push({ property: 'keyMaterialSource', reason: error instanceof Error ? error.message : String(error) });
  }
  return 'source';
}
