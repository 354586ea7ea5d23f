// What `check` knows about Ping An offline (profile.ts), seen through check itself.
import { strict as assert } from 'node:assert';
import { checkInputs } from '../../../../provider/check';
import { pinganProfile } from '../../../../provider/clouds/pingan/profile';
import { ENV } from '../../../../provider/clouds/pingan/settings';
import { MATERIAL_B64 } from '../../../support/fixtures';

const BASE = { cloud: 'pingan', region: 'cn-shanghai', keyMaterial: MATERIAL_B64 };

function failures(news: Record<string, unknown>, env: NodeJS.ProcessEnv = {}): Record<string, string> {
  return Object.fromEntries(checkInputs({ ...BASE, ...news }, new Date(), env).failures.map((f) => [f.property, f.reason]));
}

describe('pingan profile, as check uses it', () => {
  it('fills in AES_256, RSAES_OAEP_SHA_256, RSA_2048 and a 30-day deletion window', () => {
    const { inputs, failures: found } = checkInputs(BASE, new Date(), {});
    assert.deepEqual(found, []);
    assert.deepEqual([inputs.keySpec, inputs.wrappingAlgorithm, inputs.wrappingKeySpec, inputs.deletionWindowInDays], ['AES_256', 'RSAES_OAEP_SHA_256', 'RSA_2048', 30]);
  });

  it('takes the three RSA algorithms with RSA_2048 only, and nothing else', () => {
    for (const wrappingAlgorithm of ['RSAES_OAEP_SHA_256', 'RSAES_OAEP_SHA_1', 'RSAES_PKCS1_V1_5']) assert.deepEqual(failures({ wrappingAlgorithm }), {}, wrappingAlgorithm);
    assert.match(failures({ wrappingAlgorithm: 'SM2PKE' }).wrappingAlgorithm, /pingan does not accept SM2PKE/);
    assert.match(failures({ wrappingAlgorithm: 'RSA_AES_KEY_WRAP_SHA_256' }).wrappingAlgorithm, /pingan does not accept/);
    assert.match(failures({ wrappingKeySpec: 'RSA_4096' }).wrappingKeySpec, /pingan offers RSAES_OAEP_SHA_256 with wrapping key spec RSA_2048/);
  });

  it('refuses another key spec, 128-bit material, tags, a protection level and a project', () => {
    assert.match(failures({ keySpec: 'AES_128' }).keySpec, /one of: AES_256/);
    assert.ok(failures({ keyMaterial: Buffer.alloc(16, 1).toString('base64') }).keyMaterial);
    assert.match(failures({ tags: { a: 'b' } }).tags, /not supported for pingan/);
    assert.match(failures({ protectionLevel: 'HSM' }).protectionLevel, /pingan keys have no protection level/);
    assert.match(failures({ projectId: 'p' }).projectId, /pingan keys have no project/);
    assert.match(failures({ keyUsage: 'SIGN_VERIFY' }).keyUsage, /ENCRYPT_DECRYPT/);
  });

  it('takes a deletion window of 7–30 days', () => {
    assert.deepEqual(failures({ deletionWindowInDays: 7 }), {});
    assert.match(failures({ deletionWindowInDays: 31 }).deletionWindowInDays, /pingan accepts a whole number of days from 7 to 30/);
  });

  it('knows the documented regions, from the argument or PINGAN_REGION; an endpoint suffices', () => {
    assert.deepEqual(failures({ region: 'cn-hongkong' }), {});
    assert.match(failures({ region: 'cn-beijing' }).region, /"cn-beijing" is not one of pingan's regions \(cn-shanghai, cn-hongkong\)/);
    assert.match(failures({ region: undefined }).region, /is required for pingan \(or an endpoint\): .*PINGAN_REGION/);
    assert.deepEqual(failures({ region: undefined }, { PINGAN_REGION: 'cn-shanghai' }), {});
    assert.deepEqual(failures({ region: undefined, endpoint: 'http://127.0.0.1:9' }), {});
    assert.deepEqual(pinganProfile.region?.environment, ENV.region);
  });

  it('takes key ids Ping An may give and refuses what is no id', () => {
    assert.deepEqual(failures({ keyId: '1234abcd-12ab-34cd-56ef-1234567890ab' }), {});
    assert.match(failures({ keyId: 'a b&c' }).keyId, /is not a pingan key id/);
  });
});
