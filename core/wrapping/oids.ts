// Object identifiers the wrapping module recognises in keys.
export const OID = {
  rsaEncryption: '1.2.840.113549.1.1.1',
  rsassaPss: '1.2.840.113549.1.1.10',
  ecPublicKey: '1.2.840.10045.2.1',
  /** SM2 curve (GM/T 0006); also used as an algorithm OID by some older SM2 tools. */
  sm2: '1.2.156.10197.1.301',
} as const;

/** Readable names for the curves and key algorithms users are likely to hand in by mistake. */
export const OID_NAMES: Record<string, string> = {
  '1.2.840.10045.3.1.7': 'EC P-256',
  '1.3.132.0.34': 'EC P-384',
  '1.3.132.0.35': 'EC P-521',
  '1.3.132.0.10': 'EC secp256k1',
  '1.3.101.112': 'Ed25519',
  '1.3.101.110': 'X25519',
  '1.2.840.10040.4.1': 'DSA',
  '1.2.840.10046.2.1': 'DH',
  [OID.rsassaPss]: 'RSA-PSS (signing only)',
};
