// The cloud-neutral key store on its own: the rules every protocol relies on, stated once.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { EmulatorClock } from '../../emulator/clock';
import { KeyStore, type KeyRef } from '../../emulator/store';
import { StoreError } from '../../emulator/store-errors';
import { sealState, unsealState } from '../../emulator/persistence';
import { wrapKeyMaterial } from '../../core/wrapping';

function storeWithKey(keySpec = 'AES_256'): { store: KeyStore; clock: EmulatorClock; ref: KeyRef } {
  const clock = new EmulatorClock();
  const store = new KeyStore(clock);
  const key = store.createKey({ cloud: 'test', namespace: 'ns', origin: 'external', external: true, keySpec, keyUsage: 'ENCRYPT_DECRYPT' });
  return { store, clock, ref: { cloud: 'test', namespace: 'ns', keyId: key.id } };
}

function importWith(store: KeyStore, ref: KeyRef, material: Buffer, extra: { expiresAt?: number; reimport?: 'in-place' | 'pending-import-only' } = {}) {
  const params = store.createImportParameters(ref, 'RSAES_OAEP_SHA_256', 'RSA_2048');
  const wrapped = wrapKeyMaterial({ algorithm: 'RSAES_OAEP_SHA_256', publicKey: params.publicKeyDer, material });
  return store.importMaterial(ref, { importToken: params.importToken, encryptedKeyMaterial: wrapped, reimport: extra.reimport ?? 'in-place', expiresAt: extra.expiresAt });
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
});
