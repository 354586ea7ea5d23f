// Checks an AWS Signature Version 4 by recomputing it with @smithy/signature-v4 (the signer the
// AWS SDK itself uses) from the request as received, and comparing in constant time. Errors are
// AWS's own: MissingAuthenticationTokenException, IncompleteSignatureException,
// UnrecognizedClientException (unknown access key), InvalidSignatureException.

import { createHash, timingSafeEqual } from 'node:crypto';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { Credentials, ProtocolRequest } from '../types';
import { AwsError } from './errors';
import { signedWithinWindow } from '../signing-window';

const AUTH = /^AWS4-HMAC-SHA256\s+Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})\s*$/;

export interface VerifiedSignature {
  region: string;
  accessKey: string;
}

/** `clockOffsetsMs`: the emulator clock's offsets so far (EmulatorClock.offsetsSoFar); 0 = real time. */
export async function verifySigV4(request: ProtocolRequest, credentials: Credentials, service: string, clockOffsetsMs: readonly number[] = [0]): Promise<VerifiedSignature> {
  const authorization = header(request, 'authorization');
  if (!authorization) throw new AwsError('MissingAuthenticationTokenException', 'Missing Authentication Token');
  const match = AUTH.exec(authorization);
  if (!match) throw new AwsError('IncompleteSignatureException', 'Authorization header requires Credential, SignedHeaders and Signature parameters in the AWS4-HMAC-SHA256 format');
  const [, credential, signedHeaderList, signature] = match;
  const scope = credential.split('/');
  if (scope.length !== 5 || scope[4] !== 'aws4_request') throw new AwsError('IncompleteSignatureException', `Credential should be scoped correctly: ${credential}`);
  const [accessKey, scopeDate, region, scopeService] = scope;
  if (accessKey !== credentials.accessKey) throw new AwsError('UnrecognizedClientException', 'The security token included in the request is invalid.');
  if (scopeService !== service) throw new AwsError('InvalidSignatureException', `Credential should be scoped to correct service: '${service}'.`);

  const amzDate = header(request, 'x-amz-date');
  if (!amzDate || !/^\d{8}T\d{6}Z$/.test(amzDate)) throw new AwsError('IncompleteSignatureException', 'Authorization header requires existence of either a \'X-Amz-Date\' or a \'Date\' header.');
  if (amzDate.slice(0, 8) !== scopeDate) throw new AwsError('InvalidSignatureException', 'Credential should be scoped to a valid date.');
  const signingDate = new Date(`${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`);
  // Replies carry the emulator clock in Date and the AWS SDK signs with the time it learnt there (as against AWS);
  // a fresh client signs with real time. Within 15 minutes of real time or of any time the clock has shown is on time.
  const onTime = clockOffsetsMs.some((offset) => signedWithinWindow(signingDate.getTime(), Date.now() + offset));
  if (!onTime) {
    throw new AwsError('InvalidSignatureException', `Signature expired: ${amzDate} is now earlier or later than the allowed 15 minutes.`);
  }

  // A client-supplied payload hash is only trusted once it matches the body we actually received.
  const contentSha = header(request, 'x-amz-content-sha256');
  if (contentSha !== undefined && contentSha !== createHash('sha256').update(request.body).digest('hex')) {
    throw new AwsError('InvalidSignatureException', "The provided 'x-amz-content-sha256' header does not match what was computed.");
  }

  const signedHeaders = signedHeaderList.split(';');
  const headers: Record<string, string> = {};
  for (const name of signedHeaders) {
    const value = request.headers[name];
    if (value === undefined) throw new AwsError('InvalidSignatureException', `The request signature we calculated does not match the signature you provided. Signed header '${name}' is missing.`);
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const query: Record<string, string | string[]> = {};
  for (const [k, v] of request.query) {
    const previous = query[k];
    query[k] = previous === undefined ? v : Array.isArray(previous) ? [...previous, v] : [previous, v];
  }
  const host = headers.host ?? header(request, 'host') ?? '';
  const signer = new SignatureV4({
    credentials: { accessKeyId: credentials.accessKey, secretAccessKey: credentials.secretKey },
    region,
    service,
    sha256: Hash.bind(null, 'sha256'),
    // Sign exactly the headers the client signed: do not add x-amz-content-sha256 (botocore does not send it).
    applyChecksum: false,
  });
  const signed = await signer.sign(
    new HttpRequest({ method: request.method, protocol: 'http:', hostname: host.replace(/:\d+$/, ''), path: request.path, query, headers, body: request.body }),
    { signingDate, signableHeaders: new Set(signedHeaders) },
  );
  const expected = /Signature=([0-9a-f]{64})/.exec(String(signed.headers.authorization ?? signed.headers.Authorization))?.[1] ?? '';
  const signedBy = /SignedHeaders=([^,\s]+)/.exec(String(signed.headers.authorization ?? signed.headers.Authorization))?.[1] ?? '';
  const ok = signedBy === signedHeaderList && expected.length === 64 && timingSafeEqual(Buffer.from(expected, 'hex'), Buffer.from(signature, 'hex'));
  if (!ok) {
    throw new AwsError(
      'InvalidSignatureException',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    );
  }
  return { region, accessKey };
}

function header(request: ProtocolRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
