// The materials of a key on their own (emulator/key-materials.ts): what the list implies for the key — state, earliest
// expiry, current id — and how expiry and a rotation in progress age on the clock, in the order they happen.

import assert from 'node:assert/strict';
import { advanceMaterials, associatedExpiry, summarize, type KeyMaterialInfo } from '../../emulator/key-materials';
import type { StoredKey } from '../../emulator/store-types';

const T0 = Date.parse('2030-01-01T00:00:00Z');

function keyWith(materials: KeyMaterialInfo[], extra: Partial<StoredKey> = {}): StoredKey {
  const key: StoredKey = {
    id: 'k', cloud: 'aws', namespace: 'ns', createdAt: T0, state: 'Enabled', origin: 'EXTERNAL', external: true,
    keySpec: 'SYMMETRIC_DEFAULT', keyUsage: 'ENCRYPT_DECRYPT', description: '', tags: {}, hasMaterial: true, attributes: {},
    materials, ...extra,
  };
  summarize(key);
  return key;
}

const imported = (id: string, state: KeyMaterialInfo['state'], expiresAt?: number): KeyMaterialInfo => ({ id, state, importState: 'IMPORTED', ...(expiresAt === undefined ? {} : { expiresAt }) });

describe('emulator / key materials (several per key)', () => {
  it('the key is usable only while every associated material is imported; a pending one does not count', () => {
    const key = keyWith([imported('a', 'NON_CURRENT'), imported('b', 'CURRENT'), { id: 'c', state: 'PENDING_ROTATION', importState: 'PENDING_IMPORT' }]);
    assert.equal(key.state, 'Enabled');
    assert.equal(key.hasMaterial, true);
    assert.equal(key.keyMaterialId, 'b');
    key.materials![0].importState = 'PENDING_IMPORT';
    summarize(key);
    assert.equal(key.state, 'PendingImport');
    assert.equal(key.hasMaterial, false);
    assert.equal(key.keyMaterialId, 'b', 'the current material stays current');
    key.materials![0].importState = 'IMPORTED';
    summarize(key);
    assert.equal(key.state, 'Enabled');
  });

  it('a Disabled key stays Disabled and a PendingDeletion key keeps its state, whatever their materials do', () => {
    const disabled = keyWith([imported('a', 'CURRENT')], { state: 'Disabled' });
    assert.equal(disabled.state, 'Disabled');
    const deleting = keyWith([{ id: 'a', state: 'CURRENT', importState: 'PENDING_IMPORT' }], { state: 'PendingDeletion' });
    assert.equal(deleting.state, 'PendingDeletion');
    assert.equal(deleting.hasMaterial, false);
  });

  it('the key expiry is the earliest over the imported associated materials; a pending material is left out', () => {
    const key = keyWith([imported('a', 'NON_CURRENT', T0 + 5000), imported('b', 'CURRENT'), imported('c', 'PENDING_ROTATION', T0 + 1000)]);
    assert.deepEqual(associatedExpiry(key), { model: 'KEY_MATERIAL_EXPIRES', validTo: T0 + 5000 });
    assert.equal(key.materialExpiresAt, T0 + 5000);
    assert.deepEqual(associatedExpiry(keyWith([imported('b', 'CURRENT')])), { model: 'KEY_MATERIAL_DOES_NOT_EXPIRE' });
    assert.equal(associatedExpiry(keyWith([])), undefined);
  });

  it('an expired NON_CURRENT material turns the key PendingImport at exactly its ValidTo', () => {
    const key = keyWith([imported('a', 'NON_CURRENT', T0 + 5000), imported('b', 'CURRENT', T0 + 9000)]);
    assert.equal(advanceMaterials(key, T0 + 4999), false);
    assert.equal(key.state, 'Enabled');
    assert.equal(advanceMaterials(key, T0 + 5000), true);
    assert.equal(key.state, 'PendingImport');
    assert.deepEqual(key.materials!.map((m) => [m.id, m.importState, m.expiresAt]), [['a', 'PENDING_IMPORT', undefined], ['b', 'IMPORTED', T0 + 9000]]);
    assert.equal(key.materialExpiresAt, T0 + 9000, 'the imported ones still say when they expire');
  });

  it('a rotation completes at its time: the pending material becomes CURRENT (with its rotation date), the previous one NON_CURRENT', () => {
    const key = keyWith([imported('a', 'CURRENT'), imported('b', 'PENDING_ROTATION')], { rotation: { materialId: 'b', startedAt: T0, completesAt: T0 + 3000 } });
    assert.equal(advanceMaterials(key, T0 + 2999), false);
    assert.equal(key.keyMaterialId, 'a');
    assert.equal(advanceMaterials(key, T0 + 3000), true);
    assert.equal(key.rotation, undefined);
    assert.equal(key.keyMaterialId, 'b');
    assert.equal(key.onDemandRotations, 1);
    assert.deepEqual(key.materials!.map((m) => [m.id, m.state, m.rotationDate, m.rotationType]), [['a', 'NON_CURRENT', undefined, undefined], ['b', 'CURRENT', T0 + 3000, 'ON_DEMAND']]);
  });

  it('events apply in the order they happened: a pending material that expired before the rotation completes is not rotated to', () => {
    const key = keyWith([imported('a', 'CURRENT'), imported('b', 'PENDING_ROTATION', T0 + 1000)], { rotation: { materialId: 'b', startedAt: T0, completesAt: T0 + 3000 } });
    assert.equal(advanceMaterials(key, T0 + 10_000), true);
    assert.equal(key.rotation, undefined);
    assert.equal(key.keyMaterialId, 'a');
    assert.equal(key.onDemandRotations, undefined, 'an abandoned rotation does not count');
    assert.deepEqual(key.materials!.map((m) => [m.state, m.importState]), [['CURRENT', 'IMPORTED'], ['PENDING_ROTATION', 'PENDING_IMPORT']]);
    assert.equal(key.state, 'Enabled', 'a pending material does not affect the key state');

    // Expiring after the rotation completed: it was rotated to, then expired as an associated material.
    const later = keyWith([imported('a', 'CURRENT'), imported('b', 'PENDING_ROTATION', T0 + 5000)], { rotation: { materialId: 'b', startedAt: T0, completesAt: T0 + 3000 } });
    advanceMaterials(later, T0 + 10_000);
    assert.equal(later.keyMaterialId, 'b');
    assert.equal(later.state, 'PendingImport');
  });
});
