// The cloud-neutral key store on its own: the rules every protocol relies on, stated once.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { EmulatorClock } from '../../emulator/clock';
import { KeyStore, materialId, type ImportMaterialInput, type KeyRef } from '../../emulator/store';
import { StoreError } from '../../emulator/store-errors';
import { sealState, unsealState } from '../../emulator/persistence';
import { encryptWithMaterial, materialIdOfCiphertext } from '../../emulator/key-crypto';
import { wrapKeyMaterial } from '../../core/wrapping';

function storeWithKey(keySpec = 'AES_256'): { store: KeyStore; clock: EmulatorClock; ref: KeyRef } {
  const clock = new EmulatorClock();
  const store = new KeyStore(clock);
  const key = store.createKey({ cloud: 'test', namespace: 'ns', origin: 'external', external: true, keySpec, keyUsage: 'ENCRYPT_DECRYPT' });
  return { store, clock, ref: { cloud: 'test', namespace: 'ns', keyId: key.id } };
}

type ImportExtra = Partial<Pick<ImportMaterialInput, 'expiresAt' | 'reimport' | 'importType' | 'expectedKeyMaterialId' | 'description' | 'allowRotationMaterial'>>;

function importWith(store: KeyStore, ref: KeyRef, material: Buffer, extra: ImportExtra = {}) {
  return importById(store, ref, material, extra).key;
}

function importById(store: KeyStore, ref: KeyRef, material: Buffer, extra: ImportExtra = {}) {
  const params = store.createImportParameters(ref, 'RSAES_OAEP_SHA_256', 'RSA_2048');
  const wrapped = wrapKeyMaterial({ algorithm: 'RSAES_OAEP_SHA_256', publicKey: params.publicKeyDer, material });
  return store.importMaterialById(ref, { importToken: params.importToken, encryptedKeyMaterial: wrapped, ...extra, reimport: extra.reimport ?? 'in-place' });
}

function expectStoreError(fn: () => unknown, kind: string): StoreError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof StoreError, `expected a StoreError, got ${String(error)}`);
    assert.equal(error.kind, kind, error.message);
    return error;
  }
  assert.fail(`expected StoreError ${kind}`);
}

