// Fault switches set through POST /_emulator/faults. A rule targets `<cloud>:<Operation>`,
// `<cloud>:*` or `*`, and may add latency, throttle a fraction of requests (deterministically:
// rate 0.5 throttles every second request) or everything above a rate (as a real quota does; fractional rates such as
// AWS's 0.25 per second are allowed, rate-window.ts says exactly what a rate means), fail the next N requests with 500 or 503, close the connection of the next N requests before doing
// anything (the request is lost on its way: no work, no reply), or do the work and then drop the connection for the
// next N requests (the reply is lost).

import { MAX_PER_SECOND, MIN_PER_SECOND, RateWindow } from './rate-window';

export interface FaultRuleInput {
  target: string;
  latencyMs?: number;
  throttleRate?: number;
  maxPerSecond?: number;
  failNext?: number;
  failStatus?: 500 | 503;
  /** The next N matching requests: the connection is closed before any work (no reply, nothing done). */
  resetNext?: number;
  /** The next N matching requests: the work is done, then the connection is closed (the reply is lost). */
  dropNext?: number;
}

export interface FaultRule extends FaultRuleInput {
  id: number;
  /** Requests this rule has seen (drives the deterministic throttle rate). */
  seen: number;
  /** The requests maxPerSecond let through lately (rate-window.ts); absent without maxPerSecond. */
  window?: RateWindow;
}

export interface FaultDecision {
  latencyMs: number;
  throttle: boolean;
  failStatus?: 500 | 503;
  /** Close the connection before doing anything. */
  reset: boolean;
  drop: boolean;
}

const TARGET = /^(\*|[a-z0-9]+:(\*|[A-Za-z0-9._-]+))$/;

/** Validates a rule from the control API; the message names the field and what is allowed. */
export function parseFaultRule(value: unknown): FaultRuleInput {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('the body must be a JSON object');
  const v = value as Record<string, unknown>;
  const known = ['target', 'latencyMs', 'throttleRate', 'maxPerSecond', 'failNext', 'failStatus', 'resetNext', 'dropNext'];
  for (const name of Object.keys(v)) if (!known.includes(name)) throw new Error(`unknown field '${name}'; allowed: ${known.join(', ')}`);
  if (typeof v.target !== 'string' || !TARGET.test(v.target)) {
    throw new Error("'target' must be '<cloud>:<Operation>', '<cloud>:*' or '*' (e.g. 'aws:ImportKeyMaterial')");
  }
  const rule: FaultRuleInput = { target: v.target };
  if (v.latencyMs !== undefined) rule.latencyMs = integer(v.latencyMs, 'latencyMs', 0, 600_000);
  if (v.throttleRate !== undefined) {
    if (typeof v.throttleRate !== 'number' || !(v.throttleRate > 0 && v.throttleRate <= 1)) throw new Error("'throttleRate' must be a number in (0, 1]");
    rule.throttleRate = v.throttleRate;
  }
  if (v.maxPerSecond !== undefined) {
    if (typeof v.maxPerSecond !== 'number' || !(v.maxPerSecond >= MIN_PER_SECOND && v.maxPerSecond <= MAX_PER_SECOND)) {
      throw new Error(`'maxPerSecond' must be a number of requests per second from ${MIN_PER_SECOND} to ${MAX_PER_SECOND} (fractions allowed: 0.25 = one request in each 4-second interval)`);
    }
    rule.maxPerSecond = v.maxPerSecond;
  }
  if (v.failNext !== undefined) rule.failNext = integer(v.failNext, 'failNext', 1, 1_000_000);
  if (v.failStatus !== undefined) {
    if (v.failStatus !== 500 && v.failStatus !== 503) throw new Error("'failStatus' must be 500 or 503");
    if (rule.failNext === undefined) throw new Error("'failStatus' needs 'failNext'");
    rule.failStatus = v.failStatus;
  }
  if (v.resetNext !== undefined) rule.resetNext = integer(v.resetNext, 'resetNext', 1, 1_000_000);
  if (v.dropNext !== undefined) rule.dropNext = integer(v.dropNext, 'dropNext', 1, 1_000_000);
  if (
    rule.latencyMs === undefined && rule.throttleRate === undefined && rule.maxPerSecond === undefined && rule.failNext === undefined &&
    rule.resetNext === undefined && rule.dropNext === undefined
  ) {
    throw new Error("a rule needs at least one of 'latencyMs', 'throttleRate', 'maxPerSecond', 'failNext', 'resetNext', 'dropNext'");
  }
  return rule;
}

