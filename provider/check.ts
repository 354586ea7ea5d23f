// `check`: every rule knowable without calling the cloud, each failure naming its field, so that
// `pulumi preview` stops before anything is created. Also fills in the defaults the diff compares.
// Values still unknown during preview (the engine's placeholder) are skipped, not judged.

import type { CloudProfile } from './clouds/adapter';
import { CLOUD_NAMES, findCloudProfile } from './clouds';
import { checkMaterialRotation, checkOutgoingMaterial } from './check-rotation';
import { describeDuration, parseDuration } from './duration';
import { ImportedKeyError } from '../core/errors';
import { isUnknown } from './lifecycle';
import { parseTimestamp } from './timestamp';
import { findProperty, select, type Property } from './properties';
import { isOnDelete, ON_DELETE_VALUES, type KeyInputs } from './types';
import { getWrappingAlgorithm, validateKeyMaterial, WRAPPING_ALGORITHMS, type WrappingAlgorithm } from '../core/wrapping';

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
// The argument lists, from the one table (properties.ts); messages list names in its order.
/** Arguments that only make sense for a key the resource creates. */
const CREATE_ONLY = select({ createOnly: true });
/** Every name `check` accepts: what users give and what the SDK class passes. */
const KNOWN_ARGUMENTS: ReadonlySet<string> = new Set(select({ argument: true }));
/** Arguments the SDK class fills in, not users: not listed in messages. */
const INTERNAL_ARGUMENTS: ReadonlySet<string> = new Set(select({ argument: true, internal: 'sdk' }));
/** The arguments users give, as messages list them. */
const USER_ARGUMENTS = [...KNOWN_ARGUMENTS].filter((name) => !INTERNAL_ARGUMENTS.has(name));
/**
 * Arguments that are strings, judged here for their type. Not cloud and keyMaterial (rules with messages of their own:
 * the clouds to choose from, decodeKeyMaterial) nor __provider (Pulumi's own).
 */
const STRING_ARGUMENTS = select({ argument: true, type: 'string' }).filter((name) => name !== 'cloud' && name !== 'keyMaterial' && name !== '__provider');

