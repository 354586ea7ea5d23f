// Test-only stub of OUR KmsAdapter interface (not of any SDK client): an in-memory key that really
// unwraps what it is sent, so lifecycle tests check the order of calls and what reached the "cloud".
import type { CreateKeyRequest, ImportMaterialRequest, ImportParameters, KeyDescription, KmsAdapter, ReimportMode } from '../../provider/clouds/adapter';
import { ImportedKeyError } from '../../core/errors';
import { generateWrappingKeyPair, unwrapKeyMaterial, type WrappingAlgorithm } from '../../core/wrapping';

type Failure = { op: string; error: () => unknown; afterWork?: boolean };

export class StubAdapter implements KmsAdapter {
  readonly cloud = 'aws';
  calls: string[] = [];
  keys = new Map<string, KeyDescription & { material?: Buffer }>();
  failures: Failure[] = [];
  private pair = generateWrappingKeyPair('RSA_2048');
  private tokens = new Map<string, { keyId: string; algorithm: WrappingAlgorithm; privateKeyPem: string }>();
  private next = 1;

  constructor(readonly reimportMode: ReimportMode = 'in-place') {}

  /** Fails the next call of `op` with `error()`; with afterWork the work is done first (a lost reply). */
  failNext(op: string, error: () => unknown, afterWork = false): void {
    this.failures.push({ op, error, afterWork });
  }

  private async step<T>(op: string, work: () => T): Promise<T> {
    this.calls.push(op);
    const i = this.failures.findIndex((f) => f.op === op);
    if (i >= 0) {
      const [failure] = this.failures.splice(i, 1);
      if (failure.afterWork) work();
      throw failure.error();
    }
    return work();
  }

  private key(keyId: string) {
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
