// The pool of wrapping key pairs (wrapping-key-pool.ts): every GetParametersForImport still gets a new public key, from
// the pool or — when it is empty — generated in the request; the pool refills in the background; a pair from the pool
// really is the pair its token unwraps with; close() waits for the generations running and starts no more.

import assert from 'node:assert/strict';
import { createPublicKey, randomBytes } from 'node:crypto';
import { CreateKeyCommand, GetParametersForImportCommand, ImportKeyMaterialCommand } from '@aws-sdk/client-kms';
import { startEmulator } from '../../emulator';
import { generateWrappingKeyPairAsync, WrappingKeyPool } from '../../emulator/wrapping-key-pool';
import { generateWrappingKeyPair, wrapKeyMaterial, type WrappingKeyPair, type WrappingKeySpec } from '../../core/wrapping';
import { kmsClient } from '../support/aws-client';

/** A generator the test completes by hand: `pending` holds the generations asked for and not yet finished. */
function manualGenerator(): { generate: (spec: WrappingKeySpec) => Promise<WrappingKeyPair>; pending: Array<() => void>; calls: number } {
  const state = {
    pending: [] as Array<() => void>,
    calls: 0,
    generate: (spec: WrappingKeySpec) => {
      state.calls += 1;
      return new Promise<WrappingKeyPair>((resolve) => state.pending.push(() => resolve({ publicKeyDer: Buffer.from(`${spec}-${state.calls}`), privateKeyPem: '' })));
    },
  };
  return state;
}

