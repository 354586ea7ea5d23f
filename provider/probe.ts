// `imported-key probe`: what an account and a key look like to us, checked before the resource is trusted with them.
// Read-only by construction: it calls only describeKey, getImportParameters (which hands out a wrapping key and a
// token and changes no key), cloudTime and, where the adapter has it, probeAssumptions. It creates nothing and imports
// nothing. The report never holds the import token, the wrapping public key's bytes nor any secret: only their size,
// type and validity: the bytes are measured and let go (not zeroed: they are the adapter's buffers, and neither is
// secret — the token is only kept out of sight, as the cloud's consoles do).

import { KeyObject } from 'node:crypto';
import { ImportedKeyError } from '../core/errors';
import { decodePublicKey, isWrappingAlgorithm } from '../core/wrapping';
import type { AssumptionVerdict, CloudProfile, KeyDescription, KmsAdapter } from './clouds/adapter';

export type CheckStatus = 'ok' | 'warning' | 'failed' | 'skipped';
export type CheckId = 'settings' | 'credentials' | 'clock' | 'key' | 'origin' | 'import-parameters' | 'assumptions';

export interface ProbeCheck {
  id: CheckId;
  status: CheckStatus;
  /** One line for people; never a secret, token or key bytes. */
  summary: string;
}

export interface ProbeReport {
  cloud: string;
  keyId: string;
  /** False when a check failed or an assumption was contradicted (exit status 1). */
  ok: boolean;
  checks: ProbeCheck[];
  clock?: { cloudTime: string; machineTime: string; skewSeconds: number };
  key?: {
    keyId: string;
    arn: string;
    keyState: string;
    origin: string;
    keySpec: string;
    keyUsage: string;
    expirationModel?: string;
    validTo?: string;
    deletionDate?: string;
    protectionLevel?: string;
  };
  importParameters?: {
    wrappingAlgorithm: string;
    wrappingKeySpec: string;
    /** What the public key the cloud sent is: e.g. rsa with 2048 bits, or sm2. */
    publicKeyType: string;
    publicKeyBits?: number;
    tokenBytes: number;
    tokenValidTo: string;
    tokenValidForSeconds: number;
  };
  /** Undefined when the adapter offers no probeAssumptions (the cloud's API is documented well enough). */
  assumptions?: AssumptionVerdict[];
}

export interface ProbeOptions {
  keyId: string;
  /** The cloud's profile (provider/clouds/index.ts): chooses the wrapping algorithm and key spec as `check` would. */
  profile: CloudProfile;
  /** Default: the profile's first algorithm for the key's spec (what the resource would use). */
  wrappingAlgorithm?: string;
  /** The region the adapter uses (argument, else the cloud's environment), for the profile's region limits. */
  region?: string;
  /** The machine's clock; passed in so tests can skew it. */
  now?: () => Date;
}

/**
 * A clock more than this far from the cloud's is reported as a warning: the signing windows of the clouds we know are
 * 5 (AWS) to 15 (Alibaba, Huawei) minutes, and a skewed clock is the usual cause of a refused signature.
 */
export const CLOCK_SKEW_WARNING_SECONDS = 300;

/**
 * Cloud codes and message words that mean "who you are / how you signed was refused" rather than "what you asked":
 * AWS (UnrecognizedClient, InvalidSignature, IncompleteSignature, AccessDenied, ExpiredToken…), Alibaba
 * (SignatureDoesNotMatch, InvalidAccessKeyId.*, InvalidTimeStamp.*, Forbidden.RAM…), Huawei (APIGW.0301 and the
 * other API-gateway IAM codes); the words catch a cloud whose codes we do not list (Ping An: its codes are unknown).
 */
const CREDENTIAL_CODES = /^(UnrecognizedClient|InvalidSignature|IncompleteSignature|AccessDenied|ExpiredToken|InvalidClientTokenId|SignatureDoesNotMatch|InvalidAccessKeyId|InvalidSecurityToken|InvalidTimeStamp|IllegalTimestamp|SignatureNonceUsed|Forbidden\.RAM|Forbidden\.NoPermission|NoPermission|APIGW\.0(1|3)\d\d)/i;
const CREDENTIAL_WORDS = /signature|credential|access ?key|security token|authenticat|unauthori[sz]ed|not authori[sz]ed/i;

