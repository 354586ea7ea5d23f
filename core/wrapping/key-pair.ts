// Wrapping key pairs as a KMS would mint them for GetParametersForImport (the emulator's side).
import { generateKeyPairSync } from 'node:crypto';
import { ImportedKeyError } from '../errors';

export type WrappingKeySpec = 'RSA_2048' | 'RSA_3072' | 'RSA_4096' | 'SM2';

export const WRAPPING_KEY_SPECS: readonly WrappingKeySpec[] = ['RSA_2048', 'RSA_3072', 'RSA_4096', 'SM2'];

export interface WrappingKeyPair {
  /** DER SubjectPublicKeyInfo; for SM2: id-ecPublicKey with curve 1.2.156.10197.1.301, as OpenSSL 3 writes it. */
  publicKeyDer: Buffer;
  /** PKCS#8 PEM. */
  privateKeyPem: string;
}

const RSA_BITS: Record<Exclude<WrappingKeySpec, 'SM2'>, number> = { RSA_2048: 2048, RSA_3072: 3072, RSA_4096: 4096 };

export function generateWrappingKeyPair(spec: WrappingKeySpec): WrappingKeyPair {
  const pair =
    spec === 'SM2'
      ? generateKeyPairSync('ec', { namedCurve: 'SM2' })
      : Object.prototype.hasOwnProperty.call(RSA_BITS, spec)
        ? generateKeyPairSync('rsa', { modulusLength: RSA_BITS[spec as keyof typeof RSA_BITS] })
        : undefined;
  if (!pair) {
    throw new ImportedKeyError('InvalidArgument', `wrappingKeySpec ${JSON.stringify(String(spec).slice(0, 64))} is not supported; allowed: ${WRAPPING_KEY_SPECS.join(', ')}`);
  }
  return {
    publicKeyDer: pair.publicKey.export({ type: 'spki', format: 'der' }),
    privateKeyPem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
  };
}
