// The resource's arguments after `check` (defaults filled in) and the outputs kept in state.
// Outputs echo every argument except the key material, so `diff` can compare old outputs with new inputs; which
// argument is echoed, and which output the cloud reports, is in the properties table (properties.ts, outputs.ts).

import type { KeyDescription, KeyMaterialEntry } from './clouds/adapter';
import type { MaterialSourceSpec } from './material-sources/spec';

export const ON_DELETE_VALUES = ['scheduleKeyDeletion', 'deleteMaterial', 'retain'] as const;
export type OnDelete = (typeof ON_DELETE_VALUES)[number];

export const ON_MATERIAL_CHANGE_VALUES = ['replace', 'rotate'] as const;
export type OnMaterialChange = (typeof ON_MATERIAL_CHANGE_VALUES)[number];

/** One material of the key as the state records it (the keyMaterials output): never the material or its digest. */
export type MaterialRecord = Omit<KeyMaterialEntry, 'rotationDate'>;

export function isOnDelete(value: unknown): value is OnDelete {
  return ON_DELETE_VALUES.some((choice) => choice === value);
}

/** The arguments as the provider sees them (plain values: the engine strips secrets before the host). */
export interface KeyInputs {
  cloud: string;
  region?: string;
  endpoint?: string;
  /** Huawei only. */
  projectId?: string;
  /** Adopt this existing EXTERNAL key instead of creating one. */
  keyId?: string;
  description?: string;
  alias?: string;
  tags?: Record<string, string>;
  keySpec?: string;
  keyUsage?: string;
  /** Alibaba only: SOFTWARE or HSM (check fills in the key spec's default for a created key). */
  protectionLevel?: string;
  /** Base64 of the raw material. Never copied to outputs, logs or errors. Exactly one of this and keyMaterialSource. */
  keyMaterial?: string;
  /** Where the provider reads the material at the step that needs it (material-sources/). */
  keyMaterialSource?: MaterialSourceSpec;
  /** AWS: what new material does: replace (default, a new key) or rotate (the same key rotates to it). */
  onMaterialChange?: OnMaterialChange;
  /** With rotate: the key's earlier materials, oldest first, base64. Never copied to outputs, logs or errors. */
  /** Earlier materials, oldest first: base64, or a source read at the step that needs it. */
  previousKeyMaterials?: (string | MaterialSourceSpec)[];
  wrappingAlgorithm?: string;
  wrappingKeySpec?: string;
  /** ISO 8601; absent (and no expiresIn) = the material never expires. */
  expiresAt?: string;
  /** ISO 8601 duration: each import expires this long after it (not with expiresAt). */
  expiresIn?: string;
  /** ISO 8601 duration: renew when the material expires sooner than this (default: half of expiresIn). */
  renewBefore?: string;
  onDelete?: OnDelete;
  deletionWindowInDays?: number;
  /** Whether the key is enabled (default true): `up` enables or disables it to match. */
  enabled?: boolean;
  /** The Pulumi resource name, passed by the SDK class; an alias is derived from it where the cloud needs one. */
  resourceName?: string;
  /** `<project>/<stack>`, passed by the SDK class: with the resource name, what a creation token is made of. */
  stackScope?: string;
  /** Set by the provider (never by users) when `alias` was derived from the resource name. */
  aliasDerived?: boolean;
}

/** What the state holds: the arguments minus the material, plus what the cloud reports (its KeyDescription but the deletion date). */
export interface KeyOutputs extends Omit<KeyDescription, 'deletionDate'> {
  cloud: string;
  region?: string;
  endpoint?: string;
  projectId?: string;
  description?: string;
  alias?: string;
  tags?: Record<string, string>;
  wrappingAlgorithm?: string;
  wrappingKeySpec?: string;
  expiresAt?: string;
  expiresIn?: string;
  renewBefore?: string;
  onDelete: OnDelete;
  deletionWindowInDays?: number;
  /** Whether the key is enabled (default true): `up` enables or disables it to match. */
  enabled?: boolean;
  /** True when `alias` was derived from the resource name (the cloud needs one and none was given): kept while the argument stays out. */
  aliasDerived?: boolean;
  /** True when the key was adopted through the `keyId` argument (not created by this resource). */
  adopted: boolean;
  /**
   * A created key's alias and tags that the cloud does not have yet (the step after CreateKey failed): the next update
   * sets them. Until then `alias` / `tags` are not recorded, since the cloud does not have them. `description` (''
   * for none): the key still carries the creation marker in its place (Alibaba, Huawei); the next update sets it.
   */
  pendingFinish?: { alias?: string; tags?: Record<string, string>; description?: string };
  /** Alibaba: SOFTWARE or HSM, as DescribeKey reports it (else as created). */
  protectionLevel?: string;
  /** Keyed digest of the material (see digest.ts); secret. */
  materialDigest: string;
  /** With keyMaterialSource: its description (material-sources/spec.ts), never a secret. */
  materialSource?: string;
  onMaterialChange?: OnMaterialChange;
  /** AWS: the id of the material the key encrypts with (the same as keyMaterialId). */
  currentKeyMaterialId?: string;
  /** AWS: every material of the key, as ListKeyRotations (or, for a key never rotated, DescribeKey) reports it. */
  keyMaterials?: MaterialRecord[];
  /** keyMaterialId → keyed digest of that material (digest.ts): finds its plaintext among the arguments; secret. */
  materialDigests?: Record<string, string>;
}
