// The quota switch: POST /_emulator/quotas {"preset": "published", "scale": 10} (or `kms-emulator --quotas
// published:10`, or startEmulator({quotas})) makes every cloud throttle as its published request quotas do
// (quota-presets.ts), each multiplied by `scale` so that tests and CI keep runs short while every ratio stays the
// cloud's. Off by default; DELETE and POST /_emulator/reset switch it off. Kept apart from the fault rules so clearing
// faults leaves the quotas in force.

import { QUOTA_PRESETS, PUBLISHED_QUOTAS, type QuotaGroup, type QuotaPresetName } from './quota-presets';
import { MAX_PER_SECOND, MIN_PER_SECOND, RateWindow } from './rate-window';

export interface QuotaSetting {
  preset: QuotaPresetName;
  /** Every quota is multiplied by this (default 1). */
  scale?: number;
}

export const MIN_SCALE = 0.001;
export const MAX_SCALE = 100_000;

/** Validates a quota setting from the control API or the CLI; the message names the field and what is allowed. */
export function parseQuotaSetting(value: unknown): QuotaSetting {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('the body must be a JSON object');
  const v = value as Record<string, unknown>;
  for (const name of Object.keys(v)) if (name !== 'preset' && name !== 'scale') throw new Error(`unknown field '${name}'; allowed: preset, scale`);
  if (typeof v.preset !== 'string' || !QUOTA_PRESETS.includes(v.preset as QuotaPresetName)) {
    throw new Error(`'preset' must be one of ${QUOTA_PRESETS.join(', ')}`);
  }
  const setting: QuotaSetting = { preset: v.preset as QuotaPresetName };
  if (v.scale !== undefined) {
    if (typeof v.scale !== 'number' || !(v.scale >= MIN_SCALE && v.scale <= MAX_SCALE)) {
      throw new Error(`'scale' must be a number from ${MIN_SCALE} to ${MAX_SCALE} (every quota is multiplied by it; default 1)`);
    }
    setting.scale = v.scale;
  }
  return setting;
}

/** One quota in force, as GET /_emulator/quotas shows it. */
export interface ActiveQuota extends QuotaGroup {
  cloud: string;
  /** The cloud's figure before scaling. */
  publishedPerSecond: number;
}

interface Enforced {
  quota: ActiveQuota;
  window: RateWindow;
}

export class Quotas {
  private setting: QuotaSetting | undefined;
  private enforced: Enforced[] = [];

  /** `now`: the time quotas count in (ms) — real time, as the clouds'; tests pass a clock they move. */
  constructor(private readonly now: () => number = Date.now) {}

  /** Switches a preset on (replacing any other, with fresh counts). */
  set(setting: QuotaSetting): void {
    const scale = setting.scale ?? 1;
    this.setting = { preset: setting.preset, scale };
    this.enforced = Object.entries(PUBLISHED_QUOTAS).flatMap(([cloud, groups]) =>
      groups.map((group) => {
        // Scaling never goes outside what a rate can be (a tiny scale on a tiny quota still lets a request through).
        const perSecond = Math.min(MAX_PER_SECOND, Math.max(MIN_PER_SECOND, group.perSecond * scale));
        return { quota: { ...group, cloud, perSecond, publishedPerSecond: group.perSecond }, window: new RateWindow(perSecond) };
      }),
    );
  }

  clear(): void {
    this.setting = undefined;
    this.enforced = [];
  }

  /** What is in force: `{preset, scale, quotas}`, or `{preset: null}` when off. */
  list(): { preset: QuotaPresetName | null; scale?: number; quotas: ActiveQuota[] } {
    if (!this.setting) return { preset: null, quotas: [] };
    return { preset: this.setting.preset, scale: this.setting.scale, quotas: this.enforced.map(({ quota }) => quota) };
  }

  /**
   * True when the quota `cloud` (the protocol's name, e.g. `alicloud`) counts `operation` under lets this request
   * through (it is then counted); false when the request is to be throttled. Operations under no quota always pass.
   */
  admit(cloud: string, operation: string): boolean {
    if (this.enforced.length === 0) return true;
    const found = this.enforced.find(({ quota }) => quota.cloud === cloud && (quota.operations === '*' || quota.operations.includes(operation)));
    return found ? found.window.admit(this.now()) : true;
  }
}