/** True when `error` says the cloud refused our credentials or signature (or the clock the signature carried). */
export function isCredentialRefusal(error: unknown): boolean {
  if (!(error instanceof ImportedKeyError)) return false;
  if (error.cloudCode !== undefined && CREDENTIAL_CODES.test(error.cloudCode)) return true;
  // A network failure has no cloud code and may still name a credential provider (AWS: "Could not load credentials"):
  // that is a credential problem too, found by its words.
  return CREDENTIAL_WORDS.test(error.message);
}

/**
 * What may be printed of a message that came from a cloud or an adapter. They are written never to carry secrets;
 * this is the second belt: any run of more than 40 base64 / hexadecimal characters (a token, a key, a signature)
 * is replaced, and the length is bounded.
 */
export function printable(text: string): string {
  const cleaned = text.replace(/[A-Za-z0-9+/=]{41,}/g, '<long value omitted>').replace(/\s+/g, ' ').trim();
  return cleaned.length > 400 ? `${cleaned.slice(0, 397)}...` : cleaned;
}

function messageOf(error: unknown): string {
  if (error instanceof ImportedKeyError) return printable(`${error.code}${error.cloudCode ? ` (${error.cloudCode})` : ''}: ${error.message}`);
  return printable(error instanceof Error ? error.message : String(error));
}

