// SM2 keys in their standard DER forms: SubjectPublicKeyInfo and PKCS#8, both with
// id-ecPublicKey + the SM2 curve OID 1.2.156.10197.1.301 (what OpenSSL 3 and the clouds produce).
import type * as smCrypto from 'sm-crypto-v2';
import { children, decodeOid, DerError, expectTag, parseOne, TAG } from './der';
import { OID } from './oids';

// Loaded on first use (sm-crypto-v2 and its curves take tens of ms): only SM2 wrapping needs it, not a host's start.
// eslint-disable-next-line @typescript-eslint/no-var-requires
const sm2 = (): typeof smCrypto.sm2 => (require('sm-crypto-v2') as typeof smCrypto).sm2;

/** The SM2 group order n (GB/T 32918.5). */
const SM2_ORDER = BigInt('0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123');

/** Algorithm and curve OIDs of an AlgorithmIdentifier SEQUENCE value. */
export function readAlgorithmIdentifier(value: Buffer): { algorithm: string; parameter?: string } {
  const [algorithm, parameters] = children(value);
  const algorithmOid = decodeOid(expectTag(algorithm, TAG.OID, 'AlgorithmIdentifier').value);
  const parameter = parameters?.tag === TAG.OID ? decodeOid(parameters.value) : undefined;
  return { algorithm: algorithmOid, parameter };
}

export function isSm2Algorithm(id: { algorithm: string; parameter?: string }): boolean {
  return (id.algorithm === OID.ecPublicKey && id.parameter === OID.sm2) || id.algorithm === OID.sm2;
}

/** The EC point of an SM2 SubjectPublicKeyInfo, checked to lie on the curve. */
export function sm2PointFromSpki(spki: Buffer): Buffer {
  const [algorithm, subjectPublicKey] = children(parseOne(spki, TAG.SEQUENCE).value);
  if (!isSm2Algorithm(readAlgorithmIdentifier(expectTag(algorithm, TAG.SEQUENCE, 'SubjectPublicKeyInfo').value))) {
    throw new DerError('not an SM2 key');
  }
  const bits = expectTag(subjectPublicKey, TAG.BIT_STRING, 'subjectPublicKey').value;
  if (bits.length < 2 || bits[0] !== 0) throw new DerError('bad BIT STRING');
  const point = Buffer.from(bits.subarray(1));
  const shapeOk = (point.length === 65 && point[0] === 4) || (point.length === 33 && (point[0] === 2 || point[0] === 3));
  if (!shapeOk) throw new DerError('SM2 point is not a 65-byte uncompressed or 33-byte compressed point');
  let onCurve = false;
  try {
    onCurve = sm2().verifyPublicKey(point.toString('hex'));
  } catch {
    onCurve = false;
  }
  if (!onCurve) throw new DerError('SM2 point is not on the curve');
  return point;
}

/** The 32-byte private scalar of an SM2 PKCS#8 PrivateKeyInfo, checked to be in [1, n-1]. */
export function sm2ScalarFromPkcs8(pkcs8: Buffer): Buffer {
  const [version, algorithm, privateKey] = children(parseOne(pkcs8, TAG.SEQUENCE).value);
  expectTag(version, TAG.INTEGER, 'PrivateKeyInfo version');
  if (!isSm2Algorithm(readAlgorithmIdentifier(expectTag(algorithm, TAG.SEQUENCE, 'PrivateKeyInfo').value))) {
    throw new DerError('not an SM2 key');
  }
  const ecPrivateKey = parseOne(expectTag(privateKey, TAG.OCTET_STRING, 'privateKey').value, TAG.SEQUENCE);
  const [ecVersion, scalar] = children(ecPrivateKey.value);
  expectTag(ecVersion, TAG.INTEGER, 'ECPrivateKey version');
  const d = expectTag(scalar, TAG.OCTET_STRING, 'ECPrivateKey privateKey').value;
  if (d.length === 0 || d.length > 32) throw new DerError('SM2 private scalar must be at most 32 bytes');
  const value = BigInt('0x' + d.toString('hex'));
  if (value <= 0n || value >= SM2_ORDER) throw new DerError('SM2 private scalar out of range');
  return Buffer.concat([Buffer.alloc(32 - d.length), d]);
}
