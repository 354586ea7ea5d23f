// The small HTTP helpers the server and the control API share (kept apart so neither imports the other for them).

import type { ProtocolResponse } from './protocols/types';

/** A JSON reply: `value` serialised, content-type application/json. */
export function jsonResponse(status: number, value: unknown): ProtocolResponse {
  return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) };
}
