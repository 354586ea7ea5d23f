// Huawei KMS error replies: `{"error": {"error_code": "KMS.xxxx", "error_msg": "..."}}` from KMS, the flat
// `{"error_code", "error_msg"}` from the API gateway in front of it (authentication, throttling).
import { StoreError } from '../../store-errors';
import type { StoredKeyState } from '../../store';
import type { ProtocolResponse } from '../types';

export class HuaweiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly gateway = false) {
    super(message);
  }
}

export function errorReply(error: HuaweiError): ProtocolResponse {
  const detail = { error_code: error.code, error_msg: error.message };
  return {
    status: error.status,
    headers: { 'content-type': 'application/json;charset=UTF-8' },
    body: JSON.stringify(error.gateway ? detail : { error: detail }),
  };
}

export const missing = (field: string) => new HuaweiError(400, 'KMS.0204', `Parameters missing in the request message: ${field}.`);
// Huawei publishes no single "invalid value" code; the emulator answers KMS.0204 naming the field and what is allowed.
export const invalid = (field: string, allowed: string) => new HuaweiError(400, 'KMS.0204', `Invalid parameter ${field}: ${allowed}.`);
export const invalidKeyId = () => new HuaweiError(400, 'KMS.0205', 'Invalid key ID.');
export const notFound = () => new HuaweiError(404, 'KMS.0207', 'The key does not exist.');

const STATE_ERRORS: Partial<Record<StoredKeyState, () => HuaweiError>> = {
  Disabled: () => new HuaweiError(400, 'KMS.0209', 'The key has been disabled.'),
  PendingDeletion: () => new HuaweiError(400, 'KMS.0210', 'The key is in Scheduled deletion state and cannot be used.'),
};

/**
 * The store's cloud-neutral refusals, in Huawei's words; `state` is the state of the key the request named (key_id)
 * when the store refused, undefined when the request names no key (decrypt-data).
 */
export function fromStoreError(error: StoreError, operation: string, state: StoredKeyState | undefined): HuaweiError {
  switch (error.kind) {
    case 'NotFound':
      return notFound();
    case 'Disabled':
      return STATE_ERRORS.Disabled!();
    case 'InvalidState': {
      if (state && STATE_ERRORS[state]) return STATE_ERRORS[state]!();
      if (operation === 'import-key-material') {
        return new HuaweiError(400, 'KMS.0310', 'The key is not in Pending import state. Delete the imported key material first.');
      }
      // Emulator choice (no published code): enabling/disabling or using a key that is pending import.
      return new HuaweiError(400, 'KMS.0304', `The key state does not allow ${operation}.`);
    }
    case 'UnsupportedOperation':
      return new HuaweiError(400, 'KMS.0309', 'The key is not an external key (origin must be external).');
    case 'ImportTokenForAnotherKey':
      return new HuaweiError(400, 'KMS.2603', 'The import token does not belong to this key.');
    case 'InvalidImportToken':
      return new HuaweiError(400, 'KMS.2605', 'Import token verification failed.');
    case 'ExpiredImportToken':
      return new HuaweiError(400, 'KMS.2601', 'The import token has expired.');
    case 'InvalidCiphertext':
      if (operation === 'decrypt-data') return invalid('cipher_text', 'a ciphertext of this key, with the same encryption_context');
      return new HuaweiError(400, 'KMS.2605', 'The encrypted key material could not be verified with this import token.');
    case 'InvalidMaterial':
      return new HuaweiError(400, 'KMS.2604', 'The key material must be 32 bytes (AES_256) or 16 bytes (SM4).');
    case 'IncorrectKeyMaterial':
      return new HuaweiError(400, 'KMS.2606', 'A reimport must use the key material imported before.');
    case 'InvalidExpiry':
      return new HuaweiError(400, 'KMS.2602', 'The expiration time must be later than the current time.');
    default:
      return new HuaweiError(400, 'KMS.0204', error.message);
  }
}
