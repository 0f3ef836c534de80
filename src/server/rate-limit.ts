// Token-bucket rate limiting keyed by a string (a conversation id, a client IP). Each key may burst up
// to `capacity` requests and regains `perMinute` tokens a minute. Memory stays bounded: buckets that
// have refilled completely carry no information and are dropped when the table grows.

export interface RateLimitDecision {
  allowed: boolean;
  /** Whole seconds until one token is available again (0 when allowed). */
  retryAfterSeconds: number;
}

export interface TokenBucketOptions {
  perMinute: number;
  /** Burst size; defaults to `perMinute`. */
  capacity?: number;
  /** Above this many keys, full buckets are swept away. */
  maxKeys?: number;
  now?: () => number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export class TokenBucketLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly capacity: number;
  private readonly perMs: number;
  private readonly maxKeys: number;
  private readonly now: () => number;

  constructor(options: TokenBucketOptions) {
    if (!(options.perMinute > 0)) throw new Error('perMinute must be positive');
    this.capacity = options.capacity ?? options.perMinute;
    this.perMs = options.perMinute / 60_000;
    this.maxKeys = options.maxKeys ?? 50_000;
    this.now = options.now ?? Date.now;
  }

  /** Takes one token for `key` if there is one. */
  take(key: string): RateLimitDecision {
    const now = this.now();
    const bucket = this.refilled(key, now);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true, retryAfterSeconds: 0 };
    }
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / this.perMs / 1000)) };
  }

  get size(): number {
    return this.buckets.size;
  }

  private refilled(key: string, now: number): Bucket {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= this.maxKeys) this.sweep(now);
      bucket = { tokens: this.capacity, updatedAt: now };
      this.buckets.set(key, bucket);
      return bucket;
    }
    bucket.tokens = Math.min(this.capacity, bucket.tokens + (now - bucket.updatedAt) * this.perMs);
    bucket.updatedAt = now;
    return bucket;
  }

  /** Drops buckets that are full again; if none are, the oldest ones (a flood of new keys). */
  private sweep(now: number): void {
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + (now - bucket.updatedAt) * this.perMs >= this.capacity) this.buckets.delete(key);
    }
    if (this.buckets.size < this.maxKeys) return;
    const excess = this.buckets.size - Math.floor(this.maxKeys / 2);
    let removed = 0;
    for (const key of this.buckets.keys()) {
      if (removed++ >= excess) break;
      this.buckets.delete(key);
    }
  }
}
