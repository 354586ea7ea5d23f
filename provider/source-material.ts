// The material of a step: keyMaterial decoded, or keyMaterialSource opened — only here, at the step that needs it
// (create, update, and the diff that must know whether the material changed). Never at check or read.
//
// A diff on a machine that cannot read the source (a GitOps runner without the file, variable or HSM) follows
// IMPORTED_KEY_SOURCE_UNAVAILABLE: `warn` (default) plans an update whose reason says the material was not checked,
// and writes one warning line naming the source; `fail` fails the preview with the source's error. Never "no change".
import { decodeKeyMaterial } from './check';
import { ImportedKeyError } from '../core/errors';
import type { Unchecked } from './lifecycle';
import { describeMaterialSource, materialSource, type Material } from './material-sources';
import type { KeyInputs, KeyOutputs } from './types';

export const SOURCE_UNAVAILABLE_ENV = 'IMPORTED_KEY_SOURCE_UNAVAILABLE';
const POLICIES = ['warn', 'fail'] as const;

/** The step's material; a source is opened against the digests recorded for the key (compared inside an HSM). */
export async function stepMaterial(inputs: KeyInputs, olds: Partial<KeyOutputs> = {}): Promise<Material> {
  if (inputs.keyMaterialSource === undefined) return decodeKeyMaterial(inputs.keyMaterial);
  const recorded = [olds.materialDigest, ...Object.values(olds.materialDigests ?? {})];
  return materialSource(inputs.keyMaterialSource).open(inputs.wrappingAlgorithm, recorded);
}

/** The diff's material: as stepMaterial, but a source that cannot be read here is `unchecked` (or fails, as asked). */
export async function diffMaterial(inputs: KeyInputs, olds: Partial<KeyOutputs>, env: NodeJS.ProcessEnv = process.env, warn: (line: string) => void = warnLine): Promise<Material | Unchecked> {
  const policy = env[SOURCE_UNAVAILABLE_ENV] ?? 'warn';
  if (!(POLICIES as readonly string[]).includes(policy)) {
    throw new ImportedKeyError('InvalidArgument', `${SOURCE_UNAVAILABLE_ENV} must be one of ${POLICIES.join(', ')}; it is ${JSON.stringify(policy.slice(0, 20))}`);
  }
  try {
    return await stepMaterial(inputs, olds);
  } catch (error) {
    if (inputs.keyMaterialSource === undefined || policy === 'fail' || !(error instanceof ImportedKeyError)) throw error;
    const source = describeMaterialSource(inputs.keyMaterialSource);
    const why = error.message.length > 300 ? `${error.message.slice(0, 300)}…` : error.message;
    warn(`warning: ImportedKey: keyMaterialSource (${source}) cannot be read here, so this preview cannot tell whether the material changed: ${why}. ` +
      `It is planned as an update, which \`pulumi up\` can only carry out where the source can be read; set ${SOURCE_UNAVAILABLE_ENV}=fail to fail instead.`);
    return { unchecked: `${source} cannot be read here (${error.code})` };
  }
}

function warnLine(line: string): void {
  process.stderr.write(`${line}\n`);
}
