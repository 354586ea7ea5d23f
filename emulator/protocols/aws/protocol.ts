// The AWS KMS protocol (API 2014-11-01, JSON 1.1 over `POST /` with `X-Amz-Target:
// TrentService.<Operation>`, SigV4 service `kms`). It translates the wire format and error names;
// the key rules live in the shared store (emulator/store.ts). This module recognises, authenticates
// and routes requests; operations.ts serves them.

import { randomUUID } from 'node:crypto';
import { isStoreError } from '../../store-errors';
import { AwsError, awsErrorResponse, STORE_ERROR_TYPES } from './errors';
import { parseBody } from './wire';
import { AWS_CLOUD, namespaceOf } from './operations-keys';
import { OPERATIONS } from './operations';
import { verifySigV4 } from './auth';
import type { Protocol, ProtocolRequest, ProtocolResponse, ServerErrorKind } from '../types';

const TARGET_PREFIX = 'TrentService.';

function target(request: ProtocolRequest): string | undefined {
  const value = request.headers['x-amz-target'];
  return Array.isArray(value) ? value[0] : value;
}

export const awsProtocol: Protocol = {
  cloud: AWS_CLOUD,

  matches: (request) => target(request)?.startsWith(TARGET_PREFIX) === true,

  operation: (request) => (target(request) ?? '').slice(TARGET_PREFIX.length),

  async handle(request, context) {
    try {
      if (request.method !== 'POST') throw new AwsError('UnknownOperationException', `KMS takes POST requests, not ${request.method}`);
      const { region } = await verifySigV4(request, context.credentials, 'kms', context.clock.offsetsSoFar());
      const operation = (target(request) ?? '').slice(TARGET_PREFIX.length);
      const handler = Object.prototype.hasOwnProperty.call(OPERATIONS, operation) ? OPERATIONS[operation] : undefined;
      if (!handler) throw new AwsError('UnknownOperationException', `Unknown operation ${operation}`);
      const body = parseBody(request.body);
      const result = handler(body, { store: context.store, clock: context.clock, region, ns: namespaceOf(region) });
      return {
        status: 200,
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomUUID() },
        body: JSON.stringify(result),
      };
    } catch (error) {
      if (error instanceof AwsError) return awsErrorResponse(error.type, error.message);
      if (isStoreError(error)) return awsErrorResponse(STORE_ERROR_TYPES[error.kind], error.message);
      throw error;
    }
  },

  errorResponse(kind: ServerErrorKind): ProtocolResponse {
    switch (kind) {
      case 'throttling':
        return awsErrorResponse('ThrottlingException', 'Rate exceeded');
      case 'internal':
        return awsErrorResponse('KMSInternalException', 'An internal error occurred; the request can be retried.');
      case 'unavailable':
        return awsErrorResponse('DependencyTimeoutException', 'The service is temporarily unavailable; the request can be retried.');
      case 'tooLarge':
        return awsErrorResponse('RequestEntityTooLargeException', 'Request body is too large.');
    }
  },
};

