// A DescribeKey answer handed from one step of a run to the step the engine runs next for the same key, instead of
// describing the key again moments later. The engine asks for two steps back to back, each of which used to describe:
//   - refresh: Read, then Diff of the refreshed outputs (the engine's RefreshStep; `preview --refresh` and
//     `up --refresh` too): Diff takes what Read just saw ('read' → diff);
//   - up: Diff, then Update (a drift heal, a new expiry): Update takes what Diff just saw ('diff' → update).
// Both steps of a pair run in the same provider host process (one per `pulumi` run), so the hand-over is this module's
// memory: nothing is written anywhere, and a new run starts with nothing.
//
// Why it cannot make the state lie:
//   - an answer is taken at most once, only by the step it was left for (a Diff never takes a Diff's answer, an Update
//     never takes a Read's), for the same key at the same place (cloud, region, endpoint, project), and only while it is
//     younger than MAX_AGE_MS: a few seconds, the time the engine takes between the two steps; anything older is
//     described again. Either way the step works from one DescribeKey, as it always did — at most seconds older;
//   - every change a step makes is still confirmed by its own DescribeKey (waiter.ts: confirmImport, matchEnabled), so
//     what an Update records after importing comes from a describe made after the import;
//   - only answers that found the key are left: a NotFound (and its eventual-consistency wait) is never handed on.
// The cloud's time of the answer travels with it (a rolling expiry is judged on the cloud's clock), moved on by the
// machine time elapsed since.

import type { KeyDescription } from './clouds/adapter';
import type { KeyInputs } from './types';

/** What a step saw: the key's description, and the cloud's time when it was seen. */
export interface RecentLook {
  live: KeyDescription;
  now: Date;
}

/** The step that made the look; it is left for the next one only (read → diff, diff → update). */
export type LookSource = 'read' | 'diff';

/** How long a look may be handed on (ms): the engine runs the next step moments later; past this, describe again. */
export const MAX_AGE_MS = 5_000;

interface Entry {
  source: LookSource;
  live: KeyDescription;
  cloudNow: number;
  seenAt: number;
}

const looks = new Map<string, Entry>();

/** Where the key is, as the step's arguments say: the same key id in another region or endpoint is another key. */
export function lookKey(place: Partial<Pick<KeyInputs, 'cloud' | 'region' | 'endpoint' | 'projectId'>>, keyId: string): string {
  return JSON.stringify([place.cloud, place.region ?? '', place.endpoint ?? '', place.projectId ?? '', keyId]);
}

/** Leaves what `source` just saw for the next step (replacing any earlier look at this key). */
export function leaveLook(key: string, source: LookSource, look: RecentLook, clock: () => number = Date.now): void {
  const seenAt = clock();
  // Looks never taken (a preview's Diff, a no-op up) are dropped once too old to be taken, so the map stays small.
  for (const [k, entry] of looks) if (seenAt - entry.seenAt > MAX_AGE_MS) looks.delete(k);
  looks.set(key, { source, live: look.live, cloudNow: look.now.getTime(), seenAt });
}

/** Drops any look at this key: the step describes it (or plans) without one, and nothing older may follow. */
export function dropLook(key: string): void {
  looks.delete(key);
}

/** The look `source` left at this key moments ago, taken (it is gone after), or undefined. */
export function takeLook(key: string, source: LookSource, clock: () => number = Date.now): RecentLook | undefined {
  const entry = looks.get(key);
  if (!entry) return undefined;
  looks.delete(key);
  const age = clock() - entry.seenAt;
  if (entry.source !== source || age < 0 || age > MAX_AGE_MS) return undefined;
  return { live: entry.live, now: new Date(entry.cloudNow + age) };
}
