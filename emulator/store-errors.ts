// Cloud-neutral failures of the key store. Each protocol maps a `kind` to its cloud's error name and
// HTTP status; messages name keys, fields and states, never material or tokens.

export type StoreErrorKind =
  | 'NotFound'
  | 'InvalidState'
  | 'Disabled'
  | 'UnsupportedOperation'
  | 'InvalidImportToken'
  | 'ExpiredImportToken'
  | 'InvalidCiphertext'
  | 'InvalidMaterial'
  | 'IncorrectKeyMaterial'
  | 'InvalidExpiry'
  | 'InvalidArgument'
  | 'AlreadyExists'
  | 'InvalidKeyUsage'
  | 'IncorrectKey'
  | 'InvalidMac';

export class StoreError extends Error {
  readonly kind: StoreErrorKind;

  constructor(kind: StoreErrorKind, message: string) {
    super(message);
    this.name = 'StoreError';
    this.kind = kind;
  }
}

export function isStoreError(error: unknown): error is StoreError {
  return error instanceof StoreError;
}
