// Test-only stub of OUR KmsAdapter interface (not of any SDK client): an in-memory key that really
// unwraps what it is sent, so lifecycle tests check the order of calls and what reached the "cloud".
import { createHash } from 'node:crypto';
import type { CreateKeyRequest, ImportMaterialRequest, ImportParameters, KeyDescription, KeyMaterialEntry, KmsAdapter, ReimportMode } from '../../provider/clouds/adapter';
import { ImportedKeyError } from '../../core/errors';
import { generateWrappingKeyPair, unwrapKeyMaterial, type WrappingAlgorithm } from '../../core/wrapping';

type Failure = { op: string; error: () => unknown; afterWork?: boolean };

export class StubAdapter implements KmsAdapter {
  readonly cloud = 'aws';
  calls: string[] = [];
  keys = new Map<string, KeyDescription & { material?: Buffer }>();
  failures: Failure[] = [];
  protected pair = generateWrappingKeyPair('RSA_2048');
  protected tokens = new Map<string, { keyId: string; algorithm: WrappingAlgorithm; privateKeyPem: string }>();
  private next = 1;

  constructor(readonly reimportMode: ReimportMode = 'in-place') {}

  /** Fails the next call of `op` with `error()`; with afterWork the work is done first (a lost reply). */
  failNext(op: string, error: () => unknown, afterWork = false): void {
    this.failures.push({ op, error, afterWork });
  }

  protected async step<T>(op: string, work: () => T): Promise<T> {
    this.calls.push(op);
    const i = this.failures.findIndex((f) => f.op === op);
    if (i >= 0) {
      const [failure] = this.failures.splice(i, 1);
      if (failure.afterWork) work();
      throw failure.error();
    }
    return work();
  }

  protected key(keyId: string) {
    const key = this.keys.get(keyId);
    if (!key) throw new ImportedKeyError('KeyNotFound', `key ${keyId} not found`, { cloudCode: 'NotFoundException' });
    return key;
  }

  private view(key: KeyDescription & { material?: Buffer }): KeyDescription {
    const { material: _material, ...rest } = key;
    return { ...rest };
  }

  createKey(request: CreateKeyRequest) {
    return this.step('createKey', () => {
      const keyId = `00000000-0000-0000-0000-${String(this.next++).padStart(12, '0')}`;
      const key = { keyId, arn: `arn:aws:kms:us-east-1:111122223333:key/${keyId}`, keyState: 'PendingImport' as const, origin: 'EXTERNAL', keySpec: request.keySpec, keyUsage: request.keyUsage ?? 'ENCRYPT_DECRYPT',
        ...(request.protectionLevel !== undefined ? { protectionLevel: request.protectionLevel } : {}) };
      this.keys.set(keyId, key);
      return this.view(key);
    });
  }

  describeKey(keyId: string) {
    return this.step('describeKey', () => (this.keys.has(keyId) ? this.view(this.keys.get(keyId)!) : undefined));
  }

  getImportParameters(keyId: string, algorithm: WrappingAlgorithm): Promise<ImportParameters> {
    return this.step('getImportParameters', () => {
      this.key(keyId);
      const token = Buffer.from(`token-${this.next++}`);
      this.tokens.set(token.toString(), { keyId, algorithm, privateKeyPem: this.pair.privateKeyPem });
      return { keyId, publicKey: this.pair.publicKeyDer, importToken: token, parametersValidTo: new Date(Date.now() + 86_400_000).toISOString() };
    });
  }

  importMaterial(request: ImportMaterialRequest) {
    return this.step('importMaterial', () => {
      const key = this.key(request.keyId);
      const token = this.tokens.get(request.importToken.toString());
      if (!token || token.keyId !== request.keyId) throw new ImportedKeyError('ImportTokenRejected', 'bad token', { cloudCode: 'InvalidImportTokenException' });
      if (this.reimportMode === 'delete-first' && key.keyState !== 'PendingImport') throw new ImportedKeyError('InvalidKeyState', 'not pending import', { cloudCode: 'KMS.0310' });
      const material = unwrapKeyMaterial({ algorithm: token.algorithm, privateKey: token.privateKeyPem, wrapped: request.encryptedKeyMaterial });
      if (key.material && !key.material.equals(material)) throw new ImportedKeyError('InvalidKeyMaterial', 'different material', { cloudCode: 'IncorrectKeyMaterialException' });
      key.material = material;
      key.keyState = 'Enabled';
      key.expirationModel = request.expiresAt ? 'KEY_MATERIAL_EXPIRES' : 'KEY_MATERIAL_DOES_NOT_EXPIRE';
      key.validTo = request.expiresAt ? new Date(Math.floor(Date.parse(request.expiresAt) / 1000) * 1000).toISOString() : undefined;
      return {};
    });
  }

