// The cloud-neutral key store shared by every protocol. It owns the rules that must be the same for
// every cloud: key states, import tokens bound to one key and one wrapping key pair, the
// same-material rule, material expiry on the emulator clock, deletion windows. Protocols only
// translate wire formats and error names. Key records never carry material: it lives in a private
// map that only the crypto helpers and the sealed part of the state file see.

import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { AliasTable, type StoredAlias } from './aliases';
import type { CreateKeyInput, ImportMaterialInput, KeyRef, StoredKey, StoreSnapshot } from './store-types';
import { EmulatorClock } from './clock';
import { Consistency } from './consistency';
import { IMPORT_TOKEN_LIFETIME_MS, ImportTokens, type ImportTokenRecord } from './import-tokens';
import { StoreError, type StoreErrorSubject } from './store-errors';
import { generateWrappingKeyPair, unwrapKeyMaterial, validateKeyMaterial } from '../core/wrapping';
import type { WrappingKeySource } from './wrapping-key-pool';
import type { WrappingAlgorithm } from '../core/wrapping';

export type { StoredAlias } from './aliases';
export { IMPORT_TOKEN_LIFETIME_MS } from './import-tokens';

export type { StoredKey, StoredKeyState, KeyRef, StoreSnapshot, CreateKeyInput, ImportMaterialInput } from './store-types';

interface MaterialRecord {
  /** Present while the key holds usable material. */
  current?: Buffer;
  /** The first material ever imported: only this can be imported again (the same-material rule). */
  bound?: Buffer;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export class KeyStore {
  private readonly keys = new Map<string, StoredKey>();
  private readonly materials = new Map<string, MaterialRecord>();
  private readonly aliases = new AliasTable();
  private readonly tokens = new ImportTokens();
  /** How long each cloud's describes lag behind changes (off unless set): see consistency.ts and describeKey. */
  readonly consistency = new Consistency();
  /** Called after every change (persistence hooks in here). */
  onChange: () => void = () => undefined;

  /**
   * `wrappingKeys`: where GetParametersForImport's fresh pairs come from — the emulator passes its pool
   * (wrapping-key-pool.ts); by default each pair is generated when asked for.
   */
  constructor(
    readonly clock: EmulatorClock,
    private readonly wrappingKeys: WrappingKeySource = { take: generateWrappingKeyPair },
  ) {}

  // ---- keys ----------------------------------------------------------------------------------

  createKey(input: CreateKeyInput): StoredKey {
    const id = randomUUID();
    const now = this.clock.now();
    this.consistency.beforeKeyChange(input.cloud, id, undefined);
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
    this.consistency.afterKeyChange(key.cloud, key);
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
    if (!key) throw new StoreError('NotFound', `Key '${ref.keyId}' does not exist`, { keyId: ref.keyId });
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
      throw new StoreError('InvalidState', `${keyArnOrId(key)} is ${key.state}`, subjectOf(key));
    }
    return this.change(key, () => {
      key.state = 'Enabled';
    });
  }

  disableKey(ref: KeyRef): StoredKey {
    const key = this.getKey(ref);
    if (key.state === 'PendingImport' || key.state === 'PendingDeletion') {
      throw new StoreError('InvalidState', `${keyArnOrId(key)} is ${key.state}`, subjectOf(key));
    }
    return this.change(key, () => {
      key.state = 'Disabled';
    });
  }

  scheduleDeletion(ref: KeyRef, pendingWindowInDays: number): StoredKey {
    const key = this.getKey(ref);
    if (key.state === 'PendingDeletion') throw new StoreError('InvalidState', `${keyArnOrId(key)} is pending deletion`, subjectOf(key));
    return this.change(key, () => {
      key.state = 'PendingDeletion';
      key.pendingWindowInDays = pendingWindowInDays;
      key.deletionDate = this.clock.now() + pendingWindowInDays * DAY_MS;
    });
  }

  /** Back to Disabled (or PendingImport when the key has no material), as the clouds do. */
  cancelDeletion(ref: KeyRef): StoredKey {
    const key = this.getKey(ref);
    if (key.state !== 'PendingDeletion') throw new StoreError('InvalidState', `${keyArnOrId(key)} is not pending deletion`, subjectOf(key));
    return this.change(key, () => {
      key.state = key.hasMaterial ? 'Disabled' : 'PendingImport';
      key.deletionDate = undefined;
      key.pendingWindowInDays = undefined;
    });
  }

