// Huawei Cloud KMS (v1.0) on the emulator: POST /v1.0/{project_id}/kms/<operation> with a JSON body, signed with
// SDK-HMAC-SHA256. This module recognises, authenticates and routes requests and answers with Huawei's error codes;
// operations.ts serves them, wire.ts reads and shapes the JSON.
import { isStoreError } from '../../store-errors';
import { signatureProblem } from './auth';
import { errorReply, fromStoreError, HuaweiError } from './errors';
import { CLOUD, OLD_CLOUD_NAME, OPERATIONS, STORE_CLOUD } from './operations';
import { KEY_ID, ok, parseBody, PATH, projectOf } from './wire';
import type { Protocol, ProtocolContext, ProtocolRequest, ProtocolResponse, ServerErrorKind } from '../types';

export const huaweicloudProtocol: Protocol = {
  cloud: CLOUD,
  aliases: [OLD_CLOUD_NAME],
  storeCloud: STORE_CLOUD,
  matches: (request) => /^\/v1\.0\/[^/]+\/kms\//.test(request.path),
  operation: (request) => PATH.exec(request.path)?.[2] ?? 'unknown',
  async handle(request: ProtocolRequest, context: ProtocolContext): Promise<ProtocolResponse> {
    const match = PATH.exec(request.path);
    const operation = match?.[2] ?? '';
    // Whether the request names its key (key_id): then a store refusal is named after that key's state (KMS.0209,
    // KMS.0210...), which the refusal carries. decrypt-data names none (the ciphertext carries it).
    let namesKey = false;
    try {
      const problem = signatureProblem(request, context.credentials);
      if (problem) throw new HuaweiError(401, 'APIGW.0301', `Incorrect IAM authentication information: ${problem}`, true);
      const handler = match && request.method === 'POST' ? OPERATIONS[operation] : undefined;
      if (!handler) throw new HuaweiError(404, 'KMS.0201', 'Invalid request URL.');
      const project = projectOf(match![1]);
      const body = parseBody(request.body);
      namesKey = typeof body.key_id === 'string' && KEY_ID.test(body.key_id);
      return ok(handler(project, body, context));
    } catch (error) {
      if (error instanceof HuaweiError) return errorReply(error);
      if (isStoreError(error)) return errorReply(fromStoreError(error, operation, namesKey ? error.keyState : undefined));
      throw error;
    }
  },
  errorResponse(kind: ServerErrorKind): ProtocolResponse {
    switch (kind) {
      case 'throttling':
        return errorReply(new HuaweiError(429, 'APIGW.0308', 'The throttling threshold has been reached.', true));
      case 'tooLarge':
        return errorReply(new HuaweiError(400, 'KMS.0203', 'Request message too long.'));
      case 'unavailable':
        return errorReply(new HuaweiError(503, 'KMS.0105', 'The service is temporarily unavailable. Try again later.'));
      default:
        return errorReply(new HuaweiError(500, 'KMS.0105', 'A system exception occurred. Contact technical support.'));
    }
  },
};
