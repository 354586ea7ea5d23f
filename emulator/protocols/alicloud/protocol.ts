// Alibaba Cloud KMS (API 2016-01-20) on the emulator: RPC style, parameters in the query string, a
// form body or both, GET or POST, signed with HMAC-SHA1 (V1) or ACS3-HMAC-SHA256 (V3). Keys live per
// region (RegionId, else the host kms.<region>.aliyuncs.com, else cn-hangzhou). This module recognises
// and authenticates requests and maps failures to Alibaba's errors; operations.ts serves them.

import { randomUUID } from 'node:crypto';
import { isStoreError } from '../../store-errors';
import { AlibabaError, alibabaErrors, errorReply, fromStoreError } from './errors';
import { render, replyFormat } from './wire-reply';
import { ALIBABA_KMS_VERSION, isFormBody, readParams, regionOf } from './wire';
import { authenticate } from './auth';
import { authenticateAcs3, isAcs3 } from './auth-acs3';
import { CLOUD, DEFAULT_REGION, OLD_CLOUD_NAME, OPERATIONS, STORE_CLOUD, type Call } from './operations';
import type { Protocol, ProtocolContext, ProtocolRequest, ProtocolResponse, ServerErrorKind } from '../types';

/** The request's parameters; with signature V3, Action and Version come from the x-acs-* headers. */
function readCallParams(request: ProtocolRequest): Record<string, string> {
  const params = readParams(request);
  if (request.headers['x-acs-action'] !== undefined && params.Action === undefined) {
    params.Action = String(request.headers['x-acs-action']);
    params.Version = String(request.headers['x-acs-version'] ?? '');
  }
  return params;
}

function hostOf(request: ProtocolRequest, region: string): string {
  return String(request.headers.host ?? `kms.${region}.aliyuncs.com`);
}

export const alicloudProtocol: Protocol = {
  cloud: CLOUD,
  aliases: [OLD_CLOUD_NAME],
  storeCloud: STORE_CLOUD,

  matches(request) {
    if (request.method !== 'GET' && request.method !== 'POST') return false;
    // Signature V3: Action and Version in headers.
    if (request.headers['x-acs-version'] === ALIBABA_KMS_VERSION && request.headers['x-acs-action'] !== undefined) return true;
    if (request.query.get('Version') === ALIBABA_KMS_VERSION && request.query.has('Action')) return true;
    if (!isFormBody(request)) return false;
    const params = readParams(request);
    return params.Version === ALIBABA_KMS_VERSION && params.Action !== undefined;
  },

  operation(request) {
    try {
      return readCallParams(request).Action ?? 'Unknown';
    } catch {
      return 'Unknown';
    }
  },

  handle(request: ProtocolRequest, context: ProtocolContext): ProtocolResponse {
    const params = readCallParams(request);
    const region = regionOf(params, String(request.headers.host ?? ''), DEFAULT_REGION);
    const host = hostOf(request, region);
    const call: Call = { params, region, store: context.store };
    const format = replyFormat(params);
    try {
      if (isAcs3(request)) authenticateAcs3(request, context.credentials, context.nonces, Date.now());
      else authenticate(request.method, params, context.credentials, context.nonces, Date.now());
      const handler = Object.prototype.hasOwnProperty.call(OPERATIONS, params.Action) ? OPERATIONS[params.Action] : undefined;
      if (!handler) throw alibabaErrors.unknownAction(params.Action);
      const body = handler(call);
      return render(200, { ...body, RequestId: randomUUID() }, format, `${params.Action}Response`);
    } catch (error) {
      if (error instanceof AlibabaError) return errorReply(error, host, format);
      if (isStoreError(error)) {
        // Named after the key the request named (KeyId): its id, and its state when the store refused. Decrypt names
        // no key (the ciphertext carries it): its state refusals are Rejected.UnsupportedOperation, as before.
        const named = call.resolved !== undefined;
        return errorReply(fromStoreError(error, (named ? error.keyId : undefined) ?? params.KeyId ?? '', named ? error.keyState : undefined), host, format);
      }
      throw error;
    }
  },

  errorResponse(kind: ServerErrorKind, request: ProtocolRequest): ProtocolResponse {
    const host = String(request.headers.host ?? `kms.${DEFAULT_REGION}.aliyuncs.com`);
    const errors: Record<ServerErrorKind, () => AlibabaError> = {
      throttling: alibabaErrors.throttling,
      internal: alibabaErrors.internal,
      unavailable: alibabaErrors.unavailable,
      tooLarge: alibabaErrors.tooLarge,
    };
    let format: 'JSON' | 'XML' = 'JSON';
    try {
      format = replyFormat(readCallParams(request));
    } catch {
      // an unreadable body: answer in JSON
    }
    return errorReply(errors[kind](), host, format);
  },
};
