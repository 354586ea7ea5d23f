import { strict as assert } from 'node:assert';
import { ImportedKeyError } from '../../../../core/errors';
import { endpointFor, resolveSettings } from '../../../../provider/clouds/pingan/settings';

const ENV = { PINGAN_ACCESS_KEY_ID: 'ak1', PINGAN_ACCESS_KEY_SECRET: 'sk1' };

function failure(fn: () => unknown): ImportedKeyError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ImportedKeyError);
    return error;
  }
  assert.fail('expected an error');
}

describe('pingan settings', () => {
  it('reads the credentials from PINGAN_* and builds the documented regional hosts', () => {
    const s = resolveSettings({ region: 'cn-shanghai' }, ENV);
    assert.equal(s.endpoint.href, 'https://kms-cn-shanghai.yun.pingan.com/');
    assert.deepEqual(s.credentials, { accessKeyId: 'ak1', accessKeySecret: 'sk1' });
    assert.equal(resolveSettings({}, { ...ENV, PINGAN_REGION: 'cn-hongkong' }).endpoint.host, 'kms-cn-hongkong.yun.pingan.com');
  });

  it('prefers the arguments to the environment, and an endpoint to the region (a bare host gets https://)', () => {
    assert.equal(resolveSettings({ region: 'cn-shanghai', endpoint: 'http://127.0.0.1:4567' }, { ...ENV, PINGAN_REGION: 'cn-hongkong' }).endpoint.href, 'http://127.0.0.1:4567/');
    assert.equal(resolveSettings({ region: 'cn-shanghai' }, { ...ENV, PINGAN_REGION: 'cn-hongkong' }).endpoint.host, 'kms-cn-shanghai.yun.pingan.com');
    assert.equal(resolveSettings({ endpoint: 'kms.example.test' }, ENV).endpoint.href, 'https://kms.example.test/');
    assert.equal(endpointFor('https://proxy.test/kms', undefined).pathname, '/kms', 'a path is kept as the prefix');
    assert.equal(resolveSettings({ region: 'cn-beijing', endpoint: 'http://127.0.0.1:1' }, ENV).region, 'cn-beijing', 'any region with an endpoint');
  });

  it('names the missing credentials variables without echoing any secret', () => {
    const e = failure(() => resolveSettings({ region: 'cn-shanghai' }, { PINGAN_ACCESS_KEY_SECRET: 'very-secret' }));
    assert.equal(e.code, 'InvalidArgument');
    assert.match(e.message, /Ping An Cloud credentials are missing: set PINGAN_ACCESS_KEY_ID and PINGAN_ACCESS_KEY_SECRET/);
    assert.doesNotMatch(e.message, /very-secret/);
    assert.match(failure(() => resolveSettings({ region: 'cn-shanghai' }, { PINGAN_ACCESS_KEY_ID: 'a', PINGAN_ACCESS_KEY_SECRET: '' })).message, /credentials are missing/);
  });

  it('asks for a region (naming the documented ones), a documented region, and a well-formed endpoint', () => {
    assert.match(failure(() => resolveSettings({}, ENV)).message, /region is required for pingan \(or endpoint\): pass region or set PINGAN_REGION; one of cn-shanghai, cn-hongkong/);
    assert.match(failure(() => resolveSettings({ region: 'cn-beijing' }, ENV)).message, /region must be one of cn-shanghai, cn-hongkong for pingan, not "cn-beijing"/);
    assert.match(failure(() => resolveSettings({ endpoint: 'ftp://x' }, ENV)).message, /endpoint must use http or https/);
    assert.match(failure(() => resolveSettings({ endpoint: 'http://x/?a=b' }, ENV)).message, /endpoint must have no query/);
    const withUser = failure(() => resolveSettings({ endpoint: 'http://me:hunter2@x' }, ENV)).message;
    assert.match(withUser, /endpoint must not carry a user or password/);
    assert.doesNotMatch(withUser, /hunter2/);
    assert.match(failure(() => resolveSettings({ endpoint: 'http://[x' }, ENV)).message, /endpoint must be a URL/);
  });
});
