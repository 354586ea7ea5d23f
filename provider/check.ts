// `check`: every rule knowable without calling the cloud, each failure naming its field, so that
// `pulumi preview` stops before anything is created. Also fills in the defaults the diff compares.
// Values still unknown during preview (the engine's placeholder) are skipped, not judged.

import type { CloudProfile } from './clouds/adapter';
import { CLOUD_NAMES, findCloudProfile } from './clouds';
import { describeDuration, parseDuration } from './duration';
import { ImportedKeyError } from './errors';
import { isUnknown } from './lifecycle';
import { parseTimestamp } from './timestamp';
import { ON_DELETE_VALUES, type KeyInputs } from './types';
import { getWrappingAlgorithm, validateKeyMaterial } from './wrapping';

export interface CheckFailure {
  property: string;
  reason: string;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const DAY_MS = 24 * 60 * 60 * 1000;
/**
 * Shortest rolling expiry: material must outlive the runs that renew it, and clouds keep expiry times to the
 * second with clocks read from Date headers (one-second resolution); an hour keeps both far away.
 */
export const MIN_EXPIRES_IN_MS = 60 * 60 * 1000;
/** Arguments that only make sense for a key the resource creates. */
const CREATE_ONLY = ['description', 'alias', 'tags', 'keyUsage', 'protectionLevel'] as const;
const KNOWN_ARGUMENTS = new Set([
  'cloud', 'region', 'endpoint', 'projectId', 'keyId', 'description', 'alias', 'tags', 'keySpec', 'keyUsage', 'protectionLevel',
  'keyMaterial', 'wrappingAlgorithm', 'wrappingKeySpec', 'expiresAt', 'expiresIn', 'renewBefore', 'onDelete', 'deletionWindowInDays',
  'resourceName', 'stackScope', '__provider',
]);
/** Arguments the SDK class fills in, not users: not listed in messages. */
const INTERNAL_ARGUMENTS = new Set(['__provider', 'resourceName', 'stackScope']);

/** Decodes the base64 `keyMaterial` argument; the error names the field, never the bytes. */
export function decodeKeyMaterial(value: unknown): Buffer {
  if (typeof value !== 'string' || value.length === 0) {
    throw new ImportedKeyError('InvalidKeyMaterial', 'keyMaterial is required: the key material as a base64 string');
  }
  const compact = value.replace(/\s+/g, '');
  if (!BASE64.test(compact)) {
    throw new ImportedKeyError('InvalidEncoding', 'keyMaterial must be base64 (A–Z, a–z, 0–9, +, /, with = padding)');
  }
  return Buffer.from(compact, 'base64');
}

function known(value: unknown): boolean {
  return value !== undefined && !isUnknown(value);
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Validates `news` and returns them with defaults filled in, plus every failure found. */
export function checkInputs(news: Record<string, unknown>, now: Date = new Date()): { inputs: KeyInputs; failures: CheckFailure[] } {
  const failures: CheckFailure[] = [];
  const fail = (property: string, reason: string) => failures.push({ property, reason });
  const inputs = { ...news } as unknown as KeyInputs & Record<string, unknown>;

  for (const name of Object.keys(news)) {
    if (!KNOWN_ARGUMENTS.has(name)) fail(name, `unknown argument; the arguments are ${[...KNOWN_ARGUMENTS].filter((n) => !INTERNAL_ARGUMENTS.has(n)).join(', ')}`);
  }
  for (const name of ['region', 'endpoint', 'projectId', 'keyId', 'description', 'alias', 'keySpec', 'keyUsage', 'protectionLevel', 'wrappingAlgorithm', 'wrappingKeySpec', 'expiresAt', 'expiresIn', 'renewBefore', 'onDelete', 'resourceName', 'stackScope'] as const) {
    if (known(news[name]) && typeof news[name] !== 'string') fail(name, `must be a string; got ${typeof news[name]}`);
  }

  let profile: CloudProfile | undefined;
  if (!known(news.cloud)) {
    if (news.cloud === undefined) fail('cloud', `is required; one of: ${CLOUD_NAMES.join(', ')}`);
  } else {
    profile = findCloudProfile(String(news.cloud));
    if (!profile) fail('cloud', `${JSON.stringify(String(news.cloud).slice(0, 40))} is not supported; one of: ${CLOUD_NAMES.join(', ')}`);
  }

  if (known(news.endpoint) && typeof news.endpoint === 'string' && !/^https?:\/\/[^\s/]+/.test(news.endpoint)) {
    fail('endpoint', 'must be an http:// or https:// URL, e.g. http://127.0.0.1:4566');
  }

  const adopting = news.keyId !== undefined;
  if (adopting) {
    for (const name of CREATE_ONLY) {
      if (news[name] !== undefined) fail(name, 'only applies to a key the resource creates; remove it, or remove keyId to create a key');
    }
    if (profile?.keyIdPattern && typeof news.keyId === 'string' && !profile.keyIdPattern.test(news.keyId)) {
      fail('keyId', `is not a ${profile.cloud} key id; it must match ${profile.keyIdPattern.source}`);
    }
  }

  if (profile?.aliasPattern && !adopting && known(news.alias) && typeof news.alias === 'string' && !profile.aliasPattern.test(news.alias)) {
    fail('alias', `${JSON.stringify(news.alias.slice(0, 60))} is not a valid ${profile.cloud} alias; it must match ${profile.aliasPattern.source}`);
  }

  if (known(news.tags)) {
    const tags = news.tags;
    if (typeof tags !== 'object' || tags === null || Array.isArray(tags) || Object.values(tags).some((v) => typeof v !== 'string')) {
      fail('tags', 'must be a map of string keys to string values');
    }
  }

  // Key spec: given, else the cloud's default for a created key; an adopted key's spec is learnt from the cloud.
  let keySpec: string | undefined;
  if (profile && known(news.keySpec) && typeof news.keySpec === 'string') {
    if (profile.keySpecs.includes(news.keySpec)) keySpec = news.keySpec;
    else fail('keySpec', `${JSON.stringify(news.keySpec.slice(0, 40))} is not a ${profile.cloud} key spec; one of: ${profile.keySpecs.join(', ')}`);
  } else if (profile && news.keySpec === undefined && !adopting) {
    keySpec = profile.defaultKeySpec;
    inputs.keySpec = keySpec;
  }

  if (profile && keySpec && known(news.keyUsage) && profile.keyUsages) {
    const usages = profile.keyUsages(keySpec);
    if (!usages.includes(String(news.keyUsage))) fail('keyUsage', `${keySpec} keys take keyUsage ${usages.join(' or ')}`);
  }

  const protectionLevel = checkProtectionLevel(profile, keySpec, adopting, news, inputs, fail);

  let materialLength: number | undefined;
  if (news.keyMaterial === undefined) {
    fail('keyMaterial', 'is required: the key material as a base64 string');
  } else if (known(news.keyMaterial)) {
    try {
      const material = decodeKeyMaterial(news.keyMaterial);
      materialLength = material.length;
      if (keySpec) validateKeyMaterial(keySpec, material);
    } catch (error) {
      fail('keyMaterial', message(error));
    }
  }

  // Wrapping algorithm and its key spec, against the cloud and the key spec.
  if (profile && known(news.wrappingAlgorithm) && typeof news.wrappingAlgorithm === 'string') {
    let algorithm: string | undefined;
    try {
      algorithm = getWrappingAlgorithm(news.wrappingAlgorithm).name;
    } catch (error) {
      fail('wrappingAlgorithm', message(error));
    }
    if (algorithm && keySpec && protectionLevel !== 'invalid') {
      const allowed = algorithmsFor(profile, keySpec, protectionLevel);
      const of = protectionLevel ? `${keySpec} keys with protectionLevel ${protectionLevel}` : `${keySpec} keys`;
      if (!allowed.includes(algorithm as never)) fail('wrappingAlgorithm', `${profile.cloud} does not accept ${algorithm} for ${of}; one of: ${allowed.join(', ')}`);
    }
    if (algorithm) checkWrappingKeySpec(profile, algorithm, news, inputs, fail);
    // The cloud's own name for an algorithm (Huawei SM2_ENCRYPT) is recorded as ours: the adapters speak ours.
    if (algorithm && algorithm !== news.wrappingAlgorithm) inputs.wrappingAlgorithm = algorithm;
  } else if (profile && news.wrappingAlgorithm === undefined && keySpec && protectionLevel !== 'invalid') {
    const algorithm = algorithmsFor(profile, keySpec, protectionLevel)[0];
    if (algorithm) {
      inputs.wrappingAlgorithm = algorithm;
      checkWrappingKeySpec(profile, algorithm, news, inputs, fail);
    }
  }

  const regionLimit = profile?.regionLimits?.(typeof news.region === 'string' ? news.region : undefined, {
    keySpec: typeof keySpec === 'string' ? keySpec : undefined,
    wrappingAlgorithm: typeof inputs.wrappingAlgorithm === 'string' ? inputs.wrappingAlgorithm : undefined,
  });
  if (regionLimit && !isUnknown(news.region)) fail(regionLimit.property, regionLimit.reason);

  const capacity = oaepCapacity(inputs.wrappingAlgorithm, inputs.wrappingKeySpec);
  if (materialLength !== undefined && capacity !== undefined && materialLength > capacity) {
    fail('keyMaterial', `is ${materialLength} bytes but ${inputs.wrappingAlgorithm} with ${inputs.wrappingKeySpec} wraps at most ${capacity}; use RSA_AES_KEY_WRAP_SHA_256 or a larger wrappingKeySpec`);
  }

  if (known(news.expiresAt) && typeof news.expiresAt === 'string') {
    const at = parseTimestamp(news.expiresAt);
    if (at === undefined) {
      fail('expiresAt', `must be a real ISO 8601 date and time with a zone, e.g. 2027-01-31T00:00:00Z; it is ${JSON.stringify(news.expiresAt)}; leave it out for material that never expires`);
    } else if (at <= now.getTime()) {
      fail('expiresAt', `must be in the future; it is ${news.expiresAt}`);
    } else if (profile?.maxExpiryDays !== undefined && at > now.getTime() + profile.maxExpiryDays * DAY_MS) {
      fail('expiresAt', `${profile.cloud} accepts at most ${profile.maxExpiryDays} days ahead; it is ${news.expiresAt}`);
    }
  }

  checkRollingExpiry(profile, news, fail);

  if (known(news.onDelete) && !ON_DELETE_VALUES.includes(news.onDelete as never)) {
    fail('onDelete', `must be one of: ${ON_DELETE_VALUES.join(', ')}`);
  } else if (news.onDelete === undefined) {
    inputs.onDelete = adopting ? 'deleteMaterial' : 'scheduleKeyDeletion';
  }

  if (news.deletionWindowInDays !== undefined && known(news.deletionWindowInDays) && profile) {
    const days = news.deletionWindowInDays;
    const { min, max } = profile.deletionWindowDays;
    if (typeof days !== 'number' || !Number.isInteger(days) || days < min || days > max) {
      fail('deletionWindowInDays', `${profile.cloud} accepts a whole number of days from ${min} to ${max}`);
    }
  } else if (news.deletionWindowInDays === undefined && profile && inputs.onDelete === 'scheduleKeyDeletion') {
    inputs.deletionWindowInDays = profile.deletionWindowDays.default;
  }

  return { inputs, failures };
}

/**
 * `protectionLevel`, where the cloud has protection levels (Alibaba), for a key the resource creates: one of the
 * levels for the key spec, else the spec's default is filled in. Returns the level, undefined where none applies
 * or it is not known offline (an adopted key, a key spec still unknown), 'invalid' after a failure.
 */
function checkProtectionLevel(
  profile: CloudProfile | undefined,
  keySpec: string | undefined,
  adopting: boolean,
  news: Record<string, unknown>,
  inputs: Record<string, unknown>,
  fail: (property: string, reason: string) => void,
): string | undefined | 'invalid' {
  if (!profile) return undefined;
  const given = news.protectionLevel;
  if (!profile.protectionLevels) {
    if (given === undefined) return undefined;
    const clouds = CLOUD_NAMES.filter((name) => findCloudProfile(name)?.protectionLevels);
    fail('protectionLevel', `${profile.cloud} keys have no protection level to choose; it only applies to cloud ${clouds.join(', ')} — remove it`);
    return 'invalid';
  }
  if (adopting || !keySpec || isUnknown(given)) return undefined;
  const levels = profile.protectionLevels(keySpec);
  if (given === undefined) {
    inputs.protectionLevel = levels[0];
    return levels[0];
  }
  if (typeof given !== 'string') return 'invalid';
  if (levels.includes(given)) return given;
  fail('protectionLevel', `${JSON.stringify(given.slice(0, 40))} is not allowed for ${keySpec} keys; ${profile.cloud} ${keySpec} keys take ${levels.join(' or ')}`);
  return 'invalid';
}

/** The algorithms for a key spec at a level; with the level unknown (an adopted key), those of any level. */
function algorithmsFor(profile: CloudProfile, keySpec: string, protectionLevel: string | undefined): readonly string[] {
  if (protectionLevel !== undefined || !profile.protectionLevels) return profile.wrappingAlgorithms(keySpec, protectionLevel);
  return [...new Set(profile.protectionLevels(keySpec).flatMap((level) => profile.wrappingAlgorithms(keySpec, level)))];
}

/** `expiresIn` (a rolling period, not with `expiresAt`) and `renewBefore` (shorter than it). */
function checkRollingExpiry(profile: CloudProfile | undefined, news: Record<string, unknown>, fail: (property: string, reason: string) => void): void {
  if (news.expiresIn !== undefined && news.expiresAt !== undefined) {
    fail('expiresIn', 'cannot be set together with expiresAt: choose a fixed date (expiresAt) or a rolling period (expiresIn), or neither for material that never expires');
    return;
  }
  if (news.renewBefore !== undefined && news.expiresIn === undefined) {
    fail('renewBefore', 'only applies with expiresIn (a rolling period); remove it, or set expiresIn');
    return;
  }
  if (!known(news.expiresIn) || typeof news.expiresIn !== 'string') return;
  let periodMs: number;
  try {
    periodMs = parseDuration(news.expiresIn);
  } catch (error) {
    fail('expiresIn', message(error));
    return;
  }
  const maxDays = profile?.maxExpiryDays;
  if (periodMs < MIN_EXPIRES_IN_MS) {
    fail('expiresIn', `must be at least ${describeDuration(MIN_EXPIRES_IN_MS)} (PT1H); it is ${describeDuration(periodMs)}`);
  } else if (maxDays !== undefined && periodMs > maxDays * DAY_MS) {
    fail('expiresIn', `${profile!.cloud} accepts an expiry at most ${maxDays} days ahead (P${maxDays}D); it is ${describeDuration(periodMs)}`);
  }
  if (!known(news.renewBefore) || typeof news.renewBefore !== 'string') return;
  try {
    const renewMs = parseDuration(news.renewBefore);
    if (renewMs <= 0) fail('renewBefore', 'must be longer than zero (e.g. P7D); without a window the material would lapse before it is renewed');
    else if (renewMs >= periodMs) fail('renewBefore', `must be shorter than expiresIn (${news.expiresIn}); it is ${describeDuration(renewMs)}, so every run would reimport`);
  } catch (error) {
    fail('renewBefore', message(error));
  }
}

/** Most bytes plain RSA-OAEP wraps under an RSA_<bits> wrapping key (RFC 8017: k − 2·hLen − 2); undefined when not plain OAEP. */
function oaepCapacity(algorithm: unknown, wrappingKeySpec: unknown): number | undefined {
  const bits = typeof wrappingKeySpec === 'string' ? /^RSA_(\d+)$/.exec(wrappingKeySpec)?.[1] : undefined;
  const hashBytes = algorithm === 'RSAES_OAEP_SHA_256' ? 32 : algorithm === 'RSAES_OAEP_SHA_1' ? 20 : undefined;
  return bits && hashBytes ? Number(bits) / 8 - 2 * hashBytes - 2 : undefined;
}

function checkWrappingKeySpec(
  profile: CloudProfile,
  algorithm: string,
  news: Record<string, unknown>,
  inputs: Record<string, unknown>,
  fail: (property: string, reason: string) => void,
): void {
  const specs = profile.wrappingKeySpecs(algorithm as never);
  if (news.wrappingKeySpec === undefined) {
    if (specs[0]) inputs.wrappingKeySpec = specs[0];
  } else if (known(news.wrappingKeySpec) && !specs.includes(String(news.wrappingKeySpec))) {
    fail('wrappingKeySpec', `${profile.cloud} offers ${algorithm} with wrapping key spec ${specs.join(', ')}`);
  }
}
