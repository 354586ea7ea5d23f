// The cloud's wrapping public key as a session object of the token (CKA_TOKEN false: gone when the session closes),
// allowed to wrap and nothing else.
import * as pkcs11js from 'pkcs11js';
import type { KeyObject } from 'node:crypto';
import { decodePublicKey, isSm2PublicKey } from '../../../core/wrapping';
import { hsmCallFailed } from './call-errors';
import { HsmSourceError } from './errors';
import type { HsmSession } from './session';

/** The RSA modulus and public exponent of a DER SubjectPublicKeyInfo (or base64 / PEM text), as PKCS#11 wants them. */
export function rsaPublicNumbers(publicKey: Buffer | string | KeyObject): { modulus: Buffer; publicExponent: Buffer; modulusBytes: number } {
  const key = decodePublicKey(publicKey);
  if (isSm2PublicKey(key) || key.asymmetricKeyType !== 'rsa') {
    throw new HsmSourceError('PublicKeyRefused', 'the wrapping public key is not an RSA key; the HSM path wraps under RSA keys only');
  }
  const jwk = key.export({ format: 'jwk' });
  const modulus = Buffer.from(jwk.n as string, 'base64url');
  return { modulus, publicExponent: Buffer.from(jwk.e as string, 'base64url'), modulusBytes: modulus.length };
}

/** Creates the session object; the caller destroys it (closing the session would too). */
export function importWrappingPublicKey(hsm: HsmSession, publicKey: Buffer | string | KeyObject): pkcs11js.Handle {
  const { modulus, publicExponent } = rsaPublicNumbers(publicKey);
  try {
    return hsm.pkcs11.C_CreateObject(hsm.session, [
      { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PUBLIC_KEY },
      { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_RSA },
      { type: pkcs11js.CKA_TOKEN, value: false },
      { type: pkcs11js.CKA_PRIVATE, value: false },
      { type: pkcs11js.CKA_WRAP, value: true },
      { type: pkcs11js.CKA_ENCRYPT, value: false },
      { type: pkcs11js.CKA_VERIFY, value: false },
      { type: pkcs11js.CKA_LABEL, value: 'imported-key: cloud wrapping key (session)' },
      { type: pkcs11js.CKA_MODULUS, value: modulus },
      { type: pkcs11js.CKA_PUBLIC_EXPONENT, value: publicExponent },
    ]);
  } catch (error) {
    throw hsmCallFailed(hsm.where, "putting the cloud's wrapping public key into the token as a session object (C_CreateObject)", error);
  }
}

/** Destroys a session object, ignoring failure (closing the session destroys it anyway). */
export function destroyQuietly(hsm: HsmSession, object: pkcs11js.Handle | undefined): void {
  if (object === undefined) return;
  try {
    hsm.pkcs11.C_DestroyObject(hsm.session, object);
  } catch {
    // the session's close removes it
  }
}