  deleteMaterial(keyId: string) {
    return this.step('deleteMaterial', () => {
      const key = this.key(keyId);
      key.keyState = 'PendingImport';
      key.validTo = undefined;
      key.expirationModel = undefined;
    });
  }

  scheduleDeletion(keyId: string) {
    return this.step('scheduleDeletion', () => {
      const key = this.keys.get(keyId);
      if (key) key.keyState = 'PendingDeletion';
    });
  }

  enableKey(keyId: string) {
    return this.step('enableKey', () => void (this.key(keyId).keyState = 'Enabled'));
  }

  disableKey(keyId: string) {
    return this.step('disableKey', () => void (this.key(keyId).keyState = 'Disabled'));
  }

  /** Nothing to release. */
  destroy(): void {}
}

/** One material of a MultiMaterialStub key: what ListKeyRotations(ALL_KEY_MATERIAL) reports, plus the bytes. */
interface StubMaterial extends KeyMaterialEntry {
  material: Buffer;
  /** Lists left before a rotation to it completes (RotateKeyOnDemand is asynchronous). */
  rotatingFor?: number;
}

/**
 * The stub with AWS's several materials per key (symmetric keys): ImportType NEW / EXISTING + KeyMaterialId, material
 * states, RotateKeyOnDemand completing after `rotationLists` listings, DeleteImportedKeyMaterial by id, and the key
 * PendingImport while any associated material is. Ids are derived from key id + material, as KMS derives them.
 */
export class MultiMaterialStub extends StubAdapter {
  materials = new Map<string, StubMaterial[]>();
  /** Every ImportKeyMaterial request's ImportType / KeyMaterialId / description, in order (undefined where not sent). */
  importFields: { importType?: string; keyMaterialId?: string; description?: string }[] = [];
  rotationLists = 0;
  rotations = 0;
  rotationLimit = 25;

  constructor() {
    super('in-place');
  }

  static materialId(keyId: string, material: Buffer): string {
    return createHash('sha256').update(keyId).update(material).digest('hex');
  }

  /** The key's materials (created on first use). */
  of(keyId: string): StubMaterial[] {
    let list = this.materials.get(keyId);
    if (!list) this.materials.set(keyId, (list = []));
    return list;
  }

  /** Out of band: a material expires (or is deleted): it and the key go pending import. */
  expire(keyId: string, keyMaterialId: string): void {
    const entry = this.of(keyId).find((m) => m.keyMaterialId === keyMaterialId)!;
    entry.importState = 'PENDING_IMPORT';
    this.settle(keyId);
  }

  /** Recomputes the key from its materials: state, current id, earliest ValidTo of the associated ones. */
  settle(keyId: string): void {
    const key = this.keys.get(keyId)!;
    const associated = this.of(keyId).filter((m) => m.state === 'CURRENT' || m.state === 'NON_CURRENT');
    const current = associated.find((m) => m.state === 'CURRENT');
    key.keyMaterialId = current?.keyMaterialId;
    key.material = current?.material;
    const expiring = associated.filter((m) => m.validTo).map((m) => m.validTo!).sort();
    key.validTo = expiring[0];
    key.expirationModel = current ? (expiring.length > 0 ? 'KEY_MATERIAL_EXPIRES' : 'KEY_MATERIAL_DOES_NOT_EXPIRE') : undefined;
    if (key.keyState === 'PendingDeletion') return;
    const allIn = associated.length > 0 && associated.every((m) => m.importState === 'IMPORTED');
    if (!allIn) key.keyState = 'PendingImport';
    else if (key.keyState === 'PendingImport') key.keyState = 'Enabled';
  }

