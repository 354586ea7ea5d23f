// The adapters' own last guard on a deletion window: `check` refuses an out-of-range deletionWindowInDays at preview,
// but a number the cloud would refuse (or, worse, read differently) must never go out even if a caller skipped check.

import { needs } from '../../core/errors';
import type { CloudProfile } from './adapter';

/** Throws InvalidArgument unless `days` is a whole number within the cloud's deletion window (its profile's range). */
export function requireDeletionWindow(profile: Pick<CloudProfile, 'cloud' | 'deletionWindowDays'>, days: number): void {
  const { min, max } = profile.deletionWindowDays;
  needs(Number.isInteger(days) && days >= min && days <= max, `deletionWindowInDays must be a whole number from ${min} to ${max} for ${profile.cloud}`);
}
