// The shapes of the key store: stored keys, how protocols address them, what they pass in, and the
// persisted snapshot. Key records never carry material.

import type { StoredAlias } from './aliases';
import type { ImportTokenRecord } from './import-tokens';
import type { KeyMaterialInfo, RotationInProgress } from './key-materials';

export type StoredKeyState = 'Enabled' | 'Disabled' | 'PendingImport' | 'PendingDeletion';

export interface StoredKey {
  readonly id: string;
  readonly cloud: string;
  /** Where the key lives inside its cloud: AWS `account:region`, Alibaba region, Huawei project id. */
  readonly namespace: string;
  readonly createdAt: number;
  state: StoredKeyState;
  /** The cloud's origin name (AWS EXTERNAL / AWS_KMS, Huawei external / kms, ...). */
  origin: string;
  /** True when the customer imports the material (the protocol decides from the origin). */
  readonly external: boolean;
  keySpec: string;
  keyUsage: string;
  description: string;
  tags: Record<string, string>;
  /**
   * The earliest expiry over the associated materials that are imported (ms since the epoch); undefined = never or no
   * material. Derived from `materials` (key-materials.ts summarize).
   */
  materialExpiresAt?: number;
  /** True while the key holds usable material: every associated material is imported. Derived from `materials`. */
  hasMaterial: boolean;
  /** The CURRENT material's id, derived from (key id, material); stable across reimports of the same material. */
  keyMaterialId?: string;
  /** Every material of the key, in the order they were associated, a pending one last (never the bytes). */
  materials?: KeyMaterialInfo[];
  /** A RotateKeyOnDemand in progress (AWS). */
  rotation?: RotationInProgress;
  /** Completed on-demand rotations (AWS allows 25 per key). */
  onDemandRotations?: number;
  deletionDate?: number;
  pendingWindowInDays?: number;
  /** Free-form attributes a protocol keeps for its cloud (e.g. Huawei key_alias, AWS MultiRegion). */
  attributes: Record<string, string | number | boolean>;
}

/** What a protocol passes to reach a key: a key id already resolved from ARNs/aliases. */
export interface KeyRef {
  cloud: string;
  namespace: string;
  keyId: string;
}

/** The persisted form; `secret` holds material and token keys and is sealed by persistence.ts. */
export interface StoreSnapshot {
  keys: StoredKey[];
  aliases: StoredAlias[];
  secret: {
    /**
     * Material bytes (base64) by key, each under its KeyMaterialId in `byId`. Files written before keys held several
     * materials have `current` (present while imported) and `bound` (the one material) instead; both still load.
     */
    materials: Array<{ keyId: string; byId?: Record<string, string>; current?: string; bound?: string }>;
    tokens: Array<ImportTokenRecord & { tokenHash: string }>;
  };
}

export interface CreateKeyInput {
  cloud: string;
  namespace: string;
  origin: string;
  keySpec: string;
  keyUsage: string;
  description?: string;
  tags?: Record<string, string>;
  attributes?: Record<string, string | number | boolean>;
  /** Material for keys the emulator creates itself (origin other than EXTERNAL). */
  generatedMaterial?: Buffer;
  /** Set when the origin means "the customer imports material" (EXTERNAL, Alibaba EXTERNAL, Huawei external). */
  external: boolean;
}

export interface ImportMaterialInput {
  importToken: Buffer;
  encryptedKeyMaterial: Buffer;
  /** ms since the epoch; undefined = never expires. */
  expiresAt?: number;
  /** Furthest allowed expiry from now, in days (AWS: 365); undefined = no limit. */
  maxExpiryDays?: number;
  /** in-place: Enabled keys accept the same material again; pending-import-only: only PendingImport keys accept imports. */
  reimport: 'in-place' | 'pending-import-only';
  /** When given, must equal the id of the material being imported (AWS KeyMaterialId). */
  expectedKeyMaterialId?: string;
  /**
   * NEW: material the key does not have yet (the first, or one to rotate to); EXISTING: one of the key's materials
   * again. Undefined: NEW when the key never had material, else EXISTING (AWS's default, and the only way the
   * one-material clouds import).
   */
  importType?: 'NEW' | 'EXISTING';
  /** AWS KeyMaterialDescription; undefined keeps the one given before for the same material. */
  description?: string;
  /** True where a NEW material may join a key that has material already, pending rotation (AWS symmetric keys). */
  allowRotationMaterial?: boolean;
}