/** Probes `options.keyId` through `adapter`. Never throws for what the cloud answers: every failure is a check. */
export async function probe(adapter: KmsAdapter, options: ProbeOptions): Promise<ProbeReport> {
  const now = options.now ?? (() => new Date());
  const checks: ProbeCheck[] = [];
  const report: ProbeReport = { cloud: adapter.cloud, keyId: options.keyId, ok: false, checks };
  const skip = (ids: CheckId[], why: string): void => {
    for (const id of ids) checks.push({ id, status: 'skipped', summary: why });
  };

  // 1. Credentials: the first call is the cheapest read there is; any answer about the key means we were let in.
  let described: KeyDescription | undefined;
  let describeError: unknown;
  try {
    described = await adapter.describeKey(options.keyId);
  } catch (error) {
    describeError = error;
  }
  const refused = describeError !== undefined && isCredentialRefusal(describeError);
  if (describeError === undefined) {
    checks.push({ id: 'credentials', status: 'ok', summary: 'accepted: DescribeKey was answered' });
  } else if (refused) {
    // With a cloud code the cloud said no; without one the request never left (no credentials found, none usable).
    const refusedBy = (describeError as ImportedKeyError).cloudCode !== undefined ? 'refused by the cloud' : 'not usable';
    checks.push({ id: 'credentials', status: 'failed', summary: `${refusedBy}: ${messageOf(describeError)}` });
  } else {
    checks.push({ id: 'credentials', status: 'skipped', summary: 'not judged: DescribeKey failed for another reason (see key)' });
  }

  // 2. Clock: judged whenever the cloud answered — a refusal's reply carries its time too, and a skew explains most
  // refusals. A failure without the cloud's code had no reply: some adapters then give the machine's own time.
  const answered = describeError === undefined || (describeError instanceof ImportedKeyError && describeError.cloudCode !== undefined);
  const machine = now();
  const cloud = answered ? adapter.cloudTime?.() : undefined;
  if (!answered) {
    checks.push({ id: 'clock', status: 'skipped', summary: "not judged: the cloud did not answer, so its time is not known" });
  } else if (cloud === undefined) {
    checks.push({ id: 'clock', status: 'skipped', summary: adapter.cloudTime ? 'the cloud sent no time (no reply was read)' : "this cloud's adapter does not report the cloud's time" });
  } else {
    // Positive: this machine is ahead of the cloud. Reply dates have whole seconds, so so has the skew.
    const skewSeconds = Math.round((machine.getTime() - cloud.getTime()) / 1000);
    report.clock = { cloudTime: cloud.toISOString(), machineTime: machine.toISOString(), skewSeconds };
    const far = Math.abs(skewSeconds) > CLOCK_SKEW_WARNING_SECONDS;
    // Within a second is all a reply's Date header can tell.
    const where = Math.abs(skewSeconds) <= 1 ? 'in step with the cloud (to the second its replies tell)' : `${Math.abs(skewSeconds)} s ${skewSeconds > 0 ? 'ahead of' : 'behind'} the cloud`;
    checks.push({
      id: 'clock',
      status: far ? 'warning' : 'ok',
      summary: `this machine is ${where} (cloud ${report.clock.cloudTime})${far ? `: more than ${CLOCK_SKEW_WARNING_SECONDS} s — signatures may be refused; set this machine's clock` : ''}`,
    });
  }

  if (describeError !== undefined) {
    if (!refused) checks.push({ id: 'key', status: 'failed', summary: `DescribeKey failed: ${messageOf(describeError)}` });
    else skip(['key'], 'not looked at: the credentials were not accepted');
    skip(['origin', 'import-parameters'], 'not looked at: DescribeKey failed');
    // An error reply (a throttle, a refusal of ours) is evidence for the assumptions; no reply at all is none. A refused
    // signature is judged too: where the way of signing is itself assumed (Ping An), the adapter tries the likely other
    // readings and says which one the cloud accepts.
    if (!answered) skip(['assumptions'], 'not looked at: the cloud did not answer');
    else await judgeAssumptions(adapter, options.keyId, report);
    return finish(report);
  }

  // 3. The key.
  if (described === undefined) {
    checks.push({ id: 'key', status: 'failed', summary: `no key ${JSON.stringify(options.keyId)} here: check the key id, the region (and project), and that these credentials may see it` });
    skip(['origin', 'import-parameters'], 'not looked at: there is no such key');
    await judgeAssumptions(adapter, options.keyId, report);
    return finish(report);
  }
  report.key = {
    keyId: described.keyId, arn: described.arn, keyState: described.keyState, origin: described.origin, keySpec: described.keySpec, keyUsage: described.keyUsage,
    ...(described.expirationModel !== undefined ? { expirationModel: described.expirationModel } : {}),
    ...(described.validTo !== undefined ? { validTo: described.validTo } : {}),
    ...(described.deletionDate !== undefined ? { deletionDate: described.deletionDate } : {}),
    ...(described.protectionLevel !== undefined ? { protectionLevel: described.protectionLevel } : {}),
  };
  checks.push(judgeKey(described));

  // 4. Origin: only an EXTERNAL key takes imported material.
  const external = described.origin === 'EXTERNAL';
  checks.push(external
    ? { id: 'origin', status: 'ok', summary: 'EXTERNAL: the key takes imported material' }
    : { id: 'origin', status: 'failed', summary: `${described.origin || '(none given)'}, not EXTERNAL: this key cannot take imported material; use a key created with origin EXTERNAL, or let ImportedKey create one` });

  // 5. Import parameters (read-only: the cloud hands out a wrapping key and a token, no key changes).
  if (!external) skip(['import-parameters'], 'not asked for: the key is not EXTERNAL');
  else if (described.keyState === 'PendingDeletion') skip(['import-parameters'], 'not asked for: the key is pending deletion');
  else checks.push(await judgeImportParameters(adapter, described, options, report, now));

  await judgeAssumptions(adapter, described.keyId || options.keyId, report);
  return finish(report);
}

function judgeKey(key: KeyDescription): ProbeCheck {
  const parts = [`state ${key.keyState}`, `key spec ${key.keySpec}`, `usage ${key.keyUsage}`];
  if (key.protectionLevel) parts.push(`protection ${key.protectionLevel}`);
  if (key.expirationModel === 'KEY_MATERIAL_EXPIRES') parts.push(`material expires${key.validTo ? ` ${key.validTo}` : ''}`);
  else if (key.expirationModel === 'KEY_MATERIAL_DOES_NOT_EXPIRE') parts.push('material never expires');
  else if (key.expirationModel) parts.push(`expiry model ${key.expirationModel}`);
  else parts.push('no expiry model (no material imported)');
  if (key.deletionDate) parts.push(`deletion on ${key.deletionDate}`);
  const summary = parts.join(', ');
  switch (key.keyState) {
    case 'PendingDeletion':
    case 'Unavailable':
      return { id: 'key', status: 'failed', summary: `${summary}: this key cannot take material in this state` };
    case 'Enabled':
    case 'PendingImport':
      return { id: 'key', status: 'ok', summary };
    default:
      return { id: 'key', status: 'warning', summary: `${summary}: the key is not usable as it is` };
  }
}

