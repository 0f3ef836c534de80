// The cap on new conversations one client may open a minute. Web clients choose their conversation ids,
// and every new id costs a session row: an id already seen from this client passes freely, a new one
// takes a token from the client's bucket. Memory stays bounded (the oldest remembered ids are forgotten first;
// a forgotten id simply counts as new again).
import { type RateLimitDecision, TokenBucketLimiter } from './rate-limit.ts';

const MAX_REMEMBERED = 50_000;

export class NewConversationLimiter {
  private readonly buckets: TokenBucketLimiter;
  /** `client \0 conversation` of recently admitted conversations, oldest first. */
  private readonly seen = new Map<string, true>();
  private readonly maxRemembered: number;

  constructor(options: { perMinute: number; now?: () => number; maxRemembered?: number }) {
    this.buckets = new TokenBucketLimiter({
      perMinute: options.perMinute,
      ...(options.now ? { now: options.now } : {}),
    });
    this.maxRemembered = options.maxRemembered ?? MAX_REMEMBERED;
  }

  /** Admits a message of `conversationId` from `client`; a conversation new to this client takes a token. */
  admit(client: string, conversationId: string): RateLimitDecision {
    const key = `${client}\u0000${conversationId}`;
    if (this.seen.delete(key)) {
      this.seen.set(key, true);
      return { allowed: true, retryAfterSeconds: 0 };
    }
    const decision = this.buckets.take(client);
    if (!decision.allowed) return decision;
    this.seen.set(key, true);
    if (this.seen.size > this.maxRemembered) {
      const oldest = this.seen.keys().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
    return decision;
  }
}
