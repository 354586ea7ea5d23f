// A failed PKCS#11 call as an HsmSourceError: the CKR_* name, the source and the step; never an argument.
import { ckrName } from './constants';
import { HsmSourceError } from './errors';

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
