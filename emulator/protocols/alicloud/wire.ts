// Alibaba's wire format, requests: an RPC request's parameters (from the query string, a form body, or both; GET or
// POST), its region, required and integer parameters. The reply formats (JSON or XML) are in wire-reply.ts.

import type { ProtocolRequest } from '../types';
import { alibabaErrors } from './errors';

export const ALIBABA_KMS_VERSION = '2016-01-20';

export function isFormBody(request: ProtocolRequest): boolean {
  return /^application\/x-www-form-urlencoded\b/i.test(String(request.headers['content-type'] ?? '')) && request.body.length > 0;
}

/** Query parameters, then form-body parameters (the first occurrence of a name wins). */
export function readParams(request: ProtocolRequest): Record<string, string> {
  const params: Record<string, string> = {};
  const add = (source: URLSearchParams): void => {
    for (const [name, value] of source) if (!(name in params)) params[name] = value;
  };
  add(request.query);
  if (isFormBody(request)) add(new URLSearchParams(request.body.toString('utf8')));
  return params;
}

/** The region a request addresses: RegionId when sent, else the public host name, else the emulator default. */
export function regionOf(params: Record<string, string>, host: string | undefined, fallback: string): string {
  if (params.RegionId) return params.RegionId;
  const match = /^kms(?:-vpc)?\.([a-z0-9-]+)\.aliyuncs\.com(?::\d+)?$/i.exec(host ?? '');
  return match ? match[1].toLowerCase() : fallback;
}

export function requireParam(params: Record<string, string>, name: string): string {
  const value = params[name];
  if (value === undefined || value === '') throw alibabaErrors.missingParameter(name);
  return value;
}

export function optionalInteger(params: Record<string, string>, name: string): number | undefined {
  const value = params[name];
  if (value === undefined || value === '') return undefined;
  if (!/^-?\d+$/.test(value)) throw alibabaErrors.invalidParameter(name, 'it must be an integer');
  return Number(value);
}
