// One error base class for the whole project. Every error has a stable `code` that callers and
// tests can match on, and an optional `cause`. By construction no error here carries key material:
// messages name fields and allowed values, never the bytes a user passed.

export type ErrorCode =
  | 'UnsupportedAlgorithm'
  | 'InvalidPublicKey'
  | 'InvalidKeyMaterial'
  | 'InvalidEncoding'
  | 'MaterialTooLong'
  | 'UnwrapFailed'
  | 'InvalidArgument'
  | 'CloudError'
  | 'KeyNotFound'
  | 'InvalidKeyState'
  | 'ImportFailed'
  /** The cloud refused the import token (expired, of another key, unverifiable): the lifecycle retries once with fresh parameters. */
  | 'ImportTokenRejected'
  /** A rotation of the key's material is in progress (AWS ConflictException): waited out. */
  | 'RotationInProgress'
  /** The key has had as many on-demand rotations as the cloud allows (AWS LimitExceededException). */
  | 'RotationLimitExceeded';

export class ImportedKeyError extends Error {
  readonly code: ErrorCode;
  /** The cloud's own error code (e.g. `IncorrectKeyMaterialException`, `Rejected.PendingImport`, `KMS.0310`), when there is one. */
  readonly cloudCode?: string;
  /** Set on a create that made a key but could not finish: lets the engine record a partly created resource. */
  readonly id?: string;
  /** With `id`: what the cloud has of that key now (never more), for the engine to record. */
  readonly outputs?: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; cloudCode?: string; id?: string; outputs?: Record<string, unknown> } = {}) {
    super(message);
    this.name = 'ImportedKeyError';
    this.code = code;
    if (options.cause !== undefined) (this as { cause?: unknown }).cause = options.cause;
    if (options.cloudCode !== undefined) this.cloudCode = options.cloudCode;
    if (options.id !== undefined) this.id = options.id;
    if (options.outputs !== undefined) this.outputs = options.outputs;
  }
}

/** States a precondition once: throws an `InvalidArgument` error with `message` when `condition` is false. */
export function needs(condition: unknown, message: string, code: ErrorCode = 'InvalidArgument'): asserts condition {
  if (!condition) throw new ImportedKeyError(code, message);
}
