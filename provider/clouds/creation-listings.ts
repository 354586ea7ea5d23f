// What a listing of the cloud showed of creates in progress (creation token → key), kept per place (region or
// project, and endpoint) for this provider process for a minute: every create of one `pulumi up` runs in one process,
// and they share one listing instead of each making its own (see the adapters' findCreated).

export const CREATION_LISTING_TTL_MS = 60_000;

export class CreationListings<T> {
  private readonly entries = new Map<string, { at: number; tokens: Promise<Map<string, T>> }>();

  /** The listing for `place`: the one kept, unless older than a minute or `fresh` is asked; else `read()` now. */
  get(place: string, read: () => Promise<Map<string, T>>, fresh = false): Promise<Map<string, T>> {
    let entry = this.entries.get(place);
    if (fresh || !entry || Date.now() - entry.at > CREATION_LISTING_TTL_MS) {
      const made = { at: Date.now(), tokens: read() };
      this.entries.set(place, (entry = made));
      // A failed listing is not kept: the next create tries again.
      made.tokens.catch(() => this.entries.get(place) === made && this.entries.delete(place));
    }
    return entry.tokens;
  }

  /** A listing already kept learns of a change this process made (a key created, a create done); none kept: nothing to do. */
  update(place: string, change: (tokens: Map<string, T>) => void): void {
    void this.entries.get(place)?.tokens.then(change, () => undefined);
  }

  clear(): void {
    this.entries.clear();
  }
}
