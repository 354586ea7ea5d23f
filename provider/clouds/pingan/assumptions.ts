// Every point the Ping An adapter has to assume, in one place: Ping An's public API pages (cloud.pingan.com /
// pinganyun.com, `/ssr/help/manage/kms/API.*`, summarised in kms-apis.md "Ping An Cloud KMS") read as a translation
// of Alibaba's 2017–2018 KMS reference and are silent on several points. Each point is one named constant or
// function below, with its evidence and confidence; ASSUMPTIONS (the end of the file) lists them for the README's
// "Ping An: what is assumed" and for the probe (adapter-probe.ts), which checks them against a real account.
//
// Readers are tolerant where the pages are ambiguous (they accept the assumed form and the likely others); writers
// send one form. Nothing here does I/O.
import { createPublicKey } from 'node:crypto';
import type { PinganSigningRules } from '../../../core/signers/pingan';
import type { KeyState } from '../adapter';

export type Confidence = 'high' | 'medium' | 'low';

export interface Assumption {
  /** Stable id; where the emulator has a dialect point for it, the same id. */
  readonly id: string;
  /** One README line. */
  readonly summary: string;
  readonly confidence: Confidence;
}

// ——— signatureKey ————————————————————————————————————————————————————————————————————————————————————————————————
/**
 * How the string to sign is built and keyed. Steps 1–3 (encode, lowercase, sort) are Ping An's text; the pair
 * separator `&` and the HMAC key = the AccessKeySecret as it is (no `&` appended, unlike Alibaba) come from a working
 * public client of Ping An's API gateway, which signs the same parameter family. kms-apis.md's two test vectors
 * (tests/core/signers/pingan.test.ts) are reproduced with these rules. Confidence: high.
 */
export const SIGNING_RULES: PinganSigningRules = { pairSeparator: '&', keySuffix: '', lowercase: true, prefix: '' };

/** What the probe tries when SIGNING_RULES are refused: Alibaba's key (secret + "&"), the likeliest other reading. */
export const ALTERNATIVE_SIGNING_RULES: ReadonlyArray<{ readonly name: string; readonly rules: PinganSigningRules }> = [
  { name: 'secretAmpersand', rules: { ...SIGNING_RULES, keySuffix: '&' } },
];

// ——— timestampWindow ——————————————————————————————————————————————————————————————————————————————————————————————
/**
 * How far a request's `timestamp` (epoch ms, documented) may be from the server's clock. Ping An says only that an
 * expired request is refused; ±15 minutes is Alibaba's window. Used for the hint on a refused timestamp and by the
 * probe (a timestamp 10 minutes behind must pass). Confidence: medium.
 */
export const TIMESTAMP_WINDOW_MS = 15 * 60_000;

// ——— timeZone, and the date-time reader every time field goes through ————————————————————————————————————————————
/**
 * Date-time strings (`creationDate`, `deleteDate`, and `tokenExpireTime` / `materialExpireTime` when dates) are
 * `yyyy-MM-dd HH:mm:ss` without a zone (documented form). Their zone is assumed China Standard Time, UTC+08:00: Ping
 * An is a mainland-China cloud and its console shows Beijing time. Confidence: medium.
 */
export const DATE_TIME_OFFSET_MINUTES = 8 * 60;

/** `date` in Ping An's documented form, `yyyy-MM-dd HH:mm:ss`, at UTC+08:00 (or `offsetMinutes`). */
export function formatPinganDateTime(date: Date, offsetMinutes: number = DATE_TIME_OFFSET_MINUTES): string {
  const shifted = new Date(Math.floor(date.getTime() / 1000) * 1000 + offsetMinutes * 60_000).toISOString();
  return `${shifted.slice(0, 10)} ${shifted.slice(11, 19)}`;
}

/** The forms a time field may come in (the probe reports which it saw). */
export type TimeForm = 'date' | 'iso' | 'epochMillis' | 'epochSeconds' | 'empty' | 'unreadable';

const ZONELESS = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?$/;
const WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/;

