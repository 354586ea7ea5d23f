import { strict as assert } from 'node:assert';
import { millisToIso, toKeyDescription } from '../../../../provider/clouds/huaweicloud/describe';

const BASE = { key_id: '0d0466b0-e727-4d9c-b35d-f84bb474a37f', origin: 'external', key_spec: 'AES_256', key_usage: 'ENCRYPT_DECRYPT' };

describe('huaweicloud describe-key mapping', () => {
  it('maps states "1".."5" to the names every cloud uses', () => {
    const names = ['1', '2', '3', '4', '5', '7'].map((s) => toKeyDescription({ ...BASE, key_state: s }).keyState);
    assert.deepEqual(names, ['Creating', 'Enabled', 'Disabled', 'PendingDeletion', 'PendingImport', 'Unknown']);
  });

  it('turns an expiration_time string of milliseconds into validTo and KEY_MATERIAL_EXPIRES', () => {
    const d = toKeyDescription({ ...BASE, key_state: '2', expiration_time: '1800000000000' });
    assert.equal(d.validTo, '2027-01-15T08:00:00.000Z');
    assert.equal(d.expirationModel, 'KEY_MATERIAL_EXPIRES');
    assert.equal(d.origin, 'EXTERNAL');
    assert.equal(d.arn, BASE.key_id);
  });

  it('reports non-expiring material, and no material at all while pending import', () => {
    assert.equal(toKeyDescription({ ...BASE, key_state: '2', expiration_time: '0' }).expirationModel, 'KEY_MATERIAL_DOES_NOT_EXPIRE');
    assert.equal(toKeyDescription({ ...BASE, key_state: '3' }).expirationModel, 'KEY_MATERIAL_DOES_NOT_EXPIRE');
    const pending = toKeyDescription({ ...BASE, key_state: '5', expiration_time: '1800000000000' });
    assert.equal(pending.expirationModel, undefined);
    assert.equal(pending.validTo, undefined);
  });

  it('gives the deletion date of a key pending deletion', () => {
    const d = toKeyDescription({ ...BASE, key_state: '4', scheduled_deletion_date: '1800000000000' });
    assert.equal(d.deletionDate, '2027-01-15T08:00:00.000Z');
    assert.equal(toKeyDescription({ ...BASE, key_state: '2', scheduled_deletion_date: '1800000000000' }).deletionDate, undefined);
  });

  it('reads milliseconds given as strings or numbers, and ignores empty or zero', () => {
    assert.equal(millisToIso('1000'), '1970-01-01T00:00:01.000Z');
    assert.equal(millisToIso(1000), '1970-01-01T00:00:01.000Z');
    assert.equal(millisToIso(''), undefined);
    assert.equal(millisToIso('0'), undefined);
    assert.equal(millisToIso('soon'), undefined);
  });
});
