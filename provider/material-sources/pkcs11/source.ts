// The description of a key held in a PKCS#11 token: which module, which token, which key, and the name of the
// environment variable that holds the user PIN (never the PIN itself). Checked offline; described for messages.
import { ImportedKeyError } from '../../../core/errors';

export type TokenRef = { label: string } | { slot: number };
export type KeyRef = { label: string } | { id: string };

export interface Pkcs11Source {
  /** Path of the PKCS#11 library (e.g. /usr/lib/softhsm/libsofthsm2.so). */
  module: string;
  /** The token, by its label or by its slot id. */
  token: TokenRef;
  /** The secret key, by its CKA_LABEL or its CKA_ID (hexadecimal). */
  key: KeyRef;
  /** Name of the environment variable holding the user PIN. */
  pinEnv: string;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

type Fail = (field: string, what: string) => never;

/** Throws InvalidArgument naming `<argument>.pkcs11.<field>` (keyMaterialSource, or previousKeyMaterials[i]). */
function failer(argument: string): Fail {
  return (field, what) => {
    throw new ImportedKeyError('InvalidArgument', `${argument}.pkcs11${field ? `.${field}` : ''} ${what}`);
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function oneOf(fail: Fail, value: unknown, field: string, names: readonly string[]): string {
  if (!isRecord(value)) fail(field, `must be an object with one of ${names.join(' or ')}`);
  const given = names.filter((name) => value[name] !== undefined);
  const unknown = Object.keys(value).filter((name) => !names.includes(name));
  if (unknown.length > 0) fail(field, `has unknown field(s) ${unknown.map((n) => JSON.stringify(n.slice(0, 40))).join(', ')}; allowed: ${names.join(', ')}`);
  if (given.length !== 1) fail(field, `must have exactly one of ${names.join(' or ')}`);
  return given[0];
}

/** Checks a source as a program gave it (every rule knowable without the HSM); each failure names its argument and field. */
export function checkPkcs11Source(raw: unknown, argument = 'keyMaterialSource'): Pkcs11Source {
  const fail: Fail = failer(argument);
  if (!isRecord(raw)) fail('', 'must be an object { module, token, key, pinEnv }'.trimStart());
  const unknown = Object.keys(raw).filter((name) => !['module', 'token', 'key', 'pinEnv'].includes(name));
  if (unknown.length > 0) fail('', `has unknown field(s) ${unknown.map((n) => JSON.stringify(n.slice(0, 40))).join(', ')}; allowed: module, token, key, pinEnv`);
  const { module, token, key, pinEnv } = raw;
  if (typeof module !== 'string' || module.length === 0) fail('module', 'must be the path of a PKCS#11 library');
  if (typeof pinEnv !== 'string' || !ENV_NAME.test(pinEnv)) fail('pinEnv', 'must be the NAME of an environment variable holding the PIN (letters, digits, _), not the PIN');
  let tokenRef: TokenRef;
  if (oneOf(fail, token, 'token', ['label', 'slot']) === 'label') {
    const label = (token as { label: unknown }).label;
    if (typeof label !== 'string' || label.length === 0 || Buffer.byteLength(label) > 32) fail('token.label', 'must be a token label of 1 to 32 bytes');
    tokenRef = { label };
  } else {
    const slot = (token as { slot: unknown }).slot;
    if (typeof slot !== 'number' || !Number.isSafeInteger(slot) || slot < 0) fail('token.slot', 'must be a slot id (a whole number, 0 or more)');
    tokenRef = { slot };
  }
  let keyRef: KeyRef;
  if (oneOf(fail, key, 'key', ['label', 'id']) === 'label') {
    const label = (key as { label: unknown }).label;
    if (typeof label !== 'string' || label.length === 0) fail('key.label', 'must be a non-empty key label');
    keyRef = { label };
  } else {
    const id = (key as { id: unknown }).id;
    if (typeof id !== 'string' || !/^([0-9a-fA-F]{2})+$/.test(id)) fail('key.id', 'must be the key id (CKA_ID) in hexadecimal, an even number of digits');
    keyRef = { id: id.toLowerCase() };
  }
  return { module, token: tokenRef, key: keyRef, pinEnv };
}

export function describeToken(token: TokenRef): string {
  return 'label' in token ? `token ${JSON.stringify(token.label)}` : `token in slot ${token.slot}`;
}

export function describeKey(key: KeyRef): string {
  return 'label' in key ? `key ${JSON.stringify(key.label)}` : `key with id ${key.id}`;
}

/** "PKCS#11 module /path, token "label", key "label"": the source as every message names it (no PIN, ever). */
export function describeSource(source: Pkcs11Source, parts: { token?: boolean; key?: boolean } = {}): string {
  const named = [`PKCS#11 module ${source.module}`];
  if (parts.token !== false) named.push(describeToken(source.token));
  if (parts.key !== false) named.push(describeKey(source.key));
  return named.join(', ');
}
