// Huawei Cloud KMS operations on the shared store: Huawei's fields in (wire.ts), Huawei's JSON out. Keys are kept
// per project id (any id works); the store enforces the key rules.
import { randomBytes } from 'node:crypto';
import { decryptWithMaterial, encryptWithMaterial, keyIdOfCiphertext } from '../../key-crypto';
import type { StoredKey } from '../../store';
import type { WrappingAlgorithm } from '../../../core/wrapping';
import { HuaweiError, invalid, invalidKeyId, missing, notFound } from './errors';
import {
  checkSequence, contextField, domainId, IMPORT_TOKEN, KEY_ALIAS, KEY_ID, keyInfo, optionalString, RSA_WRAPPED, SM2_WRAPPED, STATE_CODE,
  stringField, type Body,
} from './wire';
import type { ProtocolContext } from '../types';

/** The cloud's name, as users pass it as `cloud`: request counters `huaweicloud:<operation>`, fault targets. */
export const CLOUD = 'huaweicloud';
/** The emulator's earlier name for this cloud, still accepted everywhere a cloud is named and counted under too. */
export const OLD_CLOUD_NAME = 'huawei';
/** The store keeps this cloud's keys under its earlier name (key records, state files, consistency delays). */
export const STORE_CLOUD = OLD_CLOUD_NAME;
const KEY_SPECS = ['AES_256', 'SM4'];
const DESCRIPTION_MAX = 255;
const MAX_PLAINTEXT = 4096;

const WRAPPING: Record<string, { algorithm: WrappingAlgorithm; spec: 'RSA_2048' | 'SM2' }> = {
  RSAES_OAEP_SHA_256: { algorithm: 'RSAES_OAEP_SHA_256', spec: 'RSA_2048' },
  RSAES_OAEP_SHA_1: { algorithm: 'RSAES_OAEP_SHA_1', spec: 'RSA_2048' },
  RSAES_PKCS1_V1_5: { algorithm: 'RSAES_PKCS1_V1_5', spec: 'RSA_2048' },
  SM2_ENCRYPT: { algorithm: 'SM2PKE', spec: 'SM2' },
};

type Handler = (project: string, body: Body, context: ProtocolContext) => unknown;

export const OPERATIONS: Record<string, Handler> = {
  'create-key': createKey,
  // As a describe sees it: a change may still be on its way (emulator/consistency.ts).
  'describe-key': (project, body, { store }) => ({ key_info: keyInfo(getKey(project, body, store, true)) }),
  'list-keys': listKeys,
  'update-key-description': (project, body, { store }) => {
    const key = getKey(project, body, store);
    const description = body.key_description;
    if (description === undefined || description === null) throw missing('key_description');
    if (typeof description !== 'string' || description.length > DESCRIPTION_MAX) throw invalid('key_description', `0 to ${DESCRIPTION_MAX} characters`);
    // Huawei: a key scheduled for deletion (and a /default master key) takes no description change.
    if (key.state === 'PendingDeletion') throw new HuaweiError(400, 'KMS.0210', 'The key is in Scheduled deletion state and cannot be used.');
    const updated = store.updateDescription(ref(project, key.id), description);
    return { key_info: { key_id: updated.id, key_description: updated.description } };
  },
  'get-parameters-for-import': getParametersForImport,
  'import-key-material': importKeyMaterial,
  'delete-imported-key-material': (project, body, { store }) => {
    const key = getKey(project, body, store);
    // Huawei refuses to delete material a key does not hold (KMS.2701).
    if (key.state === 'PendingImport') throw new HuaweiError(400, 'KMS.2701', 'The key material cannot be deleted in the current key state.');
    store.deleteMaterial(ref(project, key.id));
    return {};
  },
  'schedule-key-deletion': (project, body, { store }) => {
    const key = getKey(project, body, store);
    const days = stringField(body, 'pending_days', /^\d{1,4}$/, 'a whole number of days from 7 to 1096');
    const n = Number(days);
    if (n < 7 || n > 1096) throw invalid('pending_days', 'a whole number of days from 7 to 1096');
    const updated = store.scheduleDeletion(ref(project, key.id), n);
    return { key_id: updated.id, key_state: STATE_CODE[updated.state] };
  },
  'cancel-key-deletion': (project, body, { store }) => {
    const updated = store.cancelDeletion(ref(project, getKey(project, body, store).id));
    return { key_id: updated.id, key_state: STATE_CODE[updated.state] };
  },
  'enable-key': (project, body, { store }) => {
    const updated = store.enableKey(ref(project, getKey(project, body, store).id));
    return { key_info: { key_id: updated.id, key_state: STATE_CODE[updated.state] } };
  },
  'disable-key': (project, body, { store }) => {
    const updated = store.disableKey(ref(project, getKey(project, body, store).id));
    return { key_info: { key_id: updated.id, key_state: STATE_CODE[updated.state] } };
  },
  'encrypt-data': encryptData,
  'decrypt-data': decryptData,
};

