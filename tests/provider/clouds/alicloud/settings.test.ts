import { strict as assert } from 'node:assert';
import { resolveClientSettings } from '../../../../provider/clouds/alicloud/settings';
import { ImportedKeyError } from '../../../../core/errors';

const isInvalid = (field: RegExp) => (e: unknown) => e instanceof ImportedKeyError && e.code === 'InvalidArgument' && field.test(e.message);

describe('provider/clouds/alicloud/client settings', () => {
  it('uses the public endpoint kms.<region>.aliyuncs.com over https', () => {
    const s = resolveClientSettings({ region: 'cn-shanghai' }, {});
    assert.deepEqual({ endpoint: s.endpoint, protocol: s.protocol, regionId: s.regionId }, { endpoint: 'kms.cn-shanghai.aliyuncs.com', protocol: 'https', regionId: 'cn-shanghai' });
  });

  it('lets endpoint override the region, with or without a scheme', () => {
    assert.deepEqual(
      (({ endpoint, protocol }) => ({ endpoint, protocol }))(resolveClientSettings({ region: 'cn-hangzhou', endpoint: 'http://127.0.0.1:4566' }, {})),
      { endpoint: '127.0.0.1:4566', protocol: 'http' });
    assert.equal(resolveClientSettings({ endpoint: 'kms-vpc.cn-beijing.aliyuncs.com' }, {}).protocol, 'https');
  });

  it('takes the region from ALIBABA_CLOUD_REGION_ID, then ALICLOUD_REGION', () => {
    assert.equal(resolveClientSettings({}, { ALIBABA_CLOUD_REGION_ID: 'cn-beijing', ALICLOUD_REGION: 'cn-hongkong' }).endpoint, 'kms.cn-beijing.aliyuncs.com');
    assert.equal(resolveClientSettings({}, { ALICLOUD_REGION: 'cn-hongkong' }).endpoint, 'kms.cn-hongkong.aliyuncs.com');
  });

  it('needs a region or an endpoint, and says where to set it', () => {
    assert.throws(() => resolveClientSettings({}, {}), isInvalid(/region is required.*ALIBABA_CLOUD_REGION_ID/));
    assert.throws(() => resolveClientSettings({ region: 'Hangzhou!' }, {}), isInvalid(/region "Hangzhou!"/));
  });

  it('refuses endpoints with a path or another scheme', () => {
    assert.throws(() => resolveClientSettings({ endpoint: 'http://127.0.0.1:1/kms' }, {}), isInvalid(/endpoint must be a scheme and host/));
    assert.throws(() => resolveClientSettings({ endpoint: 'ftp://x' }, {}), isInvalid(/http or https/));
  });

  it('reads credentials from ALIBABA_CLOUD_* first, then the older names', () => {
    const env = {
      ALIBABA_CLOUD_ACCESS_KEY_ID: 'new-id', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'new-secret',
      ALICLOUD_ACCESS_KEY: 'tf-id', ALICLOUD_SECRET_KEY: 'tf-secret', ALICLOUD_SECURITY_TOKEN: 'tf-token',
    };
    assert.deepEqual(resolveClientSettings({ region: 'cn-hangzhou' }, env).accessKey, { accessKeyId: 'new-id', accessKeySecret: 'new-secret' });
    const { ALIBABA_CLOUD_ACCESS_KEY_ID: _a, ALIBABA_CLOUD_ACCESS_KEY_SECRET: _b, ...older } = env;
    assert.deepEqual(resolveClientSettings({ region: 'cn-hangzhou' }, older).accessKey, { accessKeyId: 'tf-id', accessKeySecret: 'tf-secret', securityToken: 'tf-token' });
    assert.deepEqual(resolveClientSettings({ region: 'cn-hangzhou' }, { ALIBABACLOUD_ACCESS_KEY_ID: 'c', ALIBABACLOUD_ACCESS_KEY_SECRET: 'd' }).accessKey,
      { accessKeyId: 'c', accessKeySecret: 'd' });
  });

  it('leaves credentials to the SDK default chain when no variables are set', () => {
    assert.equal(resolveClientSettings({ region: 'cn-hangzhou' }, { ALIBABA_CLOUD_ACCESS_KEY_ID: 'only-id' }).accessKey, undefined);
  });
});
