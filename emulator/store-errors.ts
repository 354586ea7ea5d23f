// Cloud-neutral refusals of the key store. Each carries what a protocol needs to name it in its cloud's words
// without asking the store again or reading the message: a distinct `kind`, the key it concerns (`keyId`) and that
// key's state when the store refused (`keyState`), or the alias (`aliasName`). Each protocol maps a `kind` to its
// cloud's error name and HTTP status; messages name keys, fields and states, never material or tokens.

import type { StoredKeyState } from './store-types';

export type StoreErrorKind =
  /** No such key (in that cloud and namespace); `keyId` is the id asked for. */
  | 'NotFound'
  /** No such alias; `aliasName` is the name asked for. */
  | 'AliasNotFound'
  /** The key's state (`keyState`) does not allow the operation. */
  | 'InvalidState'
  /** The key is Disabled and the operation needs it Enabled (crypto operations). */
  | 'Disabled'
  /** The key does not take imported material (its origin). */
  | 'UnsupportedOperation'
  /** The import token is not one this store issued for this cloud and namespace. */
  | 'InvalidImportToken'
  /** The import token was issued for another key than `keyId`. */
  | 'ImportTokenForAnotherKey'
  /** The import token is past its validity. */
  | 'ExpiredImportToken'
  | 'InvalidCiphertext'
  | 'InvalidMaterial'
  | 'IncorrectKeyMaterial'
  | 'InvalidExpiry'
  | 'InvalidArgument'
  /** The alias `aliasName` exists already. */
  | 'AlreadyExists'
  | 'InvalidKeyUsage'
  | 'IncorrectKey'
  | 'InvalidMac'
  /** An on-demand rotation of the key is in progress (AWS ConflictException). */
  | 'Conflict'
  /** The key has had as many on-demand rotations as allowed (AWS LimitExceededException). */
  | 'LimitExceeded';

/** What a refusal concerns; fields are absent when they do not apply (an alias refusal has no key state). */
export interface StoreErrorSubject {
  /** The key refused (or asked for, when not found). */
  keyId?: string;
  /** The key's state when the store refused. */
  keyState?: StoredKeyState;
  /** The alias refused (or asked for, when not found). */
  aliasName?: string;
}

export class StoreError extends Error {
  readonly kind: StoreErrorKind;
  readonly keyId?: string;
  readonly keyState?: StoredKeyState;
  readonly aliasName?: string;

  constructor(kind: StoreErrorKind, message: string, subject: StoreErrorSubject = {}) {
    super(message);
    this.name = 'StoreError';
    this.kind = kind;
    if (subject.keyId !== undefined) this.keyId = subject.keyId;
    if (subject.keyState !== undefined) this.keyState = subject.keyState;
    if (subject.aliasName !== undefined) this.aliasName = subject.aliasName;
  }
}

export function isStoreError(error: unknown): error is StoreError {
  return error instanceof StoreError;
}
