// Huawei Cloud KMS wire format: the request path and body (JSON, snake_case fields and their patterns), the key
// states as "1".."5", times as strings of milliseconds, key_info, and `{}` replies.
import { createHash } from 'node:crypto';
import type { StoredKey } from '../../store';
import type { ProtocolResponse } from '../types';
import { HuaweiError, invalid, missing } from './errors';

export type Body = Record<string, unknown>;

export const PATH = /^\/v1\.0\/([^/]+)\/kms\/([a-z-]+)\/?$/;
export const KEY_ID = /^[0-9a-z]{8}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{12}$/;
export const KEY_ALIAS = /^[a-zA-Z0-9:/_-]{1,255}$/;
export const IMPORT_TOKEN = /^[0-9a-zA-Z+/=]{200,6144}$/;
/** Huawei's published pattern, for RSA-2048 wrapping (256 bytes). */
export const RSA_WRAPPED = /^[0-9a-zA-Z+/=]{344,360}$/;
/** SM2_ENCRYPT ciphertexts of 16-32 bytes are shorter; Huawei publishes no pattern for them, this range is ours. */
export const SM2_WRAPPED = /^[0-9a-zA-Z+/=]{150,300}$/;

export const STATE_CODE: Record<StoredKey['state'], string> = { Enabled: '2', Disabled: '3', PendingDeletion: '4', PendingImport: '5' };

export function ok(value: unknown): ProtocolResponse {
  return { status: 200, headers: { 'content-type': 'application/json;charset=UTF-8' }, body: JSON.stringify(value ?? {}) };
}

export function parseBody(raw: Buffer): Body {
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

export function stringField(body: Body, field: string, pattern: RegExp, allowed = `a string matching ${pattern.source}`): string {
  const value = body[field];
  if (value === undefined || value === null || value === '') throw missing(field);
  if (typeof value !== 'string' || !pattern.test(value)) throw invalid(field, allowed);
  return value;
}

export function optionalString(body: Body, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalid(field, 'a string');
  return value;
}

export function checkSequence(body: Body): void {
  const sequence = body.sequence;
  if (sequence !== undefined && (typeof sequence !== 'string' || sequence.length !== 36)) {
    throw new HuaweiError(400, 'KMS.0206', 'Invalid sequence number.');
  }
}

export function contextField(body: Body): Record<string, string> | undefined {
  const value = body.encryption_context;
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value) || Object.values(value).some((v) => typeof v !== 'string')) {
    throw new HuaweiError(400, 'KMS.0208', 'Invalid value of value encryption_context.');
  }
  return value as Record<string, string>;
}

export function keyInfo(key: StoredKey): Record<string, string> {
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
export function projectOf(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HuaweiError(404, 'KMS.0201', 'Invalid request URL.');
  }
}

/** A stable, made-up account (domain) id per project, so replies look like Huawei's. */
export function domainId(project: string): string {
  return createHash('sha256').update(`domain:${project}`).digest('hex').slice(0, 32);
}
