// Signature nonces already used (Alibaba's SignatureNonce and x-acs-signature-nonce): one cache per emulator, in the
// ProtocolContext the server builds for it, so two emulators in one process never share one. On the real clock.

export class NonceCache {
  private readonly seen = new Map<string, number>();

  /** False when the nonce was already used less than `memoryMs` ago; otherwise remembers it for `memoryMs`. */
  use(nonce: string, now: number, memoryMs: number): boolean {
    if (this.seen.size > 1000) for (const [n, until] of this.seen) if (until <= now) this.seen.delete(n);
    const until = this.seen.get(nonce);
    if (until !== undefined && until > now) return false;
    this.seen.set(nonce, now + memoryMs);
    return true;
  }
}
