// One logged-in session on the source's token, for the length of one synchronous job: load the module, find the
// token (label or slot), open a session, log in as user with the PIN from the named environment variable, run the
// job, then log out, close, finalize and unload in `finally`. The whole job is synchronous so two jobs of one
// process never share (nor finalize under each other) a module the process loads once.
import * as fs from 'node:fs';
import * as pkcs11js from 'pkcs11js';
import { ckrName } from './constants';
import { ckrOf, hsmCallFailed } from './call-errors';
import { HsmSourceError } from './errors';
import { describeSource, type Pkcs11Source } from './source';

export interface HsmSession {
  readonly pkcs11: pkcs11js.PKCS11;
  readonly slot: pkcs11js.Handle;
  readonly session: pkcs11js.Handle;
  readonly source: Pkcs11Source;
  /** "PKCS#11 module …, token …, key …" for messages. */
  readonly where: string;
}

/** A slot handle (CK_SLOT_ID, native-endian CK_ULONG) as a number. */
export function slotNumber(slot: pkcs11js.Handle): number {
  let value = 0;
  for (let i = slot.length - 1; i >= 0; i--) value = value * 256 + slot[i];
  return value;
}

/** Token labels are 32 bytes padded with blanks. */
function tokenLabel(pkcs11: pkcs11js.PKCS11, slot: pkcs11js.Handle): string {
  return pkcs11.C_GetTokenInfo(slot).label.replace(/[\s\0]+$/, '');
}

function readPin(source: Pkcs11Source, where: string): string {
  const pin = process.env[source.pinEnv];
  if (pin === undefined || pin === '') {
    throw new HsmSourceError('PinUnset', `${where}: the PIN variable ${source.pinEnv} is ${pin === undefined ? 'not set' : 'empty'} in the provider's environment`);
  }
  return pin;
}

function findSlot(pkcs11: pkcs11js.PKCS11, source: Pkcs11Source): pkcs11js.Handle {
  const where = describeSource(source, { key: false });
  let slots: pkcs11js.Handle[];
  try {
    slots = pkcs11.C_GetSlotList(true);
  } catch (error) {
    throw hsmCallFailed(where, 'C_GetSlotList', error);
  }
  const token = source.token;
  if ('slot' in token) {
    const slot = slots.find((s) => slotNumber(s) === token.slot);
    if (slot) return slot;
    const present = slots.map(slotNumber).join(', ') || 'none';
    throw new HsmSourceError('TokenNotFound', `${where}: no token present in slot ${token.slot} (slots with a token: ${present})`, 'CKR_TOKEN_NOT_PRESENT');
  }
  const labels = slots.map((slot) => {
    try {
      return tokenLabel(pkcs11, slot);
    } catch {
      return undefined; // a slot whose token went away meanwhile
    }
  });
  const matching = slots.filter((_, i) => labels[i] === token.label);
  if (matching.length === 1) return matching[0];
  if (matching.length > 1) {
    throw new HsmSourceError('TokenAmbiguous', `${where}: ${matching.length} tokens have that label (slots ${matching.map(slotNumber).join(', ')}); name the token by slot`);
  }
  const known = labels.filter((l): l is string => l !== undefined && l !== '').map((l) => JSON.stringify(l));
  throw new HsmSourceError('TokenNotFound', `${where}: no token with that label (tokens present: ${known.join(', ') || 'none'})`, 'CKR_TOKEN_NOT_PRESENT');
}

function login(pkcs11: pkcs11js.PKCS11, session: pkcs11js.Handle, pin: string, source: Pkcs11Source): void {
  const where = describeSource(source, { key: false });
  try {
    pkcs11.C_Login(session, pkcs11js.CKU_USER, pin);
  } catch (error) {
    const ckr = ckrOf(error);
    if (ckr === pkcs11js.CKR_USER_ALREADY_LOGGED_IN) return;
    if (ckr === pkcs11js.CKR_PIN_INCORRECT || ckr === pkcs11js.CKR_PIN_INVALID || ckr === pkcs11js.CKR_PIN_LEN_RANGE) {
      throw new HsmSourceError('PinIncorrect', `${where}: the token refused the PIN from ${source.pinEnv} (${ckrName(ckr)})`, ckrName(ckr));
    }
    if (ckr === pkcs11js.CKR_PIN_LOCKED || ckr === pkcs11js.CKR_PIN_EXPIRED || ckr === pkcs11js.CKR_USER_PIN_NOT_INITIALIZED) {
      throw new HsmSourceError('PinLocked', `${where}: the token's user PIN cannot be used (${ckrName(ckr)}); ask the token's security officer`, ckrName(ckr));
    }
    // Only the return value is named: nothing the binding said about its arguments (the PIN among them).
    throw new HsmSourceError('HsmFailed', `${where}: C_Login failed: ${ckr === undefined ? 'the binding refused the call' : ckrName(ckr)}`, ckr === undefined ? undefined : ckrName(ckr));
  }
}

function quietly(step: () => void): void {
  try {
    step();
  } catch {
    // closing down after the job: the job's own outcome is what the caller needs
  }
}

/** Runs `job` in a logged-in session on the source's token and closes everything after it, whatever happens. */
export function withHsmSession<T>(source: Pkcs11Source, job: (hsm: HsmSession) => T): T {
  const where = describeSource(source);
  if (!fs.existsSync(source.module)) {
    throw new HsmSourceError('ModuleNotFound', `${describeSource(source, { token: false, key: false })}: no such file (install the HSM's PKCS#11 library or correct the path)`);
  }
  const pin = readPin(source, where);
  const pkcs11 = new pkcs11js.PKCS11();
  try {
    pkcs11.load(source.module);
  } catch (error) {
    const detail = error instanceof Error ? error.message.split('\n')[0].slice(0, 200) : String(error).slice(0, 200);
    throw new HsmSourceError('ModuleLoadFailed', `${describeSource(source, { token: false, key: false })}: not a loadable PKCS#11 library (${detail})`);
  }
  let initializedHere = false;
  let session: pkcs11js.Handle | undefined;
  let loggedIn = false;
  try {
    try {
      pkcs11.C_Initialize();
      initializedHere = true;
    } catch (error) {
      if (ckrOf(error) !== pkcs11js.CKR_CRYPTOKI_ALREADY_INITIALIZED) throw hsmCallFailed(describeSource(source, { token: false, key: false }), 'C_Initialize', error);
    }
    const slot = findSlot(pkcs11, source);
    try {
      session = pkcs11.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION);
    } catch (error) {
      throw hsmCallFailed(describeSource(source, { key: false }), 'C_OpenSession', error);
    }
    login(pkcs11, session, pin, source);
    loggedIn = true;
    return job({ pkcs11, slot, session, source, where });
  } finally {
    const open = session;
    if (open !== undefined) {
      if (loggedIn) quietly(() => pkcs11.C_Logout(open));
      quietly(() => pkcs11.C_CloseSession(open)); // destroys the session objects made in it, too
    }
    if (initializedHere) quietly(() => pkcs11.C_Finalize());
    quietly(() => pkcs11.close());
  }
}
