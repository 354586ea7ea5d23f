// The /_emulator/* control API (JSON over HTTP): clock, faults, quotas, eventual consistency, dialects, request counts, reset.
// Documented in the README; every bad input gets a 400 naming the field and what is allowed.

import type { EmulatorClock } from './clock';
import type { Dialects } from './dialects';
import { parseFaultRule, type Faults } from './faults';
import { jsonResponse } from './http';
import { parseQuotaSetting, type Quotas } from './quotas';
import type { KeyStore } from './store';
import { namesOf, storeCloudOf, type Protocol, type ProtocolRequest, type ProtocolResponse } from './protocols/types';

/** What the controls reach: the emulator's parts (the server's ServerParts extends this). */
export interface ControlParts {
  store: KeyStore;
  clock: EmulatorClock;
  faults: Faults;
  /** The clouds' request quotas (quotas.ts): POST|GET|DELETE /_emulator/quotas. */
  quotas: Quotas;
  counts: Map<string, number>;
  protocols: readonly Protocol[];
  /** The variants chosen for the clouds' undocumented points (dialects.ts): POST|GET|DELETE /_emulator/dialect. */
  dialects: Dialects;
  /** Saves the clock and the store to the state file (a no-op without one): see persistence.ts. */
  persist: () => void;
}

export function handleControl(parts: ControlParts, request: ProtocolRequest): ProtocolResponse {
  const route = `${request.method} ${request.path.replace(/\/+$/, '')}`;
  try {
    switch (route) {
      case 'GET /_emulator/clock':
        return jsonResponse(200, { now: parts.clock.nowIso() });
      case 'POST /_emulator/clock':
        return setClock(parts, parseJson(request.body));
      case 'GET /_emulator/faults':
        return jsonResponse(200, { faults: parts.faults.list() });
      case 'POST /_emulator/faults': {
        const { id } = parts.faults.add(parseFaultRule(parseJson(request.body)));
        const faults = parts.faults.list();
        return jsonResponse(200, { added: faults.find((rule) => rule.id === id), faults });
      }
      case 'DELETE /_emulator/faults':
        parts.faults.clear();
        return jsonResponse(200, { faults: [] });
      case 'GET /_emulator/quotas':
        return jsonResponse(200, parts.quotas.list());
      case 'POST /_emulator/quotas':
        parts.quotas.set(parseQuotaSetting(parseJson(request.body)));
        return jsonResponse(200, parts.quotas.list());
      case 'DELETE /_emulator/quotas':
        parts.quotas.clear();
        return jsonResponse(200, parts.quotas.list());
      case 'GET /_emulator/consistency':
        return jsonResponse(200, { delays: parts.store.consistency.list() });
      case 'POST /_emulator/consistency':
        return setConsistency(parts, parseJson(request.body));
      case 'DELETE /_emulator/consistency':
        parts.store.consistency.clear();
        return jsonResponse(200, { delays: {} });
      case 'GET /_emulator/dialect':
        return jsonResponse(200, { dialects: parts.dialects.list() });
      case 'POST /_emulator/dialect':
        parts.dialects.set(parseJson(request.body));
        return jsonResponse(200, { dialects: parts.dialects.list() });
      case 'DELETE /_emulator/dialect':
        parts.dialects.clear();
        return jsonResponse(200, { dialects: parts.dialects.list() });
      case 'GET /_emulator/rotation':
        return jsonResponse(200, { delaySeconds: parts.store.rotationDelayMs / 1000 });
      case 'POST /_emulator/rotation':
        return setRotationDelay(parts, parseJson(request.body));
      case 'GET /_emulator/requests':
        return jsonResponse(200, Object.fromEntries(Object.entries(requestCounts(parts.counts, parts.protocols)).sort(([a], [b]) => a.localeCompare(b))));
      case 'DELETE /_emulator/requests':
        parts.counts.clear();
        return jsonResponse(200, {});
      case 'POST /_emulator/reset':
        parts.faults.clear();
        parts.quotas.clear();
        parts.counts.clear();
        parts.clock.reset();
        parts.store.reset();
        parts.dialects.clear();
        return jsonResponse(200, { reset: true, now: parts.clock.nowIso() });
      default:
        return jsonResponse(404, {
          message: `unknown control '${route}'; try GET|POST /_emulator/clock, GET|POST|DELETE /_emulator/faults, GET|POST|DELETE /_emulator/quotas, GET|POST|DELETE /_emulator/consistency, GET|POST|DELETE /_emulator/dialect, GET|POST /_emulator/rotation, GET|DELETE /_emulator/requests, POST /_emulator/reset`,
        });
    }
  } catch (error) {
    return jsonResponse(400, { message: error instanceof Error ? error.message : 'bad request' });
  }
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8') || 'null');
  } catch {
    throw new Error('the body must be JSON');
  }
}