/** Decodes the base64 `keyMaterial` argument; the error names the field, never the bytes. */
export function decodeKeyMaterial(value: unknown): Buffer {
  if (typeof value !== 'string') {
    throw new ImportedKeyError('InvalidKeyMaterial', `keyMaterial must be the key material as a base64 string; got ${value === null ? 'null' : typeof value}`);
  }
  if (value.length === 0) throw new ImportedKeyError('InvalidKeyMaterial', 'keyMaterial is empty: give the key material as a base64 string');
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

/**
 * What `check` makes of the arguments: with every argument of its type (or not known yet), `typed` and the arguments
 * as the other steps take them; else (an argument of the wrong type, each one also a failure once its cloud is known)
 * what was given, with the defaults filled in all the same.
 */
export type CheckedInputs =
  | { typed: true; inputs: KeyInputs; failures: CheckFailure[] }
  | { typed: false; inputs: Record<string, unknown>; failures: CheckFailure[] };

/** Validates `news` and returns them with defaults filled in, plus every failure found; every reason starts with its argument's name. */
export function checkInputs(
  news: Record<string, unknown>, now: Date = new Date(), env: NodeJS.ProcessEnv = process.env, olds: Record<string, unknown> = {},
): CheckedInputs {
  const failures: CheckFailure[] = [];
  const fail = (property: string, reason: string) => failures.push({ property, reason: named(property, reason) });
  const inputs: Record<string, unknown> = { ...news };

  for (const name of Object.keys(news)) {
    // No property: the engine would print the value, and a misspelt keyMaterial holds the material.
    if (!KNOWN_ARGUMENTS.has(name)) {
      failures.push({ property: '', reason: `${name} is not an argument of ImportedKey (its value is not shown); the arguments are ${USER_ARGUMENTS.join(', ')}` });
    }
  }
  let profile: CloudProfile | undefined;
  if (news.cloud === undefined) {
    fail('cloud', `is required; one of: ${CLOUD_NAMES.join(', ')}`);
  } else if (known(news.cloud) && typeof news.cloud !== 'string') {
    fail('cloud', `must be a string, one of: ${CLOUD_NAMES.join(', ')}; got ${describeType(news.cloud)}`);
  } else if (known(news.cloud)) {
    profile = findCloudProfile(news.cloud as string);
    if (!profile) fail('cloud', `${JSON.stringify((news.cloud as string).slice(0, 40))} is not supported; one of: ${CLOUD_NAMES.join(', ')}`);
  }

  /** Arguments of the wrong type: reported once, not judged further. */
  const mistyped = new Set<string>();
  for (const name of STRING_ARGUMENTS) {
    if (known(news[name]) && typeof news[name] !== 'string') {
      mistyped.add(name);
      fail(name, `must be a string: ${formOf(name, profile)}; got ${describeType(news[name])}`);
    }
  }
  const text = (name: string): string | undefined => (known(news[name]) && !mistyped.has(name) ? (news[name] as string) : undefined);

  const endpoint = text('endpoint');
  if (endpoint !== undefined) {
    const problem = endpointProblem(endpoint, profile);
    if (problem) fail('endpoint', problem);
  }

  const adopting = news.keyId !== undefined;
  if (adopting) {
    for (const name of CREATE_ONLY) {
      if (news[name] !== undefined) fail(name, 'only applies to a key the resource creates; remove it, or remove keyId to create a key');
    }
    const keyId = text('keyId');
    if (profile?.keyIdPattern && keyId !== undefined && !profile.keyIdPattern.test(keyId)) {
      fail('keyId', `${JSON.stringify(keyId.slice(0, 80))} is not ${article(profile.cloud)} key id; it must match ${profile.keyIdPattern.source}`);
    }
  }

  const region = checkRegion(profile, news, text('region'), endpoint, env, fail);
  checkProject(profile, news, text('projectId'), env, fail);
  const keyId = text('keyId');
  const keyIdRegion = keyId !== undefined ? profile?.keyIdRegion?.(keyId) : undefined;
  if (profile && keyIdRegion && region && keyIdRegion !== region) {
    fail('keyId', `names a key in ${keyIdRegion}, but this resource's region is ${region}; a key is reached only in its own region: set region to ${keyIdRegion}, or adopt a key of ${region}`);
  }

  const description = text('description');
  if (profile?.descriptionMaxLength !== undefined && !adopting && description !== undefined && characters(description) > profile.descriptionMaxLength) {
    fail('description', `is ${characters(description)} characters; ${profile.cloud} takes at most ${profile.descriptionMaxLength}`);
  }

  const alias = text('alias');
  if (profile && !adopting && alias !== undefined && alias.trim() === '') {
    // A cloud without a published alias pattern (Ping An) would otherwise get a blank alias it can never be found by.
    const wanted = profile.aliasPattern ? `it must match ${profile.aliasPattern.source}` : `give ${profile.cloud} a non-blank alias`;
    fail('alias', `is empty; ${wanted}, or leave alias out for a key without one`);
  } else if (profile?.aliasPattern && !adopting && alias !== undefined && !profile.aliasPattern.test(alias)) {
    fail('alias', `${JSON.stringify(alias.slice(0, 60))} is not a valid ${profile.cloud} alias; it must match ${profile.aliasPattern.source}`);
  }

  if (known(news.tags)) {
    const tags = news.tags;
    if (typeof tags !== 'object' || tags === null || Array.isArray(tags) || Object.values(tags).some((v) => typeof v !== 'string')) {
      fail('tags', 'must be a map of string keys to string values, e.g. { team: "payments" }');
    } else if (profile && !adopting) {
      checkTags(profile, tags as Record<string, string>, fail);
    }
  }

  // Key spec: given, else the cloud's default for a created key; an adopted key's spec is learnt from the cloud.
  let keySpec: string | undefined;
  const givenKeySpec = text('keySpec');
  if (profile && givenKeySpec !== undefined) {
    if (profile.keySpecs.includes(givenKeySpec)) keySpec = givenKeySpec;
    else fail('keySpec', `${JSON.stringify(givenKeySpec.slice(0, 40))} is not ${article(profile.cloud)} key spec; one of: ${profile.keySpecs.join(', ')}`);
  } else if (profile && news.keySpec === undefined && !adopting) {
    keySpec = profile.defaultKeySpec;
    inputs.keySpec = keySpec;
  }

  const keyUsage = text('keyUsage');
  if (profile && keySpec && keyUsage !== undefined && profile.keyUsages) {
    const usages = profile.keyUsages(keySpec);
    if (!usages.includes(keyUsage)) fail('keyUsage', `${JSON.stringify(keyUsage.slice(0, 40))} is not allowed for ${keySpec} keys; ${keySpec} keys take keyUsage ${usages.join(' or ')}`);
  }

  const protectionLevel = mistyped.has('protectionLevel') ? 'invalid' : checkProtectionLevel(profile, keySpec, adopting, news, inputs, fail);

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

  checkMaterialRotation(profile, keySpec, news, decodeKeyMaterial, fail);
  checkOutgoingMaterial(olds, news, decodeKeyMaterial, fail);

  // Wrapping algorithm and its key spec, against the cloud and the key spec.
  const wrappingAlgorithm = text('wrappingAlgorithm');
  if (profile && wrappingAlgorithm !== undefined) {
    let algorithm: WrappingAlgorithm | undefined;
    try {
      algorithm = getWrappingAlgorithm(wrappingAlgorithm).name;
    } catch (error) {
      fail('wrappingAlgorithm', message(error));
    }
    if (algorithm && keySpec && protectionLevel !== 'invalid') {
      const allowed = algorithmsFor(profile, keySpec, protectionLevel);
      const of = protectionLevel ? `${keySpec} keys with protectionLevel ${protectionLevel}` : `${keySpec} keys`;
      if (!allowed.includes(algorithm)) fail('wrappingAlgorithm', `${profile.cloud} does not accept ${algorithm} for ${of}; one of: ${allowed.join(', ')}`);
    }
    if (algorithm) checkWrappingKeySpec(profile, algorithm, news, inputs, mistyped, fail);
    // The cloud's own name for an algorithm (Huawei SM2_ENCRYPT) is recorded as ours: the adapters speak ours.
    if (algorithm && algorithm !== wrappingAlgorithm) inputs.wrappingAlgorithm = algorithm;
  } else if (profile && news.wrappingAlgorithm === undefined && keySpec && protectionLevel !== 'invalid') {
    const algorithm = algorithmsFor(profile, keySpec, protectionLevel)[0];
    if (algorithm) {
      inputs.wrappingAlgorithm = algorithm;
      checkWrappingKeySpec(profile, algorithm, news, inputs, mistyped, fail);
    }
  }

  const regionLimit = profile?.regionLimits?.(text('region'), {
    keySpec: typeof keySpec === 'string' ? keySpec : undefined,
    wrappingAlgorithm: typeof inputs.wrappingAlgorithm === 'string' ? inputs.wrappingAlgorithm : undefined,
  });
  if (regionLimit && !isUnknown(news.region)) fail(regionLimit.property, regionLimit.reason);

  const capacity = oaepCapacity(inputs.wrappingAlgorithm, inputs.wrappingKeySpec);
  if (materialLength !== undefined && capacity !== undefined && materialLength > capacity) {
    fail('keyMaterial', `is ${materialLength} bytes but ${inputs.wrappingAlgorithm} with ${inputs.wrappingKeySpec} wraps at most ${capacity}; use RSA_AES_KEY_WRAP_SHA_256 or a larger wrappingKeySpec`);
  }

  const expiresAt = text('expiresAt');
  if (expiresAt !== undefined) {
    const at = parseTimestamp(expiresAt);
    if (at === undefined) {
      fail('expiresAt', `must be a real ISO 8601 date and time with a zone, e.g. 2027-01-31T00:00:00Z; it is ${JSON.stringify(expiresAt.slice(0, 60))}; leave it out for material that never expires`);
    } else if (at <= now.getTime()) {
      fail('expiresAt', `must be in the future; it is ${expiresAt}`);
    } else if (profile?.maxExpiryDays !== undefined && at > now.getTime() + profile.maxExpiryDays * DAY_MS) {
      fail('expiresAt', `${profile.cloud} accepts at most ${profile.maxExpiryDays} days ahead; it is ${expiresAt}`);
    }
  }

  checkRollingExpiry(profile, news, mistyped, fail);

  if (known(news.onDelete) && !mistyped.has('onDelete') && !isOnDelete(news.onDelete)) {
    fail('onDelete', `${JSON.stringify(String(news.onDelete).slice(0, 40))} is not allowed; one of: ${ON_DELETE_VALUES.join(', ')}`);
  } else if (news.onDelete === undefined) {
    inputs.onDelete = adopting ? 'deleteMaterial' : 'scheduleKeyDeletion';
  }

  if (news.deletionWindowInDays !== undefined && known(news.deletionWindowInDays) && profile) {
    const days = news.deletionWindowInDays;
    const { min, max } = profile.deletionWindowDays;
    if (typeof days !== 'number' || !Number.isInteger(days) || days < min || days > max) {
      const got = typeof days === 'number' ? String(days) : typeof days === 'string' ? `the string ${JSON.stringify(days.slice(0, 20))}` : describeType(days);
      fail('deletionWindowInDays', `${profile.cloud} accepts a whole number of days from ${min} to ${max}; got ${got}`);
    }
  } else if (news.deletionWindowInDays === undefined && profile && inputs.onDelete === 'scheduleKeyDeletion') {
    inputs.deletionWindowInDays = profile.deletionWindowDays.default;
  }

  // A string "false" would read as enabled: only a boolean says it.
  if (known(news.enabled) && typeof news.enabled !== 'boolean') {
    const got = typeof news.enabled === 'string' ? `the string ${JSON.stringify(news.enabled.slice(0, 20))}` : describeType(news.enabled);
    fail('enabled', `must be true or false (default true); got ${got}`);
  }

  return isKeyInputs(inputs) ? { typed: true, inputs, failures } : { typed: false, inputs, failures };
}

/** Whether a value is of an argument's type in the table; the engine's placeholder stands for any value. */
function ofType(type: Property['type'], value: unknown): boolean {
  if (value === undefined || isUnknown(value)) return true;
  if (type === 'list') return Array.isArray(value) && value.every((entry) => typeof entry === 'string' || isUnknown(entry));
  if (type === 'map') return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'string');
  return typeof value === type;
}