function integer(value: unknown, name: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new Error(`'${name}' must be an integer from ${min} to ${max}`);
  }
  return value;
}

export class Faults {
  private rules: FaultRule[] = [];
  private nextId = 1;

  /**
   * `namesOf`: every name of the cloud a request is decided for (the emulator passes its protocols' names: `alibaba`,
   * `alicloud`), so a target may use any of them. Default: the name alone.
   */
  constructor(
    private readonly namesOf: (cloud: string) => readonly string[] = (cloud) => [cloud],
    /** The time maxPerSecond counts in (ms): real time, as the clouds' quotas; tests pass a clock they move. */
    private readonly now: () => number = Date.now,
  ) {}

  add(input: FaultRuleInput): FaultRule {
    const rule: FaultRule = { ...input, id: this.nextId++, seen: 0 };
    if (input.maxPerSecond !== undefined) rule.window = new RateWindow(input.maxPerSecond);
    this.rules.push(rule);
    return rule;
  }

  /** The armed rules as the control API shows them (with `seen`, the count of matching requests). */
  list(): Array<Omit<FaultRule, 'window'>> {
    return this.rules.map(({ window: _window, ...shown }) => shown);
  }

  clear(): void {
    this.rules = [];
  }

  /** Disarms one rule (by the id `add` gave it); false when it is no longer armed. */
  remove(id: number): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((rule) => rule.id !== id);
    return this.rules.length !== before;
  }

  /** Decides what happens to one request and consumes the counters it uses. A target may name the cloud by any of its names. */
  decide(cloud: string, operation: string): FaultDecision {
    const names = this.namesOf(cloud);
    const decision: FaultDecision = { latencyMs: 0, throttle: false, reset: false, drop: false };
    for (const rule of this.rules) {
      if (!names.some((name) => targets(rule.target, name, operation))) continue;
      rule.seen += 1;
      if (rule.latencyMs) decision.latencyMs += rule.latencyMs;
      if (rule.throttleRate !== undefined && Math.floor(rule.seen * rule.throttleRate) > Math.floor((rule.seen - 1) * rule.throttleRate)) {
        decision.throttle = true;
      }
      if (rule.window && !rule.window.admit(this.now())) decision.throttle = true;
      // One request meets at most one one-shot outcome (fail, reset, drop): rules armed on the same target fire on
      // consecutive requests, in the order they were added.
      const spent = decision.failStatus !== undefined || decision.reset || decision.drop;
      if (!spent && rule.failNext) {
        rule.failNext -= 1;
        decision.failStatus = rule.failStatus ?? 500;
      } else if (!spent && rule.resetNext) {
        rule.resetNext -= 1;
        decision.reset = true;
      } else if (!spent && rule.dropNext) {
        rule.dropNext -= 1;
        decision.drop = true;
      }
    }
    // Spent one-shot rules go away so GET /_emulator/faults shows what is still armed.
    this.rules = this.rules.filter((r) => r.latencyMs || r.throttleRate !== undefined || r.maxPerSecond !== undefined || r.failNext || r.resetNext || r.dropNext);
    return decision;
  }
}

function targets(target: string, cloud: string, operation: string): boolean {
  return target === '*' || target === `${cloud}:*` || target === `${cloud}:${operation}`;
}
