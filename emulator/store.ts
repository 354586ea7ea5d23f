// The cloud-neutral key store shared by every protocol. It owns the rules that must be the same for
// every cloud: key states, import tokens bound to one key and one wrapping key pair, the
// same-material rule, material expiry on the emulator clock, deletion windows. Protocols only
// translate wire formats and error names. Key records never carry material: it lives in a private
// map that only the crypto helpers and the sealed part of the state file see.

import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { EmulatorClock } from './clock';
import { StoreError } from './store-errors';
import { generateWrappingKeyPair, unwrapKeyMaterial, validateKeyMaterial } from '../provider/wrapping';
import type { WrappingAlgorithm } from '../provider/wrapping';

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
  /** When the current material expires (ms since the epoch); undefined = never or no material. */
  materialExpiresAt?: number;
  /** True while the key holds usable material. */
  hasMaterial: boolean;
  /** Derived from (key id, material); stable across reimports of the same material. */
  keyMaterialId?: string;
  deletionDate?: number;
  pendingWindowInDays?: number;
  /** Free-form attributes a protocol keeps for its cloud (e.g. Huawei key_alias, AWS MultiRegion). */
  attributes: Record<string, string | number | boolean>;
}

export interface StoredAlias {
  readonly cloud: string;
  readonly namespace: string;
  readonly name: string;
  keyId: string;
  readonly createdAt: number;
  updatedAt: number;
}

/** What a protocol passes to reach a key: a key id already resolved from ARNs/aliases. */
export interface KeyRef {
  cloud: string;
  namespace: string;
  keyId: string;
}

interface ImportTokenRecord {
  cloud: string;
  namespace: string;
  keyId: string;
  algorithm: WrappingAlgorithm;
  wrappingKeySpec: string;
  privateKeyPem: string;
  validTo: number;
}

interface MaterialRecord {
  /** Present while the key holds usable material. */
  current?: Buffer;
  /** The first material ever imported: only this can be imported again (the same-material rule). */
  bound?: Buffer;
}

/** The persisted form; `secret` holds material and token keys and is sealed by persistence.ts. */
export interface StoreSnapshot {
  keys: StoredKey[];
  aliases: StoredAlias[];
  secret: {
    materials: Array<{ keyId: string; current?: string; bound?: string }>;
    tokens: Array<ImportTokenRecord & { tokenHash: string }>;
  };
}

export const IMPORT_TOKEN_LIFETIME_MS = 24 * 60 * 60 * 1000;
const IMPORT_TOKEN_BYTES = 320; // long enough for Huawei's import_token pattern (200..6144 base64 chars)
const DAY_MS = 24 * 60 * 60 * 1000;

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
}

export class KeyStore {
  private readonly keys = new Map<string, StoredKey>();
  private readonly materials = new Map<string, MaterialRecord>();
  private readonly aliases = new Map<string, StoredAlias>();
  private readonly tokens = new Map<string, ImportTokenRecord>();
  /** Called after every change (persistence hooks in here). */
  onChange: () => void = () => undefined;

  constructor(readonly clock: EmulatorClock) {}

  // ---- keys ----------------------------------------------------------------------------------

  createKey(input: CreateKeyInput): StoredKey {
    const id = randomUUID();
    const now = this.clock.now();
    const key: StoredKey = {
      id,
      cloud: input.cloud,
      namespace: input.namespace,
      createdAt: now,
      state: input.external ? 'PendingImport' : 'Enabled',
      origin: input.origin,
      external: input.external,
      keySpec: input.keySpec,
      keyUsage: input.keyUsage,
      description: input.description ?? '',
      tags: { ...(input.tags ?? {}) },
      hasMaterial: false,
      attributes: { ...(input.attributes ?? {}) },
    };
    this.keys.set(id, key);
    if (!input.external && input.generatedMaterial) {
      this.materials.set(id, { current: input.generatedMaterial, bound: input.generatedMaterial });
      key.hasMaterial = true;
      key.keyMaterialId = materialId(id, input.generatedMaterial);
    }
    this.changed();
    return key;
  }

  /** The key, after applying lazy expiry and deletion; undefined when it does not exist in that cloud/namespace. */
  findKey(cloud: string, namespace: string, keyId: string): StoredKey | undefined {
    const key = this.keys.get(keyId);
    if (!key || key.cloud !== cloud || key.namespace !== namespace) return undefined;
    return this.refresh(key) ? key : undefined;
  }

  getKey(ref: KeyRef): StoredKey {
    const key = this.findKey(ref.cloud, ref.namespace, ref.keyId);
    if (!key) throw new StoreError('NotFound', `Key '${ref.keyId}' does not exist`);
    return key;
  }

