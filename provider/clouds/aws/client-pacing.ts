// Paces every attempt of the KMSClient's calls (../pacer.ts): a middleware placed right after the SDK's retry
// middleware and before signing, so each attempt — retries included — waits for its turn under its quota, and is
// signed only once it may go (a signature made before a long wait could be too old by the time it is sent). The time
// each attempt waited is recorded on its error, so that the throttling budget (retries.ts) leaves it out; a throttled
// attempt widens its pacer's margin (../pacer.ts Pacer.throttled).
// The client stays the unmodified SDK client: the middleware is added to its stack.

import type { KMSClient } from '@aws-sdk/client-kms';
import { pace, paceThrottled } from '../pacer';

/** Each failed attempt's time in the pacer (ms), keyed by its error. */
const pacedFor = new WeakMap<object, number>();

/** How long the attempt that failed with `error` waited in the pacer; 0 when unknown. */
export function pacedMsOf(error: unknown): number {
  return typeof error === 'object' && error !== null ? pacedFor.get(error) ?? 0 : 0;
}

/** Records that the attempt that failed with `error` waited `ms` in the pacer. */
export function recordPacedMs(error: object, ms: number): void {
  pacedFor.set(error, ms);
}

/** AWS's throttling replies (as the SDK's own classification names them: ThrottlingException for KMS, or a 429). */
const THROTTLING_NAMES = new Set(['ThrottlingException', 'Throttling', 'TooManyRequestsException', 'RequestLimitExceeded', 'ThrottledException']);
function isThrottling(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } } | undefined;
  return (e?.name !== undefined && THROTTLING_NAMES.has(e.name)) || e?.$metadata?.httpStatusCode === 429;
}

export const PACING_MIDDLEWARE = 'importedKeyPacing';

/** Adds the pacing middleware to `client` (once). */
export function addPacing(client: KMSClient, env: NodeJS.ProcessEnv = process.env): KMSClient {
  const middleware = (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
    const operation = (context.commandName ?? '').replace(/Command$/, '');
    const place = (await client.config.region()) ?? '';
    const waited = await pace('aws', place, operation, env);
    try {
      return await next(args);
    } catch (error) {
      if (typeof error === 'object' && error !== null) recordPacedMs(error, waited);
      if (isThrottling(error)) paceThrottled('aws', place, operation, env);
      throw error;
    }
  };
  type Middleware = Parameters<KMSClient['middlewareStack']['addRelativeTo']>[0];
  client.middlewareStack.addRelativeTo(middleware as unknown as Middleware, {
    name: PACING_MIDDLEWARE, relation: 'before', toMiddleware: 'httpSigningMiddleware', override: true,
  });
  return client;
}