function setClock(parts: ControlParts, value: unknown): ProtocolResponse {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('the body must be a JSON object');
  const v = value as Record<string, unknown>;
  const hasAdvance = v.advanceSeconds !== undefined;
  const hasNow = v.now !== undefined;
  if (hasAdvance === hasNow) throw new Error("give exactly one of 'advanceSeconds' (a number of seconds, may be negative) or 'now' (an ISO 8601 time)");
  if (hasAdvance) {
    if (typeof v.advanceSeconds !== 'number' || !Number.isFinite(v.advanceSeconds)) throw new Error("'advanceSeconds' must be a finite number");
    parts.clock.advance(v.advanceSeconds);
  } else {
    const ms = typeof v.now === 'string' ? Date.parse(v.now) : NaN;
    if (!Number.isFinite(ms)) throw new Error("'now' must be an ISO 8601 time such as 2030-01-01T00:00:00Z");
    parts.clock.set(ms);
  }
  // The clock is part of the persisted state, so a moved clock survives a restart.
  parts.persist();
  return jsonResponse(200, { now: parts.clock.nowIso() });
}

/** `{"delaySeconds": N}`: how long an AWS RotateKeyOnDemand takes on the emulator clock (reset restores the configured value). */
function setRotationDelay(parts: ControlParts, value: unknown): ProtocolResponse {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('the body must be a JSON object');
  const v = value as Record<string, unknown>;
  for (const name of Object.keys(v)) if (name !== 'delaySeconds') throw new Error(`unknown field '${name}'; allowed: delaySeconds`);
  if (typeof v.delaySeconds !== 'number' || !Number.isFinite(v.delaySeconds) || v.delaySeconds < 0) throw new Error("'delaySeconds' must be a number of seconds, 0 or more");
  parts.store.rotationDelayMs = Math.round(v.delaySeconds * 1000);
  return jsonResponse(200, { delaySeconds: parts.store.rotationDelayMs / 1000 });
}

/**
 * `{"cloud": "aws" | "alibaba" | "huawei" | "pingan" | "*", "delayMs": N}`: how long that cloud's describes lag behind changes. The
 * delays are kept and listed under the store's names of the clouds (alibaba, huawei); `alicloud` and `huaweicloud` are
 * taken for them.
 */
function setConsistency(parts: ControlParts, value: unknown): ProtocolResponse {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('the body must be a JSON object');
  const v = value as Record<string, unknown>;
  for (const name of Object.keys(v)) if (name !== 'cloud' && name !== 'delayMs') throw new Error(`unknown field '${name}'; allowed: cloud, delayMs`);
  const clouds = parts.protocols.map(storeCloudOf);
  const named = typeof v.cloud === 'string' ? parts.protocols.find((p) => storeCloudOf(p) === v.cloud || namesOf(p).includes(v.cloud as string)) : undefined;
  if (typeof v.cloud !== 'string' || (v.cloud !== '*' && !named)) {
    const otherNames = parts.protocols.flatMap(namesOf).filter((name) => !clouds.includes(name));
    throw new Error(`'cloud' must be one of ${[...clouds].sort().join(', ')}, *${otherNames.length ? ` (or ${otherNames.sort().join(', ')})` : ''}`);
  }
  if (typeof v.delayMs !== 'number') throw new Error("'delayMs' must be an integer number of milliseconds (0 turns it off)");
  for (const cloud of v.cloud === '*' || !named ? clouds : [storeCloudOf(named)]) parts.store.consistency.setDelay(cloud, v.delayMs);
  return jsonResponse(200, { delays: parts.store.consistency.list() });
}

/**
 * The request counts by `<cloud>:<Operation>`, each also under the cloud's earlier names (`alibaba:CreateKey` beside
 * `alicloud:CreateKey`), so readers of either name see the same figure.
 */
export function requestCounts(counts: ReadonlyMap<string, number>, protocols: readonly Protocol[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [counter, n] of counts) {
    out[counter] = n;
    const colon = counter.indexOf(':');
    const protocol = protocols.find((p) => p.cloud === counter.slice(0, colon));
    for (const alias of protocol?.aliases ?? []) out[`${alias}${counter.slice(colon)}`] = n;
  }
  return out;
}
