// Reading an AWS JSON 1.1 request body the way KMS does: a wrong JSON type is a
// SerializationException, a missing required member or a value out of its constraints is a
// ValidationException naming the member; blobs are base64 strings.

import { AwsError, invalidValue, missingField } from './errors';

export type Json = Record<string, unknown>;

export function parseBody(body: Buffer): Json {
  const text = body.toString('utf8');
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AwsError('SerializationException', 'Malformed JSON in the request body');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new AwsError('SerializationException', 'Start of structure or map found where not expected: the request body must be a JSON object');
  }
  return value as Json;
}

function wrongType(field: string, expected: string): AwsError {
  return new AwsError('SerializationException', `Member '${field}' must be ${expected}`);
}

export function optString(body: Json, field: string, limits: { min?: number; max?: number } = {}): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw wrongType(field, 'a string');
  if (limits.min !== undefined && value.length < limits.min) throw invalidValue(field, value, `Member must have length greater than or equal to ${limits.min}`);
  if (limits.max !== undefined && value.length > limits.max) throw invalidValue(field, value.slice(0, 40), `Member must have length less than or equal to ${limits.max}`);
  return value;
}

/** optString, and the value must match `pattern` (as the service model's `pattern` constraints). */
export function optPattern(body: Json, field: string, pattern: RegExp, limits: { min?: number; max?: number } = {}): string | undefined {
  const value = optString(body, field, limits);
  if (value !== undefined && !pattern.test(value)) throw invalidValue(field, value.slice(0, 40), `Member must satisfy regular expression pattern: ${pattern.source}`);
  return value;
}

export function reqString(body: Json, field: string, limits: { min?: number; max?: number } = { min: 1 }): string {
  const value = optString(body, field, limits);
  if (value === undefined) throw missingField(field);
  return value;
}

export function optEnum<T extends string>(body: Json, field: string, allowed: readonly T[]): T | undefined {
  const value = optString(body, field);
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw invalidValue(field, value, `Member must satisfy enum value set: [${allowed.join(', ')}]`);
  return value as T;
}

export function reqEnum<T extends string>(body: Json, field: string, allowed: readonly T[]): T {
  const value = optEnum(body, field, allowed);
  if (value === undefined) throw missingField(field);
  return value;
}

export function optNumber(body: Json, field: string): number | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw wrongType(field, 'a number');
  return value;
}

export function optInteger(body: Json, field: string, min: number, max: number): number | undefined {
  const value = optNumber(body, field);
  if (value === undefined) return undefined;
  if (!Number.isInteger(value)) throw wrongType(field, 'an integer');
  if (value < min) throw invalidValue(field, String(value), `Member must have value greater than or equal to ${min}`);
  if (value > max) throw invalidValue(field, String(value), `Member must have value less than or equal to ${max}`);
  return value;
}

export function optBoolean(body: Json, field: string): boolean | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw wrongType(field, 'a boolean');
  return value;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** A blob member; never echoes the value (blobs carry plaintext, material, tokens). */
export function optBlob(body: Json, field: string, limits: { min?: number; max?: number } = {}): Buffer | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw wrongType(field, 'a base64-encoded string');
  if (!BASE64.test(value)) throw new AwsError('SerializationException', `Member '${field}' is not valid base64`);
  const bytes = Buffer.from(value, 'base64');
  if (limits.min !== undefined && bytes.length < limits.min) {
    throw new AwsError('ValidationException', `1 validation error detected: Value at '${field.charAt(0).toLowerCase() + field.slice(1)}' failed to satisfy constraint: Member must have length greater than or equal to ${limits.min}`);
  }
  if (limits.max !== undefined && bytes.length > limits.max) {
    throw new AwsError('ValidationException', `1 validation error detected: Value at '${field.charAt(0).toLowerCase() + field.slice(1)}' failed to satisfy constraint: Member must have length less than or equal to ${limits.max}`);
  }
  return bytes;
}

export function reqBlob(body: Json, field: string, limits: { min?: number; max?: number } = { min: 1 }): Buffer {
  const value = optBlob(body, field, limits);
  if (value === undefined) throw missingField(field);
  return value;
}

export function optStringMap(body: Json, field: string): Record<string, string> | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw wrongType(field, 'a map of strings');
  for (const v of Object.values(value as Json)) if (typeof v !== 'string') throw wrongType(field, 'a map of strings');
  return value as Record<string, string>;
}

export function optStringList(body: Json, field: string): string[] | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw wrongType(field, 'a list of strings');
  return value as string[];
}

/** AWS tags: [{TagKey, TagValue}], key 1..128, value 0..256. */
export function optTags(body: Json, field: string): Record<string, string> | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw wrongType(field, 'a list of tags');
  const tags: Record<string, string> = {};
  for (const tag of value) {
    if (typeof tag !== 'object' || tag === null || Array.isArray(tag)) throw wrongType(field, 'a list of {TagKey, TagValue} objects');
    const { TagKey, TagValue } = tag as Json;
    if (TagKey === undefined || TagKey === null) throw missingField(`${field}.member.tagKey`);
    if (TagValue === undefined || TagValue === null) throw missingField(`${field}.member.tagValue`);
    if (typeof TagKey !== 'string' || typeof TagValue !== 'string') throw wrongType(`${field}.TagKey/TagValue`, 'strings');
    if (TagKey.length < 1 || TagKey.length > 128) throw new AwsError('TagException', `Tag keys must be 1 to 128 characters: '${TagKey.slice(0, 40)}'`);
    if (TagValue.length > 256) throw new AwsError('TagException', `Tag values must be at most 256 characters (tag '${TagKey}')`);
    tags[TagKey] = TagValue;
  }
  return tags;
}

/** AWS list pagination: Limit (1..maxLimit) and an opaque Marker; Truncated and NextMarker in the answer. */
export function paginate<T>(items: T[], body: Json, maxLimit: number, field: string, defaultLimit = maxLimit): Json {
  const limit = optInteger(body, 'Limit', 1, maxLimit) ?? defaultLimit;
  const marker = optString(body, 'Marker', { min: 1, max: 1024 });
  let start = 0;
  if (marker !== undefined) {
    const decoded = /^emu-(\d+)$/.exec(Buffer.from(marker, 'base64').toString('utf8'));
    if (!decoded) throw new AwsError('InvalidMarkerException', 'The Marker is not one this service returned');
    start = Number(decoded[1]);
  }
  const page = items.slice(start, start + limit);
  const truncated = start + limit < items.length;
  const result: Json = { [field]: page, Truncated: truncated };
  if (truncated) result.NextMarker = Buffer.from(`emu-${start + limit}`).toString('base64');
  return result;
}
