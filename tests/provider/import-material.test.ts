// provider/import-material.ts: a refused import token, twice in a row, through each cloud's real adapter against the
// emulator. The error says once which key the import was for — the adapter names the call (and, but on Huawei, the
// key), importMaterial adds the key only where it is not named yet — never "importing key material into X:
// importing key material into X: …".
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import type { KmsAdapter } from '../../provider/clouds/adapter';
import { AlicloudKmsAdapter } from '../../provider/clouds/alicloud/adapter';
import { AwsKmsAdapter } from '../../provider/clouds/aws/adapter';
import { HuaweicloudKmsAdapter } from '../../provider/clouds/huaweicloud/adapter';
import { HuaweicloudKmsClient } from '../../provider/clouds/huaweicloud/client';
import { PinganKmsAdapter } from '../../provider/clouds/pingan/adapter';
import { PinganKmsClient } from '../../provider/clouds/pingan/client';
import { ImportedKeyError } from '../../core/errors';
import { importKeyMaterial } from '../../provider/import-material';
import { useEmulator } from '../support/emulator';
import { useAwsEnvironment } from '../support/aws-environment';

const PROJECT = '0123456789abcdef0123456789abcdef';

/** A WaitClock whose sleeps pass at once and move its time on. */
function jumpingClock() {
  let now = 0;
  return { now: () => now, sleep: async (ms: number) => { now += ms; } };
}
const ALIBABA_NAMES = ['ALIBABA_CLOUD_ACCESS_KEY_ID', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET'] as const;

describe('importKeyMaterial: a failed import names its key once', () => {
  const emu = useEmulator();
  useAwsEnvironment();
  const saved: Record<string, string | undefined> = {};
  before(() => {
    for (const name of ALIBABA_NAMES) {
      saved[name] = process.env[name];
      process.env[name] = 'test';
    }
  });
  after(() => {
    for (const name of ALIBABA_NAMES) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });

  const clouds: Array<{ cloud: string; keySpec: string; adapter: () => KmsAdapter & { destroy?(): void } }> = [
    { cloud: 'aws', keySpec: 'SYMMETRIC_DEFAULT', adapter: () => new AwsKmsAdapter({ region: 'us-east-1', endpoint: emu.url }) },
    { cloud: 'alicloud', keySpec: 'Aliyun_AES_256', adapter: () => new AlicloudKmsAdapter({ region: 'cn-hangzhou', endpoint: emu.url }) },
    {
      cloud: 'huaweicloud',
      keySpec: 'AES_256',
      adapter: () => new HuaweicloudKmsAdapter(new HuaweicloudKmsClient({ endpoint: new URL(emu.url), projectId: PROJECT, credentials: { accessKey: 'test', secretKey: 'test' } })),
    },
    {
      cloud: 'pingan',
      keySpec: 'AES_256',
      adapter: () => new PinganKmsAdapter(new PinganKmsClient({ endpoint: new URL(emu.url), credentials: { accessKeyId: 'test', accessKeySecret: 'test' } })),
    },
  ];

  for (const { cloud, keySpec, adapter: make } of clouds) {
    it(`${cloud}: a token of another key, refused on the first try and the retry`, async () => {
      const adapter = make();
      try {
        const alias = (name: string) => (cloud === 'huaweicloud' ? { alias: `${name}-${randomBytes(4).toString('hex')}` } : {});
        const key = await adapter.createKey({ keySpec, ...alias('import-errors') });
        const other = await adapter.createKey({ keySpec, ...alias('import-errors-other') });
        const foreign = await adapter.getImportParameters(other.keyId, 'RSAES_OAEP_SHA_256', 'RSA_2048');
        // Every set of parameters for `key` comes with the other key's token: the import is refused twice.
        const mixedUp: KmsAdapter = Object.create(adapter);
        mixedUp.getImportParameters = async (keyId, algorithm, spec) => ({ ...(await adapter.getImportParameters(keyId, algorithm, spec)), importToken: foreign.importToken });
        const error = await importKeyMaterial(mixedUp, {
          keyId: key.keyId, material: randomBytes(32), wrappingAlgorithm: 'RSAES_OAEP_SHA_256', wrappingKeySpec: 'RSA_2048', materialPresent: false,
        }).then(() => assert.fail('the import should fail'), (e: unknown) => e);
        assert.ok(error instanceof ImportedKeyError, String(error));
        assert.equal(error.code, 'ImportTokenRejected');
        assert.ok(error.cloudCode, 'the cloud\'s code is kept');
        const message = error.message;
        const contexts = message.match(/importing key material into |Alibaba Cloud KMS ImportKeyMaterial on key /g) ?? [];
        assert.equal(contexts.length, 1, `one layer says which import failed: ${message}`);
        assert.ok(message.startsWith(`importing key material into ${key.keyId}: `) || message.startsWith(`Alibaba Cloud KMS ImportKeyMaterial on key ${key.keyId} failed: `), message);
        const segments = message.split(': ');
        for (let i = 1; i < segments.length; i++) assert.notEqual(segments[i], segments[i - 1], `a repeated prefix: ${message}`);
      } finally {
        adapter.destroy?.();
      }
    });
  }

  it('an error that does not name the key gets it, once', async () => {
    const fake = {
      reimportMode: 'in-place',
      getImportParameters: async () => ({ keyId: 'k-1', publicKey: Buffer.alloc(0), importToken: Buffer.from('t'), parametersValidTo: '' }),
      importMaterial: async () => {
        throw new ImportedKeyError('CloudError', 'cloud import-key-material failed: HTTP 500');
      },
      describeKey: async () => undefined,
    } as unknown as KmsAdapter;
    // The wrap needs a real public key: take one from the emulator's AWS protocol.
    const aws = new AwsKmsAdapter({ region: 'us-east-1', endpoint: emu.url });
    try {
      const key = await aws.createKey({ keySpec: 'SYMMETRIC_DEFAULT' });
      const { publicKey } = await aws.getImportParameters(key.keyId, 'RSAES_OAEP_SHA_256', 'RSA_2048');
      fake.getImportParameters = async () => ({ keyId: 'k-1', publicKey, importToken: Buffer.from('t'), parametersValidTo: '' });
    } finally {
      aws.destroy();
    }
    await assert.rejects(
      // A clock that jumps: the describe that waits out a lost reply (15 s) is over at once.
      importKeyMaterial(fake, { keyId: 'k-1', material: randomBytes(32), wrappingAlgorithm: 'RSAES_OAEP_SHA_256', wrappingKeySpec: 'RSA_2048', materialPresent: false }, jumpingClock()),
      (e: Error) => e.message === 'importing key material into k-1: cloud import-key-material failed: HTTP 500',
    );
  });

  it('huaweicloud: after the delete, tokens refused twice (one used, one expired) → fresh parameters again, the material is back', async () => {
    const client = new HuaweicloudKmsClient({ endpoint: new URL(emu.url), projectId: PROJECT, credentials: { accessKey: 'test', secretKey: 'test' } });
    const adapter = new HuaweicloudKmsAdapter(client);
    const key = await adapter.createKey({ keySpec: 'AES_256', alias: `after-delete-${randomBytes(4).toString('hex')}` });
    const other = await adapter.createKey({ keySpec: 'AES_256', alias: `after-delete-other-${randomBytes(4).toString('hex')}` });
    const material = randomBytes(32);
    const request = { keyId: key.keyId, material, wrappingAlgorithm: 'RSAES_OAEP_SHA_256', wrappingKeySpec: 'RSA_2048' };
    const expiresAt = new Date(emu.running.clock.now() + 10 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, '.000Z');
    await importKeyMaterial(adapter, { ...request, expiresAt, materialPresent: false });
    // The first two sets of parameters carry the other key's token: refused as a used or expired one would be.
    let prepared = 0;
    const foreign = await adapter.getImportParameters(other.keyId, 'RSAES_OAEP_SHA_256', 'RSA_2048');
    const refusing: KmsAdapter = Object.create(adapter);
    refusing.getImportParameters = async (keyId, algorithm, spec) => {
      const real = await adapter.getImportParameters(keyId, algorithm, spec);
      return ++prepared <= 2 ? { ...real, importToken: foreign.importToken } : real;
    };
    const later = new Date(Date.parse(expiresAt) + 30 * 86_400_000).toISOString();
    await importKeyMaterial(refusing, { ...request, expiresAt: later, materialPresent: true }, { now: () => Date.now(), sleep: async () => undefined });
    assert.equal(prepared, 3);
    const live = await adapter.describeKey(key.keyId);
    assert.equal(live?.keyState, 'Enabled');
    assert.equal(live?.validTo, later);
  });

  it('a lost import reply while describes lag 2 s: DescribeKey is asked again until the import shows (one import call)', async () => {
    const client = new HuaweicloudKmsClient({ endpoint: new URL(emu.url), projectId: PROJECT, credentials: { accessKey: 'test', secretKey: 'test' } });
    const adapter = new HuaweicloudKmsAdapter(client);
    const key = await adapter.createKey({ keySpec: 'AES_256', alias: `lagging-${randomBytes(4).toString('hex')}` });
    emu.running.consistency.setDelay('huawei', 2000);
    try {
      emu.running.faults.add({ target: 'huawei:import-key-material', dropNext: 1 });
      const before = emu.running.requestCounts()['huawei:import-key-material'] ?? 0;
      await importKeyMaterial(adapter, { keyId: key.keyId, material: randomBytes(32), wrappingAlgorithm: 'RSAES_OAEP_SHA_256', wrappingKeySpec: 'RSA_2048', materialPresent: false });
      assert.equal(emu.running.requestCounts()['huawei:import-key-material'], before + 1);
    } finally {
      emu.running.consistency.clear();
      emu.running.faults.clear();
    }
  });

  it('huaweicloud: a delete whose replies are all lost (the material gone all the same) goes on to the import', async () => {
    const client = new HuaweicloudKmsClient({ endpoint: new URL(emu.url), projectId: PROJECT, credentials: { accessKey: 'test', secretKey: 'test' } }, { retryDelayMs: 5 });
    const adapter = new HuaweicloudKmsAdapter(client);
    const key = await adapter.createKey({ keySpec: 'AES_256', alias: `lost-delete-${randomBytes(4).toString('hex')}` });
    const request = { keyId: key.keyId, material: randomBytes(32), wrappingAlgorithm: 'RSAES_OAEP_SHA_256', wrappingKeySpec: 'RSA_2048' };
    await importKeyMaterial(adapter, { ...request, materialPresent: false });
    // Every attempt of the client (4) has its reply lost: the first deleted the material, the others met KMS.2701.
    emu.running.faults.add({ target: 'huawei:delete-imported-key-material', dropNext: 4 });
    try {
      const later = new Date(emu.running.clock.now() + 20 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, '.000Z');
      await importKeyMaterial(adapter, { ...request, expiresAt: later, materialPresent: true });
      const live = await adapter.describeKey(key.keyId);
      assert.equal(live?.keyState, 'Enabled');
      assert.equal(live?.validTo, later);
    } finally {
      emu.running.faults.clear();
    }
  });
});