/** Which form `value` is in. Numbers (or digit strings) below 1e11 are seconds, else milliseconds. */
export function timeForm(value: unknown): TimeForm {
  if (value === undefined || value === null || value === '') return 'empty';
  if (typeof value === 'number' || (typeof value === 'string' && /^\d+$/.test(value))) {
    const n = Number(value);
    if (!Number.isFinite(n)) return 'unreadable';
    if (n === 0) return 'empty';
    return n < 1e11 ? 'epochSeconds' : 'epochMillis';
  }
  if (typeof value !== 'string') return 'unreadable';
  if (ZONELESS.test(value)) return 'date';
  if (WITH_ZONE.test(value) && Number.isFinite(Date.parse(value))) return 'iso';
  return 'unreadable';
}

/**
 * A time field → Date, tolerant: `yyyy-MM-dd HH:mm:ss` (read at `offsetMinutes`, UTC+08:00 by default), ISO 8601 with
 * a zone, epoch seconds or milliseconds (number or digits). Empty, zero or unreadable → undefined.
 */
export function parsePinganTime(value: unknown, offsetMinutes: number = DATE_TIME_OFFSET_MINUTES): Date | undefined {
  const form = timeForm(value);
  if (form === 'epochSeconds') return new Date(Number(value) * 1000);
  if (form === 'epochMillis') return new Date(Number(value));
  if (form === 'iso') return new Date(Date.parse(value as string));
  if (form !== 'date') return undefined;
  const m = ZONELESS.exec(value as string)!;
  const ms = m[7] ? Math.floor(Number(m[7]) * 1000) : 0;
  const utc = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6], ms);
  return Number.isFinite(utc) ? new Date(utc - offsetMinutes * 60_000) : undefined;
}

// ——— keyState ——————————————————————————————————————————————————————————————————————————————————————————————————————
/**
 * The console (and kms-apis.md) names PENDING_IMPORT and PENDING_DELETE; the API is assumed to answer UPPER_SNAKE
 * names. The finance-cloud table gives digits ("0" enabled, "1" disabled, "2" pending deletion; "3" for pending import
 * is ours, by order), and Alibaba answers PascalCase names: all are read. Confidence: medium.
 */
export const KEY_STATE_NAMES: Readonly<Record<string, KeyState>> = {
  ENABLED: 'Enabled', DISABLED: 'Disabled', PENDING_IMPORT: 'PendingImport', PENDING_DELETE: 'PendingDeletion', PENDING_DELETION: 'PendingDeletion',
};
export const KEY_STATE_DIGITS: Readonly<Record<string, KeyState>> = { '0': 'Enabled', '1': 'Disabled', '2': 'PendingDeletion', '3': 'PendingImport' };
export const KEY_STATE_ALIBABA: Readonly<Record<string, KeyState>> = {
  Enabled: 'Enabled', Disabled: 'Disabled', PendingImport: 'PendingImport', PendingDeletion: 'PendingDeletion',
};

export type KeyStateForm = 'names' | 'digits' | 'alibaba' | 'unknown';

/** Which of the known forms `value` is in. */
export function keyStateForm(value: unknown): KeyStateForm {
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string') return 'unknown';
  if (Object.prototype.hasOwnProperty.call(KEY_STATE_NAMES, text)) return 'names';
  if (Object.prototype.hasOwnProperty.call(KEY_STATE_DIGITS, text)) return 'digits';
  if (Object.prototype.hasOwnProperty.call(KEY_STATE_ALIBABA, text)) return 'alibaba';
  return 'unknown';
}

/** A key state in any known form → ours; anything else → Unknown. */
export function readKeyState(value: unknown): KeyState {
  const text = typeof value === 'number' ? String(value) : String(value ?? '');
  switch (keyStateForm(text)) {
    case 'names': return KEY_STATE_NAMES[text];
    case 'digits': return KEY_STATE_DIGITS[text];
    case 'alibaba': return KEY_STATE_ALIBABA[text];
    default: return 'Unknown';
  }
}

// ——— describeKeyShape ——————————————————————————————————————————————————————————————————————————————————————————————
/**
 * DescribeKey's reply is assumed to carry `keyMetadata` with the structure CreateCmk's reply documents (keyId, keyState,
 * origin, keyUsage, description, creationDate, deleteDate); Alibaba's PascalCase names are read too. Confidence: medium.
 */
