// Huawei Cloud KMS (v1.0) on the emulator: POST /v1.0/{project_id}/kms/<operation> with a JSON body, signed with
// SDK-HMAC-SHA256. Keys are kept per project id (any id works). The shared store enforces the key rules; this
// module translates the wire format: snake_case fields and their patterns, states "1".."5", times as strings of
// milliseconds, `{}` on success, Huawei's error codes.
import { createHash, randomBytes } from 'node:crypto';
import { decryptWithMaterial, encryptWithMaterial, keyIdOfCiphertext } from '../key-crypto';
import { isStoreError } from '../store-errors';
import type { StoredKey } from '../store';
import type { WrappingAlgorithm } from '../../core/wrapping';
import { signatureProblem } from './huawei-auth';
import { errorReply, fromStoreError, HuaweiError, invalid, invalidKeyId, missing, notFound } from './huawei-errors';
import type { Protocol, ProtocolContext, ProtocolRequest, ProtocolResponse, ServerErrorKind } from './types';

const CLOUD = 'huawei';
const PATH = /^\/v1\.0\/([^/]+)\/kms\/([a-z-]+)\/?$/;
const KEY_ID = /^[0-9a-z]{8}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{12}$/;
const KEY_ALIAS = /^[a-zA-Z0-9:/_-]{1,255}$/;
const IMPORT_TOKEN = /^[0-9a-zA-Z+/=]{200,6144}$/;
/** Huawei's published pattern, for RSA-2048 wrapping (256 bytes). */
const RSA_WRAPPED = /^[0-9a-zA-Z+/=]{344,360}$/;
/** SM2_ENCRYPT ciphertexts of 16-32 bytes are shorter; Huawei publishes no pattern for them, this range is ours. */
const SM2_WRAPPED = /^[0-9a-zA-Z+/=]{150,300}$/;
const KEY_SPECS = ['AES_256', 'SM4'];
const DESCRIPTION_MAX = 255;
const MAX_PLAINTEXT = 4096;

const STATE_CODE: Record<StoredKey['state'], string> = { Enabled: '2', Disabled: '3', PendingDeletion: '4', PendingImport: '5' };

const WRAPPING: Record<string, { algorithm: WrappingAlgorithm; spec: 'RSA_2048' | 'SM2' }> = {
  RSAES_OAEP_SHA_256: { algorithm: 'RSAES_OAEP_SHA_256', spec: 'RSA_2048' },
  RSAES_OAEP_SHA_1: { algorithm: 'RSAES_OAEP_SHA_1', spec: 'RSA_2048' },
  RSAES_PKCS1_V1_5: { algorithm: 'RSAES_PKCS1_V1_5', spec: 'RSA_2048' },
  SM2_ENCRYPT: { algorithm: 'SM2PKE', spec: 'SM2' },
};

type Body = Record<string, unknown>;
type Handler = (project: string, body: Body, context: ProtocolContext) => unknown;

const OPERATIONS: Record<string, Handler> = {
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

export const huaweiProtocol: Protocol = {
  cloud: CLOUD,
  matches: (request) => /^\/v1\.0\/[^/]+\/kms\//.test(request.path),
  operation: (request) => PATH.exec(request.path)?.[2] ?? 'unknown',
  async handle(request: ProtocolRequest, context: ProtocolContext): Promise<ProtocolResponse> {
    const match = PATH.exec(request.path);
    const operation = match?.[2] ?? '';
    let keyState: StoredKey['state'] | undefined;
    try {
      const problem = signatureProblem(request, context.credentials);
      if (problem) throw new HuaweiError(401, 'APIGW.0301', `Incorrect IAM authentication information: ${problem}`, true);
      const handler = match && request.method === 'POST' ? OPERATIONS[operation] : undefined;
      if (!handler) throw new HuaweiError(404, 'KMS.0201', 'Invalid request URL.');
      const project = projectOf(match![1]);
      const body = parseBody(request.body);
      keyState = currentState(project, body, context);
      return ok(handler(project, body, context));
    } catch (error) {
      if (error instanceof HuaweiError) return errorReply(error);
      if (isStoreError(error)) return errorReply(fromStoreError(error, operation, keyState));
      throw error;
    }
  },
  errorResponse(kind: ServerErrorKind): ProtocolResponse {
    switch (kind) {
      case 'throttling':
        return errorReply(new HuaweiError(429, 'APIGW.0308', 'The throttling threshold has been reached.', true));
      case 'tooLarge':
        return errorReply(new HuaweiError(400, 'KMS.0203', 'Request message too long.'));
      case 'unavailable':
        return errorReply(new HuaweiError(503, 'KMS.0105', 'The service is temporarily unavailable. Try again later.'));
      default:
        return errorReply(new HuaweiError(500, 'KMS.0105', 'A system exception occurred. Contact technical support.'));
    }
  },
};

// ---- operations ------------------------------------------------------------------------------

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
    cloud: CLOUD,
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
  const keys = store.listKeys(CLOUD, project).filter((k) => !state || STATE_CODE[k.state] === state);
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
  const key = context.store.findKey(CLOUD, project, keyId);
  if (!key) throw notFound();
  const { material } = context.store.materialForUse(ref(project, key.id));
  const plain = decryptWithMaterial(key.id, material, blob, encryptionContext);
  return { key_id: key.id, plain_text: plain.toString('utf8'), plain_text_base64: plain.toString('base64') };
}