/** What `wrappingKeySpec` promises of the public key: its type and, for RSA, its size. */
function expectedPublicKey(wrappingKeySpec: string): { type: string; bits?: number } | undefined {
  const rsa = /^RSA_(\d+)$/.exec(wrappingKeySpec);
  if (rsa) return { type: 'rsa', bits: Number(rsa[1]) };
  if (wrappingKeySpec === 'SM2' || wrappingKeySpec === 'EC_SM2') return { type: 'sm2' };
  return undefined;
}

async function judgeImportParameters(
  adapter: KmsAdapter, key: KeyDescription, options: ProbeOptions, report: ProbeReport, now: () => Date,
): Promise<ProbeCheck> {
  const id = 'import-parameters';
  let offered: readonly string[];
  try {
    offered = options.profile.wrappingAlgorithms(key.keySpec, key.protectionLevel);
  } catch {
    offered = [];
  }
  const algorithm = options.wrappingAlgorithm ?? offered[0];
  if (algorithm === undefined) {
    return { id, status: 'failed', summary: `${adapter.cloud} names no wrapping algorithm for key spec ${key.keySpec}: ImportedKey cannot import into this key` };
  }
  if (!isWrappingAlgorithm(algorithm)) return { id, status: 'failed', summary: `wrapping algorithm ${JSON.stringify(algorithm)} is not one we know` };
  if (!offered.includes(algorithm)) {
    return { id, status: 'failed', summary: `${algorithm} is not offered by ${adapter.cloud} for key spec ${key.keySpec}; offered: ${offered.join(', ') || 'none'}` };
  }
  const limit = options.profile.regionLimits?.(options.region, { keySpec: key.keySpec, wrappingAlgorithm: algorithm });
  if (limit) return { id, status: 'failed', summary: `${algorithm}: ${limit.reason}` };
  const wrappingKeySpec = options.profile.wrappingKeySpecs(algorithm)[0];
  let params;
  try {
    params = await adapter.getImportParameters(key.keyId || options.keyId, algorithm, wrappingKeySpec);
  } catch (error) {
    return { id, status: 'failed', summary: `GetParametersForImport (${algorithm}, ${wrappingKeySpec}) failed: ${messageOf(error)}` };
  }
  // Read as the wrapping will read it (core/wrapping): RSA of 2048 bits or more, or SM2.
  let type = 'unreadable';
  let bits: number | undefined;
  let unreadable = '';
  try {
    const publicKey = decodePublicKey(params.publicKey);
    if (publicKey instanceof KeyObject) {
      type = publicKey.asymmetricKeyType ?? 'unknown';
      bits = publicKey.asymmetricKeyDetails?.modulusLength;
    } else {
      type = publicKey.kind;
    }
  } catch (error) {
    // Its message names the field and what is wrong, never the key's bytes.
    unreadable = messageOf(error);
  }
  const cloudNow = adapter.cloudTime?.() ?? now();
  const validTo = Date.parse(params.parametersValidTo);
  const validForSeconds = Number.isNaN(validTo) ? NaN : Math.round((validTo - cloudNow.getTime()) / 1000);
  report.importParameters = {
    wrappingAlgorithm: algorithm, wrappingKeySpec, publicKeyType: type, ...(bits !== undefined ? { publicKeyBits: bits } : {}),
    tokenBytes: params.importToken.length, tokenValidTo: params.parametersValidTo, tokenValidForSeconds: validForSeconds,
  };
  const keyText = `wrapping key ${type.toUpperCase()}${bits !== undefined ? ` ${bits} bits` : ''}`;
  const tokenText = `token of ${params.importToken.length} bytes valid until ${params.parametersValidTo}${Number.isNaN(validForSeconds) ? '' : ` (${validForSeconds} s)`}`;
  const summary = `${algorithm} / ${wrappingKeySpec}: ${keyText}; ${tokenText}`;
  const expected = expectedPublicKey(wrappingKeySpec);
  if (unreadable) return { id, status: 'failed', summary: `${summary}: the wrapping key cannot be used: ${unreadable}` };
  if (expected && (expected.type !== type || (expected.bits !== undefined && expected.bits !== bits))) {
    return { id, status: 'failed', summary: `${summary}: ${wrappingKeySpec} was asked for` };
  }
  if (params.importToken.length === 0) return { id, status: 'failed', summary: `${summary}: the token is empty` };
  if (Number.isNaN(validForSeconds) || validForSeconds <= 0) return { id, status: 'failed', summary: `${summary}: the token is not valid now` };
  return { id, status: 'ok', summary };
}

