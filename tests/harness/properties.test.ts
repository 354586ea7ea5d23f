// Property helpers: how the harness strips, re-marks and compares secrets, as the engine does.

import * as assert from 'assert';
import {
  annotateSecrets,
  changedKeys,
  makeSecret,
  markSecretOutputs,
  maskSecrets,
  PROVIDER_KEY,
  SECRET_SIG,
  SPECIAL_SIG_KEY,
  stripSecrets,
} from '../../harness/properties';

const secret = (value: any) => ({ [SPECIAL_SIG_KEY]: SECRET_SIG, value });

describe('engine harness properties', () => {
  it('strips secrets at any depth, keeping their values', () => {
    assert.deepStrictEqual(stripSecrets({ a: secret('x'), b: [secret({ c: secret(1) })], d: 'plain' }), { a: 'x', b: [{ c: 1 }], d: 'plain' });
  });

  it('re-marks an output secret when its same-named input held a secret, and leaves the others', () => {
    const outs = annotateSecrets({ keyMaterial: 'k', tags: { a: 'b' }, keyId: 'id' }, { keyMaterial: secret('k'), tags: { a: secret('b') }, keyId: 'id' });
    assert.deepStrictEqual(outs, { keyMaterial: secret('k'), tags: secret({ a: 'b' }), keyId: 'id' });
  });

  it('marks additional secret outputs once', () => {
    assert.deepStrictEqual(markSecretOutputs({ digest: 'd', other: 1, already: secret('s') }, ['digest', 'already', 'missing']), {
      digest: secret('d'),
      other: 1,
      already: secret('s'),
    });
    assert.deepStrictEqual(makeSecret(secret('s')), secret('s'));
  });

  it('compares by value: secrets against plain values, key order ignored, __provider ignored', () => {
    assert.deepStrictEqual(changedKeys({ a: secret({ x: 1, y: 2 }), [PROVIDER_KEY]: 'old' }, { a: { y: 2, x: 1 }, [PROVIDER_KEY]: 'new' }), []);
    assert.deepStrictEqual(changedKeys({ a: 1, b: 2 }, { a: 1, b: 3, c: 4 }), ['b', 'c']);
  });

  it('masks secrets for printing', () => {
    assert.deepStrictEqual(maskSecrets({ a: secret('x'), b: [secret(1), 2] }), { a: '[secret]', b: ['[secret]', 2] });
  });
});
