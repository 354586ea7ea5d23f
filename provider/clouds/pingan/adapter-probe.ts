// The adapter's probe (KmsAdapter.probeAssumptions): each assumption of assumptions.ts judged against a real Ping An
// account, READ-ONLY — DescribeKey of the given key, DescribeKey of a random key id that cannot exist (to see an error
// envelope), DescribeKey signed 10 minutes behind (the timestamp window), GetParametersForImport (a fresh token just
// expires unused). Nothing is created, imported, enabled, disabled or deleted. What it reports under `seen` is field
// names and forms, never a value of a secret, a token, a key or material.
import { randomUUID } from 'node:crypto';
import type { AssumptionVerdict } from '../adapter';
import {
  ALTERNATIVE_SIGNING_RULES,
  ASSUMPTIONS,
  DATE_TIME_OFFSET_MINUTES,
  ERROR_CODE_PATTERNS,
  IMPORT_PARAMETER_FIELDS,
  IMPORT_PARAMETERS_VALIDITY_MS,
  isSuccess,
  KEY_FIELDS,
  keyStateForm,
  parsePinganTime,
  readEnvelope,
  readField,
  readKeyState,
  readOrigin,
  readPublicKey,
  SIGNING_RULES,
  timeForm,
  TIMESTAMP_WINDOW_MS,
  TOKEN_EXPIRE_FORM,
  type Envelope,
} from './assumptions';
import type { CallOptions, PinganKmsClient, RawReply } from './client';
import { keyMetadataOf, materialExpireOf } from './describe';

type Verdict = Omit<AssumptionVerdict, 'summary'>;

/** How far behind the probe signs to test the window: inside the assumed ±15 min, well outside clock drift. */
export const PROBE_SKEW_MS = 10 * 60_000;

/** How close tokenExpireTime must be to "reply time + 24 h" to tell the zone (the zones differ by 8 h). */
const ZONE_TOLERANCE_MS = 30 * 60_000;

/** A reply's code, or HTTP status when it has none: what `seen` may show of a failure. */
function failureSeen(reply: RawReply, envelope: Envelope): string {
  return envelope.code !== undefined ? `code ${envelope.code} (HTTP ${reply.status})` : `HTTP ${reply.status}, no code`;
}

function names(object: Record<string, unknown> | undefined): string {
  return object ? Object.keys(object).sort().join(', ') : 'none';
}

