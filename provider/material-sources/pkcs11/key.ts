// The source's secret key in the token, found by CKA_LABEL or CKA_ID, and checked to be wrappable: CKA_EXTRACTABLE
// true (it may well be CKA_SENSITIVE: its value is never read), and not CKA_WRAP_WITH_TRUSTED (a session copy of a
// cloud's public key cannot be a trusted wrapping key).
import * as pkcs11js from 'pkcs11js';
import { hsmCallFailed } from './call-errors';
import { HsmSourceError } from './errors';
import type { HsmSession } from './session';

export interface HsmKey {
  handle: pkcs11js.Handle;
  keyType: number;
  /** CKA_VALUE_LEN: bytes of material (readable for a sensitive key too; 32 when the token does not say). */
  valueLength: number;
}

function attribute(hsm: HsmSession, key: pkcs11js.Handle, type: number): Buffer | undefined {
  try {
    const [result] = hsm.pkcs11.C_GetAttributeValue(hsm.session, key, [{ type }]);
    return result.value;
  } catch {
    return undefined; // not an attribute of this key (CKR_ATTRIBUTE_TYPE_INVALID) or not readable
  }
}

function ulong(value: Buffer | undefined): number | undefined {
  if (value === undefined || value.length === 0) return undefined;
  let n = 0;
  for (let i = value.length - 1; i >= 0; i--) n = n * 256 + value[i];
  return n;
}

const bool = (value: Buffer | undefined): boolean | undefined => (value === undefined || value.length === 0 ? undefined : value[0] !== 0);

export function findKey(hsm: HsmSession): pkcs11js.Handle {
  const ref = hsm.source.key;
  const template: pkcs11js.Template = [
    { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
    'label' in ref ? { type: pkcs11js.CKA_LABEL, value: ref.label } : { type: pkcs11js.CKA_ID, value: Buffer.from(ref.id, 'hex') },
  ];
  let found: pkcs11js.Handle[];
  try {
    hsm.pkcs11.C_FindObjectsInit(hsm.session, template);
    try {
      found = hsm.pkcs11.C_FindObjects(hsm.session, 2);
    } finally {
      hsm.pkcs11.C_FindObjectsFinal(hsm.session);
    }
  } catch (error) {
    throw hsmCallFailed(hsm.where, 'looking the key up (C_FindObjects)', error);
  }
  if (found.length === 0) throw new HsmSourceError('KeyNotFound', `${hsm.where}: no secret key with that ${'label' in ref ? 'label' : 'id'} in the token (as seen by its user)`);
  if (found.length > 1) throw new HsmSourceError('KeyAmbiguous', `${hsm.where}: more than one secret key has that ${'label' in ref ? 'label' : 'id'}; name the key by a unique label or id`);
  return found[0];
}

/** The key, checked to be wrappable. */
export function findWrappableKey(hsm: HsmSession): HsmKey {
  const handle = findKey(hsm);
  if (bool(attribute(hsm, handle, pkcs11js.CKA_EXTRACTABLE)) !== true) {
    throw new HsmSourceError('KeyNotWrappable', `${hsm.where}: the key is not extractable (CKA_EXTRACTABLE false), so the HSM will not wrap it; it must be wrappable (it need not be extractable in plain: CKA_SENSITIVE true is fine)`, 'CKR_KEY_UNEXTRACTABLE');
  }
  if (bool(attribute(hsm, handle, pkcs11js.CKA_WRAP_WITH_TRUSTED)) === true) {
    throw new HsmSourceError('KeyNotWrappable', `${hsm.where}: the key may only be wrapped by a trusted key (CKA_WRAP_WITH_TRUSTED true), and the cloud's public key is not one`, 'CKR_KEY_NOT_WRAPPABLE');
  }
  return {
    handle,
    keyType: ulong(attribute(hsm, handle, pkcs11js.CKA_KEY_TYPE)) ?? -1,
    valueLength: ulong(attribute(hsm, handle, pkcs11js.CKA_VALUE_LEN)) || 32,
  };
}

/** CKA_VALUE_LEN of the source's key (32 when the token does not say). */
export function keyLength(hsm: HsmSession): number {
  return ulong(attribute(hsm, findKey(hsm), pkcs11js.CKA_VALUE_LEN)) || 32;
}