  listKeys(cloud: string, namespace: string): StoredKey[] {
    const out: StoredKey[] = [];
    for (const key of [...this.keys.values()]) {
      if (key.cloud === cloud && key.namespace === namespace && this.refresh(key)) out.push(key);
    }
    return out.sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  }

  enableKey(ref: KeyRef): StoredKey {
    const key = this.getKey(ref);
    if (key.state === 'PendingImport' || key.state === 'PendingDeletion') {
      throw new StoreError('InvalidState', `${keyArnOrId(key)} is ${key.state}`);
    }
    key.state = 'Enabled';
    this.changed();
    return key;
  }

  disableKey(ref: KeyRef): StoredKey {
    const key = this.getKey(ref);
    if (key.state === 'PendingImport' || key.state === 'PendingDeletion') {
      throw new StoreError('InvalidState', `${keyArnOrId(key)} is ${key.state}`);
    }
    key.state = 'Disabled';
    this.changed();
    return key;
  }

  scheduleDeletion(ref: KeyRef, pendingWindowInDays: number): StoredKey {
    const key = this.getKey(ref);
    if (key.state === 'PendingDeletion') throw new StoreError('InvalidState', `${keyArnOrId(key)} is pending deletion`);
    key.state = 'PendingDeletion';
    key.pendingWindowInDays = pendingWindowInDays;
    key.deletionDate = this.clock.now() + pendingWindowInDays * DAY_MS;
    this.changed();
    return key;
  }

  /** Back to Disabled (or PendingImport when the key has no material), as the clouds do. */
  cancelDeletion(ref: KeyRef): StoredKey {
    const key = this.getKey(ref);
    if (key.state !== 'PendingDeletion') throw new StoreError('InvalidState', `${keyArnOrId(key)} is not pending deletion`);
    key.state = key.hasMaterial ? 'Disabled' : 'PendingImport';
    key.deletionDate = undefined;
    key.pendingWindowInDays = undefined;
    this.changed();
    return key;
  }

  tagKey(ref: KeyRef, tags: Record<string, string>): StoredKey {
    const key = this.getKey(ref);
    if (key.state === 'PendingDeletion') throw new StoreError('InvalidState', `${keyArnOrId(key)} is pending deletion`);
    Object.assign(key.tags, tags);
    this.changed();
    return key;
  }

  untagKey(ref: KeyRef, tagKeys: string[]): StoredKey {
    const key = this.getKey(ref);
    if (key.state === 'PendingDeletion') throw new StoreError('InvalidState', `${keyArnOrId(key)} is pending deletion`);
    for (const name of tagKeys) delete key.tags[name];
    this.changed();
    return key;
  }

  updateDescription(ref: KeyRef, description: string): StoredKey {
    const key = this.getKey(ref);
    key.description = description;
    this.changed();
    return key;
  }

  // ---- import --------------------------------------------------------------------------------

  /** Mints a fresh wrapping key pair and a token bound to this key and that pair, valid 24 h. */
  createImportParameters(
    ref: KeyRef,
    algorithm: WrappingAlgorithm,
    wrappingKeySpec: 'RSA_2048' | 'RSA_3072' | 'RSA_4096' | 'SM2',
  ): { key: StoredKey; importToken: Buffer; publicKeyDer: Buffer; validTo: number } {
    const key = this.getKey(ref);
    this.requireExternal(key);
    if (key.state === 'PendingDeletion') throw new StoreError('InvalidState', `${keyArnOrId(key)} is pending deletion`);
    const pair = generateWrappingKeyPair(wrappingKeySpec);
    const importToken = randomBytes(IMPORT_TOKEN_BYTES);
    const validTo = this.clock.now() + IMPORT_TOKEN_LIFETIME_MS;
    this.pruneTokens();
    this.tokens.set(tokenHash(importToken), {
      cloud: key.cloud,
      namespace: key.namespace,
      keyId: key.id,
      algorithm,
      wrappingKeySpec,
      privateKeyPem: pair.privateKeyPem,
      validTo,
    });
    this.changed();
    return { key, importToken, publicKeyDer: pair.publicKeyDer, validTo };
  }

