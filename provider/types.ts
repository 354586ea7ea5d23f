// The resource's arguments after `check` (defaults filled in) and the outputs kept in state.
// Outputs echo every argument except the key material, so `diff` can compare old outputs with new inputs.

import type { KeyState } from './clouds/adapter';

export const ON_DELETE_VALUES = ['scheduleKeyDeletion', 'deleteMaterial', 'retain'] as const;
export type OnDelete = (typeof ON_DELETE_VALUES)[number];

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
  /** Base64 of the raw material. Never copied to outputs, logs or errors. */
  keyMaterial: string;
  wrappingAlgorithm?: string;
  wrappingKeySpec?: string;
  /** ISO 8601; absent = the material never expires. */
  expiresAt?: string;
  onDelete?: OnDelete;
  deletionWindowInDays?: number;
}

/** What the state holds: the arguments minus the material, plus what the cloud reports. */
export interface KeyOutputs {
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
  onDelete: OnDelete;
  deletionWindowInDays?: number;
  /** True when the key was adopted through the `keyId` argument (not created by this resource). */
  adopted: boolean;
  keyId: string;
  arn: string;
  keyState: KeyState;
  origin: string;
  keySpec: string;
  keyUsage: string;
  expirationModel?: string;
  validTo?: string;
  keyMaterialId?: string;
  /** Keyed digest of the material (see digest.ts); secret. */
  materialDigest: string;
}

/** The fields that the resource copies from arguments into outputs unchanged. */
export const ECHOED_ARGUMENTS = [
  'cloud',
  'region',
  'endpoint',
  'projectId',
  'description',
  'alias',
  'tags',
  'wrappingAlgorithm',
  'wrappingKeySpec',
  'expiresAt',
  'onDelete',
  'deletionWindowInDays',
] as const;
