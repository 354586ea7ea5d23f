// Wrapping key pairs made ahead of GetParametersForImport. Minting an RSA pair takes about 0.12 s of CPU for RSA_2048
// (much more for 3072 and 4096) and, done synchronously inside the request, it stalls every other request meanwhile:
// that, not the clouds' quotas, bounded bulk runs. The pool makes pairs with the asynchronous crypto.generateKeyPair
// (libuv's thread pool, off the event loop), keeps a few per spec, and refills in the background.
//
// - Every pair is handed out once and dropped from the pool: each GetParametersForImport still returns a NEW public key,
//   as every cloud documents; a pair never serves two tokens.
// - Demand-driven: a spec's pool starts filling at its first use (or at start for the specs `warm` names), so an
//   emulator that imports nothing generates nothing and starts as fast as before.
// - An empty pool is no failure: the pair is generated synchronously, as before the pool.
// - At most one generation per spec runs at a time, and close() waits for those, so a closed emulator leaves nothing
//   running (no thread-pool work, no timers).

import { generateKeyPair } from 'node:crypto';
import { generateWrappingKeyPair, WRAPPING_KEY_SPECS } from '../core/wrapping';
import type { WrappingKeyPair, WrappingKeySpec } from '../core/wrapping';

export const DEFAULT_POOL_SIZE = 4;

export interface WrappingKeyPoolOptions {
  /** Pairs kept ready per spec (default 4; 0 turns the pool off: every pair is generated in the request). */
  size?: number;
  /** Specs to start filling at once (default none: a spec fills from its first use). */
  warm?: readonly WrappingKeySpec[];
}

/** What the store asks for: a fresh pair, never handed out before. */
export interface WrappingKeySource {
  take(spec: WrappingKeySpec): WrappingKeyPair;
}

export interface WrappingKeyPoolStats {
  /** Pairs ready, per spec. */
  ready: Partial<Record<WrappingKeySpec, number>>;
  /** Generations running now. */
  generating: number;
  /** Pairs handed out from the pool. */
  fromPool: number;
  /** Pairs generated in the request because the pool was empty. */
  generatedInRequest: number;
}

export type AsyncPairGenerator = (spec: WrappingKeySpec) => Promise<WrappingKeyPair>;

export class WrappingKeyPool implements WrappingKeySource {
  private readonly ready = new Map<WrappingKeySpec, WrappingKeyPair[]>();
  private readonly running = new Map<WrappingKeySpec, Promise<void>>();
  private readonly size: number;
  private closed = false;
  private fromPool = 0;
  private generatedInRequest = 0;

  constructor(options: WrappingKeyPoolOptions = {}, private readonly generate: AsyncPairGenerator = generateWrappingKeyPairAsync) {
    this.size = options.size ?? DEFAULT_POOL_SIZE;
    if (!Number.isInteger(this.size) || this.size < 0 || this.size > 64) throw new RangeError('the wrapping key pool size must be an integer from 0 to 64');
    for (const spec of options.warm ?? []) this.warm(spec);
  }

  /** Starts filling the pool of `spec` now rather than at its first use. */
  warm(spec: WrappingKeySpec): void {
    this.refill(spec);
  }

  take(spec: WrappingKeySpec): WrappingKeyPair {
    const pair = this.ready.get(spec)?.shift();
    this.refill(spec);
    if (pair) {
      this.fromPool += 1;
      return pair;
    }
    this.generatedInRequest += 1;
    return generateWrappingKeyPair(spec);
  }

  stats(): WrappingKeyPoolStats {
    const ready: Partial<Record<WrappingKeySpec, number>> = {};
    for (const [spec, pairs] of this.ready) ready[spec] = pairs.length;
    return { ready, generating: this.running.size, fromPool: this.fromPool, generatedInRequest: this.generatedInRequest };
  }

  /** Resolves once the pool of `spec` is full (or the pool closed): for tests and warm starts. */
  async filled(spec: WrappingKeySpec): Promise<void> {
    this.refill(spec);
    while (!this.closed && this.running.has(spec)) await this.running.get(spec);
  }

  /** Stops refilling, forgets the ready pairs and waits for the generations still running. */
  async close(): Promise<void> {
    this.closed = true;
    this.ready.clear();
    while (this.running.size > 0) await Promise.all(this.running.values());
  }

  /** Starts one background generation for `spec` unless one runs, the pool is full or closed, or the spec is unknown. */
  private refill(spec: WrappingKeySpec): void {
    if (this.closed || this.size === 0 || this.running.has(spec) || !WRAPPING_KEY_SPECS.includes(spec)) return;
    if ((this.ready.get(spec)?.length ?? 0) >= this.size) return;
    const run = this.generate(spec).then(
      (pair) => {
        if (this.closed) return false;
        const pairs = this.ready.get(spec) ?? [];
        pairs.push(pair);
        this.ready.set(spec, pairs);
        return true;
      },
      // A failed generation leaves the pool as it was and is not retried at once (that would spin); the next take()
      // tries again, and meanwhile takes fall back to generating in the request.
      () => false,
    );
    const tracked = run.then((made) => {
      this.running.delete(spec);
      if (made) this.refill(spec);
    });
    this.running.set(spec, tracked);
  }
}

/** The same pair generateWrappingKeyPair makes (DER SPKI public key, PKCS#8 PEM private key), off the event loop. */
export function generateWrappingKeyPairAsync(spec: WrappingKeySpec): Promise<WrappingKeyPair> {
  const encodings = { publicKeyEncoding: { type: 'spki', format: 'der' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } } as const;
  return new Promise((resolve, reject) => {
    const done = (error: Error | null, publicKeyDer: Buffer, privateKeyPem: string): void => {
      if (error) reject(error);
      else resolve({ publicKeyDer, privateKeyPem });
    };
    if (spec === 'SM2') generateKeyPair('ec', { namedCurve: 'SM2', ...encodings }, done);
    else generateKeyPair('rsa', { modulusLength: Number(spec.slice(4)), ...encodings }, done);
  });
}
