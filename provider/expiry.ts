// The expiry the user chose — never, a fixed date (`expiresAt`) or a rolling period (`expiresIn`, renewed
// `renewBefore` ahead) — and what it means for one import and for live material at a given "now".
// Pure: "now" is always passed in (the cloud's clock, see operations.ts cloudNow).

import type { KeyDescription } from './clouds/adapter';
import { parseDuration } from './duration';

export type ExpiryPolicy =
  | { kind: 'never' }
  | { kind: 'date'; expiresAt: string }
  | { kind: 'period'; periodMs: number; renewBeforeMs: number };

export interface ExpiryArguments {
  expiresAt?: string;
  expiresIn?: string;
  renewBefore?: string;
}

/** The policy for checked arguments (or the outputs recorded from them); throws on a malformed duration. */
export function expiryPolicy(args: ExpiryArguments): ExpiryPolicy {
  if (args.expiresIn !== undefined) {
    const periodMs = parseDuration(args.expiresIn);
    // Default: renew once half the period has passed, so a daily or weekly pipeline has many runs to do it.
    const renewBeforeMs = args.renewBefore !== undefined ? parseDuration(args.renewBefore) : Math.floor(periodMs / 2);
    return { kind: 'period', periodMs, renewBeforeMs };
  }
  if (args.expiresAt !== undefined) return { kind: 'date', expiresAt: args.expiresAt };
  return { kind: 'never' };
}

/** Whether two policies ask for the same thing (P2W is P14D; one instant written two ways is one instant). */
export function samePolicy(a: ExpiryPolicy, b: ExpiryPolicy): boolean {
  if (a.kind === 'date' && b.kind === 'date') return Date.parse(a.expiresAt) === Date.parse(b.expiresAt);
  if (a.kind === 'period' && b.kind === 'period') return a.periodMs === b.periodMs && a.renewBeforeMs === b.renewBeforeMs;
  return a.kind === b.kind;
}

/** The expiry to send with an import made at `now`: ISO 8601 in whole seconds (clouds keep seconds); undefined = never. */
export function importExpiry(policy: ExpiryPolicy, now: Date): string | undefined {
  if (policy.kind === 'never') return undefined;
  if (policy.kind === 'date') return policy.expiresAt;
  // Rounded down so the expiry never lands past a cloud's maximum (e.g. AWS: 365 days from its now).
  return new Date(Math.floor((now.getTime() + policy.periodMs) / 1000) * 1000).toISOString();
}

/** Whether the live expiry is the one asked for (clouds round to the second; undefined = never expires). */
export function expiryMatches(live: KeyDescription, expiresAt: string | undefined): boolean {
  if (expiresAt === undefined) return !live.validTo && live.expirationModel !== 'KEY_MATERIAL_EXPIRES';
  if (!live.validTo) return false;
  return Math.abs(Date.parse(live.validTo) - Date.parse(expiresAt)) < 1000;
}

/** Whether live material's expiry satisfies the policy at `now`; a period is satisfied until renewBefore ahead of validTo. */
export function expirySatisfied(policy: ExpiryPolicy, live: KeyDescription, now: Date): boolean {
  if (policy.kind === 'never') return expiryMatches(live, undefined);
  if (policy.kind === 'date') return expiryMatches(live, policy.expiresAt);
  if (!live.validTo) return false;
  return Date.parse(live.validTo) - now.getTime() >= policy.renewBeforeMs;
}

/** A rolling period whose live material expires sooner than renewBefore (or never): time to import it again. */
export function renewalDue(policy: ExpiryPolicy, live: KeyDescription, now: Date): boolean {
  const holdsMaterial = live.keyState === 'Enabled' || live.keyState === 'Disabled';
  return policy.kind === 'period' && holdsMaterial && !expirySatisfied(policy, live, now);
}
