// The outputs the state records, made in one place from the properties table: the arguments echoed (never the
// material), what the cloud's DescribeKey reports, and what the provider works out. Create, update, read and a
// partly created key all record them through toOutputs.

import { describeMaterialSource } from './material-sources/spec';
import type { KeyDescription } from './clouds/adapter';
import { effectiveOnDelete } from './lifecycle';
import { select } from './properties';
import type { KeyInputs, KeyOutputs } from './types';

/** The arguments copied into the outputs when given. */
const ECHOED_ARGUMENTS = select({ output: { from: 'argument' } });
/** Where the key is: what refresh, update and delete need to reach it. */
const PLACE_ARGUMENTS = select({ place: true });
/** What DescribeKey reports, recorded as it says (undefined where it says nothing). */
const DESCRIBED = select({ output: { from: 'cloud' } });
/** What DescribeKey reports where the cloud has it, else the argument (Alibaba's protection level). */
const DESCRIBED_ELSE_ARGUMENT = select({ output: { from: 'cloud-or-argument' } });

type Described = (typeof DESCRIBED)[number] | (typeof DESCRIBED_ELSE_ARGUMENT)[number];
// The table lists every field of a KeyDescription (but the deletion date, and the alias only findCreated reports), and
// no other: a field added to KeyDescription fails to compile here until the table says how it is recorded.
type Exactly<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const DESCRIBED_IS_KEY_DESCRIPTION: Exactly<Described, Exclude<keyof KeyDescription, 'deletionDate' | 'alias'>> = true;
void DESCRIBED_IS_KEY_DESCRIPTION;

/** What the outputs are made from. */
export type OutputBasis =
  /** A create or update: the arguments as checked, whether the key was adopted, the material's digest. */
  | { inputs: Omit<KeyInputs, 'keyMaterial'>; adopted: boolean; materialDigest: string }
  /** A read: the recorded outputs, kept as they are but for what the cloud reports. */
  | { recorded: KeyOutputs }
  /**
   * A key the resource created but could say nothing more of (the create failed after CreateKey with nothing else
   * recorded): only where it is and what delete does with it (from these arguments), and the material's digest.
   */
  | { createdAt: Omit<KeyInputs, 'keyMaterial'>; materialDigest: string };

/**
 * The outputs for the key `live` describes. With only its id and state (a key whose create failed before anything
 * else was known), only what is known is recorded: the rest stays undefined.
 */
export function toOutputs(live: KeyDescription, basis: OutputBasis): KeyOutputs;
export function toOutputs(live: Pick<KeyDescription, 'keyId' | 'keyState'>, basis: OutputBasis): Partial<KeyOutputs>;
export function toOutputs(live: Pick<KeyDescription, 'keyId' | 'keyState'> & Partial<KeyDescription>, basis: OutputBasis): Partial<KeyOutputs> {
  if ('recorded' in basis) return { ...basis.recorded, ...described(live, basis.recorded) };
  if ('createdAt' in basis) {
    const { createdAt, materialDigest } = basis;
    const placed = { ...given(createdAt, PLACE_ARGUMENTS), cloud: createdAt.cloud, onDelete: createdAt.onDelete, keyMaterialSource: createdAt.keyMaterialSource };
    return toOutputs(live, { inputs: placed, adopted: false, materialDigest });
  }
  const { inputs, adopted, materialDigest } = basis;
  return {
    ...given(inputs, ECHOED_ARGUMENTS),
    cloud: inputs.cloud,
    onDelete: effectiveOnDelete(inputs.onDelete, adopted),
    adopted,
    ...described(live, inputs),
    // The source's description (never its material, a PIN or a command's arguments); absent with keyMaterial.
    ...(inputs.keyMaterialSource ? { materialSource: describeMaterialSource(inputs.keyMaterialSource) } : {}),
    materialDigest,
  };
}

/** The described fields, each present (undefined where the cloud reports nothing). */
function described(live: Partial<KeyDescription>, otherwise: { protectionLevel?: string }): Partial<Pick<KeyDescription, Described>> {
  const fields: Partial<Pick<KeyDescription, Described>> = {};
  for (const field of DESCRIBED) copy(fields, field, live[field]);
  for (const field of DESCRIBED_ELSE_ARGUMENT) copy(fields, field, live[field] ?? otherwise[field]);
  return fields;
}

/** The given (defined) values of `names`. */
function given<T, K extends keyof T>(from: T, names: readonly K[]): Partial<Pick<T, K>> {
  const picked: Partial<Pick<T, K>> = {};
  for (const name of names) if (from[name] !== undefined) copy(picked, name, from[name]);
  return picked;
}

function copy<T, K extends keyof T>(to: Partial<T>, name: K, value: T[K] | undefined): void {
  to[name] = value;
}
