import { strict as assert } from 'node:assert';
import { awsProfile } from '../../../../provider/clouds/aws/profile';
import { deriveKeyAlias, huaweicloudProfile } from '../../../../provider/clouds/huaweicloud/profile';
import { withDerivedAlias } from '../../../../provider/operations';
import { inputs } from '../../../support/fixtures';

const KEY_ALIAS = /^[a-zA-Z0-9:/_-]{1,255}$/;

describe('huaweicloud: key_alias derived from the resource name', () => {
  it('is the name made valid plus "-" and 7 random hex characters, as Pulumi auto-names', () => {
    assert.equal(deriveKeyAlias('payments-key', 'abc1234'), 'payments-key-abc1234');
    assert.equal(deriveKeyAlias('prod/payments:key_1', 'abc1234'), 'prod/payments:key_1-abc1234');
    assert.equal(deriveKeyAlias('my key.é', 'abc1234'), 'my-key---abc1234');
    assert.equal(deriveKeyAlias('', 'abc1234'), 'imported-key-abc1234');
    const long = deriveKeyAlias('x'.repeat(300), 'abc1234');
    assert.equal(long.length, 255);
    assert.match(long, KEY_ALIAS);
  });

  it('gets a new random suffix each time (a create-before-delete replacement does not collide)', () => {
    const made = new Set(Array.from({ length: 20 }, () => huaweicloudProfile.deriveAlias!('payments-key')));
    assert.equal(made.size, 20);
    for (const alias of made) assert.match(alias, /^payments-key-[0-9a-f]{7}$/);
  });

  it('is used for a created key without an alias, marked derived; a given alias, an adopted key and other clouds keep theirs', () => {
    const derived = withDerivedAlias(huaweicloudProfile, inputs({ cloud: 'huaweicloud', resourceName: 'payments key' }));
    assert.match(derived.alias!, /^payments-key-[0-9a-f]{7}$/);
    assert.equal(derived.aliasDerived, true);
    const given = withDerivedAlias(huaweicloudProfile, inputs({ cloud: 'huaweicloud', alias: 'mine', resourceName: 'x' }));
    assert.equal(given.alias, 'mine');
    assert.equal(given.aliasDerived, undefined);
    const adopted = withDerivedAlias(huaweicloudProfile, inputs({ cloud: 'huaweicloud', keyId: '0d0466b0-e727-4d9c-b35d-f84bb474a37f', resourceName: 'x' }));
    assert.equal(adopted.alias, undefined);
    assert.equal(withDerivedAlias(awsProfile, inputs({ resourceName: 'x' })).alias, undefined);
  });
});
