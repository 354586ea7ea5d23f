// A cloud's time, from the Date header of its replies: the clock that decides when imported material expires. Used by
// the clients that read their replies' headers themselves (Huawei, Ping An); AWS and Alibaba have their own ways.

/** The cloud's clock as one client's replies tell it. */
export class ReplyDateClock {
  /** Cloud clock minus machine clock, from the latest reply's Date; undefined before any reply. */
  private offsetMs: number | undefined;

  /** Learns from a reply's Date header (absent or unreadable: nothing learnt). */
  observe(date: string | undefined): void {
    const serverTime = date === undefined ? NaN : Date.parse(date);
    if (Number.isFinite(serverTime)) this.offsetMs = serverTime - Date.now();
  }

  /** The cloud's time now, as the latest reply's Date told; undefined before any reply. */
  now(): Date | undefined {
    return this.offsetMs === undefined ? undefined : new Date(Date.now() + this.offsetMs);
  }
}