  tagKey(ref: KeyRef, tags: Record<string, string>): StoredKey {
    const key = this.getKey(ref);
    if (key.state === 'PendingDeletion') throw new StoreError('InvalidState', `${keyArnOrId(key)} is pending deletion`, subjectOf(key));
    return this.change(key, () => Object.assign(key.tags, tags));
  }

  untagKey(ref: KeyRef, tagKeys: string[]): StoredKey {
    const key = this.getKey(ref);
    if (key.state === 'PendingDeletion') throw new StoreError('InvalidState', `${keyArnOrId(key)} is pending deletion`, subjectOf(key));
    return this.change(key, () => {
      for (const name of tagKeys) delete key.tags[name];
    });
  }

  updateDescription(ref: KeyRef, description: string): StoredKey {
    const key = this.getKey(ref);
    return this.change(key, () => {
      key.description = description;
    });
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
    if (key.state === 'PendingDeletion') throw new StoreError('InvalidState', `${keyArnOrId(key)} is pending deletion`, subjectOf(key));
    const pair = this.wrappingKeys.take(wrappingKeySpec);
    const validTo = this.clock.now() + IMPORT_TOKEN_LIFETIME_MS;
    const importToken = this.tokens.issue(
      { cloud: key.cloud, namespace: key.namespace, keyId: key.id, algorithm, wrappingKeySpec, privateKeyPem: pair.privateKeyPem, validTo },
      this.clock.now(),
    );
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
    const token: ImportTokenRecord | undefined = this.tokens.find(input.importToken);
    if (!token || token.cloud !== key.cloud || token.namespace !== key.namespace) {
      throw new StoreError('InvalidImportToken', 'The import token is invalid', subjectOf(key));
    }
    if (token.keyId !== key.id) throw new StoreError('ImportTokenForAnotherKey', `The import token belongs to another key, not ${key.id}`, subjectOf(key));
    if (this.clock.now() >= token.validTo) throw new StoreError('ExpiredImportToken', 'The import token has expired', subjectOf(key));
    if (key.state === 'PendingDeletion') throw new StoreError('InvalidState', `${keyArnOrId(key)} is pending deletion`, subjectOf(key));
    if (input.reimport === 'pending-import-only' && key.state !== 'PendingImport') {
      throw new StoreError('InvalidState', `${keyArnOrId(key)} is ${key.state}, not PendingImport`, subjectOf(key));
    }
    if (key.state === 'Disabled') throw new StoreError('InvalidState', `${keyArnOrId(key)} is Disabled`, subjectOf(key));

    let material: Buffer;
    try {
      material = unwrapKeyMaterial({ algorithm: token.algorithm, privateKey: token.privateKeyPem, wrapped: input.encryptedKeyMaterial });
    } catch {
      throw new StoreError('InvalidCiphertext', 'The wrapped key material could not be decrypted with the wrapping key of this import token', subjectOf(key));
    }
    try {
      validateKeyMaterial(key.keySpec, material);
    } catch (error) {
      // The wrapping module's messages name the field and what is allowed, never the bytes.
      const detail = error instanceof Error ? error.message : 'invalid';
      throw new StoreError('InvalidMaterial', `The key material is not valid for key spec ${key.keySpec}: ${detail}`, subjectOf(key));
    }
    const record = this.materials.get(key.id) ?? {};
    if (record.bound && !sameBytes(record.bound, material)) {
      throw new StoreError('IncorrectKeyMaterial', `The key material is not the material previously imported into ${key.id}`, subjectOf(key));
    }
    const id = materialId(key.id, material);
    if (input.expectedKeyMaterialId !== undefined && input.expectedKeyMaterialId !== id) {
      throw new StoreError('IncorrectKeyMaterial', `The key material does not have KeyMaterialId ${input.expectedKeyMaterialId}`, subjectOf(key));
    }
    this.checkExpiry(key, input.expiresAt, input.maxExpiryDays);

    return this.change(key, () => {
      this.materials.set(key.id, { current: material, bound: record.bound ?? material });
      key.hasMaterial = true;
      key.keyMaterialId = id;
      key.materialExpiresAt = input.expiresAt;
      if (key.state === 'PendingImport') key.state = 'Enabled';
    });
  }

  /** Removes the material (the binding stays: only the same material can come back). */
  deleteMaterial(ref: KeyRef): StoredKey {
    const key = this.getKey(ref);
    this.requireExternal(key);
    if (key.state === 'PendingDeletion') throw new StoreError('InvalidState', `${keyArnOrId(key)} is pending deletion`, subjectOf(key));
    return this.change(key, () => this.dropMaterial(key));
  }

