import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { digestMaterial, materialMatchesDigest } from '../../provider/digest';

describe('material digest', () => {
  it('matches the same material and not another', () => {
    const material = randomBytes(32);
    const digest = digestMaterial(material);
    assert.equal(materialMatchesDigest(material, digest), true);
    assert.equal(materialMatchesDigest(randomBytes(32), digest), false);
  });

  it('is salted: the same material gives different digests in two resources', () => {
    const material = randomBytes(32);
    assert.notEqual(digestMaterial(material), digestMaterial(material));
  });

  it('never contains the material and rejects malformed digests', () => {
    const material = randomBytes(32);
    const digest = digestMaterial(material);
    assert.ok(!digest.includes(material.toString('hex')) && !digest.includes(material.toString('base64')));
    for (const bad of [undefined, '', 'sha256:abc', 'hmac-sha256:zz:00', `hmac-sha256:${'0'.repeat(32)}:00`]) {
      assert.equal(materialMatchesDigest(material, bad), false);
    }
  });
});
