// The HSM wraps: the cloud's public key goes into the token as a session object and C_WrapKey wraps the source's
// key under it, so the key material never exists outside the HSM, nor in this process. The output has the form
// core/wrapping's wrapKeyMaterial gives (RSA_AES_KEY_WRAP: RSA(aesKey) ‖ KWP(key)) and unwraps to the key's value.
import type { KeyObject } from 'node:crypto';
import * as pkcs11js from 'pkcs11js';
import type { WrappingAlgorithm } from '../../../core/wrapping';
import { ckrName } from './constants';
import { ckrOf, hsmCallFailed } from './call-errors';
import { HsmSourceError } from './errors';
import { findWrappableKey, keyLength, type HsmKey } from './key';
import { generateEphemeralAesKey, requireAlgorithm, tokenWrappingCapabilities, type TokenWrappingCapabilities, type WrapPlan } from './mechanisms';
import { destroyQuietly, importWrappingPublicKey, rsaPublicNumbers } from './public-key';
import { withHsmSession, type HsmSession } from './session';
import { checkPkcs11Source, type Pkcs11Source } from './source';

const REFUSED_KEY = new Map<number, string>([
  [pkcs11js.CKR_KEY_UNEXTRACTABLE, 'the key is not extractable (CKA_EXTRACTABLE false)'],
  [pkcs11js.CKR_KEY_NOT_WRAPPABLE, 'the token will not wrap this key with that mechanism (CKA_WRAP_WITH_TRUSTED, or a key type the mechanism cannot wrap)'],
  [pkcs11js.CKR_KEY_SIZE_RANGE, 'the key is too long for the algorithm under this wrapping key (use RSA_AES_KEY_WRAP_*)'],
  [pkcs11js.CKR_DATA_LEN_RANGE, 'the key is too long for the algorithm under this wrapping key (use RSA_AES_KEY_WRAP_*)'],
  [pkcs11js.CKR_KEY_TYPE_INCONSISTENT, 'the mechanism cannot wrap a key of this type'],
  [pkcs11js.CKR_KEY_HANDLE_INVALID, 'the key went away during the wrap'],
]);

function wrapKey(hsm: HsmSession, step: string, mechanism: pkcs11js.Mechanism, wrapping: pkcs11js.Handle, target: pkcs11js.Handle, room: number): Buffer {
  try {
    return hsm.pkcs11.C_WrapKey(hsm.session, mechanism, wrapping, target, Buffer.alloc(room));
  } catch (error) {
    const ckr = ckrOf(error);
    const refused = ckr === undefined ? undefined : REFUSED_KEY.get(ckr);
    if (refused) throw new HsmSourceError('KeyNotWrappable', `${hsm.where}: ${step}: ${refused} (${ckrName(ckr as number)})`, ckrName(ckr as number));
    throw hsmCallFailed(hsm.where, step, error);
  }
}

/** Runs `plan` on `key` in an open session; returns the wrapped bytes. */
export function wrapInSession(hsm: HsmSession, plan: WrapPlan, key: HsmKey, publicKey: Buffer | string | KeyObject): Buffer {
  const { modulusBytes } = rsaPublicNumbers(publicKey);
  const room = modulusBytes + key.valueLength + 4096;
  const wrappingKey = importWrappingPublicKey(hsm, publicKey);
  try {
    if (plan.kind === 'rsa') return wrapKey(hsm, 'C_WrapKey under the cloud\'s public key', plan.mechanism, wrappingKey, key.handle, room);
    let aesKey: pkcs11js.Handle | undefined;
    try {
      try {
        aesKey = generateEphemeralAesKey(hsm);
      } catch (error) {
        throw hsmCallFailed(hsm.where, 'generating the ephemeral AES-256 session key (C_GenerateKey)', error);
      }
      const kwp = wrapKey(hsm, 'C_WrapKey of the key under the ephemeral AES key', plan.kwp, aesKey, key.handle, room);
      const rsa = wrapKey(hsm, "C_WrapKey of the ephemeral AES key under the cloud's public key", plan.oaep, wrappingKey, aesKey, room);
      return Buffer.concat([rsa, kwp]);
    } finally {
      destroyQuietly(hsm, aesKey);
    }
  } finally {
    destroyQuietly(hsm, wrappingKey);
  }
}

/**
 * Wraps the source's key for import: `algorithm` is a core/wrapping algorithm name, `publicKey` the cloud's wrapping
 * public key (DER SubjectPublicKeyInfo, or base64 / PEM text). Refuses (MechanismMissing) an algorithm the token cannot
 * do, naming those it can. Synchronous inside: one session, opened and closed in this call.
 */
export async function wrapWithHsm(source: Pkcs11Source, algorithm: WrappingAlgorithm | string, publicKey: Buffer | string): Promise<Buffer> {
  const checked = checkPkcs11Source(source);
  rsaPublicNumbers(publicKey); // an SM2 or malformed key is refused before the HSM is opened
  return withHsmSession(checked, (hsm) => {
    const key = findWrappableKey(hsm);
    const plan = requireAlgorithm(hsm, algorithm, key.valueLength);
    return wrapInSession(hsm, plan, key, publicKey);
  });
}

/**
 * For preview: the key is there and wrappable, and the token can do `algorithm` (else MechanismMissing naming what it
 * can do). Wraps nothing.
 */
export async function checkHsmCanWrap(source: Pkcs11Source, algorithm: WrappingAlgorithm | string): Promise<void> {
  const checked = checkPkcs11Source(source);
  withHsmSession(checked, (hsm) => {
    const key = findWrappableKey(hsm);
    requireAlgorithm(hsm, algorithm, key.valueLength);
  });
}

/**
 * What the token can do with our algorithms for the source's key (its length decides the RFC 5649 probe), and its
 * wrapping mechanisms (for messages, docs, `imported-key probe`). The key must exist; it need not be wrappable.
 */
export async function hsmWrappingCapabilities(source: Pkcs11Source): Promise<TokenWrappingCapabilities> {
  return withHsmSession(checkPkcs11Source(source), (hsm) => tokenWrappingCapabilities(hsm, keyLength(hsm)));
}