export const KEY_METADATA_FIELDS = ['keyMetadata', 'KeyMetadata'] as const;
export const KEY_FIELDS = {
  keyId: ['keyId', 'KeyId'],
  keyState: ['keyState', 'KeyState'],
  origin: ['origin', 'Origin'],
  keyUsage: ['keyUsage', 'KeyUsage'],
  keySpec: ['keySpec', 'KeySpec'],
  deleteDate: ['deleteDate', 'DeleteDate', 'DeletionDate'],
} as const;

// ——— materialExpireTime ————————————————————————————————————————————————————————————————————————————————————————————
/**
 * Where DescribeKey says when imported material expires: assumed `materialExpireTime` (in keyMetadata, or at the top of
 * the reply), a date string, empty when it never expires; Alibaba's `MaterialExpireTime` is read too, and any time form
 * parsePinganTime reads. Confidence: low (the pages do not show it).
 */
export const MATERIAL_EXPIRE_FIELDS = ['materialExpireTime', 'MaterialExpireTime'] as const;

// ——— keySpec ——————————————————————————————————————————————————————————————————————————————————————————————————————
/**
 * Ping An's key metadata documents no key spec; a key that takes imported material is an AES-256 key (the import pages:
 * "256 bits only"). A `keySpec` field, if the reply has one, is read; else AES_256. Confidence: medium.
 */
export const ASSUMED_KEY_SPEC = 'AES_256';

// ——— createCmkFields (documented) ————————————————————————————————————————————————————————————————————————————————
/** CreateCmk's integers (documented): origin 1 = external material; keyUsage 0 = encrypt/decrypt, the only usage. */
export const ORIGIN_EXTERNAL = '1';
export const KEY_USAGE_ENCRYPT_DECRYPT = '0';

/** origin in any form (1, "1", "EXTERNAL", Alibaba's "EXTERNAL") → EXTERNAL; 0 / KMS names → KMS. */
export function readOrigin(value: unknown): string {
  const text = String(value ?? '').toUpperCase();
  if (text === '1' || text === 'EXTERNAL') return 'EXTERNAL';
  if (text === '0' || text === 'KMS' || text === 'ALIYUN_KMS' || text === 'PINGAN_KMS') return 'KMS';
  return text;
}

/** keyUsage 0 / "ENCRYPT/DECRYPT" / "ENCRYPT_DECRYPT" → ENCRYPT_DECRYPT (our one name for it). */
export function readKeyUsage(value: unknown): string {
  const text = String(value ?? '').toUpperCase();
  return text === '0' || text === 'ENCRYPT/DECRYPT' || text === 'ENCRYPT_DECRYPT' ? 'ENCRYPT_DECRYPT' : text;
}

// ——— importParameterFields ——————————————————————————————————————————————————————————————————————————————————————————
/**
 * GetParametersForImport's reply fields: the notes (hex key and token, valid 24 h) are documented, the names are not —
 * assumed the lowerCamelCase of the parameters (`publicKey`, `importToken`, `tokenExpireTime`); Alibaba's PascalCase is
 * read too. The first name of each list is the assumed one. Confidence: medium.
 */
export const IMPORT_PARAMETER_FIELDS = {
  keyId: ['keyId', 'KeyId'],
  publicKey: ['publicKey', 'PublicKey'],
  importToken: ['importToken', 'ImportToken'],
  tokenExpireTime: ['tokenExpireTime', 'TokenExpireTime'],
} as const;

/** The documented validity of a pair of import parameters, used when the reply names no expiry. */
export const IMPORT_PARAMETERS_VALIDITY_MS = 24 * 3600_000;

/** The first of `names` that `reply` has (undefined, null and "" count as absent), with the name found. */
export function readField(reply: Record<string, unknown>, names: readonly string[]): { name: string; value: unknown } | undefined {
  for (const name of names) {
    const value = reply[name];
    if (value !== undefined && value !== null && value !== '') return { name, value };
  }
  return undefined;
}

// ——— publicKey ——————————————————————————————————————————————————————————————————————————————————————————————————————
/**
 * The wrapping public key: hexadecimal (documented) of — assumed — DER SubjectPublicKeyInfo; a PKCS#1 RSAPublicKey is
 * read too (converted to SPKI), and base64 (Alibaba's encoding) if the text is not hex. Confidence: medium.
 */
