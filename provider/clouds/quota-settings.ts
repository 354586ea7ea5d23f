// Which request quota the pacer (pacer.ts) holds each call to: the cloud's published figure (core/published-quotas.ts),
// replaced where IMPORTED_KEY_QUOTAS names the operation, every figure multiplied by IMPORTED_KEY_QUOTA_SCALE.
//
//   IMPORTED_KEY_QUOTA_SCALE=20                                  every quota × 20 (tests, CI; default 1)
//   IMPORTED_KEY_QUOTAS='{"aws:GetParametersForImport": 1}'       an account whose quota was raised to 1 per second
//
// A figure in IMPORTED_KEY_QUOTAS is the rate of the quota that counts that operation: for a quota several operations
// share (Alibaba's "Key management (read)", Huawei's one TPS for every API) the whole shared quota, as the cloud counts
// it; an operation under no published quota gets one of its own. Bad values are refused with the variable named.

import { ImportedKeyError } from '../../core/errors';
import { PUBLISHED_QUOTAS } from '../../core/published-quotas';
import { MAX_PER_SECOND, MIN_PER_SECOND } from '../../core/quota-rate';

export const SCALE_VARIABLE = 'IMPORTED_KEY_QUOTA_SCALE';
export const QUOTAS_VARIABLE = 'IMPORTED_KEY_QUOTAS';
export const MIN_SCALE = 0.001;
export const MAX_SCALE = 100_000;

export interface QuotaSettings {
  scale: number;
  /** `<cloud>:<Operation>` → requests per second (before scaling). */
  overrides: ReadonlyMap<string, number>;
}

/** The quota one call is held to. */
export interface PacedQuota {
  /** Names the quota within its cloud (calls with the same id share one rate). */
  id: string;
  /** As the cloud publishes it, for messages. */
  name: string;
  /** After overrides and scaling. */
  perSecond: number;
}

const OVERRIDE_KEY = /^(aws|alicloud|huaweicloud|pingan):[A-Za-z][A-Za-z-]{0,63}$/;
const QUOTAS_FORM = `a JSON object of "<cloud>:<Operation>": requests per second (${MIN_PER_SECOND} to ${MAX_PER_SECOND}), cloud one of ${Object.keys(PUBLISHED_QUOTAS).join(', ')}, e.g. {"aws:GetParametersForImport": 1}`;

function invalid(message: string): ImportedKeyError {
  return new ImportedKeyError('InvalidArgument', message);
}

function parseScale(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === '') return 1;
  const scale = Number(raw);
  if (!(Number.isFinite(scale) && scale >= MIN_SCALE && scale <= MAX_SCALE)) {
    throw invalid(`${SCALE_VARIABLE} must be a number from ${MIN_SCALE} to ${MAX_SCALE} (every request quota is multiplied by it; default 1), not ${JSON.stringify(raw.slice(0, 40))}`);
  }
  return scale;
}

function parseOverrides(raw: string | undefined): Map<string, number> {
  const overrides = new Map<string, number>();
  if (raw === undefined || raw.trim() === '') return overrides;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw invalid(`${QUOTAS_VARIABLE} is not JSON; it must be ${QUOTAS_FORM}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalid(`${QUOTAS_VARIABLE} must be ${QUOTAS_FORM}`);
  for (const [key, value] of Object.entries(parsed)) {
    if (!OVERRIDE_KEY.test(key)) throw invalid(`${QUOTAS_VARIABLE}: ${JSON.stringify(key.slice(0, 80))} is not "<cloud>:<Operation>"; it must be ${QUOTAS_FORM}`);
    if (typeof value !== 'number' || !(value >= MIN_PER_SECOND && value <= MAX_PER_SECOND)) {
      throw invalid(`${QUOTAS_VARIABLE}: "${key}" must be a number of requests per second from ${MIN_PER_SECOND} to ${MAX_PER_SECOND}`);
    }
    overrides.set(key, value);
  }
  // Two figures for one shared quota would leave its rate undecided.
  for (const [cloud, groups] of Object.entries(PUBLISHED_QUOTAS)) {
    for (const group of groups) {
      const named = [...overrides].filter(([key]) => key.startsWith(`${cloud}:`) && (group.operations === '*' || group.operations.includes(key.slice(cloud.length + 1))));
      if (new Set(named.map(([, v]) => v)).size > 1) {
        throw invalid(`${QUOTAS_VARIABLE}: ${named.map(([k]) => k).join(', ')} share one quota (${cloud} "${group.name}") but are given different figures`);
      }
    }
  }
  return overrides;
}

let cached: { scale?: string; quotas?: string; settings: QuotaSettings } | undefined;

/** The settings in `env` (parsed once per distinct value); an ImportedKeyError naming the variable when one is bad. */
export function quotaSettings(env: NodeJS.ProcessEnv = process.env): QuotaSettings {
  const scale = env[SCALE_VARIABLE];
  const quotas = env[QUOTAS_VARIABLE];
  if (cached && cached.scale === scale && cached.quotas === quotas) return cached.settings;
  const settings = { scale: parseScale(scale), overrides: parseOverrides(quotas) };
  cached = { scale, quotas, settings };
  return settings;
}

/** The quota `cloud` counts `operation` under, with these settings; undefined when none limits it. */
export function quotaFor(cloud: string, operation: string, settings: QuotaSettings): PacedQuota | undefined {
  const group = (PUBLISHED_QUOTAS[cloud] ?? []).find((g) => g.operations === '*' || g.operations.includes(operation));
  const scaled = (perSecond: number) => Math.min(MAX_PER_SECOND, Math.max(MIN_PER_SECOND, perSecond * settings.scale));
  if (!group) {
    const own = settings.overrides.get(`${cloud}:${operation}`);
    return own === undefined ? undefined : { id: `op:${operation}`, name: `${operation} (${QUOTAS_VARIABLE})`, perSecond: scaled(own) };
  }
  const override = [...settings.overrides].find(([key]) => key.startsWith(`${cloud}:`) && (group.operations === '*' || group.operations.includes(key.slice(cloud.length + 1))));
  return { id: `quota:${group.name}`, name: group.name, perSecond: scaled(override ? override[1] : group.perSecond) };
}