const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('emulator / wrapping key pool', () => {
  it('every GetParametersForImport gets a new public key, from the pool and from in-request generation alike', async function () {
    this.timeout(60_000);
    const emu = await startEmulator({ wrappingKeyPool: { size: 2, warm: ['RSA_2048'] } });
    try {
      await emu.wrappingKeys.filled('RSA_2048');
      const kms = kmsClient(emu.url);
      const keyId = (await kms.send(new CreateKeyCommand({ Origin: 'EXTERNAL' }))).KeyMetadata!.KeyId!;
      // Back to back, faster than the pool refills: the first two come from the pool, later ones partly from the request.
      const keys = await Promise.all(
        Array.from({ length: 12 }, () => kms.send(new GetParametersForImportCommand({ KeyId: keyId, WrappingAlgorithm: 'RSAES_OAEP_SHA_256', WrappingKeySpec: 'RSA_2048' }))),
      );
      const publicKeys = keys.map((reply) => Buffer.from(reply.PublicKey!).toString('hex'));
      assert.equal(new Set(publicKeys).size, 12, 'no public key handed out twice');
      const stats = emu.wrappingKeys.stats();
      assert.ok(stats.fromPool >= 2, `pairs came from the pool (${JSON.stringify(stats)})`);
      assert.ok(stats.generatedInRequest >= 1, `an empty pool fell back to generating in the request (${JSON.stringify(stats)})`);
      assert.equal(stats.fromPool + stats.generatedInRequest, 12);
      // A pooled pair is the pair its token unwraps with: the first reply's key imports material.
      const material = randomBytes(32);
      const wrapped = wrapKeyMaterial({ algorithm: 'RSAES_OAEP_SHA_256', publicKey: createPublicKey({ key: Buffer.from(keys[0].PublicKey!), format: 'der', type: 'spki' }), material });
      await kms.send(new ImportKeyMaterialCommand({ KeyId: keyId, ImportToken: keys[0].ImportToken, EncryptedKeyMaterial: wrapped, ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' }));
    } finally {
      await emu.close();
    }
    assert.equal(emu.wrappingKeys.stats().generating, 0, 'nothing generates after close()');
  });

  it('hands each pair out once and refills in the background, one generation per spec at a time, up to its size', async () => {
    const gen = manualGenerator();
    const pool = new WrappingKeyPool({ size: 2, warm: ['RSA_2048'] }, gen.generate);
    assert.equal(gen.calls, 1, 'warm starts one generation, not a burst');
    gen.pending.shift()!();
    await flush();
    gen.pending.shift()!();
    await flush();
    assert.deepEqual(pool.stats().ready, { RSA_2048: 2 });
    assert.equal(gen.calls, 2, 'stops at the size');
    const first = pool.take('RSA_2048');
    const second = pool.take('RSA_2048');
    assert.notDeepEqual(first.publicKeyDer, second.publicKeyDer);
    assert.deepEqual(pool.stats().ready, { RSA_2048: 0 });
    assert.equal(pool.stats().generating, 1, 'taking started a refill');
    gen.pending.shift()!();
    await flush();
    assert.deepEqual(pool.stats().ready, { RSA_2048: 1 }, 'refilled');
    assert.equal(pool.stats().fromPool, 2);
    await closeAll(pool, gen);
  });

  it('a spec never asked for is never generated; an empty pool generates in the request (size 0: always)', () => {
    const gen = manualGenerator();
    const off = new WrappingKeyPool({ size: 0 }, gen.generate);
    const pair = off.take('SM2');
    assert.ok(pair.publicKeyDer.length > 0 && pair.privateKeyPem.includes('PRIVATE KEY'));
    assert.equal(gen.calls, 0);
    assert.deepEqual(off.stats(), { ready: {}, generating: 0, fromPool: 0, generatedInRequest: 1 });
  });

  it('close() waits for the generation running, keeps none of its pairs and starts no other', async () => {
    const gen = manualGenerator();
    const pool = new WrappingKeyPool({ size: 4, warm: ['RSA_2048', 'RSA_3072'] }, gen.generate);
    let closed = false;
    const closing = pool.close().then(() => {
      closed = true;
    });
    await flush();
    assert.equal(closed, false, 'still waiting for the two generations');
    gen.pending.shift()!();
    await flush();
    assert.equal(closed, false);
    gen.pending.shift()!();
    await closing;
    assert.equal(gen.calls, 2, 'no refill after close');
    assert.deepEqual(pool.stats().ready, {});
    assert.equal(pool.stats().generating, 0);
  });

  it('a failed background generation leaves the pool usable (the request generates its own pair)', async () => {
    const pool = new WrappingKeyPool({ size: 1, warm: ['RSA_2048'] }, () => Promise.reject(new Error('no entropy')));
    await pool.filled('RSA_2048');
    const pair = pool.take('RSA_2048');
    assert.ok(pair.privateKeyPem.includes('PRIVATE KEY'));
    assert.equal(pool.stats().generatedInRequest, 1);
    await pool.close();
  });

  it('the asynchronous generator makes the same kind of pair as the synchronous one (RSA_2048, SM2)', async function () {
    this.timeout(60_000);
    for (const spec of ['RSA_2048', 'SM2'] as const) {
      const pooled = await generateWrappingKeyPairAsync(spec);
      const direct = generateWrappingKeyPair(spec);
      const [a, b] = [pooled, direct].map((pair) => createPublicKey({ key: pair.publicKeyDer, format: 'der', type: 'spki' }));
      assert.equal(a.asymmetricKeyType, b.asymmetricKeyType, spec);
      assert.deepEqual(a.asymmetricKeyDetails, b.asymmetricKeyDetails, spec);
      // The same SubjectPublicKeyInfo header (algorithm and curve identifiers), the same length, another key.
      assert.equal(pooled.publicKeyDer.length, direct.publicKeyDer.length, spec);
      assert.deepEqual(pooled.publicKeyDer.subarray(0, 24), direct.publicKeyDer.subarray(0, 24), spec);
      assert.notDeepEqual(pooled.publicKeyDer, direct.publicKeyDer);
      assert.match(pooled.privateKeyPem, /^-----BEGIN PRIVATE KEY-----/);
    }
  });

  it('an emulator that imports nothing generates nothing: start-up and close() are as fast as without the pool', async () => {
    const started = Date.now();
    const emu = await startEmulator();
    assert.equal(emu.wrappingKeys.stats().generating, 0);
    await emu.close();
    assert.ok(Date.now() - started < 1_000);
  });
});

/** Closes `pool`, finishing by hand whatever generation is still pending. */
async function closeAll(pool: WrappingKeyPool, gen: { pending: Array<() => void> }): Promise<void> {
  const closing = pool.close();
  while (gen.pending.length) gen.pending.shift()!();
  await closing;
}