export interface PublicKeyRead {
  /** DER SubjectPublicKeyInfo. */
  der: Buffer;
  encoding: 'hex' | 'base64';
  structure: 'spki' | 'pkcs1';
  modulusBits?: number;
}

/** Reads the public key text; undefined when it is neither hex nor base64 of an SPKI or PKCS#1 key. */
export function readPublicKey(text: string): PublicKeyRead | undefined {
  const trimmed = text.trim();
  const encoding = /^(?:[0-9a-fA-F]{2})+$/.test(trimmed) ? 'hex' : /^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) ? 'base64' : undefined;
  if (!encoding) return undefined;
  const bytes = Buffer.from(trimmed, encoding);
  for (const structure of ['spki', 'pkcs1'] as const) {
    try {
      const key = createPublicKey({ key: bytes, format: 'der', type: structure });
      const der = key.export({ format: 'der', type: 'spki' });
      return { der, encoding, structure, modulusBits: key.asymmetricKeyDetails?.modulusLength };
    } catch {
      // not this structure
    }
  }
  return undefined;
}

// ——— importTokenEncoding ————————————————————————————————————————————————————————————————————————————————————————————
/**
 * The import token is hexadecimal (documented); we hold its bytes and send it back as lowercase hex, assuming the
 * server does not tell hex case apart (the reply's own tokens are expected lowercase). Confidence: high (hex), medium
 * (case).
 */
export function readImportToken(text: string): Buffer | undefined {
  return /^(?:[0-9a-fA-F]{2})+$/.test(text) ? Buffer.from(text, 'hex') : undefined;
}
export function writeImportToken(token: Buffer): string {
  return token.toString('hex');
}

// ——— tokenExpireTime ————————————————————————————————————————————————————————————————————————————————————————————————
/**
 * When the import parameters stop being accepted: assumed a `yyyy-MM-dd HH:mm:ss` date (the form of every other time
 * Ping An documents); epoch milliseconds (and seconds, ISO) are read too (parsePinganTime). Confidence: low.
 */
export const TOKEN_EXPIRE_FORM: TimeForm = 'date';

// ——— importMaterialFields, wrappedMaterialEncoding, expiryUnit ————————————————————————————————————————————————————————
/**
 * ImportKeyMaterial's parameter names: the notes are documented, the names are not — assumed Alibaba's, in Ping An's
 * lowerCamelCase. Confidence: medium.
 */
export const IMPORT_MATERIAL_FIELDS = {
  keyId: 'keyId',
  encryptedKeyMaterial: 'encryptedKeyMaterial',
  importToken: 'importToken',
  expiry: 'keyMaterialExpireUnix',
} as const;

/**
 * The wrapped material is sent as hexadecimal, like the public key and the token Ping An hands out (documented as hex);
 * Alibaba sends base64 here. Confidence: medium.
 */
export function encodeWrappedMaterial(wrapped: Buffer): string {
  return wrapped.toString('hex');
}

/**
 * The expiry parameter: whole epoch seconds (Alibaba's KeyMaterialExpireUnix unit); material that never expires is sent
 * with the parameter absent — "0 or absent = never" is assumed, and absence is the form no server can misread as a
 * date in 1970. Confidence: medium (seconds), medium (absent = never).
 */
export function expiryParameter(expiresAt: string | undefined): Record<string, string> {
  if (expiresAt === undefined) return {};
  const ms = Date.parse(expiresAt);
  if (!Number.isFinite(ms)) throw new RangeError('expiresAt must be an ISO 8601 time such as 2027-01-31T00:00:00Z');
  return { [IMPORT_MATERIAL_FIELDS.expiry]: String(Math.floor(ms / 1000)) };
}

// ——— errorEnvelope ——————————————————————————————————————————————————————————————————————————————————————————————————
/**
 * Success is documented: `{"code": "SUCCESS", "requestId": …}`. Errors are not: assumed `{"code": <not SUCCESS>,
 * "message": …, "requestId": …}` — any code but SUCCESS (or none) is a failure whatever the HTTP status; the message is
 * read from `message`, `msg` or `Message`, the code from `code` or `Code`. Confidence: medium (code), low (message).
 */
