// The one token bucket every rate limit builds on (chat and per-IP caps, dossier lookups, Zalo pacing): it holds
// up to `capacity` tokens, regains one every `msPerToken`, and each event takes one. It is kept as the moment
// the bucket will be full again (the GCRA form), so a caller may also book a token ahead, at a future moment.
// Callers own the clock and their policy (keys, scopes, penalties); this only counts.

export class TokenBucket {
  /** When the bucket is full again; at or before "now" it is full. */
  private fullAt: number;

  constructor(
    private readonly capacity: number,
    private readonly msPerToken: number,
    now: number,
  ) {
    if (!(capacity >= 1)) throw new Error('capacity must be at least 1');
    if (!(msPerToken >= 0)) throw new Error('msPerToken must not be negative');
    this.fullAt = now;
  }

  /** A bucket of `perMinute` tokens (the burst) that regains `perMinute` tokens a minute. */
  static perMinute(perMinute: number, now: number): TokenBucket {
    if (!(perMinute > 0)) throw new Error('perMinute must be positive');
    return new TokenBucket(perMinute, 60_000 / perMinute, now);
  }

  /** Milliseconds until one token is available (0 = available now). */
  waitMs(now: number): number {
    return Math.max(0, this.fullAt - (this.capacity - 1) * this.msPerToken - now);
  }

  /** Takes one token at `at` (now, or a moment booked ahead); callers check `waitMs` first. */
  take(at: number): void {
    this.fullAt = Math.max(this.fullAt, at) + this.msPerToken;
  }

  /** Full again: forgetting this bucket loses nothing. */
  isFull(now: number): boolean {
    return this.fullAt <= now;
  }
}

/** A wait as the whole seconds to tell a client (Retry-After): rounded up, at least 1. */
export function retryAfterSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
