// check's rules for where the material comes from: exactly one of keyMaterial and keyMaterialSource, the source's
// shape (offline: nothing is read, run or opened at preview), and what a source cannot do yet.
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
    if ('pkcs11' in spec && news.onMaterialChange === 'rotate') {
      failures.push({ property: 'keyMaterialSource', reason: 'keyMaterialSource.pkcs11 does not go with onMaterialChange rotate yet: an HSM key is imported as one material; use onMaterialChange replace (the default), or a file, env or command source' });
    }
  } catch (error) {
    failures.push({ property: 'keyMaterialSource', reason: error instanceof Error ? error.message : String(error) });
  }
  return 'source';
}