  /** The key's material for a crypto operation: the key must be Enabled. Never leaves the emulator. */
  materialForUse(ref: KeyRef): { key: StoredKey; material: Buffer } {
    const key = this.getKey(ref);
    if (key.state === 'Disabled') throw new StoreError('Disabled', `${keyArnOrId(key)} is disabled`, subjectOf(key));
    if (key.state !== 'Enabled') throw new StoreError('InvalidState', `${keyArnOrId(key)} is ${key.state}`, subjectOf(key));
    const material = this.materials.get(key.id)?.current;
    if (!material) throw new StoreError('InvalidState', `${keyArnOrId(key)} has no key material`, subjectOf(key));
    return { key, material };
  }

  // ---- aliases -------------------------------------------------------------------------------

  createAlias(cloud: string, namespace: string, name: string, keyRef: KeyRef): StoredAlias {
    const key = this.getKey(keyRef);
    if (key.state === 'PendingDeletion') throw new StoreError('InvalidState', `${keyArnOrId(key)} is pending deletion`, subjectOf(key));
    if (this.aliases.get(cloud, namespace, name)) throw new StoreError('AlreadyExists', `An alias with the name ${name} already exists`, { aliasName: name, keyId: key.id });
    const now = this.clock.now();
    const alias: StoredAlias = { cloud, namespace, name, keyId: key.id, createdAt: now, updatedAt: now };
    this.consistency.beforeAliasChange(cloud, aliasSlot(cloud, namespace, name), undefined);
    this.aliases.add(alias);
    this.consistency.afterAliasChange(cloud, aliasSlot(cloud, namespace, name), alias);
    this.changed();
    return alias;
  }

  updateAlias(cloud: string, namespace: string, name: string, keyRef: KeyRef): StoredAlias {
    const alias = this.aliases.get(cloud, namespace, name);
    if (!alias) throw new StoreError('AliasNotFound', `Alias ${name} does not exist`, { aliasName: name });
    const key = this.getKey(keyRef);
    this.consistency.beforeAliasChange(cloud, aliasSlot(cloud, namespace, name), alias);
    alias.keyId = key.id;
    alias.updatedAt = this.clock.now();
    this.consistency.afterAliasChange(cloud, aliasSlot(cloud, namespace, name), alias);
    this.changed();
    return alias;
  }

  deleteAlias(cloud: string, namespace: string, name: string): void {
    const existing = this.aliases.get(cloud, namespace, name);
    if (!existing) throw new StoreError('AliasNotFound', `Alias ${name} does not exist`, { aliasName: name });
    this.consistency.beforeAliasChange(cloud, aliasSlot(cloud, namespace, name), existing);
    this.aliases.delete(cloud, namespace, name);
    this.consistency.afterAliasChange(cloud, aliasSlot(cloud, namespace, name), undefined);
    this.changed();
  }

  findAlias(cloud: string, namespace: string, name: string): StoredAlias | undefined {
    const alias = this.aliases.get(cloud, namespace, name);
    if (alias && !this.findKey(cloud, namespace, alias.keyId)) return undefined;
    return alias;
  }

  listAliases(cloud: string, namespace: string, keyId?: string): StoredAlias[] {
    return this.aliases
      .list(cloud, namespace)
      .filter((a) => (keyId === undefined || a.keyId === keyId) && this.findKey(cloud, namespace, a.keyId) !== undefined);
  }

  // ---- what describes see (eventual consistency) ---------------------------------------------

  /**
   * The key as a describe sees it: the truth (findKey) unless this cloud's describes lag (consistency.setDelay) and a
   * change is still on its way, then the newest copy already visible, as of the clock now (expired material gone, a
   * passed deletion date gone); undefined when the key is not (yet) visible.
   */
  describeKey(cloud: string, namespace: string, keyId: string): StoredKey | undefined {
    const current = this.findKey(cloud, namespace, keyId);
    const { key, stale } = this.consistency.keyView(keyId, current);
    if (!stale) return current;
    if (!key || key.cloud !== cloud || key.namespace !== namespace) return undefined;
    const now = this.clock.now();
    if (key.state === 'PendingDeletion' && key.deletionDate !== undefined && now >= key.deletionDate) return undefined;
    if (key.hasMaterial && key.materialExpiresAt !== undefined && now >= key.materialExpiresAt) {
      key.hasMaterial = false;
      key.materialExpiresAt = undefined;
      if (key.state !== 'PendingDeletion') key.state = 'PendingImport';
    }
    return key;
  }

