// The one interface every cloud implements, so the lifecycle code is written once.
// Adapters translate between a cloud's API and these shapes, and map the cloud's errors to
// ImportedKeyError (keeping the cloud's code in `cloudCode`). They never touch RSA: wrapping is
// done by core/wrapping, between getImportParameters and importMaterial. They check only what would be unsafe to send:
// everything a user can get wrong is checked by provider/check.ts, with the cloud's profile.

import type { WrappingAlgorithm } from '../../core/wrapping';

/** Cloud-neutral key states. Each adapter maps its cloud's states onto these. */
export type KeyState =
  | 'Creating'
  | 'Enabled'
  | 'Disabled'
  | 'PendingImport'
  | 'PendingDeletion'
  | 'Unavailable'
  | 'Unknown';

export interface KeyDescription {
  keyId: string;
  /** ARN (AWS), ARN-like resource name (Alibaba), or the key id where the cloud has no such name. */
  arn: string;
  keyState: KeyState;
  /** EXTERNAL for keys that take imported material. */
  origin: string;
  keySpec: string;
  keyUsage: string;
  /** KEY_MATERIAL_EXPIRES or KEY_MATERIAL_DOES_NOT_EXPIRE; undefined while no material is imported (where the cloud can tell). */
  expirationModel?: string;
  /** ISO 8601 UTC, when the material expires; undefined when it never does or none is imported. */
  validTo?: string;
  keyMaterialId?: string;
  /** ISO 8601 UTC, set when the key is pending deletion. */
  deletionDate?: string;
  /** Where the cloud reports one (Alibaba ProtectionLevel): SOFTWARE or HSM. */
  protectionLevel?: string;
  /** Only from findCreated, where the cloud fixed an alias at creation (Huawei key_alias): the alias the key has. */
  alias?: string;
}

export interface CreateKeyRequest {
  keySpec: string;
  keyUsage?: string;
  description?: string;
  alias?: string;
  tags?: Record<string, string>;
  /** Alibaba only: SOFTWARE or HSM; undefined = the key spec's default (see CloudProfile.protectionLevels). */
  protectionLevel?: string;
  /** Written into the key with CreateKey where the adapter can (see findCreated and ../creation-token.ts). */
  creationToken?: string;
}

/** What a key is given after CreateKey on clouds where CreateKey cannot take it (AWS: alias; Alibaba: alias, tags). */
export interface KeyFinish {
  alias?: string;
  tags?: Record<string, string>;
  /** Recorded as pending only, never given to finishKey: the description creationDone puts in place of the creation marker. */
  description?: string;
}

export interface ImportParameters {
  keyId: string;
  /** DER SubjectPublicKeyInfo bytes of the wrapping key (adapters decode base64 / hex). */
  publicKey: Buffer;
  /** The opaque import token, as bytes (adapters decode it from the cloud's encoding and encode it back). */
  importToken: Buffer;
  /** ISO 8601 UTC, when the token and public key stop being accepted. */
  parametersValidTo: string;
}

export interface ImportMaterialRequest {
  keyId: string;
  importToken: Buffer;
  encryptedKeyMaterial: Buffer;
  /** ISO 8601 UTC; undefined = the material never expires. */
  expiresAt?: string;
  /**
   * AWS symmetric keys only (never sent otherwise): NEW_KEY_MATERIAL for a material the key will rotate to,
   * EXISTING_KEY_MATERIAL (with keyMaterialId) to import one of its materials again. Undefined: the cloud's default.
   */
  importType?: 'NEW_KEY_MATERIAL' | 'EXISTING_KEY_MATERIAL';
  /** With EXISTING_KEY_MATERIAL: which material (64 lowercase hex). */
  keyMaterialId?: string;
  /** With NEW_KEY_MATERIAL: the material's description (AWS KeyMaterialDescription). */
  description?: string;
}

/** One material of a key that holds several (AWS ListKeyRotations with ALL_KEY_MATERIAL). */
export interface KeyMaterialEntry {
  keyMaterialId: string;
  /** CURRENT, NON_CURRENT, PENDING_ROTATION, PENDING_MULTI_REGION_IMPORT_AND_ROTATION. */
  state: string;
  /** IMPORTED or PENDING_IMPORT. */
  importState?: string;
  expirationModel?: string;
  /** ISO 8601 UTC. */
  validTo?: string;
  description?: string;
  /** ISO 8601 UTC, when the key rotated to it. */
  rotationDate?: string;
}

/** How an adapter must reimport when the key already holds the material (new expiry). */
export type ReimportMode =
  /** The cloud accepts an import of the same material over live material (AWS, Alibaba). */
  | 'in-place'
  /** The cloud refuses imports unless the key is pending import (Huawei KMS.0310): delete material first. */
  | 'delete-first';

