// check's rules for rotation (provider/check-rotation.ts) and the diff's (lifecycle.ts offlineDiff): refused before any
// cloud call — check and offlineDiff have no adapter at all — each reason naming its field and what is allowed, and
// never a material.
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { checkInputs } from '../../provider/check';
import { digestMaterial } from '../../provider/digest';
import { offlineDiff, planDiff, type RotationContext } from '../../provider/lifecycle';
import { MATERIAL, MATERIAL_B64, inputs, outputs } from '../support/fixtures';

const SECOND = randomBytes(32);
const THIRD = randomBytes(32);
const b64 = (m: Buffer) => m.toString('base64');

function reasons(news: Record<string, unknown>, olds: Record<string, unknown> = {}): string[] {
  return checkInputs(news, new Date(), { AWS_REGION: 'us-east-1', ALIBABA_CLOUD_REGION_ID: 'cn-hangzhou' }, olds).failures.map((f) => f.reason);
}

function assertNoMaterial(texts: string[], ...materials: Buffer[]): void {
  for (const text of texts) for (const m of materials) assert.ok(!text.includes(b64(m)) && !text.includes(m.toString('hex')), 'no material in a reason');
}

describe('check: onMaterialChange and previousKeyMaterials', () => {
  it('accepts rotate on an AWS symmetric key, with earlier materials', () => {
    assert.deepEqual(reasons({ cloud: 'aws', keyMaterial: b64(SECOND), onMaterialChange: 'rotate', previousKeyMaterials: [MATERIAL_B64] }), []);
  });

  it('refuses rotate where a key holds one material, saying what replace does', () => {
    for (const cloud of ['alicloud', 'huaweicloud', 'pingan']) {
      const found = checkInputs({ cloud, keyMaterial: MATERIAL_B64, onMaterialChange: 'rotate' }).failures.filter((f) => f.property === 'onMaterialChange');
      assert.equal(found.length, 1, cloud);
      assert.match(found[0].reason, new RegExp(`^onMaterialChange: rotate is not possible on ${cloud}: its keys hold one material for good; use onMaterialChange replace \\(the default\\), which creates a new key with the new material and moves the alias to it`));
    }
    for (const keySpec of ['HMAC_256', 'RSA_2048', 'ECC_NIST_P256']) {
      const material = keySpec === 'HMAC_256' ? MATERIAL_B64 : undefined;
      const found = checkInputs({ cloud: 'aws', region: 'us-east-1', keySpec, keyMaterial: material ?? MATERIAL_B64, onMaterialChange: 'rotate' }).failures
        .filter((f) => f.property === 'onMaterialChange');
      assert.equal(found.length, 1, keySpec);
      assert.match(found[0].reason, new RegExp(`rotate is not possible for ${keySpec} keys: aws keeps one material per ${keySpec} key \\(only SYMMETRIC_DEFAULT keys rotate\\); use onMaterialChange replace`));
    }
  });

  it('refuses a value that is neither replace nor rotate', () => {
    assert.deepEqual(reasons({ cloud: 'aws', keyMaterial: MATERIAL_B64, onMaterialChange: 'swap' }), ['onMaterialChange "swap" is not allowed; one of: replace, rotate']);
  });

  it('takes previousKeyMaterials with replace on AWS (a rotated key keeps needing them), and refuses it on a cloud that cannot rotate', () => {
    assert.deepEqual(reasons({ cloud: 'aws', keyMaterial: MATERIAL_B64, previousKeyMaterials: [b64(SECOND)] }), []);
    const ali = reasons({ cloud: 'alicloud', keyMaterial: MATERIAL_B64, onMaterialChange: 'rotate', previousKeyMaterials: [b64(SECOND)] });
    assert.ok(ali.some((r) => r.startsWith('onMaterialChange: rotate is not possible on alicloud')), ali.join('; '));
    assert.ok(reasons({ cloud: 'alicloud', keyMaterial: MATERIAL_B64, previousKeyMaterials: [b64(SECOND)] }).some((r) => r.startsWith('previousKeyMaterials')));
  });

  it('refuses duplicates: twice in the list, or the current material again; names entries by index, never the bytes', () => {
    const found = reasons({ cloud: 'aws', keyMaterial: MATERIAL_B64, onMaterialChange: 'rotate', previousKeyMaterials: [b64(SECOND), b64(THIRD), b64(SECOND), MATERIAL_B64] });
    assert.deepEqual(found, [
      'previousKeyMaterials: [2] is the same material as [0]; list each earlier material once, oldest first',
      'previousKeyMaterials: [3] is the same material as keyMaterial; keyMaterial is the current material, previousKeyMaterials only the earlier ones',
    ]);
    assertNoMaterial(found, MATERIAL, SECOND, THIRD);
  });

  it('refuses an entry that is not base64 or not material of the key spec, and a list of another type', () => {
    const found = reasons({ cloud: 'aws', keyMaterial: MATERIAL_B64, onMaterialChange: 'rotate', previousKeyMaterials: ['not base64!', b64(randomBytes(16))] });
    assert.equal(found.length, 2);
    assert.match(found[0], /^previousKeyMaterials: \[0\] is not usable key material \(base64, or a source object\): it must be base64/);
    assert.match(found[1], /^previousKeyMaterials: \[1\] is not usable key material/);
    assert.match(reasons({ cloud: 'aws', keyMaterial: MATERIAL_B64, onMaterialChange: 'rotate', previousKeyMaterials: 'x' })[0], /^previousKeyMaterials must be a list of the earlier key materials, oldest first, each base64 or a source/);
  });

  it('takes sources as entries (checked for shape only: nothing read at preview); a bad one is named by its index and field; the same source twice, or keyMaterialSource again, is refused', () => {
    const file = { file: '/secure/first.bin' };
    assert.deepEqual(reasons({ cloud: 'aws', keyMaterialSource: { file: '/secure/second.bin' }, onMaterialChange: 'rotate', previousKeyMaterials: [file, { env: 'OLDER_KEY' }, MATERIAL_B64] }), []);
    const bad = reasons({ cloud: 'aws', keyMaterial: b64(SECOND), onMaterialChange: 'rotate', previousKeyMaterials: [{ env: 'not a name' }, { pkcs11: { module: '/lib/x.so', token: { label: 't' }, key: { label: 'k' } } }, { file: 'a', env: 'B' }] });
    assert.equal(bad.length, 3, bad.join('; '));
    assert.match(bad[0], /previousKeyMaterials\[0\]\.env must be the NAME of an environment variable/);
    assert.match(bad[1], /previousKeyMaterials\[1\]\.pkcs11\.pinEnv must be the NAME of an environment variable holding the PIN/);
    assert.match(bad[2], /previousKeyMaterials\[2\] must have exactly one of file, env, command, pkcs11/);
    const twice = reasons({ cloud: 'aws', keyMaterialSource: file, onMaterialChange: 'rotate', previousKeyMaterials: [{ file: '/secure/zero.bin' }, file, { file: '/secure/zero.bin' }] });
    assert.deepEqual(twice, [
      'previousKeyMaterials: [1] is the same source as keyMaterialSource; keyMaterialSource is the current material, previousKeyMaterials only the earlier ones',
      'previousKeyMaterials: [2] is the same source as [0]; list each earlier material once, oldest first',
    ]);
  });

  it('with sources among previousKeyMaterials, the outgoing material is judged by the diff (which reads them), not by check', () => {
    const olds = { cloud: 'aws', keyMaterial: MATERIAL_B64, onMaterialChange: 'rotate' };
    assert.deepEqual(reasons({ cloud: 'aws', keyMaterial: b64(SECOND), onMaterialChange: 'rotate', previousKeyMaterials: [{ file: '/secure/first.bin' }] }, olds), []);
    assert.ok(reasons({ cloud: 'aws', keyMaterial: b64(SECOND), onMaterialChange: 'rotate', previousKeyMaterials: [b64(THIRD)] }, olds).some((r) => r.startsWith('previousKeyMaterials')));
  });

  it('with the old arguments known: refuses a rotation whose outgoing material is not kept', () => {
    const olds = { cloud: 'aws', keyMaterial: MATERIAL_B64, onMaterialChange: 'rotate' };
    const missing = reasons({ cloud: 'aws', keyMaterial: b64(SECOND), onMaterialChange: 'rotate' }, olds);
    assert.equal(missing.length, 1);
    assert.match(missing[0], /^previousKeyMaterials must include the material keyMaterial had until now \(add it as the last entry\)/);
    assert.deepEqual(reasons({ cloud: 'aws', keyMaterial: b64(SECOND), onMaterialChange: 'rotate', previousKeyMaterials: [MATERIAL_B64] }, olds), []);
    assertNoMaterial(missing, MATERIAL, SECOND);
  });
});

