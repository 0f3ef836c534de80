// Paces outgoing Zalo messages: at most one per thread per interval (≈1 msg/s) and a global cap across
// all threads, so the account does not look like a spammer. Slots are reserved in call order.

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
  private readonly globalIntervalMs: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private nextGlobal = 0;
  private readonly nextByThread = new Map<string, number>();

  constructor(options: RateLimiterOptions) {
    this.perThreadIntervalMs = options.perThreadIntervalMs;
    this.globalIntervalMs = options.globalIntervalMs;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** Waits until a message to `threadId` may be sent (and books that slot). */
  async wait(threadId: string): Promise<void> {
    const now = this.now();
    const slot = Math.max(now, this.nextGlobal, this.nextByThread.get(threadId) ?? 0);
    this.nextGlobal = slot + this.globalIntervalMs;
    this.nextByThread.set(threadId, slot + this.perThreadIntervalMs);
    if (this.nextByThread.size > 1000) this.forgetIdleThreads(now);
    if (slot > now) await this.sleep(slot - now);
  }

  private forgetIdleThreads(now: number): void {
    for (const [threadId, next] of this.nextByThread) if (next <= now) this.nextByThread.delete(threadId);
  }
}
