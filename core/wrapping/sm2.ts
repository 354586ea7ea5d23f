// SM2PKE (Huawei: SM2_ENCRYPT): SM2 public-key encryption (GB/T 32918.4) by sm-crypto-v2, in the
// GB/T 35276 DER form SEQUENCE { INTEGER x, INTEGER y, OCTET STRING hash (C3), OCTET STRING ciphertext (C2) }.
// The DER is ours (strict both ways) around the library's raw C1‖C3‖C2 output.
import { type KeyObject } from 'node:crypto';
import type * as smCrypto from 'sm-crypto-v2';
import { children, encode, encodeSequence, encodeUnsignedInteger, expectTag, parseOne, TAG, unsignedInteger } from './der';
import { sm2ScalarFromPkcs8 } from './sm2-keys';
import type { PublicWrappingKey, Sm2PublicKey, WrappingAlgorithmEntry } from './types';

// Loaded on first use (sm-crypto-v2 and its curves take tens of ms): only SM2 wrapping needs it, not a host's start.
// eslint-disable-next-line @typescript-eslint/no-var-requires
const sm2 = (): typeof smCrypto.sm2 => (require('sm-crypto-v2') as typeof smCrypto).sm2;

const C1C3C2 = 1;
const COORD_HEX = 64;
const SM3_BYTES = 32;

/** Encrypts under an SM2 point; returns the DER C1C3C2 ciphertext. */
export function sm2Encrypt(point: Buffer, plaintext: Buffer): Buffer {
  const raw = sm2().doEncrypt(Uint8Array.from(plaintext), point.toString('hex'), C1C3C2);
  // sm-crypto-v2 emits x‖y (no 04 prefix) ‖ C3 ‖ C2, all hex.
  const x = Buffer.from(raw.slice(0, COORD_HEX), 'hex');
  const y = Buffer.from(raw.slice(COORD_HEX, 2 * COORD_HEX), 'hex');
  const c3 = Buffer.from(raw.slice(2 * COORD_HEX, 2 * COORD_HEX + 2 * SM3_BYTES), 'hex');
  const c2 = Buffer.from(raw.slice(2 * COORD_HEX + 2 * SM3_BYTES), 'hex');
  return encodeSequence([encodeUnsignedInteger(x), encodeUnsignedInteger(y), encode(TAG.OCTET_STRING, c3), encode(TAG.OCTET_STRING, c2)]);
}

function coordinateHex(bytes: Buffer): string {
  if (bytes.length > 32) throw new Error('coordinate longer than 32 bytes');
  return bytes.toString('hex').padStart(COORD_HEX, '0');
}

/** Decrypts a DER C1C3C2 ciphertext with the 32-byte private scalar. */
export function sm2Decrypt(scalar: Buffer, ciphertext: Buffer): Buffer {
  const [x, y, hash, body, extra] = children(parseOne(ciphertext, TAG.SEQUENCE).value);
  if (extra) throw new Error('trailing fields');
  const c3 = expectTag(hash, TAG.OCTET_STRING, 'C3').value;
  const c2 = expectTag(body, TAG.OCTET_STRING, 'C2').value;
  if (c3.length !== SM3_BYTES || c2.length === 0) throw new Error('bad C3 or C2 length');
  const raw =
    coordinateHex(unsignedInteger(expectTag(x, TAG.INTEGER, 'x'))) +
    coordinateHex(unsignedInteger(expectTag(y, TAG.INTEGER, 'y'))) +
    c3.toString('hex') +
    c2.toString('hex');
  const plain = sm2().doDecrypt(raw, scalar.toString('hex'), C1C3C2, { output: 'array' });
  // sm-crypto-v2 signals a C3 mismatch with an empty result; material is never empty.
  if (!plain || plain.length === 0) throw new Error('SM2 decryption failed');
  return Buffer.from(plain);
}

export function sm2pke(): WrappingAlgorithmEntry {
  return {
    name: 'SM2PKE',
    keyKind: 'sm2',
    description: 'SM2 public-key encryption (GB/T 32918.4), ciphertext DER C1C3C2 (GB/T 35276)',
    // No limit in the scheme; the KDF stream is as long as the material.
    maxMaterialLength: (_key: PublicWrappingKey) => Number.MAX_SAFE_INTEGER,
    wrap: (key, material) => sm2Encrypt((key as Sm2PublicKey).point, material),
    unwrap: (privateKey: KeyObject, wrapped) => {
      const scalar = sm2ScalarFromPkcs8(privateKey.export({ type: 'pkcs8', format: 'der' }));
      try {
        return sm2Decrypt(scalar, wrapped);
      } finally {
        scalar.fill(0);
      }
    },
  };
}
