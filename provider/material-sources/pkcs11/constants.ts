// PKCS#11 numbers pkcs11js does not name (PKCS#11 3.0), and CKR_* names for messages.
import * as pkcs11js from 'pkcs11js';

/** PKCS#11 3.0: AES key wrap with padding as RFC 5649 (KWP). */
export const CKM_AES_KEY_WRAP_KWP = 0x0000210b;
/** PKCS#11 2.40: RSA-AES key wrap (OAEP of an AES key, then KWP); needs CK_RSA_AES_KEY_WRAP_PARAMS, which pkcs11js cannot pass. */
export const CKM_RSA_AES_KEY_WRAP = 0x00001054;
/** CK_RSA_PKCS_OAEP_PARAMS.source: the encoding parameter (label) is given, here empty. */
export const CKZ_DATA_SPECIFIED = 0x00000001;

const NAMES = new Map<number, string>();
for (const [name, value] of Object.entries(pkcs11js)) if (name.startsWith('CKR_') && typeof value === 'number') NAMES.set(value, name);

/** "CKR_PIN_INCORRECT" for 0xa0; "CKR 0x…" for a number pkcs11js does not name. */
export function ckrName(code: number): string {
  return NAMES.get(code) ?? `CKR 0x${code.toString(16)}`;
}

const MECHANISM_NAMES = new Map<number, string>([
  [CKM_AES_KEY_WRAP_KWP, 'CKM_AES_KEY_WRAP_KWP'],
  [CKM_RSA_AES_KEY_WRAP, 'CKM_RSA_AES_KEY_WRAP'],
]);
for (const [name, value] of Object.entries(pkcs11js)) if (name.startsWith('CKM_') && typeof value === 'number' && !MECHANISM_NAMES.has(value)) MECHANISM_NAMES.set(value, name);

export function mechanismName(mechanism: number): string {
  return MECHANISM_NAMES.get(mechanism) ?? `CKM 0x${mechanism.toString(16)}`;
}