/** Whether checked arguments are KeyInputs: the required ones given, every one an argument of its type, onDelete one of its values. */
function isKeyInputs(inputs: Record<string, unknown>): inputs is KeyInputs & Record<string, unknown> {
  const required = inputs.cloud !== undefined && inputs.keyMaterial !== undefined;
  const typed = Object.entries(inputs).every(([name, value]) => {
    const property = findProperty(name);
    return property !== undefined && property.argument && ofType(property.type, value);
  });
  return required && typed && (inputs.onDelete === undefined || isUnknown(inputs.onDelete) || isOnDelete(inputs.onDelete));
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
function algorithmsFor(profile: CloudProfile, keySpec: string, protectionLevel: string | undefined): readonly WrappingAlgorithm[] {
  if (protectionLevel !== undefined || !profile.protectionLevels) return profile.wrappingAlgorithms(keySpec, protectionLevel);
  return [...new Set(profile.protectionLevels(keySpec).flatMap((level) => profile.wrappingAlgorithms(keySpec, level)))];
}

/** `expiresIn` (a rolling period, not with `expiresAt`) and `renewBefore` (shorter than it). */
function checkRollingExpiry(
  profile: CloudProfile | undefined,
  news: Record<string, unknown>,
  mistyped: ReadonlySet<string>,
  fail: (property: string, reason: string) => void,
): void {
  if (news.expiresIn !== undefined && news.expiresAt !== undefined) {
    fail('expiresIn', 'cannot be set together with expiresAt: choose a fixed date (expiresAt) or a rolling period (expiresIn), or neither for material that never expires');
    return;
  }
  if (news.renewBefore !== undefined && news.expiresIn === undefined) {
    fail('renewBefore', 'only applies with expiresIn (a rolling period); remove it, or set expiresIn');
    return;
  }
  if (!known(news.expiresIn) || mistyped.has('expiresIn')) return;
  let periodMs: number;
  try {
    periodMs = parseDuration(news.expiresIn as string);
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
  if (!known(news.renewBefore) || mistyped.has('renewBefore')) return;
  try {
    const renewMs = parseDuration(news.renewBefore as string);
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
  algorithm: WrappingAlgorithm,
  news: Record<string, unknown>,
  inputs: Record<string, unknown>,
  mistyped: ReadonlySet<string>,
  fail: (property: string, reason: string) => void,
): void {
  const specs = profile.wrappingKeySpecs(algorithm);
  if (news.wrappingKeySpec === undefined) {
    if (specs[0]) inputs.wrappingKeySpec = specs[0];
  } else if (specs.length > 0 && known(news.wrappingKeySpec) && !mistyped.has('wrappingKeySpec') && !specs.includes(String(news.wrappingKeySpec))) {
    // (No spec at all: the algorithm itself is not offered, and wrappingAlgorithm's failure says so.)
    fail('wrappingKeySpec', `${JSON.stringify(String(news.wrappingKeySpec).slice(0, 40))} is not offered with ${algorithm}: ${profile.cloud} offers ${algorithm} with wrapping key spec ${specs.join(', ')}`);
  }
}

/** The reason as it reads on its own: it starts with the argument's name (reasons written elsewhere get it put in front). */
function named(property: string, reason: string): string {
  if (property === '' || reason.startsWith(`${property} `) || reason.startsWith(`${property}:`)) return reason;
  return /^(?:is|are|must|only|cannot|names|has)\b|^"/.test(reason) ? `${property} ${reason}` : `${property}: ${reason}`;
}

/** What a string argument holds, for a message about a value of the wrong type. */
function formOf(name: string, profile: CloudProfile | undefined): string {
  const cloud = profile?.cloud;
  switch (name) {
    case 'region': return profile?.region ? `${article(profile.cloud)} region name such as ${profile.region.example}` : 'a region name such as eu-west-1';
    case 'endpoint': return 'a URL such as http://127.0.0.1:4566';
    case 'projectId': return profile?.project ? `${article(profile.cloud)} project id (${profile.project.describe})` : 'a project id, only where the cloud has projects';
    case 'keyId': return `the id of an existing ${cloud ? `${cloud} ` : ''}key with origin EXTERNAL`;
    case 'description': return profile?.descriptionMaxLength !== undefined ? `text of at most ${profile.descriptionMaxLength} characters` : 'text';
    case 'alias': return profile?.aliasPattern ? `an alias matching ${profile.aliasPattern.source}` : 'an alias';
    case 'keySpec': return profile ? `one of: ${profile.keySpecs.join(', ')}` : 'a key spec';
    case 'keyUsage': return profile?.keyUsages ? `a key usage such as ${profile.keyUsages(profile.defaultKeySpec)[0]}` : 'a key usage';
    case 'protectionLevel': return profile?.protectionLevels ? `one of: ${profile.protectionLevels(profile.defaultKeySpec).join(', ')}` : 'a protection level, only where the cloud has them';
    case 'wrappingAlgorithm': return `one of: ${(profile ? profile.wrappingAlgorithms(profile.defaultKeySpec) : WRAPPING_ALGORITHMS).join(', ')}`;
    case 'wrappingKeySpec': return 'a wrapping key spec such as RSA_2048';
    case 'expiresAt': return 'an ISO 8601 date and time with a zone, e.g. 2027-01-31T00:00:00Z';
    case 'expiresIn': case 'renewBefore': return 'an ISO 8601 duration such as P90D';
    case 'onDelete': return `one of: ${ON_DELETE_VALUES.join(', ')}`;
    default: return 'set by the ImportedKey class';
  }
}

function article(cloud: string): string {
  return /^[aeiou]/.test(cloud) ? `an ${cloud}` : `a ${cloud}`;
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'number' || typeof value === 'boolean' ? `${typeof value} ${String(value)}` : typeof value;
}

/** Length as the clouds count it: characters (code points), not UTF-16 units. */
function characters(text: string): number {
  return [...text].length;
}

/** Why `endpoint` cannot be the cloud's endpoint; undefined when it can. No client sends a query, a fragment or user info. */
function endpointProblem(endpoint: string, profile: CloudProfile | undefined): string | undefined {
  // Unknown cloud or no rule: only what no client takes is refused (a scheme is needed, a path allowed).
  const form = profile?.endpointForm ?? { bareHost: false, path: true };
  const shown = JSON.stringify(endpoint.slice(0, 80));
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(endpoint);
  const wanted = `${form.bareHost ? 'https://host, http://host:port or a bare host' : 'an http:// or https:// URL'}${form.path ? ' (a path is kept as a prefix)' : ''}, e.g. http://127.0.0.1:4566`;
  if (!hasScheme && !form.bareHost) return `${shown} is not a URL; ${profile?.cloud ?? 'the cloud'} takes ${wanted}`;
  let url: URL;
  try {
    url = new URL(hasScheme ? endpoint : `https://${endpoint}`);
  } catch {
    return `${shown} is not a URL; give ${wanted}`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `${shown} must use http or https; give ${wanted}`;
  if (/\s/.test(endpoint) || url.hostname === '') return `${shown} is not a URL (no host, or a space in it); give ${wanted}`;
  if (url.username || url.password) return `${shown} must not carry a user or password (credentials come from the cloud's usual chain); give ${wanted}`;
  if (url.search || url.hash || /[?#]/.test(endpoint)) return `${shown} must not have a query or fragment (the client would drop it); give ${wanted}`;
  if (!form.path && url.pathname !== '/') return `${shown} must not have a path: ${profile!.cloud} calls always go to "/"; give ${wanted}`;
  return undefined;
}

/**
 * `region`: a name the cloud knows, from the argument (the SDK passes the stack's `<cloud>:region` as it) or the
 * adapter's environment variables; required where the cloud needs one, nothing else supplies one and the cloud's
 * SDK has nowhere else to look. Returns the region the adapter will use, where known and well formed.
 */
function checkRegion(
  profile: CloudProfile | undefined,
  news: Record<string, unknown>,
  given: string | undefined,
  endpoint: string | undefined,
  env: NodeJS.ProcessEnv,
  fail: (property: string, reason: string) => void,
): string | undefined {
  const rule = profile?.region;
  if (!profile || !rule || isUnknown(news.region) || (news.region !== undefined && given === undefined)) return given;
  const cloud = profile.cloud;
  // A cloud with a closed list of regions names them all; the others give an example of the form.
  const example = rule.names ? `one of ${cloud}'s regions (${rule.names.join(', ')})` : `${article(cloud)} region name such as ${rule.example}`;
  const setIt = `set the region argument, the stack config ${cloud}:region, or ${rule.environment.join(' / ')}`;
  if (given === '') {
    fail('region', `is empty; give ${example}, or leave it out to use the stack config ${cloud}:region or ${rule.environment.join(' / ')}`);
    return undefined;
  }
  if (given !== undefined) {
    if (rule.pattern.test(given)) return given;
    fail('region', `${JSON.stringify(given.slice(0, 40))} is not ${example}${rule.names ? '' : ' (lower case, no spaces)'}`);
    return undefined;
  }
  const variable = rule.environment.find((name) => env[name]);
  if (variable !== undefined) {
    const value = env[variable]!;
    if (rule.pattern.test(value)) return value;
    fail('region', `is not given, and ${variable} is ${JSON.stringify(value.slice(0, 40))}, which is not ${example}; ${setIt}`);
    return undefined;
  }
  const endpointGiven = news.endpoint !== undefined && (endpoint !== undefined || isUnknown(news.endpoint));
  if (rule.endpointSuffices && endpointGiven) return undefined;
  if (rule.foundElsewhere?.(env)) return undefined;
  fail('region', `is required for ${cloud}${rule.endpointSuffices ? ' (or an endpoint)' : ''}: ${setIt}; e.g. ${rule.example}`);
  return undefined;
}

/** `projectId`: only where the cloud has projects; there in the cloud's form, from the argument or the adapter's environment. */
function checkProject(
  profile: CloudProfile | undefined,
  news: Record<string, unknown>,
  given: string | undefined,
  env: NodeJS.ProcessEnv,
  fail: (property: string, reason: string) => void,
): void {
  if (!profile || isUnknown(news.projectId)) return;
  const rule = profile.project;
  if (!rule) {
    if (news.projectId === undefined) return;
    const clouds = CLOUD_NAMES.filter((name) => findCloudProfile(name)?.project);
    fail('projectId', `only applies to cloud ${clouds.join(', ')}; ${profile.cloud} keys have no project — remove it`);
    return;
  }
  if (news.projectId !== undefined && given === undefined) return; // the wrong type, already reported
  const setIt = `pass the projectId argument or set ${rule.environment.join(' / ')}`;
  if (given !== undefined) {
    if (!rule.pattern.test(given)) fail('projectId', `${JSON.stringify(given.slice(0, 70))} is not ${article(profile.cloud)} project id: ${rule.describe}`);
    return;
  }
  const variable = rule.environment.find((name) => env[name]);
  if (variable === undefined) {
    fail('projectId', `is required for ${profile.cloud} (${rule.describe}): ${setIt}`);
  } else if (!rule.pattern.test(env[variable]!)) {
    fail('projectId', `is not given, and ${variable} is ${JSON.stringify(env[variable]!.slice(0, 70))}, which is not ${article(profile.cloud)} project id: ${rule.describe}`);
  }
}

/** Tags against the cloud's limits; refused where the cloud's adapter cannot set tags. */
function checkTags(profile: CloudProfile, tags: Record<string, string>, fail: (property: string, reason: string) => void): void {
  const entries = Object.entries(tags);
  const limits = profile.tagLimits;
  if (!limits) {
    if (entries.length === 0) return;
    const clouds = CLOUD_NAMES.filter((name) => findCloudProfile(name)?.tagLimits);
    fail('tags', `are not supported for ${profile.cloud} keys yet; remove them (tags work on ${clouds.join(', ')})`);
    return;
  }
  const { keyLength, valueLength } = limits;
  if (entries.length > limits.maxTags) fail('tags', `has ${entries.length} entries; ${profile.cloud} takes at most ${limits.maxTags} tags per key`);
  for (const [key, value] of entries) {
    const shownKey = JSON.stringify(key.slice(0, 40));
    const keyChars = characters(key);
    if (keyChars < keyLength.min || keyChars > keyLength.max) {
      fail('tags', `key ${shownKey}${keyChars > 40 ? '…' : ''} is ${keyChars} characters; ${profile.cloud} takes tag keys of ${keyLength.min}–${keyLength.max} characters`);
    }
    const reserved = limits.reservedKeyPrefixes.find((prefix) => key.toLowerCase().startsWith(prefix.toLowerCase()));
    if (reserved) fail('tags', `key ${shownKey} starts with ${reserved}, which ${profile.cloud} keeps for itself; tag keys must not start with ${limits.reservedKeyPrefixes.join(' or ')}`);
    const valueChars = characters(value);
    if (valueChars < valueLength.min || valueChars > valueLength.max) {
      fail('tags', `value of ${shownKey} is ${valueChars} characters; ${profile.cloud} takes tag values of ${valueLength.min}–${valueLength.max} characters`);
    }
  }
}
