// The cloud-neutral key store shared by every protocol. It owns the rules that must be the same for
// every cloud: key states, import tokens bound to one key and one wrapping key pair, the
// same-material rule, material expiry on the emulator clock, deletion windows. Protocols only
// translate wire formats and error names. Key records never carry material: it lives in a private
// map that only the crypto helpers and the sealed part of the state file see.

import { createHmac, randomUUID } from 'node:crypto';
import { AliasTable, type StoredAlias } from './aliases';
import type { CreateKeyInput, ImportMaterialInput, KeyRef, StoredKey, StoreSnapshot } from './store-types';
import { EmulatorClock } from './clock';
import { Consistency } from './consistency';
import { IMPORT_TOKEN_LIFETIME_MS, ImportTokens, type ImportTokenRecord } from './import-tokens';
import { StoreError, type StoreErrorSubject } from './store-errors';
import { generateWrappingKeyPair, unwrapKeyMaterial, validateKeyMaterial } from '../core/wrapping';
import type { WrappingKeySource } from './wrapping-key-pool';
import type { WrappingAlgorithm } from '../core/wrapping';
import {
  DEFAULT_ROTATION_DELAY_MS, MAX_ON_DEMAND_ROTATIONS, advanceMaterials, copyMaterials, currentMaterial, findMaterial, isAssociated,
  markNotImported, materialsOf, pendingMaterial, summarize, type KeyMaterialInfo,
} from './key-materials';

export type { StoredAlias } from './aliases';
export { IMPORT_TOKEN_LIFETIME_MS } from './import-tokens';

export type { StoredKey, StoredKeyState, KeyRef, StoreSnapshot, CreateKeyInput, ImportMaterialInput } from './store-types';

const DAY_MS = 24 * 60 * 60 * 1000;

export class KeyStore {
  private readonly keys = new Map<string, StoredKey>();
  /** Material bytes by key id, then by KeyMaterialId. A material's bytes stay while its id is the key's (the same-material rule). */
  private readonly materials = new Map<string, Map<string, Buffer>>();
  private readonly aliases = new AliasTable();
  private readonly tokens = new ImportTokens();
  /** How long each cloud's describes lag behind changes (off unless set): see consistency.ts and describeKey. */
  readonly consistency = new Consistency();
  /** Called after every change (persistence hooks in here). */
  onChange: () => void = () => undefined;

  /** How long a RotateKeyOnDemand takes on the emulator clock (ms); reset() restores the configured value. */
  rotationDelayMs: number;

