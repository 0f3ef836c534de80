// Rate limits for dossier lookups: a token bucket per conversation and one for everybody, and a harder
// slow-down for code guessing (many distinct unknown codes from one conversation). Conversations and codes
// are held only as fingerprints; nothing here can show one conversation's lookups to another.
import { retryAfterSeconds, TokenBucket } from '../limits/token-bucket.ts';
import { fingerprint } from '../log/logger.ts';

const MINUTE_MS = 60_000;
const MAX_PENALTY_MS = 60 * MINUTE_MS;
const PRUNE_EVERY = 256;
const MAX_CONVERSATIONS = 50_000;

export interface LimiterOptions {
  perConversationPerMinute: number;
  globalPerMinute: number;
  /** Distinct unknown codes one conversation may try within the window before being slowed down. */
  notFoundLimit: number;
  notFoundWindowMs?: number;
  now: () => number;
}

export type Admission =
  | { ok: true }
  | { ok: false; scope: 'conversation' | 'global' | 'guessing'; retryAfterSeconds: number };

export interface NotFoundVerdict {
  /** Distinct unknown codes from this conversation within the window. */
  distinct: number;
  /** Set when this unknown code put (or kept) the conversation in the guessing slow-down. */
  penaltySeconds?: number;
}

interface ConversationState {
  bucket: TokenBucket;
  /** Fingerprints of unknown codes and when they were last tried. */
  notFound: Map<string, number>;
  blockedUntil: number;
  strikes: number;
  lastSeen: number;
}

export class LookupLimiter {
  private readonly conversations = new Map<string, ConversationState>();
  private readonly global: TokenBucket;
  private readonly windowMs: number;
  private calls = 0;

  constructor(private readonly options: LimiterOptions) {
    this.global = TokenBucket.perMinute(options.globalPerMinute, options.now());
    this.windowMs = options.notFoundWindowMs ?? 30 * MINUTE_MS;
  }

  /** Takes a token for one lookup, or says how long to wait. */
  admit(conversationId: string): Admission {
    const now = this.options.now();
    if (++this.calls % PRUNE_EVERY === 0) this.prune(now);
    const state = this.state(conversationId, now);
    if (state.blockedUntil > now) {
      return { ok: false, scope: 'guessing', retryAfterSeconds: retryAfterSeconds(state.blockedUntil - now) };
    }
    const ownWait = state.bucket.waitMs(now);
    if (ownWait > 0) return { ok: false, scope: 'conversation', retryAfterSeconds: retryAfterSeconds(ownWait) };
    const globalWait = this.global.waitMs(now);
    if (globalWait > 0) return { ok: false, scope: 'global', retryAfterSeconds: retryAfterSeconds(globalWait) };
    state.bucket.take(now);
    this.global.take(now);
    return { ok: true };
  }

  /** Records an unknown code; past the limit the conversation is blocked for a doubling period. */
  recordNotFound(conversationId: string, code: string): NotFoundVerdict {
    const now = this.options.now();
    const state = this.state(conversationId, now);
    for (const [key, at] of state.notFound) if (now - at > this.windowMs) state.notFound.delete(key);
    state.notFound.set(fingerprint(code), now);
    const distinct = state.notFound.size;
    if (distinct < this.options.notFoundLimit) return { distinct };
    state.strikes++;
    const penaltyMs = Math.min(MINUTE_MS * 2 ** (state.strikes - 1), MAX_PENALTY_MS);
    state.blockedUntil = now + penaltyMs;
    return { distinct, penaltySeconds: retryAfterSeconds(penaltyMs) };
  }

  private state(conversationId: string, now: number): ConversationState {
    const key = fingerprint(conversationId);
    let state = this.conversations.get(key);
    if (!state) {
      state = {
        bucket: TokenBucket.perMinute(this.options.perConversationPerMinute, now),
        notFound: new Map(),
        blockedUntil: 0,
        strikes: 0,
        lastSeen: now,
      };
      this.conversations.set(key, state);
    }
    state.lastSeen = now;
    return state;
  }

  /** Forgets conversations that have been quiet for a whole window and carry no penalty. */
  private prune(now: number): void {
    for (const [key, state] of this.conversations) {
      const quiet = now - state.lastSeen > this.windowMs && state.blockedUntil <= now && state.bucket.isFull(now);
      if (quiet || this.conversations.size > MAX_CONVERSATIONS) this.conversations.delete(key);
    }
  }
}
