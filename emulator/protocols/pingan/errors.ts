// Ping An Cloud KMS error replies. Ping An documents neither its error envelope nor its error codes: the envelope is
// the assumed one of kms-apis.md, `{"code": "<not SUCCESS>", "message": "…", "requestId": "…"}` (or the message under
// `msg`, dialect point `errorEnvelope`), and EVERY code below is the emulator's own, named after Alibaba's (whose
// 2017-era reference Ping An's reads as a translation of). Readers must go by `code` != SUCCESS, not by the status.
// Messages name fields, states and keys; never material, tokens, signatures or the secret.

import { randomUUID } from 'node:crypto';
import type { StoreError } from '../../store-errors';
import type { ProtocolResponse } from '../types';

export class PinganError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
    this.name = 'PinganError';
  }
}

/** The emulator's own codes (no public list exists). */
export const pinganErrors = {
  missingParameter: (name: string) => new PinganError(400, 'MissingParameter', `The parameter "${name}" is required.`),
  invalidParameter: (name: string, allowed: string) => new PinganError(400, 'InvalidParameter', `The parameter "${name}" is invalid: ${allowed}.`),
  duplicateParameter: (name: string) =>
    new PinganError(400, 'InvalidParameter', `The parameter "${name}" is given more than once (query and body together may carry each name once).`),
  unknownAction: (action: string) =>
    new PinganError(404, 'InvalidAction.NotFound', `The action "${action}" is not served by this KMS (API version 2017-01-01).`),
  badSignatureMethod: () =>
    new PinganError(400, 'InvalidParameter', 'The parameter "signatureMethod" is invalid: only HMAC-SHA1 with signatureVersion 1.0 is supported.'),
  badTimestamp: (detail: string) => new PinganError(400, 'IllegalTimestamp', `The parameter "timestamp" is invalid: ${detail}.`),
  expiredTimestamp: () =>
    new PinganError(403, 'InvalidTimeStamp.Expired', 'The parameter "timestamp" is more than 15 minutes away from the server time; sync the clock.'),
  unknownAccessKey: (accessKeyId: string) => new PinganError(403, 'InvalidAccessKeyId.NotFound', `The accessKeyId "${accessKeyId}" does not exist.`),
  // The string to sign is not echoed: it holds Encrypt's plainText.
  signatureMismatch: () =>
    new PinganError(403, 'SignatureDoesNotMatch', 'The signature does not match the one computed from the parameters with the secret of this accessKeyId.'),
  nonceUsed: () => new PinganError(403, 'SignatureNonceUsed', 'The signatureNonce was used already; send a new random one with each request.'),
  keyNotFound: (keyId: string) => new PinganError(404, 'Forbidden.KeyNotFound', `The key "${keyId}" does not exist.`),
  aliasExists: (alias: string) => new PinganError(409, 'EntityAlreadyExists.Alias', `The alias "${alias}" is taken by another key.`),
  invalidCiphertext: () =>
    new PinganError(400, 'InvalidCiphertext', 'The cipherTextBlob is invalid, was not produced by this KMS, or its encryptionContext does not match.'),
  throttling: () => new PinganError(429, 'Throttling', 'Request was denied due to flow control; retry later.'),
  internal: () => new PinganError(500, 'InternalError', 'Internal error.'),
  unavailable: () => new PinganError(503, 'ServiceUnavailable', 'The service is temporarily unavailable; retry later.'),
  tooLarge: () => new PinganError(413, 'RequestTooLarge', 'The request is larger than the server accepts.'),
};

/**
 * The store's neutral refusal in the emulator's Ping An codes. `action`: the operation refused; `stateName`: how the
 * key's state (when the store gave one) reads in the current dialect, for the message.
 */
export function fromStoreError(error: StoreError, action: string, keyId: string, stateName: string | undefined): PinganError {
  switch (error.kind) {
    case 'NotFound':
      return pinganErrors.keyNotFound(error.keyId ?? keyId);
    case 'Disabled':
      return new PinganError(409, 'Rejected.KeyState', `The key is ${stateName ?? 'disabled'}; ${action} needs an enabled key (EnableKey).`);
    case 'InvalidState':
      return new PinganError(409, 'Rejected.KeyState', stateName
        ? `The key is ${stateName}, which does not allow ${action}.`
        : `The key's state does not allow ${action}.`);
    case 'UnsupportedOperation':
      return new PinganError(400, 'Forbidden.NotExternalKey', 'The key does not take imported material: it was created with origin 0 (platform).');
    case 'InvalidImportToken':
      return new PinganError(400, 'InvalidParameter.ImportToken', 'The importToken is not one GetParametersForImport returned.');
    case 'ImportTokenForAnotherKey':
      return new PinganError(400, 'InvalidParameter.ImportToken', 'The importToken was issued for another key; call GetParametersForImport for this key.');
    case 'ExpiredImportToken':
      return new PinganError(400, 'InvalidParameter.ImportTokenExpired', 'The importToken has expired (24 h); call GetParametersForImport again.');
    case 'InvalidCiphertext':
      if (action !== 'ImportKeyMaterial') return pinganErrors.invalidCiphertext();
      return new PinganError(400, 'InvalidParameter.EncryptedKeyMaterial',
        'The encryptedKeyMaterial does not unwrap with the public key and wrappingAlgorithm of this importToken.');
    case 'InvalidMaterial':
      return new PinganError(400, 'InvalidParameter.KeyMaterial', 'The key material must be 256 bits (32 bytes).');
    case 'IncorrectKeyMaterial':
      return new PinganError(400, 'InvalidParameter.KeyMaterialMismatch', 'The key material differs from the material imported into this key before; only that material can be imported again.');
    case 'InvalidExpiry':
      return new PinganError(400, 'InvalidParameter.KeyMaterialExpireUnix', 'The parameter "keyMaterialExpireUnix" must be in the future (seconds since 1970), or 0 for never.');
    case 'AlreadyExists':
      return pinganErrors.aliasExists(error.aliasName ?? '');
    case 'IncorrectKey':
    case 'InvalidMac':
    case 'InvalidKeyUsage':
      return pinganErrors.invalidCiphertext();
    default:
      return new PinganError(400, 'InvalidParameter', error.message);
  }
}

/** Which field carries the message (dialect point `errorEnvelope`). */
export type ErrorEnvelope = 'message' | 'msg';

export function errorReply(error: PinganError, envelope: ErrorEnvelope): ProtocolResponse {
  return {
    status: error.status,
    headers: { 'content-type': 'application/json;charset=UTF-8' },
    body: JSON.stringify({ code: error.code, [envelope]: error.message, requestId: randomUUID() }),
  };
}
