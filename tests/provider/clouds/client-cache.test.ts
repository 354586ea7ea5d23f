// The clients shared between steps (provider/clouds/client-cache.ts), through the registry as the provider obtains
// them: two steps with the same cloud, region, endpoint and credentials use one client (and a step's end leaves it
// working for the next); another region, endpoint or credential, even one changed in the environment between
// steps, gets another client. The AWS steps call the emulator on 127.0.0.1.
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { createAdapter } from '../../../provider/clouds';
import { clientKey, credentialDigest, forgetSharedClients, sharedClient, sharedClientCount } from '../../../provider/clouds/client-cache';
import type { KmsAdapter } from '../../../provider/clouds/adapter';
import { useEmulator } from '../../support/emulator';

/** The client object an adapter calls through (every adapter keeps it as `client`). */
const clientOf = (adapter: KmsAdapter): unknown => (adapter as unknown as { client: unknown }).client;

describe('provider/clouds/client-cache: clients shared by the steps of one host', function () {
  this.timeout(30_000);
  const emu = useEmulator({ accessKey: 'cache-ak', secretKey: 'cache-sk' });
  const saved = { ...process.env };
  beforeEach(() => {
    forgetSharedClients();
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: 'cache-ak', AWS_SECRET_ACCESS_KEY: 'cache-sk',
      HUAWEICLOUD_SDK_AK: 'cache-ak', HUAWEICLOUD_SDK_SK: 'cache-sk', PINGAN_ACCESS_KEY_ID: 'cache-ak', PINGAN_ACCESS_KEY_SECRET: 'cache-sk',
      ALIBABA_CLOUD_ACCESS_KEY_ID: 'cache-ak', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'cache-sk',
    });
  });
  after(() => {
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
    Object.assign(process.env, saved);
    forgetSharedClients();
  });

  it('two AWS steps with the same settings share one client, which still calls after the first step ended', async () => {
    const config = { region: 'us-east-1', endpoint: emu.url };
    const first = createAdapter('aws', config);
    const keyId = (await first.createKey({ keySpec: 'SYMMETRIC_DEFAULT' })).keyId;
    first.destroy();
    const second = createAdapter('aws', config);
    assert.equal(clientOf(second), clientOf(first));
    assert.equal(sharedClientCount(), 2, 'one client for every call and one for CreateKey');
    assert.equal((await second.describeKey(keyId))?.keyId, keyId, 'the shared client still works after a step ended');
    second.destroy();
  });

  it('another region, endpoint or credential gets another AWS client; a credential changed in the environment too', () => {
    const base = createAdapter('aws', { region: 'us-east-1', endpoint: emu.url });
    const others = [
      createAdapter('aws', { region: 'eu-west-1', endpoint: emu.url }),
      createAdapter('aws', { region: 'us-east-1', endpoint: `${emu.url}/` }),
    ];
    process.env.AWS_SECRET_ACCESS_KEY = 'rotated-secret';
    others.push(createAdapter('aws', { region: 'us-east-1', endpoint: emu.url }));
    process.env.AWS_SECRET_ACCESS_KEY = 'cache-sk';
    const again = createAdapter('aws', { region: 'us-east-1', endpoint: emu.url });
    const clients = [base, ...others].map(clientOf);
    assert.equal(new Set(clients).size, 4, 'each place or credential has its own client');
    assert.equal(clientOf(again), clientOf(base), 'the first credential back: its client again');
  });

  it('shares per place on every cloud: same settings one client, another endpoint or credential another', () => {
    for (const cloud of ['alicloud', 'huaweicloud', 'pingan']) {
      const config = { region: 'cn-north-4', endpoint: 'http://127.0.0.1:1', projectId: 'p' };
      const a = createAdapter(cloud, config);
      const b = createAdapter(cloud, config);
      const elsewhere = createAdapter(cloud, { ...config, endpoint: 'http://127.0.0.1:2' });
      const key = cloud === 'alicloud' ? 'ALIBABA_CLOUD_ACCESS_KEY_SECRET' : cloud === 'huaweicloud' ? 'HUAWEICLOUD_SDK_SK' : 'PINGAN_ACCESS_KEY_SECRET';
      process.env[key] = 'rotated';
      const rotated = createAdapter(cloud, config);
      process.env[key] = 'cache-sk';
      assert.equal(clientOf(a), clientOf(b), `${cloud}: same settings, one client`);
      assert.notEqual(clientOf(elsewhere), clientOf(a), `${cloud}: another endpoint, another client`);
      assert.notEqual(clientOf(rotated), clientOf(a), `${cloud}: another credential, another client`);
      [a, b, elsewhere, rotated].forEach((adapter) => adapter.destroy());
    }
  });

  it('keys hold a digest of the credentials, never the secret; a build that throws caches nothing', () => {
    const secret = randomBytes(16).toString('hex');
    const key = clientKey({ cloud: 'aws', region: 'us-east-1', credentials: { AWS_SECRET_ACCESS_KEY: secret } });
    assert.ok(!key.includes(secret));
    assert.match(key, /^aws\|us-east-1\|\|\|[0-9a-f]{32}$/);
    assert.equal(credentialDigest({ a: 1, b: 2 }), credentialDigest({ b: 2, a: 1 }), 'key order does not matter');
    assert.notEqual(credentialDigest({ a: 1 }), credentialDigest({ a: 2 }));
    const count = sharedClientCount();
    assert.throws(() => sharedClient({ cloud: 'x', credentials: {} }, () => { throw new Error('no'); }));
    assert.equal(sharedClientCount(), count);
  });
});