function createKey(project: string, body: Body, { store }: ProtocolContext): unknown {
  const alias = stringField(body, 'key_alias', KEY_ALIAS);
  if (/\/default$/.test(alias)) throw new HuaweiError(400, 'KMS.1101', 'Invalid key_alias: aliases ending in /default are reserved.');
  const keySpec = optionalString(body, 'key_spec') ?? 'AES_256';
  if (!KEY_SPECS.includes(keySpec)) throw invalid('key_spec', `one of ${KEY_SPECS.join(', ')}`);
  const keyUsage = optionalString(body, 'key_usage') ?? 'ENCRYPT_DECRYPT';
  if (keyUsage !== 'ENCRYPT_DECRYPT') throw invalid('key_usage', 'ENCRYPT_DECRYPT for symmetric keys');
  const origin = optionalString(body, 'origin') ?? 'kms';
  if (origin !== 'kms' && origin !== 'external') throw invalid('origin', 'kms or external');
  const description = optionalString(body, 'key_description') ?? '';
  if (description.length > DESCRIPTION_MAX) throw invalid('key_description', `at most ${DESCRIPTION_MAX} characters`);
  const key = store.createKey({
    cloud: STORE_CLOUD,
    namespace: project,
    origin,
    external: origin === 'external',
    keySpec,
    keyUsage,
    description,
    attributes: { key_alias: alias },
    generatedMaterial: origin === 'kms' ? randomBytes(keySpec === 'SM4' ? 16 : 32) : undefined,
  });
  return { key_info: { key_id: key.id, domain_id: domainId(project) } };
}

/**
 * Huawei's paging: `limit` (a string of digits; default 2000), `marker` (where the previous page stopped, as
 * `next_marker` said), optional `key_state` ("1".."5"); `truncated` is the string "true" or "false".
 */
function listKeys(project: string, body: Body, { store }: ProtocolContext): unknown {
  const limitText = body.limit === undefined || body.limit === null || body.limit === '' ? '2000' : body.limit;
  if (typeof limitText !== 'string' && typeof limitText !== 'number') throw invalid('limit', 'a whole number from 1');
  const limit = Number(limitText);
  if (!Number.isInteger(limit) || limit < 1) throw invalid('limit', 'a whole number from 1');
  const markerText = optionalString(body, 'marker') ?? '';
  if (markerText !== '' && !/^\d+$/.test(markerText)) throw invalid('marker', 'the next_marker of the previous page');
  const state = optionalString(body, 'key_state');
  if (state !== undefined && state !== '' && !Object.values(STATE_CODE).includes(state) && state !== '1') throw invalid('key_state', '1 to 5');
  const keys = store.listKeys(STORE_CLOUD, project).filter((k) => !state || STATE_CODE[k.state] === state);
  const start = markerText === '' ? 0 : Number(markerText);
  const page = keys.slice(start, start + limit);
  const truncated = start + limit < keys.length;
  return {
    keys: page.map((k) => k.id),
    key_details: page.map(keyInfo),
    next_marker: truncated ? String(start + limit) : '',
    truncated: String(truncated),
    total: keys.length,
  };
}

