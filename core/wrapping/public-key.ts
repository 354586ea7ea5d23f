// Turns a wrapping public key as the clouds hand it out (DER bytes; base64 from Alibaba and Huawei;
// hexadecimal from Ping An; PEM from people) into a checked key: RSA ≥ 2048 bits, or SM2.
import { createPublicKey, KeyObject } from 'node:crypto';
import { ImportedKeyError } from '../errors';
import { children, DerError, expectTag, parseOne, TAG } from './der';
import { OID, OID_NAMES } from './oids';
import { isSm2Algorithm, readAlgorithmIdentifier, sm2PointFromSpki } from './sm2-keys';
import { isSm2PublicKey, type PublicWrappingKey } from './types';

export const MIN_RSA_BITS = 2048;
const FIELD = 'publicKey';
const ALLOWED = 'a DER SubjectPublicKeyInfo given as bytes, base64, hexadecimal or PEM';

function invalidEncoding(detail: string): ImportedKeyError {
  return new ImportedKeyError('InvalidEncoding', `${FIELD} ${detail}; expected ${ALLOWED}`);
}

function invalidKey(detail: string): ImportedKeyError {
  return new ImportedKeyError('InvalidPublicKey', `${FIELD} ${detail}`);
}

const HEX = /^(?:0x)?([0-9a-fA-F]+)$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

function decodeText(text: string): Buffer {
  const trimmed = text.trim();
  if (trimmed === '') throw invalidEncoding('is empty');
  if (trimmed.includes('-----BEGIN')) return decodePem(trimmed);
  const compact = trimmed.replace(/\s+/g, '');
  const hex = HEX.exec(compact);
  if (hex) {
    if (hex[1].length % 2 !== 0) throw invalidEncoding('looks hexadecimal but has an odd number of digits');
    return Buffer.from(hex[1], 'hex');
  }
  if (BASE64.test(compact) || BASE64URL.test(compact)) {
    const unpadded = compact.replace(/=+$/, '');
    if (unpadded.length % 4 === 1 || (compact.includes('=') && compact.length % 4 !== 0)) {
      throw invalidEncoding('is not valid base64 (wrong length or padding)');
    }
    return Buffer.from(compact, BASE64.test(compact) ? 'base64' : 'base64url');
  }
  throw invalidEncoding('is neither base64, hexadecimal nor PEM text');
}

function decodePem(text: string): Buffer {
  const match = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/.exec(text);
  if (!match) throw invalidEncoding('has a PEM header without a matching footer');
  const label = match[1];
  const body = match[2].replace(/\s+/g, '');
  if (!BASE64.test(body) || body.length % 4 !== 0) throw invalidEncoding('has a PEM body that is not valid base64');
  const der = Buffer.from(body, 'base64');
  if (label === 'PUBLIC KEY') return der;
  if (label === 'RSA PUBLIC KEY') {
    try {
      return createPublicKey({ key: der, format: 'der', type: 'pkcs1' }).export({ type: 'spki', format: 'der' });
    } catch {
      throw invalidKey('is an RSA PUBLIC KEY PEM that does not parse');
    }
  }
  throw invalidKey(`is a PEM "${label}"; expected "PUBLIC KEY" (or "RSA PUBLIC KEY")`);
}

/** DER bytes of the key, whatever form it came in. */
export function publicKeyDer(input: Buffer | string): Buffer {
  if (typeof input === 'string') return decodeText(input);
  if (!Buffer.isBuffer(input) && !((input as unknown) instanceof Uint8Array)) {
    throw new ImportedKeyError('InvalidArgument', `${FIELD} must be a Buffer or a string; got ${typeof input}`);
  }
  const bytes = Buffer.from(input);
  if (bytes.length === 0) throw invalidEncoding('is empty');
  if (bytes[0] === TAG.SEQUENCE) return bytes;
  // Not DER: a file read as bytes may hold base64, hex or PEM text.
  if (!/^[\x09\x0a\x0d\x20-\x7e]*$/.test(bytes.toString('latin1'))) throw invalidKey('is binary but not a DER SubjectPublicKeyInfo');
  return decodeText(bytes.toString('latin1'));
}

function describeAlgorithm(id: { algorithm: string; parameter?: string }): string {
  if (id.algorithm === OID.ecPublicKey) return id.parameter ? OID_NAMES[id.parameter] ?? `EC (curve ${id.parameter})` : 'EC';
  return OID_NAMES[id.algorithm] ?? `key of algorithm ${id.algorithm}`;
}

/** Decodes and checks a wrapping public key: a node KeyObject for RSA, an Sm2PublicKey for SM2. */
export function decodePublicKey(input: Buffer | string | PublicWrappingKey): PublicWrappingKey {
  if (input instanceof KeyObject) return checkRsaKey(input);
  if (isSm2PublicKey(input)) return input;
  const der = publicKeyDer(input as Buffer | string);
  let algorithmId: { algorithm: string; parameter?: string };
  try {
    const [algorithm, subjectPublicKey] = children(parseOne(der, TAG.SEQUENCE).value);
    expectTag(subjectPublicKey, TAG.BIT_STRING, 'subjectPublicKey');
    algorithmId = readAlgorithmIdentifier(expectTag(algorithm, TAG.SEQUENCE, 'SubjectPublicKeyInfo').value);
  } catch (error) {
    if (error instanceof DerError) throw invalidKey('does not parse as a DER SubjectPublicKeyInfo');
    throw error;
  }
  if (isSm2Algorithm(algorithmId)) {
    try {
      return { kind: 'sm2', point: sm2PointFromSpki(der), spki: der };
    } catch (error) {
      if (error instanceof DerError) throw invalidKey(`is an SM2 key that is not valid (${error.message})`);
      throw error;
    }
  }
  if (algorithmId.algorithm !== OID.rsaEncryption) {
    throw invalidKey(`is an ${describeAlgorithm(algorithmId)} key; wrapping takes an RSA (2048 bits or more) or SM2 public key`);
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: der, format: 'der', type: 'spki' });
  } catch {
    throw invalidKey('is an RSA SubjectPublicKeyInfo that does not parse');
  }
  return checkRsaKey(key);
}

function checkRsaKey(key: KeyObject): KeyObject {
  if (key.type !== 'public') throw invalidKey(`must be a public key, not a ${key.type} key`);
  if (key.asymmetricKeyType !== 'rsa') throw invalidKey(`is a ${key.asymmetricKeyType ?? 'non-RSA'} key; wrapping takes an RSA or SM2 public key`);
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_RSA_BITS) throw invalidKey(`is a ${bits}-bit RSA key; wrapping keys must be at least ${MIN_RSA_BITS} bits (the clouds issue 2048, 3072 or 4096)`);
  return key;
}

