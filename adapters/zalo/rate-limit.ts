// Paces outgoing Zalo messages: at most one per thread per interval (≈1 msg/s) and a global cap across
// all threads, so the account does not look like a spammer. Slots are reserved in call order: each
// message books its slot in the thread's bucket and the account's bucket (one token each) ahead of time.
import { setTimeout as delay } from 'node:timers/promises';
import { TokenBucket } from '../../src/limits/token-bucket.ts';

export interface RateLimiterOptions {
  /** Minimum gap between two messages to the same thread. */
  perThreadIntervalMs: number;
  /** Minimum gap between any two messages of the account. */
  globalIntervalMs: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export class RateLimiter {
  private readonly perThreadIntervalMs: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly global: TokenBucket;
  private readonly threads = new Map<string, TokenBucket>();

  constructor(options: RateLimiterOptions) {
    this.perThreadIntervalMs = options.perThreadIntervalMs;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => delay(ms));
    this.global = new TokenBucket(1, options.globalIntervalMs, 0);
  }

  /** Waits until a message to `threadId` may be sent (and books that slot). */
  async wait(threadId: string): Promise<void> {
    const now = this.now();
    let thread = this.threads.get(threadId);
    if (!thread) {
      thread = new TokenBucket(1, this.perThreadIntervalMs, now);
      this.threads.set(threadId, thread);
    }
    const slot = now + Math.max(this.global.waitMs(now), thread.waitMs(now));
    this.global.take(slot);
    thread.take(slot);
    if (this.threads.size > 1000) this.forgetIdleThreads(now);
    if (slot > now) await this.sleep(slot - now);
  }

  private forgetIdleThreads(now: number): void {
    for (const [threadId, bucket] of this.threads) if (bucket.isFull(now)) this.threads.delete(threadId);
  }
}
