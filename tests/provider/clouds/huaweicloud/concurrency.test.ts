// The Huawei client and adapter when many work at once in one process, as the steps of one `pulumi up` do in the real
// engine's provider host: throttling by a quota they all share, aliases made up at the same instant, each client's
// own clock.
import { strict as assert } from 'node:assert';
import { startEmulator, type RunningEmulator } from '../../../../emulator';
import { huaweicloudProtocol as huaweiProtocol } from '../../../../emulator/protocols/huaweicloud/protocol';
import { HuaweicloudKmsAdapter, keyAliasFor } from '../../../../provider/clouds/huaweicloud/adapter';
import { HuaweicloudKmsClient, type ClientOptions } from '../../../../provider/clouds/huaweicloud/client';
import { KEY_ALIAS_PATTERN } from '../../../../provider/clouds/huaweicloud/profile';
import { ImportedKeyError } from '../../../../core/errors';

const PROJECT = '0123456789abcdef0123456789abcdef';
const DAY = 86_400_000;

describe('huaweicloud client and adapter, many at once', () => {
  let emulators: RunningEmulator[];
  before(async () => {
    emulators = [await startEmulator({ protocols: [huaweiProtocol] }), await startEmulator({ protocols: [huaweiProtocol] })];
  });
  after(async () => {
    for (const e of emulators) await e.close();
  });
  afterEach(() => {
    for (const e of emulators) {
      e.faults.clear();
      e.clock.reset();
    }
  });
  const adapterOn = (emulator: RunningEmulator, options: ClientOptions = {}) =>
    new HuaweicloudKmsAdapter(new HuaweicloudKmsClient({ endpoint: new URL(emulator.url), projectId: PROJECT, credentials: { accessKey: 'test', secretKey: 'test' } }, options));
  const created = (emulator: RunningEmulator) => emulator.requestCounts()['huawei:create-key'] ?? 0;

  it('retries throttling on its own budget, past maxAttempts (a quota shared by the whole run), and creates one key', async () => {
    const [emulator] = emulators;
    const adapter = adapterOn(emulator, { maxAttempts: 2, retryDelayMs: 5, throttling: { maxAttempts: 6, baseDelayMs: 5, maxDelayMs: 20 } });
    // Deterministic throttle rate 4/5: the 1st request passes, the next 4 are throttled, the 6th passes.
    emulator.faults.add({ target: 'huawei:*', throttleRate: 0.8 });
    assert.equal(await adapter.describeKey('00000000-0000-0000-0000-000000000000'), undefined);
    const before = created(emulator);
    const keys = emulator.store.listKeys('huawei', PROJECT).length;
    const key = await adapter.createKey({ keySpec: 'AES_256', alias: 'throttled-then-made' });
    assert.equal(key.keyState, 'PendingImport');
    assert.equal(created(emulator) - before, 5);
    assert.equal(emulator.store.listKeys('huawei', PROJECT).length, keys + 1);
  });

  it('still gives up on a quota that never lets it through, naming the throttling code', async () => {
    const [emulator] = emulators;
    const adapter = adapterOn(emulator, { maxAttempts: 2, retryDelayMs: 5, throttling: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20 } });
    emulator.faults.add({ target: 'huawei:create-key', throttleRate: 1 });
    const before = created(emulator);
    await assert.rejects(adapter.createKey({ keySpec: 'AES_256', alias: 'never' }), (e: unknown) => e instanceof ImportedKeyError && e.cloudCode === 'APIGW.0308');
    assert.equal(created(emulator) - before, 3);
  });

  it('makes up a different alias for every key, even for many in the same millisecond', () => {
    const aliases = Array.from({ length: 500 }, () => keyAliasFor(undefined));
    assert.equal(new Set(aliases).size, aliases.length);
    assert.ok(aliases.every((a) => KEY_ALIAS_PATTERN.test(a)));
  });

  it('creates 20 keys without an alias at once: 20 keys, 20 different aliases', async () => {
    const [emulator] = emulators;
    const adapters = Array.from({ length: 20 }, () => adapterOn(emulator));
    const keys = await Promise.all(adapters.map((a) => a.createKey({ keySpec: 'AES_256' })));
    const stored = keys.map((k) => emulator.store.findKey('huawei', PROJECT, k.keyId)!);
    assert.equal(new Set(keys.map((k) => k.keyId)).size, 20);
    assert.equal(new Set(stored.map((k) => k.attributes.key_alias)).size, 20, 'each key its own alias');
  });

  it('gives each client the time of its own cloud when 16 call at once against two clouds 7 days apart', async () => {
    emulators[0].clock.set(Date.now() + 5 * DAY);
    emulators[1].clock.set(Date.now() - 2 * DAY);
    const adapters = Array.from({ length: 16 }, (_, i) => ({ emulator: emulators[i % 2], adapter: adapterOn(emulators[i % 2]) }));
    await Promise.all(adapters.map(({ adapter }) => adapter.describeKey('00000000-0000-0000-0000-000000000000')));
    for (const [i, { emulator, adapter }] of adapters.entries()) {
      const told = adapter.cloudTime();
      assert.ok(told && Math.abs(told.getTime() - emulator.clock.now()) < 2_000, `client ${i}: ${told?.toISOString()}`);
    }
  });
});
