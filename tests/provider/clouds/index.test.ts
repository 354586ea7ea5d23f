// The registry (provider/clouds/index.ts): profiles by cloud name, and adapters built through each cloud's own
// index.ts, whose module (and SDK) is loaded only when that cloud is used.
import { strict as assert } from 'node:assert';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { CLOUD_NAMES, createAdapter, getCloudProfile } from '../../../provider/clouds';
import { ImportedKeyError } from '../../../core/errors';
import { useEmulator } from '../../support/emulator';

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

describe('provider module: what serving an AWS step loads', () => {
  const emu = useEmulator({ accessKey: 'load-ak', secretKey: 'load-sk' });

  it('check, create and read of an AWS key load the AWS SDK only: no other cloud, no @pulumi/pulumi, no node-forge or sm-crypto-v2', async function () {
    this.timeout(120_000);
    // A fresh process, as a provider host is: the emulator runs here, the steps there (asynchronously: this process
    // must keep answering them).
    const script = `
      const loaded = (s) => Object.keys(require.cache).some((k) => k.split('\\\\').join('/').includes(s));
      Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'load-ak', AWS_SECRET_ACCESS_KEY: 'load-sk' });
      const provider = require('./provider/provider');
      (async () => {
        const news = { cloud: 'aws', region: 'us-east-1', endpoint: ${JSON.stringify(emu.url)}, keyMaterial: require('crypto').randomBytes(32).toString('base64') };
        const checked = await provider.check({}, news);
        const created = await provider.create(checked.inputs);
        const read = await provider.read(created.id, created.outs);
        console.log(JSON.stringify({
          state: read.props.keyState,
          '@aws-sdk/client-kms': loaded('@aws-sdk/client-kms/'), '@alicloud/kms20160120': loaded('@alicloud/kms20160120/'),
          '@pulumi/pulumi': loaded('@pulumi/pulumi/'), 'node-forge': loaded('node-forge/'), 'sm-crypto-v2': loaded('sm-crypto-v2/'),
          alicloud: loaded('provider/clouds/alicloud/adapter'), huaweicloud: loaded('provider/clouds/huaweicloud/client'), pingan: loaded('provider/clouds/pingan/client'),
        }));
        process.exit(0);
      })().catch((e) => { console.error(e.message); process.exit(1); });`;
    const { stdout: out } = await promisify(execFile)(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], { cwd: ROOT, encoding: 'utf8' });
    assert.deepEqual(JSON.parse(out.trim().split('\n').pop()!), {
      state: 'Enabled', '@aws-sdk/client-kms': true, '@alicloud/kms20160120': false, '@pulumi/pulumi': false, 'node-forge': false, 'sm-crypto-v2': false,
      alicloud: false, huaweicloud: false, pingan: false,
    });
  });
});