function getParametersForImport(project: string, body: Body, { store }: ProtocolContext): unknown {
  const key = getKey(project, body, store);
  const name = stringField(body, 'wrapping_algorithm', /^[A-Z0-9_]+$/);
  const wrapping = WRAPPING[name];
  if (!wrapping) throw invalid('wrapping_algorithm', `one of ${Object.keys(WRAPPING).join(', ')}`);
  checkSequence(body);
  const params = store.createImportParameters(ref(project, key.id), wrapping.algorithm, wrapping.spec);
  return {
    key_id: key.id,
    import_token: params.importToken.toString('base64'),
    expiration_time: Math.floor(params.validTo / 1000),
    public_key: params.publicKeyDer.toString('base64'),
  };
}

function importKeyMaterial(project: string, body: Body, { store }: ProtocolContext): unknown {
  const key = getKey(project, body, store);
  const token = stringField(body, 'import_token', IMPORT_TOKEN, 'base64, 200 to 6144 characters');
  const wrapped = stringField(body, 'encrypted_key_material', /^[0-9a-zA-Z+/=]+$/, 'base64');
  if (!RSA_WRAPPED.test(wrapped) && !SM2_WRAPPED.test(wrapped)) {
    throw invalid('encrypted_key_material', 'base64 of 344 to 360 characters (RSA-2048 wrapping) or 150 to 300 (SM2_ENCRYPT)');
  }
  checkSequence(body);
  let expiresAt: number | undefined;
  const raw = body.expiration_time;
  if (raw !== undefined && raw !== null && raw !== '') {
    // Huawei's docs say String, its SDKs and examples send a number: take both, in seconds.
    const seconds = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : NaN;
    if (!Number.isInteger(seconds) || seconds <= 0) throw invalid('expiration_time', 'a time in seconds since the epoch');
    expiresAt = seconds * 1000;
  }
  store.importMaterial(ref(project, key.id), {
    importToken: Buffer.from(token, 'base64'),
    encryptedKeyMaterial: Buffer.from(wrapped, 'base64'),
    expiresAt,
    reimport: 'pending-import-only', // KMS.0310: Huawei imports only into keys pending import
  });
  return {};
}

function encryptData(project: string, body: Body, context: ProtocolContext): unknown {
  const key = getKey(project, body, context.store);
  const plainText = stringField(body, 'plain_text', /^[\s\S]+$/, 'text');
  if (Buffer.byteLength(plainText) > MAX_PLAINTEXT) throw invalid('plain_text', `at most ${MAX_PLAINTEXT} bytes`);
  const encryptionContext = contextField(body);
  const { material } = context.store.materialForUse(ref(project, key.id));
  const blob = encryptWithMaterial(key.id, material, Buffer.from(plainText, 'utf8'), encryptionContext);
  return { key_id: key.id, cipher_text: blob.toString('base64') };
}

function decryptData(project: string, body: Body, context: ProtocolContext): unknown {
  const cipherText = stringField(body, 'cipher_text', /^[0-9a-zA-Z+/=]+$/, 'base64 returned by encrypt-data');
  const encryptionContext = contextField(body);
  const blob = Buffer.from(cipherText, 'base64');
  const keyId = keyIdOfCiphertext(blob);
  if (!keyId) throw invalid('cipher_text', 'base64 returned by encrypt-data');
  const key = context.store.findKey(STORE_CLOUD, project, keyId);
  if (!key) throw notFound();
  const { material } = context.store.materialForUse(ref(project, key.id));
  const plain = decryptWithMaterial(key.id, material, blob, encryptionContext);
  return { key_id: key.id, plain_text: plain.toString('utf8'), plain_text_base64: plain.toString('base64') };
}







function getKey(project: string, body: Body, store: ProtocolContext['store'], described = false): StoredKey {
  const keyId = body.key_id;
  if (keyId === undefined || keyId === null || keyId === '') throw missing('key_id');
  if (typeof keyId !== 'string' || !KEY_ID.test(keyId)) throw invalidKeyId();
  const key = described ? store.describeKey(STORE_CLOUD, project, keyId) : store.findKey(STORE_CLOUD, project, keyId);
  if (!key) throw notFound();
  return key;
}

function ref(project: string, keyId: string) {
  return { cloud: STORE_CLOUD, namespace: project, keyId };
}
