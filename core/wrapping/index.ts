// Public surface of core/wrapping: encrypting key material under a cloud's wrapping key.
// Knows no cloud API; the clouds and the emulator meet here only through these functions.
export type { WrappingAlgorithm, WrappingAlgorithmEntry, PublicWrappingKey, Sm2PublicKey, WrappingKeyKind } from './types';
export { isSm2PublicKey } from './types';
export { WRAPPING_ALGORITHMS, getWrappingAlgorithm, isWrappingAlgorithm } from './algorithms';
export { wrapKeyMaterial, unwrapKeyMaterial, maxMaterialLength } from './wrap';
export type { WrapKeyMaterialRequest, UnwrapKeyMaterialRequest } from './wrap';
export { decodePublicKey, publicKeyDer, MIN_RSA_BITS } from './public-key';
export { generateWrappingKeyPair, WRAPPING_KEY_SPECS } from './key-pair';
export type { WrappingKeySpec, WrappingKeyPair } from './key-pair';
export { validateKeyMaterial, assertKnownKeySpec, MATERIAL_KEY_SPECS } from './key-material';
