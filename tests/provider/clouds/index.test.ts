// The registry (provider/clouds/index.ts): profiles by cloud name, and adapters built through each cloud's own
// index.ts, whose module (and SDK) is loaded only when that cloud is used.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { CLOUD_NAMES, createAdapter, getCloudProfile } from '../../../provider/clouds';
import { ImportedKeyError } from '../../../core/errors';

const ROOT = join(__dirname, '..', '..', '..');

/** In a fresh process: which SDKs and adapters are loaded after requiring `modules`, then after creating `clouds`' adapters. */
function loadedAfter(modules: string[], clouds: string[]): Record<string, boolean> {
  const script = `
    const loaded = (s) => Object.keys(require.cache).some((k) => k.split('\\\\').join('/').includes(s));
    for (const m of ${JSON.stringify(modules)}) require(m);
    const { createAdapter } = require('./provider/clouds');
    process.env.HUAWEICLOUD_SDK_AK = 'ak'; process.env.HUAWEICLOUD_SDK_SK = 'sk'; process.env.PINGAN_ACCESS_KEY_ID = 'ak'; process.env.PINGAN_ACCESS_KEY_SECRET = 'sk';
    for (const cloud of ${JSON.stringify(clouds)}) createAdapter(cloud, { endpoint: 'http://127.0.0.1:1', region: 'us-east-1', projectId: 'p' }).destroy();
    console.log(JSON.stringify({
      '@aws-sdk/client-kms': loaded('@aws-sdk/client-kms/'), '@alicloud/kms20160120': loaded('@alicloud/kms20160120/'),
      aws: loaded('provider/clouds/aws/adapter'), alicloud: loaded('provider/clouds/alicloud/adapter'), huaweicloud: loaded('provider/clouds/huaweicloud/adapter'), pingan: loaded('provider/clouds/pingan/adapter'),
    }));`;
  const out = execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return JSON.parse(out.trim().split('\n').pop()!);
}

describe('provider/clouds registry', () => {
  it('names every cloud it has a profile for, and refuses others naming them', () => {
    assert.deepEqual([...CLOUD_NAMES], ['aws', 'alicloud', 'huaweicloud', 'pingan']);
    for (const cloud of CLOUD_NAMES) assert.equal(getCloudProfile(cloud).cloud, cloud);
    assert.throws(() => createAdapter('gcp', {}), (e: unknown) => e instanceof ImportedKeyError && e.code === 'InvalidArgument' && /aws, alicloud, huaweicloud, pingan/.test(e.message));
  });

  it('builds each cloud\'s adapter, named as the cloud', () => {
    const saved = { ...process.env };
    try {
      Object.assign(process.env, { HUAWEICLOUD_SDK_AK: 'ak', HUAWEICLOUD_SDK_SK: 'sk', PINGAN_ACCESS_KEY_ID: 'ak', PINGAN_ACCESS_KEY_SECRET: 'sk' });
      for (const cloud of CLOUD_NAMES) {
        const adapter = createAdapter(cloud, { endpoint: 'http://127.0.0.1:1', region: 'us-east-1', projectId: 'p' });
        assert.equal(adapter.cloud, cloud);
        adapter.destroy();
      }
    } finally {
      for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
      Object.assign(process.env, saved);
    }
  });

  it('loads no cloud\'s adapter or SDK for check and the provider module, and only the cloud used after', function () {
    this.timeout(120_000);
    const none = { '@aws-sdk/client-kms': false, '@alicloud/kms20160120': false, aws: false, alicloud: false, huaweicloud: false, pingan: false };
    assert.deepEqual(loadedAfter(['./provider/check', './provider/provider'], []), none);
    assert.deepEqual(loadedAfter(['./provider/provider'], ['huaweicloud']), { ...none, huaweicloud: true });
    assert.deepEqual(loadedAfter(['./provider/provider'], ['alicloud']), { ...none, '@alicloud/kms20160120': true, alicloud: true });
    assert.deepEqual(loadedAfter(['./provider/provider'], ['aws']), { ...none, '@aws-sdk/client-kms': true, aws: true });
    assert.deepEqual(loadedAfter(['./provider/provider'], ['pingan']), { ...none, pingan: true });
  });
});