export const SUCCESS_CODE = 'SUCCESS';
export const ERROR_MESSAGE_FIELDS = ['message', 'msg', 'Message'] as const;
export const ERROR_CODE_FIELDS = ['code', 'Code'] as const;
export const REQUEST_ID_FIELDS = ['requestId', 'RequestId'] as const;

export interface Envelope {
  code?: string;
  message?: string;
  requestId?: string;
  /** Which field each came from (the probe reports it). */
  codeField?: string;
  messageField?: string;
}

/** Reads the envelope fields of any reply body (parsed JSON object or not). */
export function readEnvelope(body: unknown): Envelope {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return {};
  const reply = body as Record<string, unknown>;
  const code = readField(reply, ERROR_CODE_FIELDS);
  const message = readField(reply, ERROR_MESSAGE_FIELDS);
  const requestId = readField(reply, REQUEST_ID_FIELDS);
  return {
    ...(code ? { code: String(code.value), codeField: code.name } : {}),
    ...(message ? { message: String(message.value), messageField: message.name } : {}),
    ...(requestId ? { requestId: String(requestId.value) } : {}),
  };
}

/** Whether the reply says it succeeded (code SUCCESS, in any case). */
export function isSuccess(envelope: Envelope): boolean {
  return envelope.code !== undefined && envelope.code.toUpperCase() === SUCCESS_CODE;
}

// ——— errorCodes ———————————————————————————————————————————————————————————————————————————————————————————————————————
/**
 * No error code list is public, so errors are told apart by what their code says (Alibaba-like words), never by a
 * fixed list: each pattern below is an assumption. Confidence: low.
 */
export const ERROR_CODE_PATTERNS = {
  throttled: /throttl|flowcontrol|flow\.control|toomanyrequests|ratelimit/i,
  unavailable: /serviceunavailable|service\.unavailable/i,
  internal: /internal|systemerror|servererror|unknownerror/i,
  notFound: /notfound|not\.found|notexist|not\.exist|nosuchkey/i,
  tokenRejected: /token/i,
  materialMismatch: /mismatch|different|notmatch/i,
  unwrapFailed: /encryptedkeymaterial|unwrap|decrypt/i,
  /** Before keyState: a parameter named after a state (pendingWindowInDays) is still a parameter. */
  parameter: /^(invalid|missing|illegal)\.?parameter/i,
  keyState: /state|status|disabled|pending/i,
  credentials: /signature|accesskey|access_key|unauthori[sz]ed|forbidden|permission|denied/i,
  clock: /timestamp|expired.?request|requestexpired|nonce/i,
  invalid: /invalid|missing|illegal|parameter|badrequest/i,
} as const;

// ——— deletionWindowField ————————————————————————————————————————————————————————————————————————————————————————————
/** ScheduleKeyDeletion's waiting period (7–30 days, documented) is assumed named `pendingWindowInDays`. Confidence: medium. */
export const DELETION_WINDOW_FIELD = 'pendingWindowInDays';

// ——— enableKeyShape, cancelKeyDeletionShape ——————————————————————————————————————————————————————————————————————————
/**
 * EnableKey has no page; it is assumed to take `keyId` only, like DisableKey (documented), and to answer with the
 * envelope alone. Confidence: high.
 */
export function enableKeyParameters(keyId: string): Record<string, string> {
  return { keyId };
}

/** CancelKeyDeletion is named by the ScheduleKeyDeletion page; assumed `keyId` only. Not called by the provider. Confidence: medium. */
export function cancelKeyDeletionParameters(keyId: string): Record<string, string> {
  return { keyId };
}

// ——— reimportInPlace —————————————————————————————————————————————————————————————————————————————————————————————————
/**
 * Ping An's import notes (translated from Alibaba's): the same material may be imported again into a key that holds it,
 * which sets the new expiry; other material is refused. So reimports go in place, never deleting first. Confidence:
 * medium (documented note, untried).
 */
export const REIMPORT_IN_PLACE = true;

