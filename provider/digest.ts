// The material digest kept in state to notice a change of material without keeping the material.
// HMAC-SHA-256 keyed with a random per-resource salt stored beside it: the salt makes the digest of
// the same material differ across resources and stacks (no correlation, no precomputed tables), and
// for 32 random bytes a preimage search is 2^256 work anyway. The output is still marked secret.

import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { HsmMaterial } from './material-sources/hsm-material';
import type { Material } from './material-sources';

const PREFIX = 'hmac-sha256';

/** Digest of `material`, with a fresh salt unless the salt of an earlier digest is given. */
export function digestMaterial(material: Material, salt?: Buffer): string {
  // An HSM's key: its digest was computed inside the HSM when the source was opened (pkcs11/digest.ts).
  if (material instanceof HsmMaterial) return material.digest(salt);
  salt ??= randomBytes(16);
  const mac = createHmac('sha256', salt).update(material).digest('hex');
  return `${PREFIX}:${salt.toString('hex')}:${mac}`;
}

/** True when `digest` (from digestMaterial) was made from `material`; false for a malformed digest. */
export function materialMatchesDigest(material: Material, digest: string | undefined): boolean {
  if (material instanceof HsmMaterial) return material.matches(digest);
  const parts = typeof digest === 'string' ? digest.split(':') : [];
  if (parts.length !== 3 || parts[0] !== PREFIX || !/^[0-9a-f]{32}$/.test(parts[1])) return false;
  const expected = Buffer.from(digestMaterial(material, Buffer.from(parts[1], 'hex')));
  const actual = Buffer.from(digest as string);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