export interface KmsAdapter {
  readonly cloud: string;
  readonly reimportMode: ReimportMode;
  createKey(request: CreateKeyRequest): Promise<KeyDescription>;
  /** Returns undefined when the key does not exist. */
  describeKey(keyId: string): Promise<KeyDescription | undefined>;
  getImportParameters(keyId: string, algorithm: WrappingAlgorithm, wrappingKeySpec: string): Promise<ImportParameters>;
  /**
   * Optional: the key an earlier create made with this creation token (written by createKey), unless it is gone or
   * pending deletion; undefined when there is none. Lets a create whose reply was lost, or whose host was killed,
   * finish in that key instead of making a second one.
   */
  findCreated?(creationToken: string): Promise<KeyDescription | undefined>;
  /**
   * Optional, with findCreated: the create with this token is done (its key has the material); forget the marker. Where
   * the token rode in the key's description (creationInDescription), `key.description` (undefined = none) replaces it,
   * and a failure means the key still carries the marker: the caller records the description as pending.
   */
  creationDone?(creationToken: string, key: { keyId: string; description?: string }): Promise<void>;
  /**
   * True where createKey writes the creation token as the key's whole description (no tags at CreateKey: Alibaba,
   * Huawei): until creationDone the key has not the description asked for, so a partly created key records it as pending.
   */
  readonly creationInDescription?: boolean;
  /**
   * Optional, for clouds where CreateKey cannot set the alias or tags: sets them on a created key. Idempotent (an
   * alias already pointing at this key, tags already there, are success), so a partly created key can be finished
   * by a later run. Errors carry no key id. Clouds without it set everything in createKey.
   */
  finishKey?(keyId: string, finish: KeyFinish): Promise<void>;
  importMaterial(request: ImportMaterialRequest): Promise<{ keyMaterialId?: string }>;
  /** Deletes the key's current material, or the material `keyMaterialId` where the cloud has several (AWS). */
  deleteMaterial(keyId: string, keyMaterialId?: string): Promise<void>;
  /**
   * Optional, where a key holds several materials (AWS symmetric EXTERNAL keys): every material, pending ones
   * included, every page read (ListKeyRotations IncludeKeyMaterial ALL_KEY_MATERIAL).
   */
  listMaterials?(keyId: string): Promise<KeyMaterialEntry[]>;
  /**
   * Optional, with listMaterials: starts the rotation to the key's pending material (RotateKeyOnDemand); it completes
   * asynchronously (listMaterials shows it CURRENT). A rotation in progress fails with code RotationInProgress, the
   * per-key limit of on-demand rotations with RotationLimitExceeded.
   */
  rotateMaterial?(keyId: string): Promise<void>;
  /** Schedules deletion; "already pending deletion" and "already gone" count as done. */
  scheduleDeletion(keyId: string, pendingWindowInDays: number): Promise<void>;
  enableKey(keyId: string): Promise<void>;
  disableKey(keyId: string): Promise<void>;
  /**
   * Optional: the cloud's time now, as the Date header of its latest reply told (the clock that decides
   * when material expires); undefined before any reply. Without it the provider uses the machine's clock.
   */
  cloudTime?(): Date | undefined;
  /**
   * Optional, for clouds whose API the provider had to partly assume (Ping An: provider/clouds/pingan/assumptions.ts):
   * checks each assumption against the real cloud with `keyId` (an EXTERNAL key) and says, per assumption, whether
   * what the cloud answered confirms it, contradicts it, or was not exercised. READ-ONLY: it only describes keys and
   * asks for import parameters (a fresh token just expires); it never creates, imports, enables, disables or deletes.
   * `seen` names field names and forms, never a secret, a token, key material or a public key.
   */
  probeAssumptions?(keyId: string): Promise<AssumptionVerdict[]>;
  /**
   * Releases what the adapter holds (AWS: the clients' sockets; Alibaba: its reply clock's subscription). The provider
   * calls it after each step; nothing is called on the adapter after it. A no-op where there is nothing to release.
   */
  destroy(): void;
}

/** One assumption judged by probeAssumptions against a real cloud. */
export interface AssumptionVerdict {
  /** The assumption's id (Ping An: ASSUMPTIONS in provider/clouds/pingan/assumptions.ts). */
  id: string;
  /** The assumption, in one line. */
  summary: string;
  verdict: 'confirmed' | 'contradicted' | 'not exercised';
  /** What was seen: field names and forms only, never values of secrets, tokens or keys. */
  seen?: string;
}

/** Where and how to reach a cloud; credentials never pass through here (each cloud's usual chain supplies them). */
export interface AdapterConfig {
  region?: string;
  /** Overrides the public endpoint, e.g. the emulator's URL. */
  endpoint?: string;
  /** Huawei only. */
  projectId?: string;
}

/**
 * What `check` needs to know about a cloud offline: plain data, no adapter (the registry, provider/clouds/index.ts,
 * builds adapters). One per cloud, in provider/clouds/<cloud>/profile.ts, registered in provider/clouds/index.ts.
 */
