// The one HTTP server: reads the body (capped), serves /_emulator/* controls, hands everything else
// to the first protocol whose `matches` accepts it, counts requests as `<cloud>:<Operation>`,
// applies faults and the quotas, and writes one log line per request (cloud, operation, status, latency — never
// bodies, material or tokens).

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { handleControl, type ControlParts } from './controls';
import { jsonResponse } from './http';
import { NonceCache } from './protocols/nonces';
import { storeCloudOf, type Credentials, type Protocol, type ProtocolContext, type ProtocolRequest, type ProtocolResponse } from './protocols/types';

export const DEFAULT_MAX_BODY_BYTES = 256 * 1024;

export interface ServerParts extends ControlParts {
  credentials: Credentials;
  maxBodyBytes: number;
  log: (line: string) => void;
  /** True once close() was called: requests still waiting (latency) are abandoned, without work and without reply. */
  closed?: () => boolean;
}

export function createEmulatorServer(parts: ServerParts): Server {
  // One context per emulator: what protocols keep between requests (used nonces) belongs to this emulator only.
  const context: ProtocolContext = {
    store: parts.store, clock: parts.clock, credentials: parts.credentials, nonces: new NonceCache(), dialects: parts.dialects,
  };
  return createServer((req, res) => {
    serve(parts, context, req, res).catch((error: unknown) => {
      // Only the error's name: messages from deep inside could quote inputs.
      parts.log(`emulator error ${error instanceof Error ? error.name : typeof error}`);
      if (!res.headersSent) send(res, { status: 500, body: '{"message":"internal error"}', headers: { 'content-type': 'application/json' } });
      else res.destroy();
    });
  });
}

async function serve(parts: ServerParts, context: ProtocolContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const started = process.hrtime.bigint();
  const { body, tooLarge } = await readBody(req, parts.maxBodyBytes);
  const url = new URL(req.url ?? '/', 'http://emulator.invalid');
  const request: ProtocolRequest = {
    method: (req.method ?? 'GET').toUpperCase(),
    rawUrl: req.url ?? '/',
    path: url.pathname,
    query: url.searchParams,
    headers: req.headers,
    body: tooLarge ? Buffer.alloc(0) : body,
    bodyTooLarge: tooLarge,
  };

  if (request.path === '/_emulator' || request.path.startsWith('/_emulator/')) {
    const response = tooLarge ? jsonResponse(413, { message: `request body exceeds ${parts.maxBodyBytes} bytes` }) : handleControl(parts, request);
    send(res, response);
    return;
  }

  const protocol = parts.protocols.find((p) => safeMatches(p, request));
  if (!protocol) {
    send(res, jsonResponse(404, { message: 'no cloud protocol matches this request (see the README: AWS X-Amz-Target, Alibaba Action+Version, Huawei /v1.0/{project}/kms/..., Ping An / with action+version=2017-01-01)' }));
    parts.log(`- - 404 ${elapsedMs(started)}ms`);
    return;
  }
  const operation = safeOperation(protocol, request);
  // Counted under the cloud's name; readers see the count under its earlier names too (controls.ts requestCounts).
  const counter = `${protocol.cloud}:${operation}`;
  parts.counts.set(counter, (parts.counts.get(counter) ?? 0) + 1);
  // The log line and the faults name the cloud as the store does (its earlier name for Alibaba and Huawei), as they
  // always have; a fault target may use any of the cloud's names (Faults knows them).
  const logName = storeCloudOf(protocol);

  let response: ProtocolResponse;
  let drop = false;
  if (tooLarge) {
    response = protocol.errorResponse('tooLarge', request, context);
  } else {
    const decision = parts.faults.decide(logName, operation);
    if (decision.latencyMs > 0) await sleep(decision.latencyMs);
    if (decision.reset || parts.closed?.()) {
      // Lost on its way (or the emulator stopped meanwhile): nothing is done, the client never hears back.
      parts.log(`${logName} ${operation} - ${decision.reset ? 'reset' : 'abandoned'} ${elapsedMs(started)}ms`);
      req.socket.destroy();
      return;
    }
    // A request the faults let reach the cloud meets the cloud's quota (quotas.ts; off unless switched on), answered,
    // when over it, with the cloud's own throttling error.
    const throttled = decision.throttle || !parts.quotas.admit(protocol.cloud, operation);
    if (throttled) response = protocol.errorResponse('throttling', request, context);
    else if (decision.failStatus === 500) response = protocol.errorResponse('internal', request, context);
    else if (decision.failStatus === 503) response = protocol.errorResponse('unavailable', request, context);
    else {
      try {
        response = await protocol.handle(request, context);
      } catch (error) {
        parts.log(`${logName} ${operation} handler error ${error instanceof Error ? error.name : typeof error}`);
        response = protocol.errorResponse('internal', request, context);
      }
      drop = decision.drop;
    }
  }

  if (drop) {
    // The work is done (and persisted); the client never hears back.
    parts.log(`${logName} ${operation} ${response.status} dropped ${elapsedMs(started)}ms`);
    req.socket.destroy();
    return;
  }
  // A cloud's replies carry its clock in Date; clients (the AWS SDK, the provider) read the cloud's time from it.
  send(res, { ...response, headers: { ...(response.headers ?? {}), date: new Date(parts.clock.now()).toUTCString() } });
  parts.log(`${logName} ${operation} ${response.status} ${elapsedMs(started)}ms`);
}

function safeMatches(protocol: Protocol, request: ProtocolRequest): boolean {
  try {
    return protocol.matches(request);
  } catch {
    return false;
  }
}

function safeOperation(protocol: Protocol, request: ProtocolRequest): string {
  try {
    return protocol.operation(request) || 'Unknown';
  } catch {
    return 'Unknown';
  }
}

/** Reads at most `max` bytes; past that it keeps draining (so the client can read our reply) but keeps nothing. */
function readBody(req: IncomingMessage, max: number): Promise<{ body: Buffer; tooLarge: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > max) tooLarge = true;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) tooLarge = true;
      if (!tooLarge) chunks.push(chunk);
    });
    req.on('end', () => resolve({ body: tooLarge ? Buffer.alloc(0) : Buffer.concat(chunks), tooLarge }));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, response: ProtocolResponse): void {
  const body = typeof response.body === 'string' ? Buffer.from(response.body, 'utf8') : response.body;
  res.writeHead(response.status, { ...(response.headers ?? {}), 'content-length': String(body.length) });
  res.end(body);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function elapsedMs(started: bigint): number {
  return Math.round(Number(process.hrtime.bigint() - started) / 1e6);
}
