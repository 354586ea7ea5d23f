// RSAES-OAEP and RSAES-PKCS1-v1_5 wrapping: node:crypto encrypts; PKCS#1 v1.5 decryption goes
// through node-forge because Node 20 refuses RSA_PKCS1_PADDING for private decryption (CVE-2023-46809).
import { constants, privateDecrypt, publicEncrypt, type KeyObject } from 'node:crypto';
import type forgeModule from 'node-forge';
import type { PublicWrappingKey, WrappingAlgorithm, WrappingAlgorithmEntry } from './types';

// Loaded on first use: only the emulator's PKCS#1 v1.5 unwrap needs it, and a provider host should not pay its load.
// eslint-disable-next-line @typescript-eslint/no-var-requires
const loadForge = (): typeof forgeModule => require('node-forge');

export type OaepHash = 'sha256' | 'sha1';

const HASH_BYTES: Record<OaepHash, number> = { sha256: 32, sha1: 20 };

export function modulusBytes(key: KeyObject): number {
  const bits = key.asymmetricKeyDetails?.modulusLength;
  if (!bits) throw new Error('not an RSA key');
  return Math.ceil(bits / 8);
}

/** RFC 8017 7.1.1: an OAEP message is at most k - 2·hLen - 2 bytes. */
export function oaepCapacity(key: KeyObject, hash: OaepHash): number {
  return modulusBytes(key) - 2 * HASH_BYTES[hash] - 2;
}

export function oaepEncrypt(key: KeyObject, hash: OaepHash, data: Buffer): Buffer {
  return publicEncrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash }, data);
}

export function oaepDecrypt(key: KeyObject, hash: OaepHash, data: Buffer): Buffer {
  if (data.length !== modulusBytes(key)) throw new Error('ciphertext length is not the modulus length');
  return privateDecrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash }, data);
}

function pkcs1Decrypt(key: KeyObject, data: Buffer): Buffer {
  if (data.length !== modulusBytes(key)) throw new Error('ciphertext length is not the modulus length');
  const der = key.export({ type: 'pkcs1', format: 'der' });
  const forge = loadForge();
  const forgeKey = forge.pki.privateKeyFromAsn1(forge.asn1.fromDer(forge.util.createBuffer(der.toString('binary'))));
  const plain = (forgeKey as forgeModule.pki.rsa.PrivateKey).decrypt(data.toString('binary'), 'RSAES-PKCS1-V1_5');
  return Buffer.from(plain, 'binary');
}

export function rsaesOaep(name: WrappingAlgorithm, hash: OaepHash): WrappingAlgorithmEntry {
  return {
    name,
    keyKind: 'rsa',
    description: `RSA-OAEP with ${hash.toUpperCase()} and MGF1-${hash.toUpperCase()}, empty label`,
    maxMaterialLength: (key: PublicWrappingKey) => oaepCapacity(key as KeyObject, hash),
    wrap: (key, material) => oaepEncrypt(key as KeyObject, hash, material),
    unwrap: (privateKey, wrapped) => oaepDecrypt(privateKey, hash, wrapped),
  };
}

export function rsaesPkcs1v15(): WrappingAlgorithmEntry {
  return {
    name: 'RSAES_PKCS1_V1_5',
    keyKind: 'rsa',
    description: 'RSA PKCS#1 v1.5 encryption',
    // RFC 8017 7.2.1: at most k - 11 bytes.
    maxMaterialLength: (key: PublicWrappingKey) => modulusBytes(key as KeyObject) - 11,
    wrap: (key, material) => publicEncrypt({ key: key as KeyObject, padding: constants.RSA_PKCS1_PADDING }, material),
    unwrap: (privateKey, wrapped) => pkcs1Decrypt(privateKey, wrapped),
  };
}
