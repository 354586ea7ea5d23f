// The factory (index.ts) and, through it, the provider's whole lifecycle on cloud "pingan" — check, create, diff,
// update of the expiry (in place), disable, read, delete — against the Ping An server of fake-server.ts on 127.0.0.1.
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { check, create, delete as deleteResource, diff, read, update } from '../../../../provider/provider';
import { FakePinganKms } from './fake-server';

describe('pingan: the provider lifecycle through the factory', () => {
  const server = new FakePinganKms();
  let endpoint: string;
  const saved: Record<string, string | undefined> = {};
  const VARIABLES = ['PINGAN_ACCESS_KEY_ID', 'PINGAN_ACCESS_KEY_SECRET', 'PINGAN_REGION'];

  before(async () => {
    endpoint = await server.start();
    for (const name of VARIABLES) saved[name] = process.env[name];
    process.env.PINGAN_ACCESS_KEY_ID = server.accessKeyId;
    process.env.PINGAN_ACCESS_KEY_SECRET = server.accessKeySecret;
    delete process.env.PINGAN_REGION;
  });
  after(async () => {
    for (const name of VARIABLES) if (saved[name] === undefined) delete process.env[name]; else process.env[name] = saved[name];
    await server.stop();
  });

  it('creates, changes the expiry in place, disables, reads and schedules deletion with the 30-day default', async function () {
    this.timeout(30_000);
    const material = randomBytes(32);
    const start = Math.floor(Date.now() / 1000);
    const day = (n: number) => new Date((start + n * 86_400) * 1000).toISOString();
    const checked = await check({}, { cloud: 'pingan', region: 'cn-shanghai', endpoint, keyMaterial: material.toString('base64'), expiresAt: day(10), alias: 'orders', resourceName: 'k' });
    assert.deepEqual(checked.failures, []);
    const created = await create(checked.inputs);
    assert.deepEqual([created.outs.keyState, created.outs.origin, created.outs.keySpec, created.outs.validTo, created.outs.alias], ['Enabled', 'EXTERNAL', 'AES_256', day(10), 'orders']);
    assert.equal(server.keys.get(created.id)?.alias, 'orders');

    const wanted = (await check(created.outs, { ...checked.inputs, expiresAt: day(20) })).inputs;
    const planned = await diff(created.id, created.outs, wanted);
    assert.equal(planned.changes, true);
    assert.deepEqual(planned.replaces ?? [], []);
    const updated = await update(created.id, created.outs, wanted);
    assert.equal(updated.outs!.validTo, day(20));
    assert.ok(!server.actions().includes('DeleteKeyMaterial'), 'in place: the material is never deleted');
    assert.equal((await diff(created.id, updated.outs!, wanted)).changes, false, 'no drift after the update');

    const disabled = (await check(updated.outs!, { ...wanted, enabled: false })).inputs;
    const off = await update(created.id, updated.outs!, disabled);
    assert.equal(off.outs!.keyState, 'Disabled');
    const refreshed = await read(created.id, off.outs!);
    assert.equal(refreshed.props!.keyState, 'Disabled');

    await deleteResource(created.id, off.outs!);
    const scheduled = server.requests.filter((r) => r.action === 'ScheduleKeyDeletion').map((r) => r.params.pendingWindowInDays);
    assert.deepEqual(scheduled, ['30']);
    assert.equal(server.keys.get(created.id)?.state, 'PENDING_DELETE');
    assert.deepEqual((await read(created.id, off.outs!)).props, {}, 'a key pending deletion is gone to a refresh');
  });
});