describe('emulator / key store (cloud-neutral rules)', () => {
  it('keys are per cloud and namespace: another namespace does not find them', () => {
    const { store, ref } = storeWithKey();
    assert.ok(store.findKey('test', 'ns', ref.keyId));
    assert.equal(store.findKey('test', 'other-ns', ref.keyId), undefined);
    assert.equal(store.findKey('other-cloud', 'ns', ref.keyId), undefined);
  });

  it('pending-import-only reimport (Huawei) refuses an Enabled key; in-place (AWS, Alibaba) accepts the same material', () => {
    const { store, ref } = storeWithKey();
    const material = randomBytes(32);
    importWith(store, ref, material);
    expectStoreError(() => importWith(store, ref, material, { reimport: 'pending-import-only' }), 'InvalidState');
    importWith(store, ref, material, { reimport: 'in-place' });
    store.deleteMaterial(ref);
    assert.equal(store.getKey(ref).state, 'PendingImport');
    importWith(store, ref, material, { reimport: 'pending-import-only' });
    assert.equal(store.getKey(ref).state, 'Enabled');
  });

  it('expiry is lazy and exact: the key is Enabled until the clock reaches expiresAt, then PendingImport', () => {
    const { store, clock, ref } = storeWithKey();
    const expiresAt = clock.now() + 60_000;
    importWith(store, ref, randomBytes(32), { expiresAt });
    clock.set(expiresAt - 1000);
    assert.equal(store.getKey(ref).state, 'Enabled');
    clock.set(expiresAt);
    assert.equal(store.getKey(ref).state, 'PendingImport');
    expectStoreError(() => store.materialForUse(ref), 'InvalidState');
  });

  it('refuses an expiry not in the future, and beyond maxExpiryDays when the cloud sets one', () => {
    const { store, clock, ref } = storeWithKey();
    const params = store.createImportParameters(ref, 'RSAES_OAEP_SHA_256', 'RSA_2048');
    const wrapped = wrapKeyMaterial({ algorithm: 'RSAES_OAEP_SHA_256', publicKey: params.publicKeyDer, material: randomBytes(32) });
    const base = { importToken: params.importToken, encryptedKeyMaterial: wrapped, reimport: 'in-place' as const };
    expectStoreError(() => store.importMaterial(ref, { ...base, expiresAt: clock.now() }), 'InvalidExpiry');
    expectStoreError(() => store.importMaterial(ref, { ...base, expiresAt: clock.now() + 11 * 86_400_000, maxExpiryDays: 10 }), 'InvalidExpiry');
    store.importMaterial(ref, { ...base, expiresAt: clock.now() + 11 * 86_400_000 });
  });

  it('a disabled key gives Disabled for use; a key without material gives InvalidState', () => {
    const { store, ref } = storeWithKey();
    expectStoreError(() => store.materialForUse(ref), 'InvalidState');
    importWith(store, ref, randomBytes(32));
    store.disableKey(ref);
    expectStoreError(() => store.materialForUse(ref), 'Disabled');
  });

  it('error messages never carry the material', () => {
    const { store, ref } = storeWithKey();
    const material = randomBytes(32);
    importWith(store, ref, material);
    const other = randomBytes(32);
    const error = expectStoreError(() => importWith(store, ref, other), 'IncorrectKeyMaterial');
    for (const m of [material, other]) {
      assert.ok(!error.message.includes(m.toString('hex')) && !error.message.includes(m.toString('base64')));
    }
    const invalid = expectStoreError(() => importWith(store, ref, randomBytes(5)), 'InvalidMaterial');
    assert.match(invalid.message, /AES_256/);
  });

  it('a snapshot sealed and unsealed restores keys, material and tokens; the sealed text has no material', () => {
    const { store, clock, ref } = storeWithKey();
    const material = randomBytes(32);
    importWith(store, ref, material);
    const text = sealState({ clockOffsetMs: clock.offset, snapshot: store.snapshot() }, 'secret');
    assert.ok(!text.includes(material.toString('base64')) && !text.includes(material.toString('hex')));
    const restored = new KeyStore(new EmulatorClock());
    restored.restore(unsealState(text, 'secret', 'memory').snapshot);
    assert.deepEqual(restored.materialForUse(ref).material, material);
    assert.throws(() => unsealState(text, 'wrong', 'memory'), /another --secret-key/);
  });

  it('a refusal names its subject: the key id and its state when refused, the alias, and a distinct kind for each case', () => {
    const { store, clock, ref } = storeWithKey();
    const missing = expectStoreError(() => store.getKey({ ...ref, keyId: 'no-such-key' }), 'NotFound');
    assert.deepEqual([missing.keyId, missing.keyState], ['no-such-key', undefined]);
    const pending = expectStoreError(() => store.enableKey(ref), 'InvalidState');
    assert.deepEqual([pending.keyId, pending.keyState], [ref.keyId, 'PendingImport']);
    const other = store.createKey({ cloud: 'test', namespace: 'ns', origin: 'external', external: true, keySpec: 'AES_256', keyUsage: 'ENCRYPT_DECRYPT' });
    const foreign = store.createImportParameters({ ...ref, keyId: other.id }, 'RSAES_OAEP_SHA_256', 'RSA_2048');
    const material = randomBytes(32);
    const wrapped = wrapKeyMaterial({ algorithm: 'RSAES_OAEP_SHA_256', publicKey: foreign.publicKeyDer, material });
    const stolen = expectStoreError(
      () => store.importMaterial(ref, { importToken: foreign.importToken, encryptedKeyMaterial: wrapped, reimport: 'in-place' }),
      'ImportTokenForAnotherKey',
    );
    assert.deepEqual([stolen.keyId, stolen.keyState], [ref.keyId, 'PendingImport']);
    const own = store.createImportParameters(ref, 'RSAES_OAEP_SHA_256', 'RSA_2048');
    clock.advance(25 * 3600);
    const expired = expectStoreError(
      () => store.importMaterial(ref, { importToken: own.importToken, encryptedKeyMaterial: wrapped, reimport: 'in-place' }),
      'ExpiredImportToken',
    );
    assert.equal(expired.keyId, ref.keyId);
    expectStoreError(() => store.importMaterial(ref, { importToken: randomBytes(40), encryptedKeyMaterial: wrapped, reimport: 'in-place' }), 'InvalidImportToken');
    importWith(store, ref, material);
    store.disableKey(ref);
    const disabled = expectStoreError(() => store.materialForUse(ref), 'Disabled');
    assert.deepEqual([disabled.keyId, disabled.keyState], [ref.keyId, 'Disabled']);
    const noAlias = expectStoreError(() => store.deleteAlias('test', 'ns', 'alias/none'), 'AliasNotFound');
    assert.equal(noAlias.aliasName, 'alias/none');
  });

  describe('several materials per key (AWS symmetric keys)', () => {
    const rotating = { allowRotationMaterial: true } as const;

    it('NEW joins as PENDING_ROTATION; rotation completes after rotationDelayMs on the clock; the previous material stays for decrypting', () => {
      const { store, clock, ref } = storeWithKey();
      store.rotationDelayMs = 5_000;
      const first = importById(store, ref, randomBytes(32), rotating).materialId;
      const secondMaterial = randomBytes(32);
      const second = importById(store, ref, secondMaterial, { ...rotating, importType: 'NEW', description: 'next' }).materialId;
      assert.equal(second, materialId(ref.keyId, secondMaterial));
      assert.deepEqual(store.getKey(ref).materials!.map((m) => [m.id, m.state, m.description]), [[first, 'CURRENT', undefined], [second, 'PENDING_ROTATION', 'next']]);
      store.rotateOnDemand(ref);
      expectStoreError(() => store.rotateOnDemand(ref), 'Conflict');
      clock.advance(4);
      assert.equal(store.materialForUse(ref).materialId, first);
      clock.advance(1);
      assert.equal(store.materialForUse(ref).materialId, second);
      assert.equal(store.materialForDecrypt(ref, first).materialId, first);
      assert.equal(store.materialForDecrypt(ref, undefined).materialId, first, 'a blob without an id is the first material’s');
      expectStoreError(() => store.materialForDecrypt(ref, 'f'.repeat(64)), 'InvalidCiphertext');
    });

    it('one material where the cloud keeps one: NEW into a key with material is refused, other material too', () => {
      const { store, ref } = storeWithKey();
      importWith(store, ref, randomBytes(32));
      expectStoreError(() => importWith(store, ref, randomBytes(32), { importType: 'NEW' }), 'UnsupportedOperation');
      expectStoreError(() => importWith(store, ref, randomBytes(32)), 'IncorrectKeyMaterial');
      assert.equal(store.getKey(ref).materials!.length, 1);
    });

    it('refusals: NEW with a known material, a second pending, rotation without one, the 25th rotation limit', () => {
      const { store, ref } = storeWithKey();
      store.rotationDelayMs = 0;
      const material = randomBytes(32);
      importWith(store, ref, material, rotating);
      expectStoreError(() => store.rotateOnDemand(ref), 'InvalidState');
      expectStoreError(() => importWith(store, ref, material, { ...rotating, importType: 'NEW' }), 'IncorrectKeyMaterial');
      importWith(store, ref, randomBytes(32), { ...rotating, importType: 'NEW' });
      expectStoreError(() => importWith(store, ref, randomBytes(32), { ...rotating, importType: 'NEW' }), 'InvalidState');
      for (let i = 0; i < 25; i++) {
        store.rotateOnDemand(ref);
        importWith(store, ref, randomBytes(32), { ...rotating, importType: 'NEW' });
      }
      assert.equal(store.getKey(ref).onDemandRotations, 25);
      expectStoreError(() => store.rotateOnDemand(ref), 'LimitExceeded');
    });

    it('deleting: an associated material → PendingImport until exactly it is back; a pending one goes away; an unknown id is NotFound', () => {
      const { store, ref } = storeWithKey();
      store.rotationDelayMs = 0;
      const firstMaterial = randomBytes(32);
      const first = importById(store, ref, firstMaterial, rotating).materialId;
      const pending = importById(store, ref, randomBytes(32), { ...rotating, importType: 'NEW' }).materialId;
      store.deleteMaterial(ref, pending);
      assert.deepEqual(store.getKey(ref).materials!.map((m) => m.id), [first]);
      assert.equal(store.getKey(ref).state, 'Enabled');
      expectStoreError(() => store.deleteMaterial(ref, pending), 'NotFound');
      const second = importById(store, ref, randomBytes(32), { ...rotating, importType: 'NEW' }).materialId;
      store.rotateOnDemand(ref);
      store.deleteMaterial(ref, first);
      assert.equal(store.getKey(ref).state, 'PendingImport');
      assert.equal(store.getKey(ref).keyMaterialId, second);
      expectStoreError(() => importWith(store, ref, randomBytes(32), { ...rotating, expectedKeyMaterialId: first }), 'IncorrectKeyMaterial');
      importWith(store, ref, firstMaterial, { ...rotating, importType: 'EXISTING', expectedKeyMaterialId: first });
      assert.equal(store.getKey(ref).state, 'Enabled');
    });

    it('a snapshot keeps every material, its state and a rotation in progress; the sealed text holds none of the bytes', () => {
      const { store, clock, ref } = storeWithKey();
      const materials = [randomBytes(32), randomBytes(32), randomBytes(32)];
      importWith(store, ref, materials[0], rotating);
      store.rotationDelayMs = 0;
      importWith(store, ref, materials[1], { ...rotating, importType: 'NEW' });
      store.rotateOnDemand(ref);
      store.rotationDelayMs = 60_000;
      importWith(store, ref, materials[2], { ...rotating, importType: 'NEW', description: 'third' });
      store.rotateOnDemand(ref);
      const text = sealState({ clockOffsetMs: clock.offset, snapshot: store.snapshot() }, 'secret');
      for (const m of materials) assert.ok(!text.includes(m.toString('base64')) && !text.includes(m.toString('hex')));
      const restoredClock = new EmulatorClock();
      const restored = new KeyStore(restoredClock);
      restored.restore(unsealState(text, 'secret', 'memory').snapshot);
      assert.deepEqual(restored.getKey(ref).materials, store.getKey(ref).materials);
      assert.equal(restored.getKey(ref).rotation?.materialId, materialId(ref.keyId, materials[2]));
      const blob = encryptWithMaterial(ref.keyId, materials[0], Buffer.from('x'), undefined, materialId(ref.keyId, materials[0]));
      assert.deepEqual(restored.materialForDecrypt(ref, materialIdOfCiphertext(blob)).material, materials[0]);
      restoredClock.advance(61);
      assert.deepEqual(restored.materialForUse(ref).material, materials[2], 'the rotation completes after the restart');
    });

    it('a state file from before several materials (one material: current + bound) still loads', () => {
      const { store, clock, ref } = storeWithKey();
      const material = randomBytes(32);
      const expiresAt = clock.now() + 86_400_000;
      importWith(store, ref, material, { expiresAt });
      // The old shape: no `materials` on the key, the secret as { current, bound }.
      const snapshot = store.snapshot();
      const oldKeys = snapshot.keys.map(({ materials: _materials, rotation: _rotation, ...rest }) => rest);
      const oldSecret = { ...snapshot.secret, materials: [{ keyId: ref.keyId, current: material.toString('base64'), bound: material.toString('base64') }] };
      const restored = new KeyStore(new EmulatorClock());
      restored.restore({ ...snapshot, keys: oldKeys, secret: oldSecret });
      const key = restored.getKey(ref);
      assert.deepEqual(key.materials, [{ id: materialId(ref.keyId, material), state: 'CURRENT', importState: 'IMPORTED', expiresAt }]);
      assert.deepEqual(restored.materialForUse(ref).material, material);
      expectStoreError(() => importWith(restored, ref, randomBytes(32)), 'IncorrectKeyMaterial');

      // Deleted before the upgrade: bound only, PendingImport; the same material brings it back.
      const deleted = new KeyStore(new EmulatorClock());
      deleted.restore({ ...snapshot, keys: oldKeys.map((k) => ({ ...k, state: 'PendingImport' as const, hasMaterial: false, materialExpiresAt: undefined })), secret: { ...oldSecret, materials: [{ keyId: ref.keyId, bound: material.toString('base64') }] } });
      assert.equal(deleted.getKey(ref).materials![0].importState, 'PENDING_IMPORT');
      importWith(deleted, ref, material);
      assert.equal(deleted.getKey(ref).state, 'Enabled');
    });
  });
});
