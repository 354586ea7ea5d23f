// Ciphertext blobs of emulator/key-crypto.ts: version 1 names the key (every cloud), version 2 also the key material
// (AWS, so Decrypt finds a NON_CURRENT material after rotations); both decrypt, and a wrong material does not.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { decryptWithMaterial, encryptWithMaterial, keyIdOfCiphertext, materialIdOfCiphertext } from '../../emulator/key-crypto';
import { StoreError } from '../../emulator/store-errors';

describe('emulator / key crypto: ciphertext blobs', () => {
  const keyId = '1234abcd-12ab-34cd-56ef-1234567890ab';
  const material = randomBytes(32);
  const materialId = 'ab'.repeat(32);

  it('a version-1 blob names its key and no material; a version-2 blob names both', () => {
    const v1 = encryptWithMaterial(keyId, material, Buffer.from('one'), { a: 'b' });
    assert.equal(v1[0], 1);
    assert.equal(keyIdOfCiphertext(v1), keyId);
    assert.equal(materialIdOfCiphertext(v1), undefined);
    assert.equal(decryptWithMaterial(keyId, material, v1, { a: 'b' }).toString(), 'one');

    const v2 = encryptWithMaterial(keyId, material, Buffer.from('two'), { a: 'b' }, materialId);
    assert.equal(v2[0], 2);
    assert.equal(keyIdOfCiphertext(v2), keyId);
    assert.equal(materialIdOfCiphertext(v2), materialId);
    assert.equal(decryptWithMaterial(keyId, material, v2, { a: 'b' }).toString(), 'two');
  });

  it('another material, another context or a truncated blob → InvalidCiphertext; a foreign blob names no key', () => {
    const v2 = encryptWithMaterial(keyId, material, Buffer.from('x'), undefined, materialId);
    assert.throws(() => decryptWithMaterial(keyId, randomBytes(32), v2), (e: unknown) => e instanceof StoreError && e.kind === 'InvalidCiphertext');
    assert.throws(() => decryptWithMaterial(keyId, material, v2, { other: 'context' }), StoreError);
    assert.throws(() => decryptWithMaterial(keyId, material, v2.subarray(0, 40)), StoreError);
    assert.equal(keyIdOfCiphertext(Buffer.from([3, 1, 2, 3])), undefined);
    assert.equal(materialIdOfCiphertext(randomBytes(10)), undefined);
  });
});
