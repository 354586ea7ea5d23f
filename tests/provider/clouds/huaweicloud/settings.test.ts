import { strict as assert } from 'node:assert';
import { ImportedKeyError } from '../../../../core/errors';
import { resolveSettings } from '../../../../provider/clouds/huaweicloud/settings';

const SDK_ENV = { HUAWEICLOUD_SDK_AK: 'ak1', HUAWEICLOUD_SDK_SK: 'sk1', HUAWEICLOUD_SDK_PROJECT_ID: 'proj1' };

function failure(fn: () => unknown): ImportedKeyError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ImportedKeyError);
    return error;
  }
  assert.fail('expected an error');
}

describe('huaweicloud settings', () => {
  it('reads the SDK variables and builds the regional endpoint', () => {
    const s = resolveSettings({ region: 'cn-north-4' }, SDK_ENV);
    assert.equal(s.endpoint.href, 'https://kms.cn-north-4.myhuaweicloud.com/');
    assert.equal(s.projectId, 'proj1');
    assert.deepEqual(s.credentials, { accessKey: 'ak1', secretKey: 'sk1' });
  });

  it("falls back to the Terraform provider's HW_* variables, including region and security token", () => {
    const s = resolveSettings({}, {
      HW_ACCESS_KEY: 'ak2', HW_SECRET_KEY: 'sk2', HW_PROJECT_ID: 'proj2', HW_REGION_NAME: 'ap-southeast-1', HW_SECURITY_TOKEN: 'st',
    });
    assert.equal(s.endpoint.host, 'kms.ap-southeast-1.myhuaweicloud.com');
    assert.deepEqual(s.credentials, { accessKey: 'ak2', secretKey: 'sk2', securityToken: 'st' });
    assert.equal(s.projectId, 'proj2');
  });

  it('prefers the arguments to the environment, and endpoint to region', () => {
    const s = resolveSettings({ region: 'cn-north-4', endpoint: 'http://127.0.0.1:4567', projectId: 'argproj' }, SDK_ENV);
    assert.equal(s.endpoint.href, 'http://127.0.0.1:4567/');
    assert.equal(s.projectId, 'argproj');
    assert.equal(resolveSettings({ endpoint: 'kms.example.test' }, SDK_ENV).endpoint.href, 'https://kms.example.test/');
  });

  it('names the missing credentials variables without echoing any secret', () => {
    const e = failure(() => resolveSettings({ region: 'cn-north-4' }, { HUAWEICLOUD_SDK_SK: 'very-secret', HUAWEICLOUD_SDK_PROJECT_ID: 'p' }));
    assert.equal(e.code, 'InvalidArgument');
    assert.match(e.message, /HUAWEICLOUD_SDK_AK or HW_ACCESS_KEY/);
    assert.doesNotMatch(e.message, /very-secret/);
  });

  it('asks for projectId, region and a well-formed endpoint by name', () => {
    assert.match(failure(() => resolveSettings({ region: 'cn-north-4' }, { HW_ACCESS_KEY: 'a', HW_SECRET_KEY: 'b' })).message, /projectId is required/);
    assert.match(failure(() => resolveSettings({}, SDK_ENV)).message, /region is required/);
    assert.match(failure(() => resolveSettings({ region: 'Not A Region' }, SDK_ENV)).message, /region must be/);
    assert.match(failure(() => resolveSettings({ endpoint: 'ftp://x' }, SDK_ENV)).message, /endpoint must use http or https/);
    assert.match(failure(() => resolveSettings({ region: 'cn-north-4', projectId: 'a/b' }, SDK_ENV)).message, /projectId must be/);
  });
});
