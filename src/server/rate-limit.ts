// Rate limiting keyed by a string (a conversation id, a client IP): one token bucket per key, each allowed a
// burst of `capacity` requests and regaining `perMinute` tokens a minute. Memory stays bounded: buckets that
// have refilled completely carry no information and are dropped when the table grows.
import { retryAfterSeconds, TokenBucket } from '../limits/token-bucket.ts';

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

export class TokenBucketLimiter {
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly capacity: number;
  private readonly msPerToken: number;
  private readonly maxKeys: number;
  private readonly now: () => number;

  constructor(options: TokenBucketOptions) {
    if (!(options.perMinute > 0)) throw new Error('perMinute must be positive');
    this.capacity = options.capacity ?? options.perMinute;
    this.msPerToken = 60_000 / options.perMinute;
    this.maxKeys = options.maxKeys ?? 50_000;
    this.now = options.now ?? Date.now;
  }

  /** Takes one token for `key` if there is one. */
  take(key: string): RateLimitDecision {
    const now = this.now();
    const bucket = this.bucket(key, now);
    const wait = bucket.waitMs(now);
    if (wait > 0) return { allowed: false, retryAfterSeconds: retryAfterSeconds(wait) };
    bucket.take(now);
    return { allowed: true, retryAfterSeconds: 0 };
  }

  get size(): number {
    return this.buckets.size;
  }

  private bucket(key: string, now: number): TokenBucket {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= this.maxKeys) this.sweep(now);
      bucket = new TokenBucket(this.capacity, this.msPerToken, now);
      this.buckets.set(key, bucket);
    }
    return bucket;
  }

  /** Drops buckets that are full again; if none are, the oldest ones (a flood of new keys). */
  private sweep(now: number): void {
    for (const [key, bucket] of this.buckets) if (bucket.isFull(now)) this.buckets.delete(key);
    if (this.buckets.size < this.maxKeys) return;
    const excess = this.buckets.size - Math.floor(this.maxKeys / 2);
    let removed = 0;
    for (const key of this.buckets.keys()) {
      if (removed++ >= excess) break;
      this.buckets.delete(key);
    }
  }
}
