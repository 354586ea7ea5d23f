// The failures of a PKCS#11 source, each an ImportedKeyError with a stable `reason`, a message that names the source
// (module, token, key) and what is wrong, and never the PIN: the PIN is only ever handed to C_Login.
import { ImportedKeyError, type ErrorCode } from '../../../core/errors';
import { ckrName } from './constants';

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

/** The CKR_* code of an error thrown by pkcs11js, or undefined for any other error. */
export function ckrOf(error: unknown): number | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = (error as { code?: unknown }).code;
  return error.name === 'Pkcs11Error' && typeof code === 'number' ? code : undefined;
}

/** `where: what` with the CKR name, for a PKCS#11 call that failed in a way no more specific failure covers. */
export function hsmCallFailed(where: string, step: string, error: unknown): HsmSourceError {
  const ckr = ckrOf(error);
  if (ckr !== undefined) return new HsmSourceError('HsmFailed', `${where}: ${step} failed: ${ckrName(ckr)}`, ckrName(ckr));
  // Not a PKCS#11 return value (a binding error): its message names no PIN (the PIN goes only to C_Login, whose errors are CKR_*).
  const detail = error instanceof Error ? error.message.split('\n')[0].slice(0, 200) : String(error).slice(0, 200);
  return new HsmSourceError('HsmFailed', `${where}: ${step} failed: ${detail}`);
}
