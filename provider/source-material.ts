// The material of a step: keyMaterial decoded, or keyMaterialSource opened — only here, at the step that needs it
// (create, update, and the diff that must know whether the material changed). Never at check or read.
//
// A diff on a machine that cannot read the source (a GitOps runner without the file, variable or HSM) follows
// IMPORTED_KEY_SOURCE_UNAVAILABLE: `warn` (default) plans an update whose reason says the material was not checked,
// and writes one warning line naming the source; `fail` fails the preview with the source's error. Never "no change".
//
// One source is opened at check too: a PKCS#11 source's HSM, asked whether it can wrap with the algorithm (and holds
// the key, and takes the PIN), so that preview refuses what the HSM lacks — even for a key not created yet, where the
// engine calls no diff. An HSM not reachable from this machine follows the same policy.
import { decodeKeyMaterial } from './check';
import { ImportedKeyError } from '../core/errors';
import type { Unchecked } from './lifecycle';
import { describeMaterialSource, materialSource, type Material, type MaterialSourceSpec } from './material-sources';
import { checkHsmCanWrap } from './material-sources/pkcs11';
import { HsmSourceError, type HsmFailure } from './material-sources/pkcs11/errors';
import { recordedDigests } from './materials';
import type { KeyInputs, KeyOutputs } from './types';

export const SOURCE_UNAVAILABLE_ENV = 'IMPORTED_KEY_SOURCE_UNAVAILABLE';
const POLICIES = ['warn', 'fail'] as const;

/** Every digest the state records for the key: what an opened source is compared with (inside an HSM for PKCS#11). */
function recordedDigestsOf(olds: Partial<KeyOutputs>): (string | undefined)[] {
  return [olds.materialDigest, ...Object.values(recordedDigests(olds))];
}

/** The step's material; a source is opened against the digests recorded for the key (compared inside an HSM). */
export async function stepMaterial(inputs: KeyInputs, olds: Partial<KeyOutputs> = {}): Promise<Material> {
  if (inputs.keyMaterialSource === undefined) return decodeKeyMaterial(inputs.keyMaterial);
  return materialSource(inputs.keyMaterialSource).open(inputs.wrappingAlgorithm, recordedDigestsOf(olds));
}

/**
 * previousKeyMaterials at a step that needs them: base64 decoded, a source opened (against the key's recorded digests,
 * as keyMaterialSource). Newest last, as given. A source that cannot be read fails the step, before any call.
 */
export async function previousStepMaterials(inputs: KeyInputs, olds: Partial<KeyOutputs> = {}): Promise<Material[]> {
  const recorded = recordedDigestsOf(olds);
  const opened: Material[] = [];
  // One at a time: an HSM is opened (logged in to) by one source at once.
  for (const [index, entry] of (inputs.previousKeyMaterials ?? []).entries()) {
    opened.push(typeof entry === 'string' ? decodeKeyMaterial(entry) : await openPrevious(entry, index, inputs.wrappingAlgorithm, recorded));
  }
  return opened;
}

/** One source of previousKeyMaterials opened; its failure names the entry (the sources name keyMaterialSource). */
async function openPrevious(spec: MaterialSourceSpec, index: number, algorithm: string | undefined, recorded: readonly (string | undefined)[]): Promise<Material> {
  try {
    return await materialSource(spec).open(algorithm, recorded);
  } catch (error) {
    if (!(error instanceof ImportedKeyError)) throw error;
    const entry = `previousKeyMaterials[${index}]`;
    const message = error.message.startsWith('keyMaterialSource') ? error.message.replace(/^keyMaterialSource/, entry) : `${entry}: ${error.message}`;
    throw new ImportedKeyError(error.code, message, { cause: error });
  }
}

/**
 * The diff's previousKeyMaterials: as previousStepMaterials, but 'unknown' (nothing judged) when a source cannot be read
 * here — with the same warning, or failure, as keyMaterialSource (IMPORTED_KEY_SOURCE_UNAVAILABLE).
 */
export async function diffPreviousMaterials(inputs: KeyInputs, olds: Partial<KeyOutputs>, env: NodeJS.ProcessEnv = process.env, warn: (line: string) => void = warnLine): Promise<Material[] | 'unknown'> {
  const policy = unavailablePolicy(env);
  try {
    return await previousStepMaterials(inputs, olds);
  } catch (error) {
    if (policy === 'fail' || !(error instanceof ImportedKeyError)) throw error;
    warn(`warning: ImportedKey: a source in previousKeyMaterials cannot be read here, so this preview does not check the key's earlier materials: ${shorten(error.message)}. ` +
      `\`pulumi up\` reads them where the sources can be read; set ${SOURCE_UNAVAILABLE_ENV}=fail to fail instead.`);
    return 'unknown';
  }
}

