// Eventual consistency, per cloud: a change to a key or an alias becomes visible to describes (AWS DescribeKey and
// ListAliases, Alibaba DescribeKey, Huawei describe-key) only `delayMs` after it is made, as on the real clouds, where
// a key just created may answer NotFound for a moment and a state change (import, material deleted, deletion
// scheduled) may still show the old state. Every other operation sees the truth at once.
//
// Off (0) for every cloud by default. While a cloud's delay is above 0 the store records, for each change, a copy of
// the key (or the alias's target) and when it becomes visible; a describe answers with the newest copy already
// visible. The delay runs on real time (a propagation delay is not a matter of the movable clock), and what the clock
// does to a visible copy (material expiry, end of a deletion window) still applies to it. The history is not saved in
// the state file: after a restart every change is visible.

import type { StoredAlias } from './aliases';
import type { StoredKey } from './store-types';
import { copyMaterials } from './key-materials';

interface Version<T> {
  /** Real time (ms) from which describes see `value`. */
  visibleAt: number;
  value: T;
}

export const MAX_VISIBILITY_DELAY_MS = 600_000;

function copyKey(key: StoredKey | undefined): StoredKey | undefined {
  return key && { ...key, tags: { ...key.tags }, attributes: { ...key.attributes }, ...copyMaterials(key) };
}

function copyAlias(alias: StoredAlias | undefined): StoredAlias | undefined {
  return alias && { ...alias };
}

export class Consistency {
  private readonly delays = new Map<string, number>();
  /** Per key id, oldest first; `undefined` = the key did not exist yet. */
  private readonly keys = new Map<string, Array<Version<StoredKey | undefined>>>();
  /** Per alias slot, oldest first; `undefined` = no such alias. */
  private readonly aliases = new Map<string, Array<Version<StoredAlias | undefined>>>();

  constructor(private readonly realNow: () => number = Date.now) {}

  /** How long a change in `cloud` takes to show in its describes (ms); 0 turns it off. */
  setDelay(cloud: string, delayMs: number): void {
    if (!Number.isInteger(delayMs) || delayMs < 0 || delayMs > MAX_VISIBILITY_DELAY_MS) {
      throw new Error(`'delayMs' must be an integer from 0 to ${MAX_VISIBILITY_DELAY_MS}`);
    }
    if (delayMs === 0) this.delays.delete(cloud);
    else this.delays.set(cloud, delayMs);
    if (this.delays.size === 0) this.forget();
  }

  delayOf(cloud: string): number {
    return this.delays.get(cloud) ?? 0;
  }

  /** The clouds whose describes lag, with their delays. */
  list(): Record<string, number> {
    return Object.fromEntries([...this.delays.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }

  /** Every change visible at once again, every cloud consistent. */
  clear(): void {
    this.delays.clear();
    this.forget();
  }

  /** Forgets the history (the store was reset or restored), keeping the delays. */
  forget(): void {
    this.keys.clear();
    this.aliases.clear();
  }

  // ---- recording (the store calls these around each change) ----------------------------------

  /** Before a change: remembers what describes show now, unless a change is already being tracked. */
  beforeKeyChange(cloud: string, keyId: string, current: StoredKey | undefined): void {
    if (this.delayOf(cloud) === 0 || this.keys.has(keyId)) return;
    this.keys.set(keyId, [{ visibleAt: 0, value: copyKey(current) }]);
  }

  /** After a change: the key as it is now becomes visible `delay` from now. */
  afterKeyChange(cloud: string, key: StoredKey): void {
    const delay = this.delayOf(cloud);
    if (delay === 0) return;
    this.keys.get(key.id)?.push({ visibleAt: this.realNow() + delay, value: copyKey(key) });
  }

  beforeAliasChange(cloud: string, slot: string, current: StoredAlias | undefined): void {
    if (this.delayOf(cloud) === 0 || this.aliases.has(slot)) return;
    this.aliases.set(slot, [{ visibleAt: 0, value: copyAlias(current) }]);
  }

  afterAliasChange(cloud: string, slot: string, alias: StoredAlias | undefined): void {
    const delay = this.delayOf(cloud);
    if (delay === 0) return;
    this.aliases.get(slot)?.push({ visibleAt: this.realNow() + delay, value: copyAlias(alias) });
  }

  // ---- what describes see --------------------------------------------------------------------

  /**
   * The key as describes see it: `current` once every change is visible, else the newest visible copy (undefined
   * when the key was created too recently to be seen). `stale` says which.
   */
  keyView(keyId: string, current: StoredKey | undefined): { key: StoredKey | undefined; stale: boolean } {
    const version = this.visible(this.keys, keyId);
    return version ? { key: copyKey(version.value), stale: true } : { key: current, stale: false };
  }

  /** The alias as describes see it: `current` once every change is visible, else the newest visible copy. */
  aliasView(slot: string, current: StoredAlias | undefined): StoredAlias | undefined {
    const version = this.visible(this.aliases, slot);
    return version ? copyAlias(version.value) : current;
  }

  /** Aliases with changes still on their way (a deleted alias may still be seen), for listings. */
  trackedAliasSlots(): string[] {
    return [...this.aliases.keys()];
  }

  /** The newest version already visible when it is not the last one (the last is the truth); prunes older ones. */
  private visible<T>(table: Map<string, Array<Version<T>>>, id: string): Version<T> | undefined {
    const versions = table.get(id);
    if (!versions) return undefined;
    const now = this.realNow();
    let newest = 0;
    for (let i = 0; i < versions.length; i++) if (versions[i].visibleAt <= now) newest = i;
    if (newest === versions.length - 1) {
      table.delete(id);
      return undefined;
    }
    versions.splice(0, newest);
    return versions[0];
  }
}
