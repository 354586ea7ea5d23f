import { strict as assert } from 'node:assert';
import { ImportedKeyError } from '../../core/errors';
import { expiryMatches, finishDiff, materialInPlace, needsLiveLook, offlineDiff, planDelete, planDiff, planUpdate, UNKNOWN } from '../../provider/lifecycle';
import { expiryPolicy, type ExpiryPolicy } from '../../provider/expiry';
import { MATERIAL, OTHER_MATERIAL, inFuture, inputs, live, outputs } from '../support/fixtures';

/** A fixed "now": lifecycle decisions take the time as an argument. */
const NOW = new Date();
const NEVER: ExpiryPolicy = { kind: 'never' };
const dated = (expiresAt: string): ExpiryPolicy => ({ kind: 'date', expiresAt });

describe('lifecycle: planDiff', () => {
  it('reports no change when arguments, material and the live key all match', () => {
    const plan = planDiff(outputs(), inputs(), live(), MATERIAL, NOW);
    assert.deepEqual(plan, { changes: false, replaces: [], reasons: [] });
  });

  it('ignores __provider (a package upgrade is not a change to the key)', () => {
    const plan = planDiff({ ...outputs(), __provider: 'old code' } as never, { ...inputs(), __provider: 'new code' } as never, live(), MATERIAL, NOW);
    assert.equal(plan.changes, false);
  });

  it('plans an in-place update (no replace) for a new expiresAt', () => {
    const plan = planDiff(outputs(), inputs({ expiresAt: inFuture(30) }), live(), MATERIAL, NOW);
    assert.equal(plan.changes, true);
    assert.deepEqual(plan.replaces, []);
    assert.match(plan.reasons.join(), /expiresAt/);
  });

  it('treats the same instant written differently as no change', () => {
    const plan = planDiff(outputs({ expiresAt: '2030-01-01T00:00:00Z' }), inputs({ expiresAt: '2030-01-01T00:00:00.000+00:00' }), 'unchecked', MATERIAL, NOW);
    assert.equal(plan.changes, false);
  });

  it("notices when the key's current material is not the one imported (AWS CurrentKeyMaterialId): an update that proves or refuses it", () => {
    const plan = planDiff(outputs({ keyMaterialId: 'a'.repeat(64) }), inputs(), live({ keyMaterialId: 'b'.repeat(64) }), MATERIAL, NOW);
    assert.equal(plan.changes, true);
    assert.deepEqual(plan.replaces, []);
    assert.match(plan.reasons.join(), /keyMaterialId: the key's current material is b+, not the a+ imported/);
    assert.equal(planDiff(outputs({ keyMaterialId: 'a'.repeat(64) }), inputs(), live({ keyMaterialId: 'a'.repeat(64) }), MATERIAL, NOW).changes, false);
  });

  it('enabled: a key disabled out of band is drift (EnableKey); enabled false on an enabled key is an update (DisableKey)', () => {
    assert.match(planDiff(outputs(), inputs(), live({ keyState: 'Disabled' }), MATERIAL, NOW).reasons.join(), /Disabled, enabled is true \(EnableKey\)/);
    assert.match(planDiff(outputs(), inputs({ enabled: false }), live(), MATERIAL, NOW).reasons.join(), /enabled is false \(DisableKey\)/);
    assert.equal(planDiff(outputs(), inputs({ enabled: false }), live({ keyState: 'Disabled' }), MATERIAL, NOW).changes, false);
  });

  it('replaces a created key when the material changes', () => {
    const plan = planDiff(outputs(), inputs(), live(), OTHER_MATERIAL, NOW);
    assert.deepEqual(plan.replaces, ['keyMaterial']);
  });

  it('refuses new material for an adopted key, saying to create a new key', () => {
    assert.throws(
      () => planDiff(outputs({ adopted: true }), inputs({ keyId: live().keyId }), live(), OTHER_MATERIAL, NOW),
      (e: unknown) => e instanceof ImportedKeyError && /keyMaterial/.test(e.message) && /create a new key/.test(e.message),
    );
  });

  it('replaces when a creation field changes', () => {
    for (const [field, value] of [['description', 'new'], ['alias', 'alias/x'], ['tags', { a: 'b' }], ['keySpec', 'HMAC_256'], ['keyUsage', 'SIGN_VERIFY'], ['protectionLevel', 'HSM']] as const) {
      const plan = planDiff(outputs(), inputs({ [field]: value } as never), live(), MATERIAL, NOW);
      assert.deepEqual(plan.replaces, [field], field);
    }
  });

  it('protectionLevel: the same level is no change, another replaces, left out (no level on this cloud) is no change', () => {
    const olds = outputs({ cloud: 'alicloud', protectionLevel: 'SOFTWARE' });
    assert.equal(planDiff(olds, inputs({ cloud: 'alicloud', protectionLevel: 'SOFTWARE' }), live(), MATERIAL, NOW).changes, false);
    assert.deepEqual(planDiff(olds, inputs({ cloud: 'alicloud', protectionLevel: 'HSM' }), live(), MATERIAL, NOW).replaces, ['protectionLevel']);
    assert.equal(planDiff(outputs(), inputs(), live(), MATERIAL, NOW).changes, false);
  });

  it('replaces when the region or cloud changes, not when only the endpoint does', () => {
    assert.deepEqual(planDiff(outputs(), inputs({ region: 'eu-west-1' }), live(), MATERIAL, NOW).replaces, ['region']);
    const endpoint = planDiff(outputs(), inputs({ endpoint: 'http://127.0.0.1:9' }), live(), MATERIAL, NOW);
    assert.deepEqual(endpoint.replaces, []);
    assert.equal(endpoint.changes, true);
  });

  it('plans an update when the cloud reports PendingImport (plain `up` heals drift)', () => {
    const plan = planDiff(outputs(), inputs(), live({ keyState: 'PendingImport' }), MATERIAL, NOW);
    assert.equal(plan.changes, true);
    assert.deepEqual(plan.replaces, []);
  });

  it('plans an update when the refreshed state says PendingImport', () => {
    assert.equal(planDiff(outputs({ keyState: 'PendingImport' }), inputs(), 'unchecked', MATERIAL, NOW).changes, true);
  });

  it('replaces a created key that is gone or pending deletion; errors for an adopted one', () => {
    assert.deepEqual(planDiff(outputs(), inputs(), undefined, MATERIAL, NOW).replaces, ['keyId']);
    assert.deepEqual(planDiff(outputs(), inputs(), live({ keyState: 'PendingDeletion' }), MATERIAL, NOW).replaces, ['keyId']);
    assert.throws(() => planDiff(outputs({ adopted: true }), inputs({ keyId: live().keyId }), undefined, MATERIAL, NOW), /adopted key/);
  });

  it('replaces when switching between adopting and creating', () => {
    assert.deepEqual(planDiff(outputs(), inputs({ keyId: live().keyId }), live(), MATERIAL, NOW).replaces, ['keyId']);
    assert.deepEqual(planDiff(outputs({ adopted: true }), inputs(), live(), MATERIAL, NOW).replaces, ['keyId']);
  });

  it('accepts the ARN of the adopted key as the same key', () => {
    assert.equal(planDiff(outputs({ adopted: true, onDelete: 'deleteMaterial' }), inputs({ keyId: live().arn, onDelete: 'deleteMaterial' }), live(), MATERIAL, NOW).changes, false);
  });

  it('plans a replacement when the material is unknown during preview, an update for an adopted key', () => {
    assert.deepEqual(planDiff(outputs(), inputs({ keyMaterial: UNKNOWN }), 'unchecked', 'unknown', NOW).replaces, ['keyMaterial']);
    const adopted = planDiff(outputs({ adopted: true, onDelete: 'deleteMaterial' }), inputs({ keyId: live().keyId, onDelete: 'deleteMaterial' }), 'unchecked', 'unknown', NOW);
    assert.deepEqual(adopted.replaces, []);
    assert.equal(adopted.changes, true);
  });

  it('records settings that need no cloud call as an update', () => {
    const plan = planDiff(outputs(), inputs({ onDelete: 'retain' }), live(), MATERIAL, NOW);
    assert.deepEqual(plan.replaces, []);
    assert.equal(plan.changes, true);
  });
});

describe('lifecycle: planUpdate', () => {
  it('imports into a key pending import', () => {
    assert.equal(planUpdate(live({ keyState: 'PendingImport' }), NEVER, NOW), 'import');
  });
  it('reimports when the expiry differs, nothing when it matches (to the second)', () => {
    const at = inFuture(10);
    assert.equal(planUpdate(live(), dated(at), NOW), 'reimport');
    assert.equal(planUpdate(live({ expirationModel: 'KEY_MATERIAL_EXPIRES', validTo: at }), dated(at), NOW), 'none');
    assert.equal(planUpdate(live({ expirationModel: 'KEY_MATERIAL_EXPIRES', validTo: at }), dated(new Date(Date.parse(at) + 400).toISOString()), NOW), 'none');
    assert.equal(planUpdate(live({ expirationModel: 'KEY_MATERIAL_EXPIRES', validTo: at }), NEVER, NOW), 'reimport');
  });
  it('fails for a key that is gone', () => {
    assert.throws(() => planUpdate(undefined, NEVER, NOW), (e: unknown) => e instanceof ImportedKeyError && e.code === 'KeyNotFound');
  });
});

describe('lifecycle: planDelete', () => {
  it('follows onDelete with the defaults of created and adopted keys', () => {
    assert.equal(planDelete(undefined, false, 'unchecked'), 'scheduleDeletion');
    assert.equal(planDelete(undefined, true, live()), 'deleteMaterial');
    assert.equal(planDelete('retain', false, 'unchecked'), 'nothing');
  });
  it('counts already gone, pending deletion and no material as done', () => {
    assert.equal(planDelete('deleteMaterial', true, undefined), 'nothing');
    assert.equal(planDelete('deleteMaterial', true, live({ keyState: 'PendingDeletion' })), 'nothing');
    assert.equal(planDelete('deleteMaterial', true, live({ keyState: 'PendingImport' })), 'nothing');
  });
});

describe('lifecycle: expiry', () => {
  it('matches "never" only when the key has no expiry', () => {
    assert.equal(expiryMatches(live(), undefined), true);
    assert.equal(expiryMatches(live({ expirationModel: 'KEY_MATERIAL_EXPIRES', validTo: inFuture(1) }), undefined), false);
  });
  it('counts material in place only for Enabled/Disabled keys', () => {
    assert.equal(materialInPlace(live({ keyState: 'PendingImport' }), undefined), false);
    assert.equal(materialInPlace(live({ keyState: 'Disabled' }), undefined), true);
  });
});

describe('lifecycle: a rolling expiry (expiresIn) at a fixed now', () => {
  const T = new Date('2027-03-01T10:00:00Z');
  const D = 86_400_000;
  const validIn = (ms: number) => live({ expirationModel: 'KEY_MATERIAL_EXPIRES', validTo: new Date(T.getTime() + ms).toISOString() });
  const rolling = { expiresIn: 'P30D', renewBefore: 'P10D' };

  it('diff: no change while validTo is renewBefore or more ahead; an in-place update (renew) once it is closer', () => {
    const olds = outputs(rolling);
    assert.equal(planDiff(olds, inputs(rolling), validIn(20 * D), MATERIAL, T).changes, false);
    assert.equal(planDiff(olds, inputs(rolling), validIn(10 * D), MATERIAL, T).changes, false, 'exactly renewBefore ahead');
    const due = planDiff(olds, inputs(rolling), validIn(10 * D - 1000), MATERIAL, T);
    assert.equal(due.changes, true);
    assert.deepEqual(due.replaces, []);
    assert.match(due.reasons.join(), /validTo: .* closer than renewBefore \(renew/);
  });

  it('diff: the same live key at a later now is due (the decision follows the clock passed in)', () => {
    const key = validIn(20 * D);
    assert.equal(planDiff(outputs(rolling), inputs(rolling), key, MATERIAL, new Date(T.getTime() + 10 * D)).changes, false);
    assert.equal(planDiff(outputs(rolling), inputs(rolling), key, MATERIAL, new Date(T.getTime() + 10 * D + 1000)).changes, true);
  });

  it('diff: live material that never expires (e.g. reimported out of band) is renewed under a rolling period', () => {
    const plan = planDiff(outputs(rolling), inputs(rolling), live(), MATERIAL, T);
    assert.equal(plan.changes, true);
    assert.match(plan.reasons.join(), /never expires, expiresIn asks for a rolling period/);
  });

  it('diff: the default renewBefore is half of expiresIn', () => {
    const olds = outputs({ expiresIn: 'P30D' });
    assert.equal(planDiff(olds, inputs({ expiresIn: 'P30D' }), validIn(15 * D), MATERIAL, T).changes, false);
    assert.equal(planDiff(olds, inputs({ expiresIn: 'P30D' }), validIn(15 * D - 1000), MATERIAL, T).changes, true);
  });

  it('diff: PendingImport heals as before; a key not asked about (unchecked) is not judged', () => {
    const healed = planDiff(outputs(rolling), inputs(rolling), live({ keyState: 'PendingImport' }), MATERIAL, T);
    assert.match(healed.reasons.join(), /PendingImport/);
    assert.equal(planDiff(outputs(rolling), inputs(rolling), 'unchecked', MATERIAL, T).changes, false);
  });

  it('diff: changing expiresIn, renewBefore, or switching never/date/period is an in-place update', () => {
    const cases: Array<[Record<string, string>, Record<string, string>, RegExp]> = [
      [rolling, { ...rolling, expiresIn: 'P60D' }, /expiresIn/],
      [rolling, { ...rolling, renewBefore: 'P5D' }, /renewBefore/],
      [{}, { expiresIn: 'P30D' }, /expiresIn/],
      [{ expiresIn: 'P30D' }, {}, /expiresIn/],
      [{ expiresAt: '2027-04-01T00:00:00Z' }, { expiresIn: 'P30D' }, /expiresAt, expiresIn/],
    ];
    for (const [before, after, reason] of cases) {
      const plan = planDiff(outputs(before), inputs(after), validIn(25 * D), MATERIAL, T);
      assert.equal(plan.changes, true, JSON.stringify([before, after]));
      assert.deepEqual(plan.replaces, []);
      assert.match(plan.reasons.join(), reason);
    }
    assert.match(planDiff(outputs(rolling), inputs({ ...rolling, expiresIn: UNKNOWN }), 'unchecked', MATERIAL, T).reasons.join(), /expiresIn/);
  });

  it('update: renews due material, imports a new period even when the live expiry would do, otherwise leaves the key', () => {
    const policy = expiryPolicy(rolling);
    assert.equal(planUpdate(validIn(20 * D), policy, T), 'none', 'e.g. only the endpoint changed');
    assert.equal(planUpdate(validIn(5 * D), policy, T), 'reimport');
    assert.equal(planUpdate(live(), policy, T), 'reimport', 'material that never expires, now under a period');
    assert.equal(planUpdate(validIn(20 * D), policy, T, expiryPolicy({ expiresIn: 'P60D', renewBefore: 'P10D' })), 'reimport');
    assert.equal(planUpdate(live({ keyState: 'PendingImport' }), policy, T), 'import');
  });

  it('an alias derived at creation stays while the argument is left out; setting one replaces', () => {
    const olds = outputs({ alias: 'payments-key-1a2b3c4', aliasDerived: true });
    assert.equal(planDiff(olds, inputs(), live(), MATERIAL, T).changes, false);
    assert.deepEqual(planDiff(olds, inputs({ alias: 'other' }), live(), MATERIAL, T).replaces, ['alias']);
    assert.deepEqual(planDiff(outputs({ alias: 'given' }), inputs(), live(), MATERIAL, T).replaces, ['alias'], 'a given alias removed');
  });
});

describe('lifecycle: needsLiveLook (whether the diff describes the key first)', () => {
  it('asks the cloud about a key that stays, where the place is known and there is an id', () => {
    assert.equal(needsLiveLook(offlineDiff(outputs(), inputs(), MATERIAL), 'key-1'), true);
    assert.equal(needsLiveLook(offlineDiff(outputs(), inputs({ expiresAt: inFuture(30) }), MATERIAL), 'key-1'), true, 'an update still looks');
  });

  it('not when a replacement is already certain, the place is unknown, or there is no id', () => {
    assert.equal(needsLiveLook(offlineDiff(outputs(), inputs(), OTHER_MATERIAL), 'key-1'), false, 'new material: replace');
    assert.equal(needsLiveLook(offlineDiff(outputs(), inputs({ region: 'eu-west-1' }), MATERIAL), 'key-1'), false, 'another region');
    for (const field of ['cloud', 'region', 'endpoint', 'projectId'] as const) {
      const offline = offlineDiff(outputs(), inputs({ [field]: UNKNOWN }), MATERIAL);
      assert.equal(needsLiveLook(offline, 'key-1'), false, field);
    }
    assert.equal(needsLiveLook(offlineDiff(outputs(), inputs(), MATERIAL), ''), false);
  });

  it('new material for an adopted key is refused offline, before any look', () => {
    assert.throws(() => offlineDiff(outputs({ adopted: true }), inputs({ keyId: live().keyId }), OTHER_MATERIAL), (e: unknown) => e instanceof ImportedKeyError && e.code === 'InvalidArgument');
  });

  it('finishDiff after offlineDiff is planDiff', () => {
    const cases = [
      [outputs(), inputs(), live({ keyState: 'Disabled' })],
      [outputs(), inputs({ expiresIn: 'P30D' }), live()],
      [outputs(), inputs(), undefined],
      [outputs(), inputs({ description: 'new' }), 'unchecked'],
    ] as const;
    for (const [olds, news, seen] of cases) {
      assert.deepEqual(finishDiff(offlineDiff(olds, news, MATERIAL), seen, NOW), planDiff(olds, news, seen, MATERIAL, NOW));
    }
  });
});