function contextField(body: Body): Record<string, string> | undefined {
  const value = body.encryption_context;
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value) || Object.values(value).some((v) => typeof v !== 'string')) {
    throw new HuaweiError(400, 'KMS.0208', 'Invalid value of value encryption_context.');
  }
  return value as Record<string, string>;
}

// ---- wire helpers ----------------------------------------------------------------------------

function ok(value: unknown): ProtocolResponse {
  return { status: 200, headers: { 'content-type': 'application/json;charset=UTF-8' }, body: JSON.stringify(value ?? {}) };
}

function parseBody(raw: Buffer): Body {
  let parsed: unknown;
  try {
    parsed = raw.length === 0 ? {} : JSON.parse(raw.toString('utf8'));
  } catch {
    throw new HuaweiError(400, 'KMS.0202', 'Invalid JSON format of the request message.');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new HuaweiError(400, 'KMS.0202', 'Invalid JSON format of the request message.');
  }
  return parsed as Body;
}

function stringField(body: Body, field: string, pattern: RegExp, allowed = `a string matching ${pattern.source}`): string {
  const value = body[field];
  if (value === undefined || value === null || value === '') throw missing(field);
  if (typeof value !== 'string' || !pattern.test(value)) throw invalid(field, allowed);
  return value;
}

function optionalString(body: Body, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalid(field, 'a string');
  return value;
}

function checkSequence(body: Body): void {
  const sequence = body.sequence;
  if (sequence !== undefined && (typeof sequence !== 'string' || sequence.length !== 36)) {
    throw new HuaweiError(400, 'KMS.0206', 'Invalid sequence number.');
  }
}

function getKey(project: string, body: Body, store: ProtocolContext['store'], described = false): StoredKey {
  const keyId = body.key_id;
  if (keyId === undefined || keyId === null || keyId === '') throw missing('key_id');
  if (typeof keyId !== 'string' || !KEY_ID.test(keyId)) throw invalidKeyId();
  const key = described ? store.describeKey(CLOUD, project, keyId) : store.findKey(CLOUD, project, keyId);
  if (!key) throw notFound();
  return key;
}

/** The key's state before the operation, so a store refusal can be named after it (KMS.0209, KMS.0210...). */
function currentState(project: string, body: Body, { store }: ProtocolContext): StoredKey['state'] | undefined {
  const keyId = body.key_id;
  return typeof keyId === 'string' && KEY_ID.test(keyId) ? store.findKey(CLOUD, project, keyId)?.state : undefined;
}

function keyInfo(key: StoredKey): Record<string, string> {
  return {
    key_id: key.id,
    domain_id: domainId(key.namespace),
    key_alias: String(key.attributes.key_alias ?? ''),
    realm: '',
    key_description: key.description,
    creation_date: String(key.createdAt),
    scheduled_deletion_date: key.deletionDate !== undefined ? String(key.deletionDate) : '',
    key_state: STATE_CODE[key.state],
    default_key_flag: '0',
    key_type: '1',
    expiration_time: key.materialExpiresAt !== undefined ? String(key.materialExpiresAt) : '',
    origin: key.origin,
    key_spec: key.keySpec,
    key_usage: key.keyUsage,
    key_rotation_enabled: 'false',
    sys_enterprise_project_id: '0',
  };
}

/** The project id from the path; a malformed %-escape is a bad URL, not a server fault. */
function projectOf(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HuaweiError(404, 'KMS.0201', 'Invalid request URL.');
  }
}

function ref(project: string, keyId: string) {
  return { cloud: CLOUD, namespace: project, keyId };
}

/** A stable, made-up account (domain) id per project, so replies look like Huawei's. */
function domainId(project: string): string {
  return createHash('sha256').update(`domain:${project}`).digest('hex').slice(0, 32);
}