export async function probeAssumptions(client: PinganKmsClient, keyId: string): Promise<AssumptionVerdict[]> {
  const verdicts = new Map<string, Verdict>();
  const judge = (id: string, verdict: Verdict['verdict'], seen?: string) => verdicts.set(id, { id, verdict, ...(seen !== undefined ? { seen } : {}) });

  // 1. The signature: DescribeKey of the given key with SIGNING_RULES, then with each alternative if refused.
  let options: CallOptions = {};
  let described = await client.exchange('DescribeKey', { keyId });
  let envelope = readEnvelope(described.body);
  if (isSuccess(envelope)) {
    judge('signatureKey', 'confirmed', 'DescribeKey accepted with the HMAC key = the secret as it is');
  } else {
    const refusal = failureSeen(described, envelope);
    let accepted: string | undefined;
    for (const alternative of ALTERNATIVE_SIGNING_RULES) {
      const reply = await client.exchange('DescribeKey', { keyId }, { rules: alternative.rules });
      const altEnvelope = readEnvelope(reply.body);
      if (isSuccess(altEnvelope) || (altEnvelope.code !== undefined && ERROR_CODE_PATTERNS.notFound.test(altEnvelope.code) && !ERROR_CODE_PATTERNS.notFound.test(envelope.code ?? ''))) {
        accepted = alternative.name;
        options = { rules: alternative.rules };
        described = reply;
        envelope = altEnvelope;
        break;
      }
    }
    if (accepted !== undefined) {
      judge('signatureKey', 'contradicted', `refused with the secret as it is (${refusal}); accepted with rule ${accepted} (HMAC key = secret + "&")`);
    } else if (envelope.code !== undefined && ERROR_CODE_PATTERNS.notFound.test(envelope.code)) {
      // The key is not there, but the request passed authentication: the signature was accepted.
      judge('signatureKey', 'confirmed', `DescribeKey answered ${refusal}: signature accepted, the key not found`);
    } else {
      judge('signatureKey', 'not exercised', `refused with every rule tried (${refusal}): check the credentials, their permissions and the key id`);
    }
  }
  const keyFound = isSuccess(envelope);

  // 2. What DescribeKey answered: the metadata's shape, the key state's form, the material's expiry.
  /** Only an EXTERNAL key is asked for import parameters (another key's refusal would show nothing of ours). */
  let external = false;
  if (keyFound && described.body) {
    const metadata = keyMetadataOf(described.body);
    if (!metadata) {
      judge('describeKeyShape', 'contradicted', `no keyMetadata / KeyMetadata; reply fields: ${names(described.body)}`);
    } else {
      const camel = ['keyId', 'keyState', 'origin'].every((name) => name in metadata);
      judge('describeKeyShape', camel ? 'confirmed' : 'contradicted', `keyMetadata fields: ${names(metadata)}`);
      const stateValue = readField(metadata, KEY_FIELDS.keyState)?.value;
      const form = keyStateForm(stateValue);
      // A state's value is no secret: it is shown, so an unknown form can be added to the readers.
      judge('keyState', form === 'names' ? 'confirmed' : 'contradicted', `keyState as ${form}${form === 'unknown' ? ` (${JSON.stringify(String(stateValue ?? '')).slice(0, 40)})` : ''}`);
      const state = readKeyState(stateValue);
      external = readOrigin(readField(metadata, KEY_FIELDS.origin)?.value) === 'EXTERNAL';
      const expiry = materialExpireOf(described.body, metadata);
      if (!external) {
        judge('materialExpireTime', 'not exercised', 'the key is not EXTERNAL: probe an EXTERNAL key');
      } else if (expiry) {
        const expiryForm = timeForm(expiry.value);
        const ok = expiry.name === 'materialExpireTime' && (expiryForm === 'date' || expiryForm === 'empty');
        judge('materialExpireTime', ok ? 'confirmed' : 'contradicted', `${expiry.name} as ${expiryForm}`);
      } else if (state === 'Enabled' || state === 'Disabled') {
        // An empty materialExpireTime reads as absent too: material that never expires cannot tell the field apart.
        const present = ['materialExpireTime', 'MaterialExpireTime'].filter((name) => name in metadata || name in described.body!);
        judge('materialExpireTime', present.length ? 'confirmed' : 'not exercised', present.length ? `${present[0]} empty (never expires)` : 'no materialExpireTime field: the key\'s material may never expire; probe a key whose material expires');
      } else {
        judge('materialExpireTime', 'not exercised', `key state ${state}: no material to expire`);
      }
      const spec = readField(metadata, KEY_FIELDS.keySpec);
      judge('keySpec', spec ? (spec.value === 'AES_256' ? 'confirmed' : 'contradicted') : 'confirmed', spec ? `${spec.name} present` : 'no key spec in keyMetadata, as assumed');
    }
  }

  // 3. The error envelope: DescribeKey of a key id that cannot exist.
  const missing = await client.exchange('DescribeKey', { keyId: randomUUID() }, options);
  const missingEnvelope = readEnvelope(missing.body);
  if (isSuccess(missingEnvelope)) {
    judge('errorEnvelope', 'not exercised', 'a random key id was answered SUCCESS');
  } else if (!missing.body) {
    judge('errorEnvelope', 'contradicted', `HTTP ${missing.status}, the body is not a JSON object`);
  } else {
    const field = missingEnvelope.messageField;
    const shape = `fields ${names(missing.body)}; HTTP ${missing.status}`;
    judge('errorEnvelope', missingEnvelope.codeField === 'code' && field === 'message' ? 'confirmed' : 'contradicted',
      `${shape}; message under ${field ?? 'no known field'}, code under ${missingEnvelope.codeField ?? 'no known field'}`);
    const code = missingEnvelope.code;
    judge('errorCodes', code !== undefined && ERROR_CODE_PATTERNS.notFound.test(code) ? 'confirmed' : 'contradicted',
      `a missing key answered ${failureSeen(missing, missingEnvelope)}`);
  }

  // 4. The timestamp window: DescribeKey signed PROBE_SKEW_MS behind the cloud's clock (the machine's when unknown).
  if (verdicts.get('signatureKey')?.verdict !== 'not exercised') {
    const cloudNow = () => client.cloudTime() ?? new Date();
    const behind = await client.exchange('DescribeKey', { keyId }, { ...options, now: () => new Date(cloudNow().getTime() - PROBE_SKEW_MS) });
    const behindEnvelope = readEnvelope(behind.body);
    const passed = isSuccess(behindEnvelope) || (behindEnvelope.code !== undefined && ERROR_CODE_PATTERNS.notFound.test(behindEnvelope.code));
    judge('timestampWindow', passed ? 'confirmed' : 'contradicted',
      `a timestamp ${PROBE_SKEW_MS / 60_000} min behind was ${passed ? 'accepted' : `refused (${failureSeen(behind, behindEnvelope)})`}; the window is assumed ±${TIMESTAMP_WINDOW_MS / 60_000} min`);
  }

  // 5. Import parameters (harmless: the token expires unused).
  if (keyFound && !external) {
    for (const id of ['importParameterFields', 'publicKey', 'importTokenEncoding', 'tokenExpireTime', 'timeZone']) judge(id, 'not exercised', 'the key is not EXTERNAL: probe an EXTERNAL key');
  } else if (keyFound) {
    const before = client.cloudTime() ?? new Date();
    const params = await client.exchange('GetParametersForImport', { keyId, wrappingAlgorithm: 'RSAES_OAEP_SHA_256', wrappingKeySpec: 'RSA_2048' }, options);
    const paramsEnvelope = readEnvelope(params.body);
    const replyTime = client.cloudTime() ?? before;
    if (!isSuccess(paramsEnvelope) || !params.body) {
      const why = `GetParametersForImport refused: ${failureSeen(params, paramsEnvelope)}`;
      for (const id of ['importParameterFields', 'publicKey', 'importTokenEncoding', 'tokenExpireTime', 'timeZone']) judge(id, 'not exercised', why);
    } else {
      judgeImportParameters(params.body, replyTime, judge);
    }
  }

  // What no read-only call can show.
  const importSide = 'only an import shows it (the probe is read-only)';
  for (const id of ['importMaterialFields', 'wrappedMaterialEncoding', 'expiryUnit', 'reimportInPlace']) judge(id, 'not exercised', importSide);
  for (const id of ['deletionWindowField', 'enableKeyShape', 'cancelKeyDeletionShape']) judge(id, 'not exercised', 'only a change to a key shows it (the probe changes none)');

  return ASSUMPTIONS.map((a) => {
    const found = verdicts.get(a.id) ?? { id: a.id, verdict: 'not exercised' as const, seen: keyFound ? undefined : 'the key was not described' };
    return { id: a.id, summary: a.summary, verdict: found.verdict, ...(found.seen !== undefined ? { seen: found.seen } : {}) };
  });
}

