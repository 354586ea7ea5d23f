// What key material each cloud key spec accepts. Errors name the field (keyMaterial), the spec and
// what is allowed — lengths and kinds only, never the bytes.
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { ImportedKeyError } from '../errors';
import { DerError, parseOne, TAG } from './der';
import { sm2ScalarFromPkcs8 } from './sm2-keys';

type MaterialRule =
  | { kind: 'bytes'; min: number; max: number; what: string }
  | { kind: 'rsa'; bits: number }
  | { kind: 'ec'; curve: string; what: string }
  | { kind: 'sm2' };

const aes256 = { kind: 'bytes', min: 32, max: 32, what: 'a 256-bit AES key' } as const;
const sm4 = { kind: 'bytes', min: 16, max: 16, what: 'a 128-bit SM4 key' } as const;

/** Key specs of every cloud; HMAC ranges are AWS's limits for imported HMAC key material. */
const RULES: Readonly<Record<string, MaterialRule>> = {
  // AWS
  SYMMETRIC_DEFAULT: aes256,
  HMAC_224: { kind: 'bytes', min: 28, max: 64, what: 'an HMAC key' },
  HMAC_256: { kind: 'bytes', min: 32, max: 64, what: 'an HMAC key' },
  HMAC_384: { kind: 'bytes', min: 48, max: 128, what: 'an HMAC key' },
  HMAC_512: { kind: 'bytes', min: 64, max: 128, what: 'an HMAC key' },
  RSA_2048: { kind: 'rsa', bits: 2048 },
  RSA_3072: { kind: 'rsa', bits: 3072 },
  RSA_4096: { kind: 'rsa', bits: 4096 },
  ECC_NIST_P256: { kind: 'ec', curve: 'prime256v1', what: 'NIST P-256' },
  ECC_NIST_P384: { kind: 'ec', curve: 'secp384r1', what: 'NIST P-384' },
  ECC_NIST_P521: { kind: 'ec', curve: 'secp521r1', what: 'NIST P-521' },
  ECC_SECG_P256K1: { kind: 'ec', curve: 'secp256k1', what: 'secp256k1' },
  SM2: { kind: 'sm2' },
  // Alibaba Cloud
  Aliyun_AES_256: aes256,
  Aliyun_SM4: sm4,
  // Huawei Cloud
  AES_256: aes256,
  SM4: sm4,
};

export const MATERIAL_KEY_SPECS: readonly string[] = Object.freeze(Object.keys(RULES));

const CONVERT_HINT = 'convert a PEM key with: openssl pkcs8 -topk8 -nocrypt -outform der -in key.pem -out key.der';

function invalid(keySpec: string, detail: string): ImportedKeyError {
  return new ImportedKeyError('InvalidKeyMaterial', `keyMaterial for ${keySpec} ${detail}`);
}

/** Parses PKCS#8 DER strictly (one SEQUENCE, nothing after it) with node:crypto. */
function parsePkcs8(keySpec: string, material: Buffer, expected: string): KeyObject {
  try {
    parseOne(material, TAG.SEQUENCE);
    return createPrivateKey({ key: material, format: 'der', type: 'pkcs8' });
  } catch {
    throw invalid(keySpec, `must be ${expected} as unencrypted PKCS#8 DER, but it does not parse as PKCS#8 DER (${CONVERT_HINT})`);
  }
}

/** Throws InvalidArgument naming the allowed key specs when `keySpec` is not one of them. */
export function assertKnownKeySpec(keySpec: string): void {
  if (typeof keySpec !== 'string' || !Object.prototype.hasOwnProperty.call(RULES, keySpec)) {
    const shown = typeof keySpec === 'string' ? JSON.stringify(keySpec.slice(0, 64)) : typeof keySpec;
    throw new ImportedKeyError('InvalidArgument', `keySpec ${shown} is not supported; allowed: ${MATERIAL_KEY_SPECS.join(', ')}`);
  }
}

/** Throws InvalidArgument for an unknown key spec, InvalidKeyMaterial when the material does not fit it. */
export function validateKeyMaterial(keySpec: string, material: Buffer): void {
  assertKnownKeySpec(keySpec);
  if (!Buffer.isBuffer(material) && !((material as unknown) instanceof Uint8Array)) {
    throw new ImportedKeyError('InvalidKeyMaterial', `keyMaterial must be bytes (a Buffer); got ${typeof material}`);
  }
  const bytes = Buffer.from(material);
  if (bytes.length === 0) throw new ImportedKeyError('InvalidKeyMaterial', `keyMaterial is empty; ${keySpec} needs ${describeRule(RULES[keySpec])}`);
  const rule = RULES[keySpec];
  switch (rule.kind) {
    case 'bytes':
      if (bytes.length < rule.min || bytes.length > rule.max) {
        throw invalid(keySpec, `is ${bytes.length} bytes; ${keySpec} takes ${describeRule(rule)}`);
      }
      return;
    case 'rsa': {
      const key = parsePkcs8(keySpec, bytes, `an RSA private key with a ${rule.bits}-bit modulus`);
      const bits = key.asymmetricKeyDetails?.modulusLength;
      if (key.asymmetricKeyType !== 'rsa' || bits !== rule.bits) {
        throw invalid(keySpec, `is a ${describeKeyObject(key)} private key; ${keySpec} takes an RSA private key with a ${rule.bits}-bit modulus (PKCS#8 DER)`);
      }
      return;
    }
    case 'ec': {
      const key = parsePkcs8(keySpec, bytes, `a ${rule.what} EC private key`);
      if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== rule.curve) {
        throw invalid(keySpec, `is a ${describeKeyObject(key)} private key; ${keySpec} takes a ${rule.what} EC private key (PKCS#8 DER)`);
      }
      return;
    }
    case 'sm2':
      try {
        parseOne(bytes, TAG.SEQUENCE);
        sm2ScalarFromPkcs8(bytes).fill(0);
      } catch (error) {
        if (error instanceof DerError) {
          throw invalid(keySpec, `must be an SM2 private key as unencrypted PKCS#8 DER (curve 1.2.156.10197.1.301), but it is not (${CONVERT_HINT})`);
        }
        throw error;
      }
      return;
  }
}

function describeRule(rule: MaterialRule): string {
  switch (rule.kind) {
    case 'bytes':
      return rule.min === rule.max ? `exactly ${rule.min} bytes (${rule.what})` : `${rule.min} to ${rule.max} bytes (${rule.what})`;
    case 'rsa':
      return `an RSA private key with a ${rule.bits}-bit modulus as PKCS#8 DER`;
    case 'ec':
      return `a ${rule.what} EC private key as PKCS#8 DER`;
    case 'sm2':
      return 'an SM2 private key as PKCS#8 DER';
  }
}

function describeKeyObject(key: KeyObject): string {
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'rsa') return `${details.modulusLength}-bit RSA`;
  if (key.asymmetricKeyType === 'ec') return `EC ${details.namedCurve ?? '(explicit curve)'}`;
  return key.asymmetricKeyType ?? 'unrecognised';
}
