import { strict as assert } from 'node:assert';
import { parseTimestamp } from '../../provider/timestamp';
import { checkInputs } from '../../provider/check';

describe('parseTimestamp: strict ISO 8601 date-times with a zone', () => {
  it('reads real dates with Z, ±hh:mm and ±hhmm offsets and fractions', () => {
    assert.equal(parseTimestamp('2027-02-28T00:00:00Z'), Date.UTC(2027, 1, 28));
    assert.equal(parseTimestamp('2028-02-29T12:30:00Z'), Date.UTC(2028, 1, 29, 12, 30));
    assert.equal(parseTimestamp('2027-01-01T05:30:00+05:30'), Date.UTC(2027, 0, 1));
    assert.equal(parseTimestamp('2027-01-01T00:00:00-0100'), Date.UTC(2027, 0, 1, 1));
    assert.equal(parseTimestamp('2027-01-01T00:00Z'), Date.UTC(2027, 0, 1));
    assert.equal(parseTimestamp('2027-01-01T00:00:00.250Z'), Date.UTC(2027, 0, 1, 0, 0, 0, 250));
  });

  it('refuses dates that Date.parse would roll over, and out-of-range fields', () => {
    for (const text of [
      '2027-02-30T00:00:00Z', '2027-02-29T00:00:00Z', '2027-04-31T00:00:00Z', '2027-13-01T00:00:00Z', '2027-00-10T00:00:00Z',
      '2027-01-00T00:00:00Z', '2027-01-01T24:00:00Z', '2027-01-01T23:60:00Z', '2027-01-01T23:59:60Z', '2027-01-01T00:00:00+24:00',
      '2027-01-01T00:00:00', '2027-01-01', 'tomorrow', '',
    ]) {
      assert.equal(parseTimestamp(text), undefined, text);
    }
    assert.ok(!Number.isNaN(Date.parse('2027-02-30T00:00:00Z')), 'Date.parse alone would accept it');
  });

  it('check refuses expiresAt 2027-02-30 at preview, naming the field and the value', () => {
    const { failures } = checkInputs({ cloud: 'aws', keyMaterial: Buffer.alloc(32, 1).toString('base64'), expiresAt: '2027-02-30T00:00:00Z' }, new Date('2026-12-01T00:00:00Z'));
    assert.deepEqual(failures.map((f) => f.property), ['expiresAt']);
    assert.match(failures[0].reason, /real ISO 8601 date and time.*"2027-02-30T00:00:00Z"/);
  });
});