  /**
   * Imports material: token (known, bound to this key, not expired) → key state → unwrap with the
   * token's key pair → material valid for the key spec → same material as before → expiry rules.
   */
  importMaterial(ref: KeyRef, input: ImportMaterialInput): StoredKey {
    const key = this.getKey(ref);
    this.requireExternal(key);
    const token = this.tokens.get(tokenHash(input.importToken));
    if (!token || token.cloud !== key.cloud || token.namespace !== key.namespace) {
      throw new StoreError('InvalidImportToken', 'The import token is invalid');
    }
    if (token.keyId !== key.id) throw new StoreError('InvalidImportToken', `The import token belongs to another key, not ${key.id}`);
    if (this.clock.now() >= token.validTo) throw new StoreError('ExpiredImportToken', 'The import token has expired');
    if (key.state === 'PendingDeletion') throw new StoreError('InvalidState', `${keyArnOrId(key)} is pending deletion`);
    if (input.reimport === 'pending-import-only' && key.state !== 'PendingImport') {
      throw new StoreError('InvalidState', `${keyArnOrId(key)} is ${key.state}, not PendingImport`);
    }
    if (key.state === 'Disabled') throw new StoreError('InvalidState', `${keyArnOrId(key)} is Disabled`);

    let material: Buffer;
    try {
      material = unwrapKeyMaterial({ algorithm: token.algorithm, privateKey: token.privateKeyPem, wrapped: input.encryptedKeyMaterial });
    } catch {
      throw new StoreError('InvalidCiphertext', 'The wrapped key material could not be decrypted with the wrapping key of this import token');
    }
    try {
      validateKeyMaterial(key.keySpec, material);
    } catch (error) {
      // The wrapping module's messages name the field and what is allowed, never the bytes.
      const detail = error instanceof Error ? error.message : 'invalid';
      throw new StoreError('InvalidMaterial', `The key material is not valid for key spec ${key.keySpec}: ${detail}`);
    }
    const record = this.materials.get(key.id) ?? {};
    if (record.bound && !sameBytes(record.bound, material)) {
      throw new StoreError('IncorrectKeyMaterial', `The key material is not the material previously imported into ${key.id}`);
    }
    const id = materialId(key.id, material);
    if (input.expectedKeyMaterialId !== undefined && input.expectedKeyMaterialId !== id) {
      throw new StoreError('IncorrectKeyMaterial', `The key material does not have KeyMaterialId ${input.expectedKeyMaterialId}`);
    }
    this.checkExpiry(input.expiresAt, input.maxExpiryDays);

    this.materials.set(key.id, { current: material, bound: record.bound ?? material });
    key.hasMaterial = true;
    key.keyMaterialId = id;
    key.materialExpiresAt = input.expiresAt;
    if (key.state === 'PendingImport') key.state = 'Enabled';
    this.changed();
    return key;
  }

  /** Removes the material (the binding stays: only the same material can come back). */
  deleteMaterial(ref: KeyRef): StoredKey {
    const key = this.getKey(ref);
    this.requireExternal(key);
    if (key.state === 'PendingDeletion') throw new StoreError('InvalidState', `${keyArnOrId(key)} is pending deletion`);
    this.dropMaterial(key);
    this.changed();
    return key;
  }

  /** The key's material for a crypto operation: the key must be Enabled. Never leaves the emulator. */
  materialForUse(ref: KeyRef): { key: StoredKey; material: Buffer } {
    const key = this.getKey(ref);
    if (key.state === 'Disabled') throw new StoreError('Disabled', `${keyArnOrId(key)} is disabled`);
    if (key.state !== 'Enabled') throw new StoreError('InvalidState', `${keyArnOrId(key)} is ${key.state}`);
    const material = this.materials.get(key.id)?.current;
    if (!material) throw new StoreError('InvalidState', `${keyArnOrId(key)} has no key material`);
    return { key, material };
  }

  // ---- aliases -------------------------------------------------------------------------------

  createAlias(cloud: string, namespace: string, name: string, keyRef: KeyRef): StoredAlias {
    const key = this.getKey(keyRef);
    if (key.state === 'PendingDeletion') throw new StoreError('InvalidState', `${keyArnOrId(key)} is pending deletion`);
    const slot = aliasSlot(cloud, namespace, name);
    if (this.aliases.has(slot)) throw new StoreError('AlreadyExists', `An alias with the name ${name} already exists`);
    const now = this.clock.now();
    const alias: StoredAlias = { cloud, namespace, name, keyId: key.id, createdAt: now, updatedAt: now };
    this.aliases.set(slot, alias);
    this.changed();
    return alias;
  }

  updateAlias(cloud: string, namespace: string, name: string, keyRef: KeyRef): StoredAlias {
    const alias = this.aliases.get(aliasSlot(cloud, namespace, name));
    if (!alias) throw new StoreError('NotFound', `Alias ${name} does not exist`);
    const key = this.getKey(keyRef);
    alias.keyId = key.id;
    alias.updatedAt = this.clock.now();
    this.changed();
    return alias;
  }

  deleteAlias(cloud: string, namespace: string, name: string): void {
    if (!this.aliases.delete(aliasSlot(cloud, namespace, name))) throw new StoreError('NotFound', `Alias ${name} does not exist`);
    this.changed();
  }

  findAlias(cloud: string, namespace: string, name: string): StoredAlias | undefined {
    const alias = this.aliases.get(aliasSlot(cloud, namespace, name));
    if (alias && !this.findKey(cloud, namespace, alias.keyId)) return undefined;
    return alias;
  }

