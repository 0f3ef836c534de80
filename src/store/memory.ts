// In-memory stores for tests and the terminal chat: same behaviour as SQLite, nothing on disk.
import { retryAfterSeconds, TokenBucket } from '../limits/token-bucket.ts';
import { summarize } from './summary.ts';
import type {
  ConversationLock,
  FeedbackEntry,
  FeedbackStore,
  FeedbackSummary,
  PollerElection,
  PollerRole,
  RateDecision,
  RateLimitStore,
  SeenMessageStore,
  SessionStore,
  StateStore,
  StoreEvents,
  UnansweredEntry,
} from './types.ts';

export class MemorySessionStore<S> implements SessionStore<S> {
  private readonly sessions = new Map<string, { session: S; at: number }>();

  constructor(
    private readonly idleMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async load(conversationId: string): Promise<S | undefined> {
    const entry = this.sessions.get(conversationId);
    if (!entry) return undefined;
    if (this.now() - entry.at > this.idleMs) {
      this.sessions.delete(conversationId);
      return undefined;
    }
    return structuredClone(entry.session);
  }

  async save(conversationId: string, session: S): Promise<void> {
    this.sessions.set(conversationId, { session: structuredClone(session), at: this.now() });
  }

  async delete(conversationId: string): Promise<void> {
    this.sessions.delete(conversationId);
  }

  close(): void {}
}

export class MemoryFeedbackStore implements FeedbackStore {
  readonly feedback: FeedbackEntry[] = [];
  readonly unanswered: UnansweredEntry[] = [];

  async recordFeedback(entry: FeedbackEntry): Promise<void> {
    this.feedback.push(entry);
  }

  async recordUnanswered(entry: UnansweredEntry): Promise<void> {
    this.unanswered.push(entry);
  }

  async ratings(options: { since?: number } = {}): Promise<FeedbackEntry[]> {
    const since = options.since ?? 0;
    return this.feedback.filter((f) => f.at >= since).sort((a, b) => a.at - b.at);
  }

  async prune(olderThan: number): Promise<{ feedback: number; unanswered: number }> {
    const keep = <T extends { at: number }>(list: T[]) => {
      const before = list.length;
      const kept = list.filter((entry) => entry.at >= olderThan);
      list.splice(0, list.length, ...kept);
      return before - kept.length;
    };
    return { feedback: keep(this.feedback), unanswered: keep(this.unanswered) };
  }

  async summary(options: { since?: number; limit?: number } = {}): Promise<FeedbackSummary> {
    const since = options.since ?? 0;
    return summarize(
      await this.ratings(options),
      this.unanswered.filter((u) => u.at >= since),
      options.limit ?? 20,
    );
  }

  close(): void {}
}

/** Seen message ids of this process; old ones are swept when the table grows. */
export class MemorySeenMessageStore implements SeenMessageStore {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly maxKeys = 100_000,
    private readonly now: () => number = Date.now,
  ) {}

  async firstSighting(key: string, ttlMs: number): Promise<boolean> {
    const now = this.now();
    const until = this.seen.get(key);
    if (until !== undefined && until > now) return false;
    if (this.seen.size >= this.maxKeys) {
      for (const [k, expires] of this.seen) if (expires <= now) this.seen.delete(k);
      // Still full of live ids (a flood): forget the oldest half rather than grow without bound.
      if (this.seen.size >= this.maxKeys) {
        let drop = Math.ceil(this.seen.size / 2);
        for (const k of this.seen.keys()) {
          if (drop-- <= 0) break;
          this.seen.delete(k);
        }
      }
    }
    this.seen.set(key, now + ttlMs);
    return true;
  }
}

/** Token buckets of this process, one per key; full buckets are dropped when the table grows. */
export class MemoryRateLimitStore implements RateLimitStore {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly maxKeys = 50_000,
    private readonly now: () => number = Date.now,
  ) {}

  async take(key: string, perMinute: number, capacity = perMinute): Promise<RateDecision> {
    const now = this.now();
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= this.maxKeys) {
        for (const [k, b] of this.buckets) if (b.isFull(now)) this.buckets.delete(k);
      }
      bucket = new TokenBucket(capacity, 60_000 / perMinute, now);
      this.buckets.set(key, bucket);
    }
    const wait = bucket.waitMs(now);
    if (wait > 0) return { allowed: false, retryAfterSeconds: retryAfterSeconds(wait) };
    bucket.take(now);
    return { allowed: true, retryAfterSeconds: 0 };
  }
}

/** One conversation at a time within this process: later work waits for earlier work, failures included. */
export class MemoryConversationLock implements ConversationLock {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(conversationId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(conversationId) ?? Promise.resolve();
    const next = previous.then(work, work);
    this.tails.set(conversationId, next);
    const forget = () => {
      if (this.tails.get(conversationId) === next) this.tails.delete(conversationId);
    };
    next.then(forget, forget);
    return next;
  }

  /** Resolves once all work queued so far has settled. */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.tails.values()]);
  }
}

/** Named state of this process only (tests); the SQLite and PostgreSQL stores keep it across restarts. */
export class MemoryStateStore implements StateStore {
  private readonly values = new Map<string, string>();

  async get(name: string): Promise<string | undefined> {
    return this.values.get(name);
  }

  async set(name: string, value: string): Promise<void> {
    this.values.set(name, value);
  }
}

/** One instance: it is always the leader, so polling channels start at once. */
export class LocalPollerElection implements PollerElection {
  private readonly roles: PollerRole[] = [];
  private closed = false;

  run(start: () => Promise<void>, stop: () => Promise<void>): void {
    if (this.closed) return;
    this.roles.push({ start, stop });
    start().catch(() => undefined);
  }

  isLeader(): boolean {
    return !this.closed;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled(this.roles.splice(0).map((role) => role.stop()));
  }
}

/** One instance: nobody else to tell. */
export class LocalEvents implements StoreEvents {
  async publishReindex(): Promise<void> {}
  onReindex(): void {}
}
