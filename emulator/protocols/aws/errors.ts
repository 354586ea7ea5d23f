// AWS KMS error shapes: HTTP status + `{"__type": "<ExceptionName>", "message": "..."}` (JSON 1.1),
// with the statuses of ../shared/docs/kms-apis.md, and the mapping of store failures to them.

import { randomUUID } from 'node:crypto';
import type { StoreErrorKind } from '../../store-errors';
import type { ProtocolResponse } from '../types';

const STATUS: Record<string, number> = {
  NotFoundException: 404,
  KMSInvalidStateException: 409,
  // The service model gives ConflictException HTTP 409 (a rotation in progress).
  ConflictException: 409,
  DependencyTimeoutException: 503,
  KMSInternalException: 500,
  RequestEntityTooLargeException: 413,
};

/** An error the AWS handler throws to answer with `type`; the status follows from the name. */
export class AwsError extends Error {
  constructor(readonly type: string, message: string) {
    super(message);
    this.name = type;
  }
}

export function awsErrorResponse(type: string, message: string): ProtocolResponse {
  return {
    status: STATUS[type] ?? 400,
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomUUID() },
    body: JSON.stringify({ __type: type, message }),
  };
}

export const STORE_ERROR_TYPES: Record<StoreErrorKind, string> = {
  NotFound: 'NotFoundException',
  AliasNotFound: 'NotFoundException',
  InvalidState: 'KMSInvalidStateException',
  Disabled: 'DisabledException',
  UnsupportedOperation: 'UnsupportedOperationException',
  InvalidImportToken: 'InvalidImportTokenException',
  ImportTokenForAnotherKey: 'InvalidImportTokenException',
  ExpiredImportToken: 'ExpiredImportTokenException',
  InvalidCiphertext: 'InvalidCiphertextException',
  InvalidMaterial: 'IncorrectKeyMaterialException',
  IncorrectKeyMaterial: 'IncorrectKeyMaterialException',
  InvalidExpiry: 'ValidationException',
  InvalidArgument: 'ValidationException',
  AlreadyExists: 'AlreadyExistsException',
  InvalidKeyUsage: 'InvalidKeyUsageException',
  IncorrectKey: 'IncorrectKeyException',
  InvalidMac: 'KMSInvalidMacException',
  Conflict: 'ConflictException',
  LimitExceeded: 'LimitExceededException',
};

/** AWS's wording for a missing field: "1 validation error detected: Value null at 'keyId' ...". */
export function missingField(field: string): AwsError {
  return new AwsError('ValidationException', `1 validation error detected: Value null at '${lowerFirst(field)}' failed to satisfy constraint: Member must not be null`);
}

export function invalidValue(field: string, shown: string, constraint: string): AwsError {
  return new AwsError('ValidationException', `1 validation error detected: Value '${shown}' at '${lowerFirst(field)}' failed to satisfy constraint: ${constraint}`);
}

export function lowerFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}