  /** An alias as a describe sees it (see describeKey); its key must be visible too. */
  describeAlias(cloud: string, namespace: string, name: string): StoredAlias | undefined {
    const alias = this.consistency.aliasView(aliasSlot(cloud, namespace, name), this.findAlias(cloud, namespace, name));
    return alias && this.describeKey(cloud, namespace, alias.keyId) ? alias : undefined;
  }

  /** The aliases a listing sees (see describeKey), by name. */
  describeAliases(cloud: string, namespace: string, keyId?: string): StoredAlias[] {
    const names = new Set(this.aliases.list(cloud, namespace).map((a) => a.name));
    const prefix = aliasSlot(cloud, namespace, '');
    for (const slot of this.consistency.trackedAliasSlots()) if (slot.startsWith(prefix)) names.add(slot.slice(prefix.length));
    return [...names]
      .sort()
      .map((name) => this.describeAlias(cloud, namespace, name))
      .filter((a): a is StoredAlias => a !== undefined && (keyId === undefined || a.keyId === keyId));
  }

  // ---- persistence and reset -----------------------------------------------------------------

  snapshot(): StoreSnapshot {
    return {
      keys: [...this.keys.values()].map((k) => ({ ...k, tags: { ...k.tags }, attributes: { ...k.attributes } })),
      aliases: this.aliases.all(),
      secret: {
        materials: [...this.materials.entries()].map(([keyId, m]) => ({
          keyId,
          current: m.current?.toString('base64'),
          bound: m.bound?.toString('base64'),
        })),
        tokens: this.tokens.entries(),
      },
    };
  }

  restore(snapshot: StoreSnapshot): void {
    this.clearAll();
    this.consistency.forget();
    for (const key of snapshot.keys) this.keys.set(key.id, { ...key, tags: { ...key.tags }, attributes: { ...(key.attributes ?? {}) } });
    for (const alias of snapshot.aliases) this.aliases.add({ ...alias });
    for (const m of snapshot.secret.materials) {
      this.materials.set(m.keyId, {
        current: m.current === undefined ? undefined : Buffer.from(m.current, 'base64'),
        bound: m.bound === undefined ? undefined : Buffer.from(m.bound, 'base64'),
      });
    }
    this.tokens.restore(snapshot.secret.tokens);
  }

  reset(): void {
    this.clearAll();
    this.consistency.clear();
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

  /** One change to a key: tracked for describes that lag (consistency), then saved. */
  private change(key: StoredKey, mutate: () => unknown): StoredKey {
    this.consistency.beforeKeyChange(key.cloud, key.id, key);
    mutate();
    this.consistency.afterKeyChange(key.cloud, key);
    this.changed();
    return key;
  }

  private requireExternal(key: StoredKey): void {
    if (!key.external) {
      throw new StoreError('UnsupportedOperation', `${key.id} does not take imported key material (origin ${key.origin})`, subjectOf(key));
    }
  }

  private checkExpiry(key: StoredKey, expiresAt: number | undefined, maxExpiryDays: number | undefined): void {
    if (expiresAt === undefined) return;
    const now = this.clock.now();
    if (!Number.isFinite(expiresAt) || expiresAt <= now) {
      throw new StoreError('InvalidExpiry', 'The expiration time of the key material must be in the future', subjectOf(key));
    }
    if (maxExpiryDays !== undefined && expiresAt > now + maxExpiryDays * DAY_MS) {
      throw new StoreError('InvalidExpiry', `The expiration time of the key material must be at most ${maxExpiryDays} days from now`, subjectOf(key));
    }
  }

  /** Applies what the clock says: expired material goes, keys past their deletion date vanish. Returns false when gone. */
  private refresh(key: StoredKey): boolean {
    const now = this.clock.now();
    if (key.state === 'PendingDeletion' && key.deletionDate !== undefined && now >= key.deletionDate) {
      this.keys.delete(key.id);
      this.materials.delete(key.id);
      this.aliases.deleteForKey(key.id);
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

}

/** Keyed by the key id so the same material in two keys gets two unrelated ids. */
function materialId(keyId: string, material: Buffer): string {
  return createHmac('sha256', keyId).update(material).digest('hex');
}

function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

function aliasSlot(cloud: string, namespace: string, name: string): string {
  return `${cloud}\u0000${namespace}\u0000${name}`;
}

function keyArnOrId(key: StoredKey): string {
  return `Key '${key.id}'`;
}

/** The key a refusal concerns and its state at that moment (StoreError's keyId and keyState). */
function subjectOf(key: StoredKey): StoreErrorSubject {
  return { keyId: key.id, keyState: key.state };
}