  listAliases(cloud: string, namespace: string, keyId?: string): StoredAlias[] {
    return [...this.aliases.values()]
      .filter((a) => a.cloud === cloud && a.namespace === namespace && (keyId === undefined || a.keyId === keyId))
      .filter((a) => this.findKey(cloud, namespace, a.keyId) !== undefined)
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  // ---- persistence and reset -----------------------------------------------------------------

  snapshot(): StoreSnapshot {
    return {
      keys: [...this.keys.values()].map((k) => ({ ...k, tags: { ...k.tags }, attributes: { ...k.attributes } })),
      aliases: [...this.aliases.values()].map((a) => ({ ...a })),
      secret: {
        materials: [...this.materials.entries()].map(([keyId, m]) => ({
          keyId,
          current: m.current?.toString('base64'),
          bound: m.bound?.toString('base64'),
        })),
        tokens: [...this.tokens.entries()].map(([hash, t]) => ({ ...t, tokenHash: hash })),
      },
    };
  }

  restore(snapshot: StoreSnapshot): void {
    this.clearAll();
    for (const key of snapshot.keys) this.keys.set(key.id, { ...key, tags: { ...key.tags }, attributes: { ...(key.attributes ?? {}) } });
    for (const alias of snapshot.aliases) this.aliases.set(aliasSlot(alias.cloud, alias.namespace, alias.name), { ...alias });
    for (const m of snapshot.secret.materials) {
      this.materials.set(m.keyId, {
        current: m.current === undefined ? undefined : Buffer.from(m.current, 'base64'),
        bound: m.bound === undefined ? undefined : Buffer.from(m.bound, 'base64'),
      });
    }
    for (const { tokenHash: hash, ...token } of snapshot.secret.tokens) this.tokens.set(hash, token);
  }

  reset(): void {
    this.clearAll();
    this.changed();
  }

  // ---- internals -----------------------------------------------------------------------------

  private clearAll(): void {
    this.keys.clear();
    this.materials.clear();
    this.aliases.clear();
    this.tokens.clear();
  }

  private changed(): void {
    this.onChange();
  }

  private requireExternal(key: StoredKey): void {
    if (!key.external) {
      throw new StoreError('UnsupportedOperation', `${key.id} does not take imported key material (origin ${key.origin})`);
    }
  }

  private checkExpiry(expiresAt: number | undefined, maxExpiryDays: number | undefined): void {
    if (expiresAt === undefined) return;
    const now = this.clock.now();
    if (!Number.isFinite(expiresAt) || expiresAt <= now) {
      throw new StoreError('InvalidExpiry', 'The expiration time of the key material must be in the future');
    }
    if (maxExpiryDays !== undefined && expiresAt > now + maxExpiryDays * DAY_MS) {
      throw new StoreError('InvalidExpiry', `The expiration time of the key material must be at most ${maxExpiryDays} days from now`);
    }
  }

  /** Applies what the clock says: expired material goes, keys past their deletion date vanish. Returns false when gone. */
  private refresh(key: StoredKey): boolean {
    const now = this.clock.now();
    if (key.state === 'PendingDeletion' && key.deletionDate !== undefined && now >= key.deletionDate) {
      this.keys.delete(key.id);
      this.materials.delete(key.id);
      for (const [slot, alias] of this.aliases) if (alias.keyId === key.id) this.aliases.delete(slot);
      this.changed();
      return false;
    }
    if (key.hasMaterial && key.materialExpiresAt !== undefined && now >= key.materialExpiresAt) {
      this.dropMaterial(key);
      this.changed();
    }
    return true;
  }

  private dropMaterial(key: StoredKey): void {
    const record = this.materials.get(key.id);
    if (record) record.current = undefined;
    key.hasMaterial = false;
    key.materialExpiresAt = undefined;
    if (key.state !== 'PendingDeletion') key.state = 'PendingImport';
  }

  private pruneTokens(): void {
    const cutoff = this.clock.now() - 7 * DAY_MS; // keep expired tokens a while so they report "expired", not "invalid"
    for (const [hash, token] of this.tokens) if (token.validTo < cutoff) this.tokens.delete(hash);
  }
}

function aliasSlot(cloud: string, namespace: string, name: string): string {
  return `${cloud}\u0000${namespace}\u0000${name}`;
}

function tokenHash(token: Buffer): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Keyed by the key id so the same material in two keys gets two unrelated ids. */
function materialId(keyId: string, material: Buffer): string {
  return createHmac('sha256', keyId).update(material).digest('hex');
}

function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

function keyArnOrId(key: StoredKey): string {
  return `Key '${key.id}'`;
}
