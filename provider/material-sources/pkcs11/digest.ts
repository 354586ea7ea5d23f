// A digest of the source's key computed inside the HSM, so a different key in the token is noticed without the
// material ever leaving it. The token computes a value bound to the key — its CKA_CHECK_VALUE (PKCS#11 3.0: for AES
// the first 3 bytes of AES-ECB(key, 0¹²⁸)) where the token gives one, else an AES-CMAC of a fixed block (needs
// CKA_SIGN), else AES-ECB of the zero block (needs CKA_ENCRYPT) — and outside it that value, with the key type
// and length, is HMAC-SHA-256'd under a random per-resource salt, like provider/digest.ts does the material.
// The format says which value it came from: "pkcs11-<method>:<salt hex>:<mac hex>". The result is a secret digest,
// not the material. A check value is 24 bits: a different key passes unnoticed with odds of 2⁻²⁴.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import * as pkcs11js from 'pkcs11js';
import { DIGEST_METHODS, parseHsmDigest, type DigestMethod } from './digest-format';
import { HsmSourceError } from './errors';
import { findKey } from './key';
import { withHsmSession, type HsmSession } from './session';
import { checkPkcs11Source, type Pkcs11Source } from './source';


const FIXED_BLOCK = Buffer.from('imported-key:kcv', 'latin1'); // 16 bytes, for the CMAC
const ZERO_BLOCK = Buffer.alloc(16);

function read(hsm: HsmSession, key: pkcs11js.Handle, type: number): Buffer | undefined {
  try {
    const value = hsm.pkcs11.C_GetAttributeValue(hsm.session, key, [{ type }])[0].value;
    return value.length > 0 ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The value the HSM computes for `method`, or undefined when the token or the key does not allow it. */
function hsmValue(hsm: HsmSession, key: pkcs11js.Handle, method: DigestMethod): Buffer | undefined {
  const { pkcs11, session } = hsm;
  try {
    switch (method) {
      case 'kcv':
        return read(hsm, key, pkcs11js.CKA_CHECK_VALUE);
      case 'cmac':
        if (read(hsm, key, pkcs11js.CKA_SIGN)?.[0] !== 1) return undefined;
        pkcs11.C_SignInit(session, { mechanism: pkcs11js.CKM_AES_CMAC }, key);
        return pkcs11.C_Sign(session, FIXED_BLOCK, Buffer.alloc(16));
      case 'ecb':
        if (read(hsm, key, pkcs11js.CKA_ENCRYPT)?.[0] !== 1) return undefined;
        pkcs11.C_EncryptInit(session, { mechanism: pkcs11js.CKM_AES_ECB }, key);
        return pkcs11.C_Encrypt(session, ZERO_BLOCK, Buffer.alloc(16));
    }
  } catch {
    return undefined; // the mechanism is not offered for this key: the next method is tried
  }
}

function mac(salt: Buffer, method: DigestMethod, hsm: HsmSession, key: pkcs11js.Handle, value: Buffer): string {
  const keyType = read(hsm, key, pkcs11js.CKA_KEY_TYPE) ?? Buffer.alloc(0);
  const length = read(hsm, key, pkcs11js.CKA_VALUE_LEN) ?? Buffer.alloc(0);
  const hmac = createHmac('sha256', salt).update(`pkcs11-${method}\0`).update(keyType).update(length).update(value).digest('hex');
  return `pkcs11-${method}:${salt.toString('hex')}:${hmac}`;
}

/** The digest of the source's key by the first of `methods` the token allows, or undefined when it allows none. */
export function digestBy(hsm: HsmSession, salt: Buffer, methods: readonly DigestMethod[]): string | undefined {
  const key = findKey(hsm);
  for (const method of methods) {
    const value = hsmValue(hsm, key, method);
    if (value) return mac(salt, method, hsm, key, value);
  }
  return undefined;
}

/** The digest of the source's key, in one session; a fresh salt unless given (that of an earlier digest). */
export function digestInSession(hsm: HsmSession, salt: Buffer = randomBytes(16)): string {
  const digest = digestBy(hsm, salt, DIGEST_METHODS);
  if (digest) return digest;
  throw new HsmSourceError('HsmFailed', `${hsm.where}: the token gives no digest of the key: no CKA_CHECK_VALUE, and the key may neither sign (CKM_AES_CMAC) nor encrypt (CKM_AES_ECB)`);
}

/** `pkcs11-<method>:<salt>:<mac>` for the source's key: record it as a secret. */
export async function digestHsmKey(source: Pkcs11Source, salt?: Buffer): Promise<string> {
  return withHsmSession(checkPkcs11Source(source), (hsm) => digestInSession(hsm, salt));
}

/**
 * True when the token's key is the one `digest` (from digestHsmKey) was made of; false for another key or a malformed
 * digest. The HSM's failures (token, PIN, key missing) are thrown, never read as "no change".
 */
export async function hsmKeyMatchesDigest(source: Pkcs11Source, digest: string | undefined): Promise<boolean> {
  const parsed = parseHsmDigest(digest);
  if (!parsed) return false;
  // A key that no longer allows the recorded method is not the key recorded (or not as it was): no match.
  const now = withHsmSession(checkPkcs11Source(source), (hsm) => digestBy(hsm, parsed.salt, [parsed.method]));
  if (now === undefined) return false;
  const a = Buffer.from(now);
  const b = Buffer.from(digest as string);
  return a.length === b.length && timingSafeEqual(a, b);
}
