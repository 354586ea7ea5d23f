// AWS KMS exception names → our stable error codes; the AWS name stays in `cloudCode`.
// AWS messages name keys and states, never the material, so they are kept.

import { ImportedKeyError, type ErrorCode } from '../../../core/errors';

const CODES: Readonly<Record<string, ErrorCode>> = {
  NotFoundException: 'KeyNotFound',
  KMSInvalidStateException: 'InvalidKeyState',
  ExpiredImportTokenException: 'ImportTokenRejected',
  InvalidImportTokenException: 'ImportTokenRejected',
  IncorrectKeyMaterialException: 'InvalidKeyMaterial',
  InvalidCiphertextException: 'ImportFailed',
  UnsupportedOperationException: 'InvalidArgument',
  ValidationException: 'InvalidArgument',
  InvalidArnException: 'InvalidArgument',
  AlreadyExistsException: 'InvalidArgument',
  TagException: 'InvalidArgument',
  // RotateKeyOnDemand: a rotation in progress (or due within 20 minutes); the 25 on-demand rotations of a key used up.
  ConflictException: 'RotationInProgress',
  LimitExceededException: 'RotationLimitExceeded',
};

export function awsErrorName(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null ? (error as { name?: string }).name : undefined;
}

/** "<operation> <key>: <AWS name>: <AWS message>" as an ImportedKeyError. */
export function mapAwsError(error: unknown, operation: string, keyId?: string, id?: string): ImportedKeyError {
  if (error instanceof ImportedKeyError) return error;
  const name = awsErrorName(error) ?? 'Error';
  const message = error instanceof Error ? error.message : String(error);
  const where = keyId ? `${operation} ${keyId}` : operation;
  const hint = /region/i.test(message) && /missing/i.test(message)
    ? ' (set the region argument, the stack config aws:region, or AWS_REGION)'
    : '';
  return new ImportedKeyError(CODES[name] ?? 'CloudError', `${where}: ${name}: ${message}${hint}`, {
    cause: error,
    // Only service replies carry $fault; network errors have no AWS code.
    cloudCode: (error as { $fault?: string }).$fault ? name : undefined,
    ...(id ? { id } : {}),
  });
}
