// The waiter (provider/waiter.ts) and the DescribeKey that confirms an import (operations.ts confirmImport) against a
// cloud whose describes lag behind changes (eventual consistency): a key just created answers NotFound, an import still
// shows the old state for a while. Create and update must go through; a key that vanishes must still fail at once.
import { strict as assert } from 'node:assert';
import { awsProfile } from '../../provider/clouds/aws/profile';
import type { CreateKeyRequest, ImportMaterialRequest, KeyDescription } from '../../provider/clouds/adapter';
import { ImportedKeyError } from '../../core/errors';
import { createImportedKey, updateImportedKey } from '../../provider/operations';
import { PROPAGATION_POLICY, PROPAGATION_TIMEOUT_MS, waitForKey, type WaitClock } from '../../provider/waiter';
import { MATERIAL, inFuture, inputs, live } from '../support/fixtures';
import { StubAdapter } from '../support/stub-adapter';

/** A clock that only moves when the waiter sleeps. */
function fakeClock(): WaitClock & { slept: number[] } {
  let now = 0;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
  };
}

/** Answers describeKey from a script, one answer per call (the last one repeats). */
function scripted(...answers: Array<KeyDescription | undefined | Error>) {
  let calls = 0;
  return {
    get calls() {
      return calls;
    },
    async describeKey(): Promise<KeyDescription | undefined> {
      const answer = answers[Math.min(calls++, answers.length - 1)];
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
}

const enabled = (d: KeyDescription | undefined) => d?.keyState === 'Enabled';

describe('waiter: waitForKey', () => {
  it('one describe when the change already shows, and no sleep', async () => {
    const clock = fakeClock();
    const cloud = scripted(live());
    const r = await waitForKey(cloud, 'k', enabled, PROPAGATION_POLICY, clock);
    assert.equal(r.settled, true);
    assert.equal(r.describes, 1);
    assert.deepEqual(clock.slept, []);
  });

  it('asks again with doubling pauses (0.25 s, 0.5 s, 1 s, …) until the change shows', async () => {
    const clock = fakeClock();
    const cloud = scripted(undefined, live({ keyState: 'PendingImport' }), live({ keyState: 'PendingImport' }), live());
    const r = await waitForKey(cloud, 'k', enabled, PROPAGATION_POLICY, clock);
    assert.equal(r.settled, true);
    assert.equal(r.live?.keyState, 'Enabled');
    assert.equal(r.describes, 4);
    assert.deepEqual(clock.slept, [250, 500, 1000]);
    assert.equal(r.waitedMs, 1750);
  });

  it('gives up at the named timeout (2 minutes) with the last answer; pauses never exceed 5 s, the last look is at the deadline', async () => {
    assert.equal(PROPAGATION_TIMEOUT_MS, 120_000);
    const clock = fakeClock();
    const cloud = scripted(live({ keyState: 'PendingImport' }));
    const r = await waitForKey(cloud, 'k', enabled, PROPAGATION_POLICY, clock);
    assert.equal(r.settled, false);
    assert.equal(r.live?.keyState, 'PendingImport');
    assert.equal(r.waitedMs, PROPAGATION_TIMEOUT_MS);
    assert.ok(clock.slept.every((ms) => ms <= 5_000));
    assert.deepEqual(clock.slept.slice(0, 6), [250, 500, 1000, 2000, 4000, 5000]);
    assert.equal(clock.slept.reduce((a, b) => a + b, 0), PROPAGATION_TIMEOUT_MS);
    assert.equal(r.describes, clock.slept.length + 1);
  });

  it('a failed describe ends the wait with its error', async () => {
    const clock = fakeClock();
    const cloud = scripted(undefined, new ImportedKeyError('CloudError', 'describing key k: AccessDeniedException'));
    await assert.rejects(waitForKey(cloud, 'k', enabled, PROPAGATION_POLICY, clock), /AccessDeniedException/);
    assert.equal(cloud.calls, 2);
  });

  it('takes its own policy', async () => {
    const clock = fakeClock();
    const r = await waitForKey(scripted(undefined), 'k', enabled, { timeoutMs: 1000, initialDelayMs: 100, maxDelayMs: 300 }, clock);
    assert.equal(r.settled, false);
    assert.deepEqual(clock.slept, [100, 200, 300, 300, 100]);
  });
});

/**
 * The stub cloud, eventually consistent: after each change (CreateKey, ImportKeyMaterial, DeleteImportedKeyMaterial)
 * the next `lag` describes of that key still answer as before it (NotFound for a key just created).
 */
class LaggingAdapter extends StubAdapter {
  private stale: { keyId: string; view: KeyDescription | undefined; left: number } | undefined;

  constructor(private readonly lag: number, mode: 'in-place' | 'delete-first' = 'in-place') {
    super(mode);
  }

  private viewOf(keyId: string): KeyDescription | undefined {
    const key = this.keys.get(keyId);
    if (!key) return undefined;
    const { material: _material, ...rest } = key;
    return { ...rest };
  }

  private lagged<T>(keyId: string | undefined, change: () => Promise<T>, idOf: (result: T) => string): Promise<T> {
    const before = keyId === undefined ? undefined : this.viewOf(keyId);
    return change().then((result) => {
      // Kept from an earlier change still on its way: the older view is what describes see.
      const id = idOf(result);
      if (!this.stale || this.stale.keyId !== id || this.stale.left === 0) this.stale = { keyId: id, view: before, left: this.lag };
      else this.stale.left = this.lag;
      return result;
    });
  }

  override createKey(request: CreateKeyRequest) {
    return this.lagged(undefined, () => super.createKey(request), (d) => d.keyId);
  }

  override importMaterial(request: ImportMaterialRequest) {
    return this.lagged(request.keyId, () => super.importMaterial(request), () => request.keyId);
  }

  override deleteMaterial(keyId: string) {
    return this.lagged(keyId, () => super.deleteMaterial(keyId), () => keyId);
  }

  override enableKey(keyId: string) {
    return this.lagged(keyId, () => super.enableKey(keyId), () => keyId);
  }

  override async describeKey(keyId: string) {
    if (this.stale?.keyId === keyId && this.stale.left > 0) {
      this.stale.left -= 1;
      this.calls.push('describeKey');
      return this.stale.view;
    }
    return super.describeKey(keyId);
  }
}

describe('operations: the confirming DescribeKey waits for the import to show (eventual consistency)', () => {
  it('a cloud whose describes lag (NotFound for the new key): the create waits and succeeds in the same key, no second key', async () => {
    const adapter = new LaggingAdapter(2);
    const { id, outs } = await createImportedKey({ adapter, profile: awsProfile }, inputs(), MATERIAL);
    assert.equal(outs.keyState, 'Enabled');
    assert.equal(adapter.keys.size, 1);
    assert.deepEqual(adapter.calls, ['createKey', 'getImportParameters', 'importMaterial', 'describeKey', 'describeKey', 'describeKey']);
    assert.ok(adapter.keys.get(id)!.material!.equals(MATERIAL));
  });

  it('an update (new expiry) waits until the new validTo shows, also on a delete-first cloud', async () => {
    for (const mode of ['in-place', 'delete-first'] as const) {
      const adapter = new LaggingAdapter(0, mode);
      const expiresAt = inFuture(30);
      const { id, outs } = await createImportedKey({ adapter, profile: awsProfile }, inputs({ expiresAt }), MATERIAL);
      (adapter as unknown as { lag: number }).lag = 2;
      adapter.calls = [];
      const later = inFuture(60);
      const updated = await updateImportedKey({ adapter, profile: awsProfile }, id, outs, inputs({ expiresAt: later }), MATERIAL);
      assert.equal(Date.parse(updated.validTo!), Date.parse(later), mode);
      const describes = adapter.calls.filter((c) => c === 'describeKey').length;
      assert.equal(describes, 1 + 3, `${mode}: one describe to plan, then three to confirm (two stale)`);
    }
  });

  it('an update that enables a key disabled out of band records Enabled once the cloud shows it, not the stale Disabled', async () => {
    const adapter = new LaggingAdapter(0);
    const { id, outs } = await createImportedKey({ adapter, profile: awsProfile }, inputs(), MATERIAL);
    adapter.keys.get(id)!.keyState = 'Disabled';
    (adapter as unknown as { lag: number }).lag = 2;
    adapter.calls = [];
    const updated = await updateImportedKey({ adapter, profile: awsProfile }, id, { ...outs, keyState: 'Disabled' }, inputs(), MATERIAL);
    assert.equal(updated.keyState, 'Enabled');
    assert.deepEqual(adapter.calls, ['describeKey', 'enableKey', 'describeKey', 'describeKey', 'describeKey']);
  });

  it('a key that vanishes during an update still fails at once (no waiting for a key that existed)', async () => {
    const adapter = new StubAdapter();
    const { id, outs } = await createImportedKey({ adapter, profile: awsProfile }, inputs({ expiresAt: inFuture(30) }), MATERIAL);
    const importMaterial = adapter.importMaterial.bind(adapter);
    adapter.importMaterial = async (request) => {
      const result = await importMaterial(request);
      adapter.keys.delete(request.keyId);
      return result;
    };
    const started = Date.now();
    await assert.rejects(updateImportedKey({ adapter, profile: awsProfile }, id, outs, inputs({ expiresAt: inFuture(40) }), MATERIAL), (e: unknown) => {
      assert.ok(e instanceof ImportedKeyError);
      assert.equal(e.code, 'KeyNotFound');
      assert.equal(e.message, `key ${id} not found`);
      return true;
    });
    assert.ok(Date.now() - started < 1_000, 'no wait');
  });

  it('a created key that shows pending deletion after the import ends the wait at once, as a failed import of that key', async () => {
    const adapter = new StubAdapter();
    const importMaterial = adapter.importMaterial.bind(adapter);
    adapter.importMaterial = async (request) => {
      const result = await importMaterial(request);
      adapter.keys.get(request.keyId)!.keyState = 'PendingDeletion';
      return result;
    };
    const started = Date.now();
    await assert.rejects(createImportedKey({ adapter, profile: awsProfile }, inputs(), MATERIAL), (e: unknown) => {
      assert.ok(e instanceof ImportedKeyError);
      assert.match(e.message, /is PendingDeletion after the import, not Enabled with the expiry asked for\)/);
      assert.ok(e.id, 'recorded as partly created');
      return true;
    });
    assert.ok(Date.now() - started < 1_000, 'no wait');
  });
});
