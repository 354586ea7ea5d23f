// Alibaba Cloud KMS error replies: the JSON shape {RequestId, HostId, Code, Message} with Alibaba's
// codes and HTTP statuses, and the translation of the shared store's failures into them.
// Codes of the gateway and of KMS are Alibaba's published ones; the import-specific ones are not
// published, so they are InvalidParameter.<Field> variants whose message says precisely what failed.

import { randomUUID } from 'node:crypto';
import type { ProtocolResponse } from '../types';
import { render, type ReplyFormat } from './wire-reply';
import type { StoreError } from '../../store-errors';

export class AlibabaError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
    this.name = 'AlibabaError';
  }
}

export const alibabaErrors = {
  missingParameter: (name: string) =>
    new AlibabaError(400, 'MissingParameter', `The input parameter "${name}" that is mandatory for processing this request is not supplied.`),
  invalidParameter: (name: string, detail: string) => new AlibabaError(400, 'InvalidParameter', `The parameter "${name}" is invalid: ${detail}`),
  missingTimestamp: () =>
    new AlibabaError(400, 'IllegalTimestamp', 'The input parameter "Timestamp" that is mandatory for processing this request is not supplied.'),
  badTimestamp: () =>
    new AlibabaError(400, 'IllegalTimestamp', 'The input parameter "Timestamp" is not in the format yyyy-MM-ddTHH:mm:ssZ (UTC).'),
  expiredTimestamp: () => new AlibabaError(400, 'InvalidTimeStamp.Expired', 'Specified time stamp or date value is expired.'),
  nonceUsed: () => new AlibabaError(400, 'SignatureNonceUsed', 'Specified signature nonce was used already.'),
  unknownAccessKey: () => new AlibabaError(404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.'),
  // Alibaba echoes its string-to-sign here; the emulator does not, as it can hold Encrypt's Plaintext.
  signatureMismatch: () => new AlibabaError(400, 'SignatureDoesNotMatch', 'Specified signature is not matched with our calculation.'),
  badSignatureMethod: () =>
    new AlibabaError(400, 'InvalidParameter', 'The parameter "SignatureMethod" is invalid: only HMAC-SHA1 (SignatureVersion 1.0) is supported.'),
  unknownAction: (action: string) =>
    new AlibabaError(404, 'InvalidApi.NotFound', `Specified api is not found, please check your url and method. (Action "${action}")`),
  keyNotFound: (keyId: string) => new AlibabaError(404, 'Forbidden.KeyNotFound', `The specified Key is not found. (KeyId "${keyId}")`),
  aliasNotFound: (alias: string) => new AlibabaError(404, 'Forbidden.AliasNotFound', `The specified Alias is not found. (AliasName "${alias}")`),
  throttling: () => new AlibabaError(400, 'Throttling.User', 'Request was denied due to user flow control.'),
  internal: () => new AlibabaError(500, 'InternalFailure', 'Internal Failure.'),
  unavailable: () => new AlibabaError(503, 'ServiceUnavailableTemporary', 'Service Unavailable Temporary.'),
  tooLarge: () => new AlibabaError(400, 'InvalidParameter', 'The request body is larger than the server accepts.'),
};

/**
 * The store's neutral failure in Alibaba's words. `keyId`: the key the request named (for Forbidden.KeyNotFound);
 * `state`: that key's state when the store refused (which Rejected.<State>), undefined when the request named no key.
 */
export function fromStoreError(error: StoreError, keyId: string, state: string | undefined): AlibabaError {
  switch (error.kind) {
    case 'NotFound':
      return alibabaErrors.keyNotFound(keyId);
    case 'AliasNotFound':
      return alibabaErrors.aliasNotFound(error.aliasName ?? '');
    case 'InvalidState':
    case 'Disabled': {
      const rejected = error.kind === 'Disabled' ? 'Disabled' : state;
      return new AlibabaError(409, rejected ? `Rejected.${rejected}` : 'Rejected.UnsupportedOperation', `The request is rejected: ${error.message}.`);
    }
    case 'UnsupportedOperation':
      return new AlibabaError(400, 'UnsupportedOperation', error.message);
    case 'InvalidImportToken':
    case 'ImportTokenForAnotherKey':
      return new AlibabaError(400, 'InvalidParameter.ImportToken', error.message);
    case 'ExpiredImportToken':
      return new AlibabaError(400, 'InvalidParameter.ImportTokenExpired', `${error.message}; call GetParametersForImport again`);
    case 'InvalidCiphertext':
      return new AlibabaError(400, 'InvalidParameter.EncryptedKeyMaterial', error.message);
    case 'InvalidMaterial':
      return new AlibabaError(400, 'InvalidParameter.KeyMaterial', error.message);
    case 'IncorrectKeyMaterial':
      return new AlibabaError(400, 'InvalidParameter.KeyMaterialMismatch', error.message);
    case 'InvalidExpiry':
      return new AlibabaError(400, 'InvalidParameter.KeyMaterialExpireUnix', error.message);
    case 'AlreadyExists':
      return new AlibabaError(409, 'EntityAlreadyExists.Alias', error.message);
    case 'IncorrectKey':
    case 'InvalidMac':
    case 'InvalidKeyUsage':
      return new AlibabaError(400, 'InvalidCiphertext', 'The ciphertext is invalid or was not produced by this key and encryption context.');
    default:
      return new AlibabaError(400, 'InvalidParameter', error.message);
  }
}

export function errorReply(error: AlibabaError, host: string, format: ReplyFormat = 'JSON'): ProtocolResponse {
  return render(error.status, { RequestId: randomUUID().toUpperCase(), HostId: host, Code: error.code, Message: error.message }, format, 'Error');
}