describe('diff: rotation instead of replacement', () => {
  const AWS: RotationContext = { previous: [MATERIAL], keySpecs: ['SYMMETRIC_DEFAULT'] };
  const olds = () => outputs({ keyMaterialId: 'a'.repeat(64), materialDigest: digestMaterial(MATERIAL) });

  it('new material with rotate is an update, and the reason says rotation', () => {
    const plan = planDiff(olds(), inputs({ keyMaterial: b64(SECOND), onMaterialChange: 'rotate', previousKeyMaterials: [MATERIAL_B64] }), 'unchecked', SECOND, new Date(), AWS);
    assert.deepEqual(plan.replaces, []);
    assert.equal(plan.changes, true);
    assert.ok(plan.reasons.some((r) => /^keyMaterial: new material, onMaterialChange rotate: a rotation, not a replacement/.test(r)), plan.reasons.join('; '));
  });

  it('new material without rotate is still a replacement', () => {
    const plan = planDiff(olds(), inputs({ keyMaterial: b64(SECOND) }), 'unchecked', SECOND, new Date(), AWS);
    assert.deepEqual(plan.replaces, ['keyMaterial']);
  });

  it('refuses a rotation whose outgoing material (by the recorded digest) is not in previousKeyMaterials', () => {
    assert.throws(
      () => offlineDiff(olds(), inputs({ keyMaterial: b64(SECOND), onMaterialChange: 'rotate', previousKeyMaterials: [b64(THIRD)] }), SECOND, { ...AWS, previous: [THIRD] }),
      /^ImportedKeyError: previousKeyMaterials must include the material key 1111.* has now \(the one this rotation retires\)/,
    );
  });

  it('a rotated key switched back to replace still needs every material it holds: dropping one is refused, keeping them is no change', () => {
    const recorded = outputs({ keyMaterialId: 'b'.repeat(64), materialDigest: digestMaterial(SECOND), materialDigests: { ['a'.repeat(64)]: digestMaterial(MATERIAL), ['b'.repeat(64)]: digestMaterial(SECOND) } });
    assert.throws(
      () => offlineDiff(recorded, inputs({ keyMaterial: b64(SECOND) }), SECOND, { previous: [], keySpecs: ['SYMMETRIC_DEFAULT'] }),
      new RegExp(`previousKeyMaterials must include every material key .* holds, and ${'a'.repeat(64)} is in neither`),
    );
    const kept = offlineDiff(recorded, inputs({ keyMaterial: b64(SECOND), previousKeyMaterials: [MATERIAL_B64] }), SECOND, { previous: [MATERIAL], keySpecs: ['SYMMETRIC_DEFAULT'] });
    assert.deepEqual(kept.replaces, []);
  });

  it('refuses when any recorded material is out of reach, naming its id', () => {
    const recorded = outputs({ keyMaterialId: 'b'.repeat(64), materialDigest: digestMaterial(SECOND), materialDigests: { ['a'.repeat(64)]: digestMaterial(MATERIAL), ['b'.repeat(64)]: digestMaterial(SECOND) } });
    assert.throws(
      () => offlineDiff(recorded, inputs({ keyMaterial: b64(SECOND), onMaterialChange: 'rotate' }), SECOND, { previous: [], keySpecs: ['SYMMETRIC_DEFAULT'] }),
      new RegExp(`previousKeyMaterials must include every material key .* holds, and ${'a'.repeat(64)} is in neither keyMaterial nor previousKeyMaterials`),
    );
  });

  it('refuses rotating back to one of the key\'s earlier materials', () => {
    const recorded = outputs({ keyMaterialId: 'b'.repeat(64), materialDigest: digestMaterial(SECOND), materialDigests: { ['a'.repeat(64)]: digestMaterial(MATERIAL), ['b'.repeat(64)]: digestMaterial(SECOND) } });
    assert.throws(
      () => offlineDiff(recorded, inputs({ keyMaterial: MATERIAL_B64, onMaterialChange: 'rotate', previousKeyMaterials: [b64(SECOND)] }), MATERIAL, { previous: [SECOND], keySpecs: ['SYMMETRIC_DEFAULT'] }),
      new RegExp(`keyMaterial: this is material ${'a'.repeat(64)}, one of key .*'s earlier materials; a key cannot rotate back`),
    );
  });

  it('refuses rotate for a key spec that keeps one material (an adopted HMAC key), before any call', () => {
    const hmac = outputs({ keySpec: 'HMAC_256', adopted: true, keyMaterialId: 'a'.repeat(64) });
    assert.throws(
      () => offlineDiff(hmac, inputs({ keyId: hmac.keyId, keySpec: undefined, keyMaterial: b64(SECOND), onMaterialChange: 'rotate', previousKeyMaterials: [MATERIAL_B64] }), SECOND, AWS),
      /onMaterialChange: rotate is not possible for key .* \(aws HMAC_256\): aws keeps one material per HMAC_256 key \(only SYMMETRIC_DEFAULT keys rotate\); use onMaterialChange replace, which creates a new key/,
    );
  });

  it('an adopted key that rotates takes new material in place (no longer refused)', () => {
    const adopted = outputs({ adopted: true, keyMaterialId: 'a'.repeat(64) });
    const plan = planDiff(adopted, inputs({ keyId: adopted.keyId, keyMaterial: b64(SECOND), onMaterialChange: 'rotate', previousKeyMaterials: [MATERIAL_B64] }), 'unchecked', SECOND, new Date(), AWS);
    assert.deepEqual(plan.replaces, []);
  });
});