// ——— the list ———————————————————————————————————————————————————————————————————————————————————————————————————————
/** Every assumption, for the README's "Ping An: what is assumed" (one line each) and the probe. */
export const ASSUMPTIONS: readonly Assumption[] = [
  { id: 'signatureKey', confidence: 'high', summary: 'The string to sign joins the lowercased, sorted pairs with `&` and is HMAC-SHA1-keyed with the AccessKeySecret as it is (no `&` appended, unlike Alibaba).' },
  { id: 'timestampWindow', confidence: 'medium', summary: 'A request\'s `timestamp` (epoch ms) is accepted within ±15 minutes of Ping An\'s clock (Alibaba\'s window).' },
  { id: 'timeZone', confidence: 'medium', summary: 'Date-time strings (`yyyy-MM-dd HH:mm:ss`, no zone) are China Standard Time, UTC+08:00.' },
  { id: 'keyState', confidence: 'medium', summary: '`keyState` is `ENABLED`, `DISABLED`, `PENDING_IMPORT` or `PENDING_DELETE`; digits (`"0"`–`"3"`) and Alibaba\'s PascalCase names are read too.' },
  { id: 'describeKeyShape', confidence: 'medium', summary: 'DescribeKey answers `keyMetadata` with the fields CreateCmk documents (`keyId`, `keyState`, `origin`, `keyUsage`, `deleteDate`, …).' },
  { id: 'materialExpireTime', confidence: 'low', summary: 'DescribeKey gives the material\'s expiry as `materialExpireTime`, a date string, empty when it never expires (epoch numbers and `MaterialExpireTime` read too).' },
  { id: 'keySpec', confidence: 'medium', summary: 'A key that takes imported material is `AES_256` (256-bit material only); key metadata names no spec.' },
  { id: 'importParameterFields', confidence: 'medium', summary: 'GetParametersForImport answers `publicKey`, `importToken`, `tokenExpireTime` (Alibaba\'s PascalCase names read too).' },
  { id: 'publicKey', confidence: 'medium', summary: '`publicKey` is hex of a DER SubjectPublicKeyInfo (a PKCS#1 RSAPublicKey, or base64, is read too).' },
  { id: 'importTokenEncoding', confidence: 'high', summary: '`importToken` is hex (documented) and is sent back as lowercase hex.' },
  { id: 'tokenExpireTime', confidence: 'low', summary: '`tokenExpireTime` is a `yyyy-MM-dd HH:mm:ss` date (epoch ms or s read too); without it the documented 24 h is used.' },
  { id: 'importMaterialFields', confidence: 'medium', summary: 'ImportKeyMaterial takes `keyId`, `encryptedKeyMaterial`, `importToken`, `keyMaterialExpireUnix`.' },
  { id: 'wrappedMaterialEncoding', confidence: 'medium', summary: '`encryptedKeyMaterial` is sent as hex, like the key and token Ping An hands out.' },
  { id: 'expiryUnit', confidence: 'medium', summary: '`keyMaterialExpireUnix` is whole epoch seconds; material that never expires is sent without it (absent = never).' },
  { id: 'reimportInPlace', confidence: 'medium', summary: 'The same material imported again into a key that holds it sets the new expiry in place (no delete first).' },
  { id: 'errorEnvelope', confidence: 'low', summary: 'Errors are `{"code": <not SUCCESS>, "message", "requestId"}` whatever the HTTP status; the message is read from `message`, `msg` or `Message`.' },
  { id: 'errorCodes', confidence: 'low', summary: 'No code list is public: codes are told apart by their words (NotFound, Token, State, Throttling, Internal, Signature, Timestamp, Invalid…).' },
  { id: 'deletionWindowField', confidence: 'medium', summary: 'ScheduleKeyDeletion takes the waiting period (7–30 days) as `pendingWindowInDays`.' },
  { id: 'enableKeyShape', confidence: 'high', summary: 'EnableKey takes `keyId` only, like DisableKey, and answers the envelope alone.' },
  { id: 'cancelKeyDeletionShape', confidence: 'medium', summary: 'CancelKeyDeletion takes `keyId` only (not called by the provider).' },
];

/** The assumption with this id (throws for an unknown id: a typo in the adapter or the probe). */
export function assumption(id: string): Assumption {
  const found = ASSUMPTIONS.find((a) => a.id === id);
  if (!found) throw new Error(`no Ping An assumption "${id}"`);
  return found;
}