  override importMaterial(request: ImportMaterialRequest) {
    return this.step('importMaterial', () => {
      this.importFields.push({ importType: request.importType, keyMaterialId: request.keyMaterialId, description: request.description });
      const key = this.key(request.keyId);
      const token = this.tokens.get(request.importToken.toString());
      if (!token || token.keyId !== request.keyId) throw new ImportedKeyError('ImportTokenRejected', 'bad token', { cloudCode: 'InvalidImportTokenException' });
      const material = unwrapKeyMaterial({ algorithm: token.algorithm, privateKey: token.privateKeyPem, wrapped: request.encryptedKeyMaterial });
      if (request.importType !== undefined && key.keySpec !== 'SYMMETRIC_DEFAULT') {
        throw new ImportedKeyError('InvalidArgument', 'ImportType is for symmetric keys only', { cloudCode: 'ValidationException' });
      }
      const list = this.of(request.keyId);
      const expiry = {
        expirationModel: request.expiresAt ? 'KEY_MATERIAL_EXPIRES' : 'KEY_MATERIAL_DOES_NOT_EXPIRE',
        validTo: request.expiresAt ? new Date(Math.floor(Date.parse(request.expiresAt) / 1000) * 1000).toISOString() : undefined,
      };
      const id = MultiMaterialStub.materialId(request.keyId, material);
      let entry: StubMaterial | undefined;
      if (request.importType === 'NEW_KEY_MATERIAL' || (request.importType === undefined && list.length === 0)) {
        if (list.some((m) => m.material.equals(material))) throw new ImportedKeyError('InvalidKeyMaterial', 'material already in the key', { cloudCode: 'IncorrectKeyMaterialException' });
        if (list.length > 0 && list.some((m) => m.state === 'PENDING_ROTATION')) throw new ImportedKeyError('InvalidKeyState', 'a material is already pending rotation', { cloudCode: 'KMSInvalidStateException' });
        entry = { keyMaterialId: id, material, state: list.length === 0 ? 'CURRENT' : 'PENDING_ROTATION', importState: 'IMPORTED', description: request.description, ...expiry };
        list.push(entry);
      } else {
        entry = request.keyMaterialId ? list.find((m) => m.keyMaterialId === request.keyMaterialId) : list.find((m) => m.state === 'CURRENT');
        if (!entry) throw new ImportedKeyError('InvalidArgument', 'no such material', { cloudCode: 'ValidationException' });
        if (!entry.material.equals(material)) throw new ImportedKeyError('InvalidKeyMaterial', 'different material', { cloudCode: 'IncorrectKeyMaterialException' });
        Object.assign(entry, { importState: 'IMPORTED', ...expiry });
      }
      this.settle(request.keyId);
      return { keyMaterialId: entry.keyMaterialId };
    });
  }

  listMaterials(keyId: string): Promise<KeyMaterialEntry[]> {
    return this.step('listMaterials', () => {
      this.key(keyId);
      const list = this.of(keyId);
      for (const m of list) {
        if (m.rotatingFor === undefined) continue;
        if (m.rotatingFor > 0) m.rotatingFor--;
        else {
          for (const other of list) if (other.state === 'CURRENT') other.state = 'NON_CURRENT';
          m.state = 'CURRENT';
          m.rotatingFor = undefined;
          this.settle(keyId);
        }
      }
      return list.map(({ material: _m, rotatingFor: _r, ...entry }) => Object.fromEntries(Object.entries(entry).filter(([, v]) => v !== undefined)) as unknown as KeyMaterialEntry);
    });
  }

  rotateMaterial(keyId: string): Promise<void> {
    return this.step('rotateMaterial', () => {
      const list = this.of(keyId);
      if (list.some((m) => m.rotatingFor !== undefined)) throw new ImportedKeyError('RotationInProgress', 'ConflictException: a rotation is in progress', { cloudCode: 'ConflictException' });
      if (this.rotations >= this.rotationLimit) throw new ImportedKeyError('RotationLimitExceeded', 'LimitExceededException: 25 on-demand rotations', { cloudCode: 'LimitExceededException' });
      const pending = list.find((m) => m.state === 'PENDING_ROTATION');
      if (!pending) throw new ImportedKeyError('InvalidKeyState', 'no pending material', { cloudCode: 'KMSInvalidStateException' });
      this.rotations++;
      pending.rotatingFor = this.rotationLists;
    });
  }

  override deleteMaterial(keyId: string, keyMaterialId?: string) {
    return this.step('deleteMaterial', () => {
      const list = this.of(keyId);
      const entry = keyMaterialId ? list.find((m) => m.keyMaterialId === keyMaterialId) : list.find((m) => m.state === 'CURRENT');
      if (!entry) throw new ImportedKeyError('InvalidArgument', 'no such material', { cloudCode: 'ValidationException' });
      // A pending material is not associated with the key: it goes; an associated one stays, pending import.
      if (entry.state === 'PENDING_ROTATION') list.splice(list.indexOf(entry), 1);
      else Object.assign(entry, { importState: 'PENDING_IMPORT', validTo: undefined });
      this.settle(keyId);
    });
  }
}
