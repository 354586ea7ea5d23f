// The failures of a PKCS#11 source, each an ImportedKeyError with a stable `reason`, a message that names the source
// (module, token, key) and what is wrong, and never the PIN: the PIN is only ever handed to C_Login.
// Loads no binding: the provider can match these without pkcs11js being built.
import { ImportedKeyError, type ErrorCode } from '../../../core/errors';

export type HsmFailure =
  | 'ModuleNotFound'
  | 'ModuleLoadFailed'
  | 'PinUnset'
  | 'PinIncorrect'
  | 'PinLocked'
  | 'TokenNotFound'
  | 'TokenAmbiguous'
  | 'KeyNotFound'
  | 'KeyAmbiguous'
  | 'KeyNotWrappable'
  | 'MechanismMissing'
  | 'PublicKeyRefused'
  | 'HsmFailed';

/** The project-wide code each failure travels under (a refusal, never CloudError: retrying would not cure it). */
const CODES: Record<HsmFailure, ErrorCode> = {
  ModuleNotFound: 'InvalidArgument',
  ModuleLoadFailed: 'InvalidArgument',
  PinUnset: 'InvalidArgument',
  PinIncorrect: 'InvalidArgument',
  PinLocked: 'InvalidArgument',
  TokenNotFound: 'InvalidArgument',
  TokenAmbiguous: 'InvalidArgument',
  KeyNotFound: 'InvalidArgument',
  KeyAmbiguous: 'InvalidArgument',
  KeyNotWrappable: 'InvalidKeyMaterial',
  MechanismMissing: 'UnsupportedAlgorithm',
  PublicKeyRefused: 'InvalidPublicKey',
  HsmFailed: 'ImportFailed',
};

export class HsmSourceError extends ImportedKeyError {
  readonly reason: HsmFailure;
  /** The PKCS#11 return value (CKR_*) behind the failure, when there was one. */
  readonly ckr?: string;

  constructor(reason: HsmFailure, message: string, ckr?: string) {
    super(CODES[reason], message);
    this.name = 'HsmSourceError';
    this.reason = reason;
    if (ckr !== undefined) this.ckr = ckr;
  }
}
