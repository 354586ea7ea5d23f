// The cloud's clock for the Alibaba adapter, from the Date header of Alibaba's replies.
// @alicloud/kms20160120 (rpc-client) hands back reply bodies only, so the headers are read where Node
// publishes every HTTP reply: the `http.client.response.finish` diagnostics channel. A client's replies are
// told apart by a token it appends to its User-Agent (the SDK's `userAgent` option), one token per adapter.

import { randomBytes } from 'node:crypto';
import * as diagnosticsChannel from 'node:diagnostics_channel';
import type { ClientRequest, IncomingMessage } from 'node:http';

const CHANNEL = 'http.client.response.finish';
const TOKEN_PREFIX = 'imported-key-clock/';
const TOKEN_IN_USER_AGENT = /\bimported-key-clock\/([0-9a-f]{16})\b/;

/** Cloud clock minus machine clock (ms) per registered token; undefined until that client's first reply. */
const offsets = new Map<string, number | undefined>();

function onResponse(message: unknown): void {
  const { request, response } = message as { request?: ClientRequest; response?: IncomingMessage };
  const userAgent = request?.getHeader?.('user-agent');
  const token = typeof userAgent === 'string' ? TOKEN_IN_USER_AGENT.exec(userAgent)?.[1] : undefined;
  if (token === undefined || !offsets.has(token)) return;
  const serverTime = Date.parse(String(response?.headers?.date ?? ''));
  if (Number.isFinite(serverTime)) offsets.set(token, serverTime - Date.now());
}

/** How many clocks are registered (listening) now: 0 once every adapter is destroyed (tests check nothing leaks). */
export function activeReplyClocks(): number {
  return offsets.size;
}

/** The cloud's clock as one client's replies tell it; `stop()` when the client is done (unsubscribes the last). */
export class ReplyClock {
  private readonly token = randomBytes(8).toString('hex');

  constructor() {
    if (offsets.size === 0) diagnosticsChannel.subscribe(CHANNEL, onResponse);
    offsets.set(this.token, undefined);
  }

  /** What to append to the client's User-Agent so its replies are counted here. */
  get userAgent(): string {
    return `${TOKEN_PREFIX}${this.token}`;
  }

  /** The cloud's time now, as the latest reply's Date told; undefined before any reply (or after stop). */
  now(): Date | undefined {
    const offset = offsets.get(this.token);
    return offset === undefined ? undefined : new Date(Date.now() + offset);
  }

  stop(): void {
    if (!offsets.delete(this.token)) return;
    if (offsets.size === 0) diagnosticsChannel.unsubscribe(CHANNEL, onResponse);
  }
}
