// The one table of wrapping algorithms (jose style): every algorithm any supported cloud accepts,
// reached through getWrappingAlgorithm, which throws a typed error naming the supported ones.
import { ImportedKeyError } from '../errors';
import { rsaAesKeyWrap } from './aes-key-wrap';
import { rsaesOaep, rsaesPkcs1v15 } from './rsa';
import { sm2pke } from './sm2';
import type { WrappingAlgorithm, WrappingAlgorithmEntry } from './types';

const TABLE: Readonly<Record<WrappingAlgorithm, WrappingAlgorithmEntry>> = {
  RSAES_OAEP_SHA_256: rsaesOaep('RSAES_OAEP_SHA_256', 'sha256'),
  RSAES_OAEP_SHA_1: rsaesOaep('RSAES_OAEP_SHA_1', 'sha1'),
  RSAES_PKCS1_V1_5: rsaesPkcs1v15(),
  RSA_AES_KEY_WRAP_SHA_256: rsaAesKeyWrap('RSA_AES_KEY_WRAP_SHA_256', 'sha256'),
  RSA_AES_KEY_WRAP_SHA_1: rsaAesKeyWrap('RSA_AES_KEY_WRAP_SHA_1', 'sha1'),
  SM2PKE: sm2pke(),
};

/** Other clouds' names for the same algorithm (Huawei calls SM2PKE SM2_ENCRYPT). */
const ALIASES: Readonly<Record<string, WrappingAlgorithm>> = {
  SM2_ENCRYPT: 'SM2PKE',
};

export const WRAPPING_ALGORITHMS: readonly WrappingAlgorithm[] = Object.freeze(Object.keys(TABLE) as WrappingAlgorithm[]);

export function isWrappingAlgorithm(name: unknown): name is WrappingAlgorithm {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(TABLE, name);
}

/** The table entry for `name` (or an alias); throws UnsupportedAlgorithm naming the supported ones. */
export function getWrappingAlgorithm(name: string): WrappingAlgorithmEntry {
  if (isWrappingAlgorithm(name)) return TABLE[name];
  if (typeof name === 'string' && Object.prototype.hasOwnProperty.call(ALIASES, name)) return TABLE[ALIASES[name]];
  const shown = typeof name === 'string' ? JSON.stringify(name.slice(0, 64)) : typeof name;
  throw new ImportedKeyError(
    'UnsupportedAlgorithm',
    `algorithm ${shown} is not supported; supported wrapping algorithms: ${WRAPPING_ALGORITHMS.join(', ')} (SM2_ENCRYPT is accepted as SM2PKE)`,
  );
}