/** The diff's material: as stepMaterial, but a source that cannot be read here is `unchecked` (or fails, as asked). */
export async function diffMaterial(inputs: KeyInputs, olds: Partial<KeyOutputs>, env: NodeJS.ProcessEnv = process.env, warn: (line: string) => void = warnLine): Promise<Material | Unchecked> {
  const policy = unavailablePolicy(env);
  try {
    return await stepMaterial(inputs, olds);
  } catch (error) {
    if (inputs.keyMaterialSource === undefined || policy === 'fail' || !(error instanceof ImportedKeyError)) throw error;
    const source = describeMaterialSource(inputs.keyMaterialSource);
    warn(`warning: ImportedKey: keyMaterialSource (${source}) cannot be read here, so this preview cannot tell whether the material changed: ${shorten(error.message)}. ` +
      `It is planned as an update, which \`pulumi up\` can only carry out where the source can be read; set ${SOURCE_UNAVAILABLE_ENV}=fail to fail instead.`);
    return { unchecked: `${source} cannot be read here (${error.code})` };
  }
}

/** HSM failures that mean "no HSM here" (a runner without the library or the token's set-up), not "the HSM refuses". */
const HSM_UNREACHABLE: readonly HsmFailure[] = ['ModuleNotFound', 'ModuleLoadFailed', 'PinUnset', 'TokenNotFound'];

/**
 * check's question to a PKCS#11 source's HSM: can it wrap the key with the wrapping algorithm? A refusal (no such key,
 * wrong PIN, mechanism missing: the message names the algorithms it can do) is a check failure; an HSM not reachable
 * here warns (or fails, with IMPORTED_KEY_SOURCE_UNAVAILABLE=fail). Other sources are not read at check.
 */
export async function checkHsmAtPreview(inputs: KeyInputs, env: NodeJS.ProcessEnv = process.env, warn: (line: string) => void = warnLine): Promise<{ property: string; reason: string }[]> {
  const source = inputs.keyMaterialSource;
  if (source === undefined || !('pkcs11' in source) || typeof inputs.wrappingAlgorithm !== 'string') return [];
  const policy = unavailablePolicy(env);
  try {
    await checkHsmCanWrap(source.pkcs11, inputs.wrappingAlgorithm);
    return [];
  } catch (error) {
    if (!(error instanceof HsmSourceError)) throw error;
    if (HSM_UNREACHABLE.includes(error.reason) && policy === 'warn') {
      warn(`warning: ImportedKey: keyMaterialSource (${describeMaterialSource(source)}) cannot be opened here, so this preview cannot tell whether the HSM can wrap with ${inputs.wrappingAlgorithm}: ${shorten(error.message)}. ` +
        `\`pulumi up\` opens it where the HSM can be reached; set ${SOURCE_UNAVAILABLE_ENV}=fail to fail instead.`);
      return [];
    }
    return [{ property: 'keyMaterialSource', reason: error.message }];
  }
}

/** IMPORTED_KEY_SOURCE_UNAVAILABLE: warn (default) or fail. */
function unavailablePolicy(env: NodeJS.ProcessEnv): (typeof POLICIES)[number] {
  const policy = env[SOURCE_UNAVAILABLE_ENV] ?? 'warn';
  const known = POLICIES.find((p) => p === policy);
  if (!known) throw new ImportedKeyError('InvalidArgument', `${SOURCE_UNAVAILABLE_ENV} must be one of ${POLICIES.join(', ')}; it is ${JSON.stringify(policy.slice(0, 20))}`);
  return known;
}

/** A source's error, cut for a warning line (it names the source and what is wrong, never material). */
function shorten(message: string): string {
  return message.length > 300 ? `${message.slice(0, 300)}…` : message;
}

/** The warnings written by this provider host: a refreshing preview diffs a resource more than once; say it once. */
const warned = new Set<string>();

function warnLine(line: string): void {
  if (warned.has(line)) return;
  warned.add(line);
  process.stderr.write(`${line}\n`);
}
