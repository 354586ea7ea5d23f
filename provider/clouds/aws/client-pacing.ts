// Paces every attempt of the KMSClient's calls (../pacer.ts): a middleware placed right after the SDK's retry
// middleware and before signing, so each attempt — retries included — waits for its turn under its quota, and is
// signed only once it may go (a signature made before a long wait could be too old by the time it is sent). The time
// each attempt waited is recorded on its error, so that the throttling budget (retries.ts) leaves it out.
// The client stays the unmodified SDK client: the middleware is added to its stack.

import type { KMSClient } from '@aws-sdk/client-kms';
import { pace } from '../pacer';

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

export const PACING_MIDDLEWARE = 'importedKeyPacing';

/** Adds the pacing middleware to `client` (once). */
export function addPacing(client: KMSClient, env: NodeJS.ProcessEnv = process.env): KMSClient {
  const middleware = (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
    const operation = (context.commandName ?? '').replace(/Command$/, '');
    const waited = await pace('aws', (await client.config.region()) ?? '', operation, env);
    try {
      return await next(args);
    } catch (error) {
      if (typeof error === 'object' && error !== null) recordPacedMs(error, waited);
      throw error;
    }
  };
  type Middleware = Parameters<KMSClient['middlewareStack']['addRelativeTo']>[0];
  client.middlewareStack.addRelativeTo(middleware as unknown as Middleware, {
    name: PACING_MIDDLEWARE, relation: 'before', toMiddleware: 'httpSigningMiddleware', override: true,
  });
  return client;
}
