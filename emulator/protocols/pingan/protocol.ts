// Ping An Cloud KMS (API 2017-01-01) on the emulator: path `/`, GET or POST, the parameters in the query string, a
// form body or both, a lowercase `action` and `version=2017-01-01` (Alibaba's RPC requests say `Action` and
// `Version=2016-01-20`, so neither protocol takes the other's), signed with HMAC-SHA1 over the lowercased parameters.
// Keys live per region. This module recognises, authenticates and routes requests and answers in the assumed error
// envelope with the emulator's own codes; operations.ts serves them, wire.ts reads and shapes, auth.ts checks.

import { isStoreError } from '../../store-errors';
import { authenticate } from './auth';
import { errorReply, fromStoreError, PinganError, pinganErrors } from './errors';
import { OPERATIONS, type Call } from './operations';
import { actionOf, CLOUD, DIALECT, dialectOf, isPinganRequest, keyStateOf, ok, readParams, regionOf } from './wire';
import type { Protocol, ProtocolContext, ProtocolRequest, ProtocolResponse, ServerErrorKind } from '../types';

export const pinganProtocol: Protocol = {
  cloud: CLOUD,
  dialect: DIALECT,
  matches: isPinganRequest,
  operation: actionOf,

  handle(request: ProtocolRequest, context: ProtocolContext): ProtocolResponse {
    const dialect = dialectOf(context);
    let call: Call | undefined;
    let action = actionOf(request);
    try {
      const params = readParams(request);
      action = params.action;
      authenticate(params, context.credentials, context.nonces, Date.now(), dialect.signatureKey);
      const handler = Object.prototype.hasOwnProperty.call(OPERATIONS, action) ? OPERATIONS[action] : undefined;
      if (!handler) throw pinganErrors.unknownAction(action);
      call = { params, namespace: regionOf(request.headers.host), store: context.store, dialect };
      return ok(handler(call));
    } catch (error) {
      if (error instanceof PinganError) return errorReply(error, dialect.errorEnvelope);
      if (isStoreError(error)) {
        const state = error.keyState ?? call?.resolved?.state;
        const keyId = error.keyId ?? call?.params.keyId ?? '';
        return errorReply(fromStoreError(error, action, keyId, state ? keyStateOf(state, dialect) : undefined), dialect.errorEnvelope);
      }
      throw error;
    }
  },

  errorResponse(kind: ServerErrorKind, _request: ProtocolRequest, context?: ProtocolContext): ProtocolResponse {
    const errors: Record<ServerErrorKind, () => PinganError> = {
      throttling: pinganErrors.throttling,
      internal: pinganErrors.internal,
      unavailable: pinganErrors.unavailable,
      tooLarge: pinganErrors.tooLarge,
    };
    return errorReply(errors[kind](), dialectOf(context).errorEnvelope);
  },
};