  /**
   * `wrappingKeys`: where GetParametersForImport's fresh pairs come from — the emulator passes its pool
   * (wrapping-key-pool.ts); by default each pair is generated when asked for. `rotationDelayMs`: how long an on-demand
   * rotation takes on the emulator clock.
   */
  constructor(
    readonly clock: EmulatorClock,
    private readonly wrappingKeys: WrappingKeySource = { take: generateWrappingKeyPair },
    private readonly configuredRotationDelayMs: number = DEFAULT_ROTATION_DELAY_MS,
  ) {
    this.rotationDelayMs = configuredRotationDelayMs;
  }

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
      materials: [],
      attributes: { ...(input.attributes ?? {}) },
    };
    this.keys.set(id, key);
    if (!input.external && input.generatedMaterial) {
      const generatedId = materialId(id, input.generatedMaterial);
      this.materials.set(id, new Map([[generatedId, input.generatedMaterial]]));
      materialsOf(key).push({ id: generatedId, state: 'CURRENT', importState: 'IMPORTED' });
      summarize(key);
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
    return this.importMaterialById(ref, input).key;
  }

  /** importMaterial, answering also with the KeyMaterialId of the material imported (AWS's ImportKeyMaterial reply). */
  importMaterialById(ref: KeyRef, input: ImportMaterialInput): { key: StoredKey; materialId: string } {
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
    const id = materialId(key.id, material);
    const importType = input.importType ?? (materialsOf(key).length === 0 ? 'NEW' : 'EXISTING');
    if (importType === 'NEW') {
      if (findMaterial(key, id)) {
        throw new StoreError('IncorrectKeyMaterial', `${keyArnOrId(key)} already has this key material (KeyMaterialId ${id}); import it again as EXISTING_KEY_MATERIAL`, subjectOf(key));
      }
      if (materialsOf(key).length > 0) {
        if (!input.allowRotationMaterial) {
          throw new StoreError('UnsupportedOperation', `${keyArnOrId(key)} holds one key material only; it cannot take new material`, subjectOf(key));
        }
        const pending = pendingMaterial(key);
        if (pending) {
          throw new StoreError('InvalidState', `${keyArnOrId(key)} already has key material pending rotation (KeyMaterialId ${pending.id}); rotate to it or delete it before importing other new material`, subjectOf(key));
        }
      }
    } else {
      const known = findMaterial(key, id);
      if (!known) {
        const detail = materialsOf(key).length === 0 ? 'it has no key material yet: import it as NEW_KEY_MATERIAL' : 'only that material can be imported again';
        throw new StoreError('IncorrectKeyMaterial', `The key material is not the material previously imported into ${key.id} (${detail})`, subjectOf(key));
      }
    }
    if (input.expectedKeyMaterialId !== undefined && input.expectedKeyMaterialId !== id) {
      throw new StoreError('IncorrectKeyMaterial', `The key material does not have KeyMaterialId ${input.expectedKeyMaterialId}`, subjectOf(key));
    }
    this.checkExpiry(key, input.expiresAt, input.maxExpiryDays);

    this.change(key, () => {
      const bytes = this.materials.get(key.id) ?? new Map<string, Buffer>();
      bytes.set(id, material);
      this.materials.set(key.id, bytes);
      let entry = findMaterial(key, id);
      if (!entry) {
        const first = materialsOf(key).length === 0;
        entry = { id, state: first ? 'CURRENT' : 'PENDING_ROTATION', importState: 'IMPORTED' };
        key.materials = [...materialsOf(key), entry];
      }
      entry.importState = 'IMPORTED';
      if (input.expiresAt === undefined) delete entry.expiresAt;
      else entry.expiresAt = input.expiresAt;
      if (input.description !== undefined) entry.description = input.description;
      summarize(key);
    });
    return { key, materialId: id };
  }

  /**
   * Removes a material: by default the current one. An associated material becomes PENDING_IMPORT and the key
   * PendingImport until exactly that material is imported again; a pending one (not associated) goes away, and with
   * it the rule that only it can come back.
   */
  deleteMaterial(ref: KeyRef, keyMaterialId?: string): StoredKey {
    const key = this.getKey(ref);
    this.requireExternal(key);
    if (key.state === 'PendingDeletion') throw new StoreError('InvalidState', `${keyArnOrId(key)} is pending deletion`, subjectOf(key));
    const target = keyMaterialId === undefined ? currentMaterial(key) : findMaterial(key, keyMaterialId);
    if (keyMaterialId !== undefined && !target) {
      throw new StoreError('NotFound', `Key material ${keyMaterialId} does not exist in ${keyArnOrId(key)}`, subjectOf(key));
    }
    if (target && key.rotation?.materialId === target.id) {
      throw new StoreError('Conflict', `${keyArnOrId(key)} is rotating to key material ${target.id}; wait until the rotation completes`, subjectOf(key));
    }
    return this.change(key, () => {
      if (target && !isAssociated(target)) {
        key.materials = materialsOf(key).filter((m) => m !== target);
        this.materials.get(key.id)?.delete(target.id);
      } else if (target) {
        markNotImported(target);
      }
      summarize(key);
    });
  }

  /**
   * Starts an on-demand rotation (AWS): to the material pending rotation (EXTERNAL keys) or to `generatedMaterial`
   * (keys whose material KMS makes). It completes `rotationDelayMs` later on the emulator clock.
   */
  rotateOnDemand(ref: KeyRef, generatedMaterial?: Buffer): StoredKey {
    const key = this.getKey(ref);
    if (key.state === 'Disabled') throw new StoreError('Disabled', `${keyArnOrId(key)} is disabled`, subjectOf(key));
    if (key.state !== 'Enabled') throw new StoreError('InvalidState', `${keyArnOrId(key)} is ${key.state}`, subjectOf(key));
    if (key.rotation) {
      throw new StoreError('Conflict', `An on-demand rotation of ${keyArnOrId(key)} is in progress (started ${new Date(key.rotation.startedAt).toISOString()})`, subjectOf(key));
    }
    if ((key.onDemandRotations ?? 0) >= MAX_ON_DEMAND_ROTATIONS) {
      throw new StoreError('LimitExceeded', `${keyArnOrId(key)} has had ${MAX_ON_DEMAND_ROTATIONS} on-demand rotations, the most a key can have`, subjectOf(key));
    }
    let generated: KeyMaterialInfo | undefined;
    if (key.external) {
      const pending = pendingMaterial(key);
      if (!pending) {
        throw new StoreError('InvalidState', `${keyArnOrId(key)} has no key material pending rotation: import new key material (ImportType NEW_KEY_MATERIAL) first`, subjectOf(key));
      }
      if (pending.importState !== 'IMPORTED') {
        throw new StoreError('InvalidState', `The key material pending rotation (KeyMaterialId ${pending.id}) of ${keyArnOrId(key)} is not imported (it expired or was deleted); import it again first`, subjectOf(key));
      }
    } else {
      if (!generatedMaterial) throw new StoreError('UnsupportedOperation', `${keyArnOrId(key)} cannot be rotated on demand`, subjectOf(key));
      generated = { id: materialId(key.id, generatedMaterial), state: 'PENDING_ROTATION', importState: 'IMPORTED' };
    }
    const started = this.clock.now();
    return this.change(key, () => {
      if (generated && generatedMaterial) {
        this.materials.get(key.id)?.set(generated.id, generatedMaterial);
        key.materials = [...materialsOf(key), generated];
      }
      const incoming = pendingMaterial(key) as KeyMaterialInfo;
      key.rotation = { materialId: incoming.id, startedAt: started, completesAt: started + this.rotationDelayMs };
    });
  }

  /** The key's CURRENT material for a crypto operation: the key must be Enabled. Never leaves the emulator. */
  materialForUse(ref: KeyRef): { key: StoredKey; material: Buffer; materialId: string } {
    const key = this.usableKey(ref);
    const current = currentMaterial(key);
    const material = current && this.materials.get(key.id)?.get(current.id);
    if (!current || !material) throw new StoreError('InvalidState', `${keyArnOrId(key)} has no key material`, subjectOf(key));
    return { key, material, materialId: current.id };
  }

  /**
   * The material a ciphertext names (its KeyMaterialId), CURRENT or NON_CURRENT, for Decrypt; undefined = the key's
   * first material (ciphertexts made before they carried an id). The key must be Enabled, as for every crypto use.
   */
  materialForDecrypt(ref: KeyRef, keyMaterialId: string | undefined): { key: StoredKey; material: Buffer; materialId: string } {
    const key = this.usableKey(ref);
    const entry = keyMaterialId === undefined ? materialsOf(key).find(isAssociated) : findMaterial(key, keyMaterialId);
    const material = entry && isAssociated(entry) ? this.materials.get(key.id)?.get(entry.id) : undefined;
    if (!entry || !material) throw new StoreError('InvalidCiphertext', 'The ciphertext refers to key material this key does not have', subjectOf(key));
    return { key, material, materialId: entry.id };
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
    // Expiry and rotations on the copy, as on the truth.
    advanceMaterials(key, now);
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
      keys: [...this.keys.values()].map((k) => ({ ...k, tags: { ...k.tags }, attributes: { ...k.attributes }, ...copyMaterials(k) })),
      aliases: this.aliases.all(),
      secret: {
        materials: [...this.materials.entries()].map(([keyId, byId]) => ({
          keyId,
          byId: Object.fromEntries([...byId.entries()].map(([id, bytes]) => [id, bytes.toString('base64')])),
        })),
        tokens: this.tokens.entries(),
      },
    };
  }

  restore(snapshot: StoreSnapshot): void {
    this.clearAll();
    this.consistency.forget();
    for (const key of snapshot.keys) this.keys.set(key.id, { ...key, tags: { ...key.tags }, attributes: { ...(key.attributes ?? {}) }, ...copyMaterials(key) });
    for (const alias of snapshot.aliases) this.aliases.add({ ...alias });
    for (const m of snapshot.secret.materials) {
      const key = this.keys.get(m.keyId);
      if (m.byId) {
        this.materials.set(m.keyId, new Map(Object.entries(m.byId).map(([id, b64]) => [id, Buffer.from(b64, 'base64')])));
      } else if (m.bound !== undefined) {
        // A file from before keys held several materials: its one material, imported while `current` was there.
        const bound = Buffer.from(m.bound, 'base64');
        const id = key?.keyMaterialId ?? materialId(m.keyId, bound);
        this.materials.set(m.keyId, new Map([[id, bound]]));
        if (key && key.materials === undefined) {
          const imported = m.current !== undefined;
          key.materials = [{ id, state: 'CURRENT', importState: imported ? 'IMPORTED' : 'PENDING_IMPORT', ...(imported && key.materialExpiresAt !== undefined ? { expiresAt: key.materialExpiresAt } : {}) }];
        }
      }
    }
    for (const key of this.keys.values()) key.materials ??= [];
    this.tokens.restore(snapshot.secret.tokens);
  }

  reset(): void {
    this.clearAll();
    this.consistency.clear();
    this.rotationDelayMs = this.configuredRotationDelayMs;
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
    // Imports that expired and a rotation that completed, in the order they happened.
    if (advanceMaterials(key, now)) this.changed();
    return true;
  }

  /** A key a crypto operation may use: Enabled (Disabled and every other state refused as the clouds do). */
  private usableKey(ref: KeyRef): StoredKey {
    const key = this.getKey(ref);
    if (key.state === 'Disabled') throw new StoreError('Disabled', `${keyArnOrId(key)} is disabled`, subjectOf(key));
    if (key.state !== 'Enabled') throw new StoreError('InvalidState', `${keyArnOrId(key)} is ${key.state}`, subjectOf(key));
    return key;
  }

}

/** Keyed by the key id so the same material in two keys gets two unrelated ids (64 lowercase hex, as AWS's). */
export function materialId(keyId: string, material: Buffer): string {
  return createHmac('sha256', keyId).update(material).digest('hex');
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