export interface CloudProfile {
  readonly cloud: string;
  readonly keySpecs: readonly string[];
  readonly defaultKeySpec: string;
  /**
   * The wrapping algorithms the cloud accepts for a key spec (first = default), for a key of that protection
   * level where the cloud has them (undefined = the key spec's default level).
   */
  wrappingAlgorithms(keySpec: string, protectionLevel?: string): readonly WrappingAlgorithm[];
  /** The wrapping key specs the cloud offers for an algorithm (first = default). */
  wrappingKeySpecs(algorithm: WrappingAlgorithm): readonly string[];
  readonly deletionWindowDays: { min: number; max: number; default: number };
  /** Furthest expiry the cloud accepts, in days from now; undefined = no limit. */
  readonly maxExpiryDays?: number;
  /** Optional: the key usages the cloud accepts for a key spec (first = default); lets `check` name them offline. */
  keyUsages?(keySpec: string): readonly string[];
  /**
   * Optional, only for clouds where a created key chooses where it lives (Alibaba SOFTWARE / HSM): the protection
   * levels a key of this spec can have (first = default). Without it `check` refuses the protectionLevel argument.
   */
  protectionLevels?(keySpec: string): readonly string[];
  /**
   * Optional: what the region cannot offer (AWS: SM2 only in the China Regions), as a failure naming the argument,
   * for `check`; `region` is the argument, else what the adapter would fall back to (environment), else undefined.
   */
  regionLimits?(region: string | undefined, use: { keySpec?: string; wrappingAlgorithm?: string }): { property: string; reason: string } | undefined;
  /**
   * Optional, true where a key keeps its alias until it is deleted and no alias can be moved (Ping An: aliases are
   * unique and there is no alias operation): a replacement cannot give its new key the old key's alias, so `diff`
   * refuses one that would try, before anything is created.
   */
  readonly aliasStaysWithKey?: boolean;
  /** Optional: what a user-given alias must look like, for `check` (the cloud's own pattern). */
  readonly aliasPattern?: RegExp;
  /** Optional: what a key id (or name the cloud accepts in its place, e.g. an ARN) looks like, for `check`. */
  readonly keyIdPattern?: RegExp;
  /**
   * Only for clouds that require an alias (Huawei key_alias): one made from the Pulumi resource name as
   * Pulumi auto-names (the name made valid, a random suffix), used when the `alias` argument is left out.
   */
  deriveAlias?(resourceName: string): string;
  /** Optional: the cloud's region names and where its adapter looks for one; without it `check` does not judge `region`. */
  readonly region?: RegionRule;
  /**
   * Optional, only for clouds whose keys live in a project (Huawei): what a project id looks like and where the
   * adapter looks for one. Without it `check` refuses the projectId argument (it would be recorded and never used).
   */
  readonly project?: ProjectRule;
  /** Optional: the most characters CreateKey takes as a description (the cloud's documented limit). */
  readonly descriptionMaxLength?: number;
  /** Optional: the cloud's limits on tags. Without it `check` refuses tags: the cloud's adapter cannot set them. */
  readonly tagLimits?: TagLimits;
  /** Optional: whether the cloud's client takes a bare host as `endpoint`, and a path; default: a scheme needed, a path kept. */
  readonly endpointForm?: { readonly bareHost: boolean; readonly path: boolean };
  /** Optional: the region a key id names (an ARN), so `check` can refuse one from another region than the resource's. */
  keyIdRegion?(keyId: string): string | undefined;
  /**
   * Optional, only where a key can hold several materials and rotate between them (AWS symmetric keys): the key specs
   * that can. Without it `check` refuses onMaterialChange rotate and previousKeyMaterials.
   */
  readonly materialRotation?: { readonly keySpecs: readonly string[] };
}

/** A cloud's regions, for `check`. */
export interface RegionRule {
  /** What a region name looks like, and one for messages. */
  readonly pattern: RegExp;
  readonly example: string;
  /** Optional: every region there is, where the cloud has a short closed list (Ping An); messages name them all. */
  readonly names?: readonly string[];
  /** The environment variables the adapter reads when the argument is left out, in its order. */
  readonly environment: readonly string[];
  /** Whether an `endpoint` makes the region unnecessary (Alibaba, Huawei); false: needed anyway (AWS signs with it). */
  readonly endpointSuffices: boolean;
  /**
   * Optional: whether the cloud's SDK may still find a region where `check` does not look (AWS: its shared config
   * files, EC2 instance metadata). True: a region missing from the argument and the environment is not refused.
   */
  foundElsewhere?(env: NodeJS.ProcessEnv): boolean;
}

/** A cloud's project ids, for `check`. */
export interface ProjectRule {
  readonly pattern: RegExp;
  /** What the pattern means, for messages, e.g. "32 lowercase hexadecimal characters". */
  readonly describe: string;
  /** The environment variables the adapter reads when the argument is left out, in its order. */
  readonly environment: readonly string[];
}

/** A cloud's limits on tags (lengths in characters), for `check`. */
export interface TagLimits {
  readonly maxTags: number;
  readonly keyLength: { readonly min: number; readonly max: number };
  readonly valueLength: { readonly min: number; readonly max: number };
  /** Prefixes the cloud keeps for itself, compared without regard to case. */
  readonly reservedKeyPrefixes: readonly string[];
}
