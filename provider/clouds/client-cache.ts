// SDK clients shared by every step the provider host runs: all steps of one `pulumi up` run in ONE host process, and a
// client kept between them keeps its open TLS connections and resolved credentials instead of paying both again per
// step. A client is shared only by steps with the same cloud, region, endpoint and credentials: the key holds a digest
// of the credential settings (read from the environment at each step, so a changed environment gets another client),
// never the secrets themselves (a key may end up in a debugger or a log line).

import { createHash } from 'node:crypto';

/** Where a client's calls go and as whom; `variant` tells apart clients of one place built differently. */
export interface ClientPlace {
  cloud: string;
  region?: string;
  endpoint?: string;
  /** Another dimension of the place (Huawei's project, AWS's CreateKey-only client); plain text, never secret. */
  variant?: string;
  /** Anything that decides whom the client calls as: digested, never kept. */
  credentials: unknown;
}

/** Long-lived processes (the Automation API) may see many credentials: the oldest clients are let go past this. */
const MAX_CLIENTS = 64;
const clients = new Map<string, unknown>();

/** A short SHA-256 of `value` as canonical JSON (sorted keys): equal settings, equal digests; secrets not recoverable. */
export function credentialDigest(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, 32);
}

function canonicalJson(value: unknown): string {
  if (value instanceof URL) return JSON.stringify(value.href);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** The environment variables whose names start with one of `prefixes` (a cloud's credential chain reads those). */
export function environmentWith(prefixes: readonly string[], env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined && prefixes.some((p) => e[0].startsWith(p))));
}

/** The cache key: readable place, credentials as a digest. */
export function clientKey(place: ClientPlace): string {
  return [place.cloud, place.region ?? '', place.endpoint ?? '', place.variant ?? '', credentialDigest(place.credentials)].join('|');
}

/** The client for `place`, built by `build` the first time (a build that throws caches nothing). */
export function sharedClient<T>(place: ClientPlace, build: () => T): T {
  const key = clientKey(place);
  if (clients.has(key)) return clients.get(key) as T;
  const client = build();
  if (clients.size >= MAX_CLIENTS) clients.delete(clients.keys().next().value as string);
  clients.set(key, client);
  return client;
}

/** How many clients are kept now. */
export function sharedClientCount(): number {
  return clients.size;
}

/** Lets every kept client go, handing each to `release` (tests; a client in use by a step keeps working until it ends). */
export function forgetSharedClients(release?: (client: unknown) => void): void {
  const all = [...clients.values()];
  clients.clear();
  if (release) all.forEach(release);
}
