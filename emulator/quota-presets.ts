// The emulator's quota presets: `published` is each cloud's published per-operation request quotas
// (core/published-quotas.ts, the same table the provider paces its calls to), enforced by quotas.ts. The clouds count
// per account and region; the emulator counts per emulator (one account, every region together — stricter when a test
// spreads keys over regions).

export { PUBLISHED_QUOTAS, type QuotaGroup } from '../core/published-quotas';

export type QuotaPresetName = 'published';
export const QUOTA_PRESETS: readonly QuotaPresetName[] = ['published'];
