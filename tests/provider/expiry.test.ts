import { strict as assert } from 'node:assert';
import { expiryPolicy, expirySatisfied, importExpiry, renewalDue, samePolicy } from '../../provider/expiry';
import { live } from '../support/fixtures';

const D = 86_400_000;
/** A fixed "now" (not a whole second, as a clock read from a Date header plus elapsed time is not). */
const NOW = new Date('2027-03-01T10:00:00.250Z');
const at = (msFromNow: number) => new Date(NOW.getTime() + msFromNow).toISOString();
const expiring = (msFromNow: number) => live({ expirationModel: 'KEY_MATERIAL_EXPIRES', validTo: at(msFromNow) });

describe('expiry: never, a date, or a rolling period', () => {
  it('reads the policy from the arguments; renewBefore defaults to half of expiresIn', () => {
    assert.deepEqual(expiryPolicy({}), { kind: 'never' });
    assert.deepEqual(expiryPolicy({ expiresAt: '2027-06-30T00:00:00Z' }), { kind: 'date', expiresAt: '2027-06-30T00:00:00Z' });
    assert.deepEqual(expiryPolicy({ expiresIn: 'P30D' }), { kind: 'period', periodMs: 30 * D, renewBeforeMs: 15 * D });
    assert.deepEqual(expiryPolicy({ expiresIn: 'P30D', renewBefore: 'P7D' }), { kind: 'period', periodMs: 30 * D, renewBeforeMs: 7 * D });
  });

  it('compares policies by meaning, not spelling', () => {
    assert.ok(samePolicy(expiryPolicy({ expiresIn: 'P2W' }), expiryPolicy({ expiresIn: 'P14D', renewBefore: 'P7D' })));
    assert.ok(!samePolicy(expiryPolicy({ expiresIn: 'P30D' }), expiryPolicy({ expiresIn: 'P31D' })));
    assert.ok(!samePolicy(expiryPolicy({ expiresIn: 'P30D' }), expiryPolicy({ expiresIn: 'P30D', renewBefore: 'P1D' })));
    assert.ok(samePolicy(expiryPolicy({ expiresAt: '2027-06-30T00:00:00Z' }), expiryPolicy({ expiresAt: '2027-06-30T02:00:00+02:00' })));
    assert.ok(!samePolicy(expiryPolicy({}), expiryPolicy({ expiresIn: 'P30D' })));
  });

  it('an import expires expiresIn after now, in whole seconds; a date is sent as given; never is undefined', () => {
    assert.equal(importExpiry(expiryPolicy({ expiresIn: 'P30D' }), NOW), '2027-03-31T10:00:00.000Z');
    assert.equal(importExpiry(expiryPolicy({ expiresIn: 'PT36H' }), NOW), '2027-03-02T22:00:00.000Z');
    assert.equal(importExpiry(expiryPolicy({ expiresAt: '2027-06-30T00:00:00Z' }), NOW), '2027-06-30T00:00:00Z');
    assert.equal(importExpiry(expiryPolicy({}), NOW), undefined);
  });

  it('renews when validTo is closer than renewBefore: not at exactly renewBefore, yes a millisecond inside it', () => {
    const policy = expiryPolicy({ expiresIn: 'P30D', renewBefore: 'P10D' });
    assert.equal(renewalDue(policy, expiring(10 * D), NOW), false, 'exactly renewBefore ahead');
    assert.equal(renewalDue(policy, expiring(10 * D - 1), NOW), true, 'a millisecond closer');
    assert.equal(renewalDue(policy, expiring(29 * D), NOW), false);
    assert.equal(renewalDue(policy, expiring(-D), NOW), true, 'already past (a cloud that has not noticed yet)');
  });

  it('renews live material that never expires under a rolling period; never renews other policies or keys without material', () => {
    const policy = expiryPolicy({ expiresIn: 'P30D' });
    assert.equal(renewalDue(policy, live(), NOW), true);
    assert.equal(renewalDue(policy, live({ ...expiring(D), keyState: 'PendingImport' }), NOW), false, 'PendingImport heals by its own rule');
    assert.equal(renewalDue(policy, live({ ...expiring(D), keyState: 'Disabled' }), NOW), true, 'a disabled key still holds material');
    assert.equal(renewalDue(expiryPolicy({ expiresAt: at(D) }), expiring(D), NOW), false);
    assert.equal(renewalDue(expiryPolicy({}), live(), NOW), false);
  });

  it('satisfied: a date matches to the second, never means no validTo, a period until renewBefore ahead', () => {
    assert.ok(expirySatisfied(expiryPolicy({ expiresAt: at(D) }), expiring(D + 400), NOW));
    assert.ok(!expirySatisfied(expiryPolicy({ expiresAt: at(D) }), expiring(2 * D), NOW));
    assert.ok(expirySatisfied(expiryPolicy({}), live(), NOW));
    assert.ok(!expirySatisfied(expiryPolicy({}), expiring(D), NOW));
    assert.ok(expirySatisfied(expiryPolicy({ expiresIn: 'P2D' }), expiring(D), NOW));
    assert.ok(!expirySatisfied(expiryPolicy({ expiresIn: 'P2D' }), expiring(D - 1), NOW));
  });
});
