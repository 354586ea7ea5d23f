// A key held in a PKCS#11 token as the source of key material: the HSM wraps it for the cloud (C_WrapKey) and
// digests it (check value or MAC computed inside); the material never leaves the HSM in plain.
export { checkPkcs11Source, describeSource, type Pkcs11Source, type TokenRef, type KeyRef } from './source';
export { HsmSourceError, type HsmFailure } from './errors';
export { wrapWithHsm, checkHsmCanWrap, hsmWrappingCapabilities } from './wrap';
export { digestHsmKey, hsmKeyMatchesDigest, DIGEST_METHODS, type DigestMethod } from './digest';
export type { TokenWrappingCapabilities } from './mechanisms';