/** importParameterFields, publicKey, importTokenEncoding, tokenExpireTime and timeZone, from one successful reply. */
function judgeImportParameters(body: Record<string, unknown>, replyTime: Date, judge: (id: string, verdict: Verdict['verdict'], seen?: string) => void): void {
  const publicKey = readField(body, IMPORT_PARAMETER_FIELDS.publicKey);
  const token = readField(body, IMPORT_PARAMETER_FIELDS.importToken);
  const expire = readField(body, IMPORT_PARAMETER_FIELDS.tokenExpireTime);
  const found = [publicKey, token, expire].filter((f) => f !== undefined).map((f) => f!.name);
  const assumed = [IMPORT_PARAMETER_FIELDS.publicKey[0], IMPORT_PARAMETER_FIELDS.importToken[0], IMPORT_PARAMETER_FIELDS.tokenExpireTime[0]];
  judge('importParameterFields', assumed.every((name) => found.includes(name)) ? 'confirmed' : 'contradicted', `reply fields: ${names(body)}`);

  if (typeof publicKey?.value !== 'string') {
    judge('publicKey', 'contradicted', 'no public key field read');
  } else {
    const read = readPublicKey(publicKey.value);
    judge('publicKey', read?.encoding === 'hex' && read.structure === 'spki' ? 'confirmed' : 'contradicted',
      read ? `${read.encoding} of ${read.structure === 'spki' ? 'SubjectPublicKeyInfo' : 'PKCS#1 RSAPublicKey'}${read.modulusBits ? ` (${read.modulusBits} bits)` : ''}` : 'neither hex nor base64 of an RSA public key');
  }

  if (typeof token?.value !== 'string') {
    judge('importTokenEncoding', 'contradicted', 'no import token field read');
  } else {
    const form = /^(?:[0-9a-f]{2})+$/.test(token.value) ? 'lowercase hex' : /^(?:[0-9a-fA-F]{2})+$/.test(token.value) ? 'hex with capitals' : 'not hex';
    judge('importTokenEncoding', form === 'lowercase hex' ? 'confirmed' : 'contradicted', `importToken as ${form} (${token.value.length} characters)`);
  }

  const form = expire ? timeForm(expire.value) : 'empty';
  if (!expire) {
    judge('tokenExpireTime', 'contradicted', 'no token expiry field: the documented 24 h is used');
    judge('timeZone', 'not exercised', 'no date string seen');
    return;
  }
  judge('tokenExpireTime', form === TOKEN_EXPIRE_FORM ? 'confirmed' : 'contradicted', `${expire.name} as ${form}`);
  if (form !== 'date') {
    judge('timeZone', 'not exercised', `${expire.name} is ${form}, not a date string`);
    return;
  }
  // The token is valid 24 h (documented): its expiry read at +08:00 should be the reply's time + 24 h; read at UTC, 8 h off.
  const expected = replyTime.getTime() + IMPORT_PARAMETERS_VALIDITY_MS;
  const asAssumed = parsePinganTime(expire.value, DATE_TIME_OFFSET_MINUTES)!.getTime();
  const asUtc = parsePinganTime(expire.value, 0)!.getTime();
  if (Math.abs(asAssumed - expected) <= ZONE_TOLERANCE_MS) {
    judge('timeZone', 'confirmed', 'tokenExpireTime read at +08:00 is the reply time + 24 h');
  } else if (Math.abs(asUtc - expected) <= ZONE_TOLERANCE_MS) {
    judge('timeZone', 'contradicted', 'tokenExpireTime read at UTC (not +08:00) is the reply time + 24 h');
  } else {
    const hours = ((asAssumed - replyTime.getTime()) / 3600_000).toFixed(1);
    judge('timeZone', 'not exercised', `tokenExpireTime read at +08:00 is ${hours} h after the reply, neither zone gives 24 h`);
  }
}