async function judgeAssumptions(adapter: KmsAdapter, keyId: string, report: ProbeReport): Promise<void> {
  if (typeof adapter.probeAssumptions !== 'function') {
    report.checks.push({ id: 'assumptions', status: 'skipped', summary: `${adapter.cloud}'s adapter makes no assumption to probe` });
    return;
  }
  let verdicts: AssumptionVerdict[];
  try {
    verdicts = await adapter.probeAssumptions(keyId);
  } catch (error) {
    report.checks.push({ id: 'assumptions', status: 'failed', summary: `could not be probed: ${messageOf(error)}` });
    return;
  }
  report.assumptions = verdicts.map((v) => ({
    id: printable(v.id), summary: printable(v.summary), verdict: v.verdict, ...(v.seen !== undefined ? { seen: printable(v.seen) } : {}),
  }));
  const count = (verdict: AssumptionVerdict['verdict']): number => verdicts.filter((v) => v.verdict === verdict).length;
  const contradicted = count('contradicted');
  report.checks.push({
    id: 'assumptions',
    status: contradicted > 0 ? 'failed' : 'ok',
    summary: `${count('confirmed')} confirmed, ${contradicted} contradicted, ${count('not exercised')} not exercised`,
  });
}

function finish(report: ProbeReport): ProbeReport {
  report.ok = !report.checks.some((c) => c.status === 'failed') && !(report.assumptions ?? []).some((v) => v.verdict === 'contradicted');
  return report;
}

/** The report when no adapter could be built (settings: region, project, credentials missing from the environment). */
export function settingsFailure(cloud: string, keyId: string, error: unknown): ProbeReport {
  return {
    cloud, keyId, ok: false,
    checks: [{ id: 'settings', status: 'failed', summary: messageOf(error) }],
  };
}

/** 0: every check passed (warnings allowed); 1: a check failed or an assumption was contradicted. */
export function probeExitStatus(report: ProbeReport): 0 | 1 {
  return report.ok ? 0 : 1;
}

const LABELS: Record<CheckId, string> = {
  settings: 'settings', credentials: 'credentials', clock: 'clock', key: 'key', origin: 'origin', 'import-parameters': 'import parameters', assumptions: 'assumptions',
};

/** The report as a table for people. */
export function formatReport(report: ProbeReport): string {
  const lines = [`imported-key probe: cloud ${report.cloud}, key ${report.keyId}`, ''];
  const width = Math.max(...report.checks.map((c) => LABELS[c.id].length), 'CHECK'.length) + 2;
  lines.push(`${'CHECK'.padEnd(width)}${'RESULT'.padEnd(10)}DETAILS`);
  for (const check of report.checks) lines.push(`${LABELS[check.id].padEnd(width)}${check.status.padEnd(10)}${check.summary}`);
  if (report.assumptions && report.assumptions.length > 0) {
    lines.push('', `Assumptions of the ${report.cloud} adapter, against live replies:`);
    const idWidth = Math.max(...report.assumptions.map((a) => a.id.length), 'ASSUMPTION'.length) + 2;
    lines.push(`${'ASSUMPTION'.padEnd(idWidth)}${'VERDICT'.padEnd(15)}SUMMARY`);
    for (const a of report.assumptions) {
      lines.push(`${a.id.padEnd(idWidth)}${a.verdict.padEnd(15)}${a.summary}${a.seen !== undefined ? ` (seen: ${a.seen})` : ''}`);
    }
  }
  const failed = report.checks.filter((c) => c.status === 'failed').length;
  const contradicted = (report.assumptions ?? []).filter((a) => a.verdict === 'contradicted').length;
  const warnings = report.checks.filter((c) => c.status === 'warning').length;
  lines.push('', report.ok
    ? `Result: fine${warnings ? ` (${warnings} warning${warnings > 1 ? 's' : ''})` : ''}`
    : `Result: NOT fine — ${failed} check${failed === 1 ? '' : 's'} failed${contradicted ? `, ${contradicted} assumption${contradicted === 1 ? '' : 's'} contradicted` : ''}`);
  return lines.join('\n') + '\n';
}
