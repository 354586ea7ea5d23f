// Import tokens: random bytes handed to the client; the emulator keeps only their SHA-256, mapped
// to what the token is bound to (one key, one wrapping key pair and algorithm) and when it expires.

import { createHash, randomBytes } from 'node:crypto';
import type { WrappingAlgorithm } from '../core/wrapping';

export interface ImportTokenRecord {
  cloud: string;
  namespace: string;
  keyId: string;
  algorithm: WrappingAlgorithm;
  wrappingKeySpec: string;
  /** The private half of the wrapping key pair; sealed in the state file, never logged. */
  privateKeyPem: string;
  validTo: number;
}

export const IMPORT_TOKEN_LIFETIME_MS = 24 * 60 * 60 * 1000;
const TOKEN_BYTES = 320; // long enough for Huawei's import_token pattern (200..6144 base64 chars)
const KEEP_EXPIRED_MS = 7 * 24 * 60 * 60 * 1000; // expired tokens still answer "expired", not "invalid"

function tokenHash(token: Buffer): string {
  return createHash('sha256').update(token).digest('hex');
}

export class ImportTokens {
  private readonly byHash = new Map<string, ImportTokenRecord>();

  /** Binds a fresh token to `record` and returns the token bytes (which are not kept). */
  issue(record: ImportTokenRecord, now: number): Buffer {
    for (const [hash, old] of this.byHash) if (old.validTo < now - KEEP_EXPIRED_MS) this.byHash.delete(hash);
    const token = randomBytes(TOKEN_BYTES);
    this.byHash.set(tokenHash(token), record);
    return token;
  }

  find(token: Buffer): ImportTokenRecord | undefined {
    return this.byHash.get(tokenHash(token));
  }

  entries(): Array<ImportTokenRecord & { tokenHash: string }> {
    return [...this.byHash.entries()].map(([hash, record]) => ({ ...record, tokenHash: hash }));
  }

  restore(entries: Array<ImportTokenRecord & { tokenHash: string }>): void {
    for (const { tokenHash: hash, ...record } of entries) this.byHash.set(hash, record);
  }

  clear(): void {
    this.byHash.clear();
  }
}
