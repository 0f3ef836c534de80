// Rate limits for dossier lookups: a token bucket per party and one for everybody, and a harder slow-down
// for code guessing (many distinct unknown codes from one party). A lookup is made by several parties at
// once — its conversation and its client (channel user, or the IP on the web) — and every one of them must
// have budget left, so a client that invents a fresh conversation id per request still stays within its
// own numbers. Parties and codes are held only as fingerprints; nothing here can show one party's lookups
// to another.
import { retryAfterSeconds, TokenBucket } from '../limits/token-bucket.ts';
import { fingerprint } from '../log/logger.ts';

const MINUTE_MS = 60_000;
const MAX_PENALTY_MS = 60 * MINUTE_MS;
const PRUNE_EVERY = 256;
const MAX_PARTIES = 50_000;

export interface LimiterOptions {
  /** Lookups a minute for one party (a conversation, or a client). */
  perConversationPerMinute: number;
  globalPerMinute: number;
  /** Distinct unknown codes one conversation may try within the window before being slowed down. */
  notFoundLimit: number;
  notFoundWindowMs?: number;
  now: () => number;
}

export type Admission = { ok: true } | { ok: false; scope: 'party' | 'global' | 'guessing'; retryAfterSeconds: number };

export interface NotFoundVerdict {
  /** Distinct unknown codes from the busiest of the parties within the window. */
  distinct: number;
  /** Set when this unknown code put (or kept) a party in the guessing slow-down. */
  penaltySeconds?: number;
}

interface PartyState {
  bucket: TokenBucket;
  /** Fingerprints of unknown codes and when they were last tried. */
  notFound: Map<string, number>;
  blockedUntil: number;
  strikes: number;
  lastSeen: number;
}

export class LookupLimiter {
  private readonly parties = new Map<string, PartyState>();
  private readonly global: TokenBucket;
  private readonly windowMs: number;
  private calls = 0;

  constructor(private readonly options: LimiterOptions) {
    this.global = TokenBucket.perMinute(options.globalPerMinute, options.now());
    this.windowMs = options.notFoundWindowMs ?? 30 * MINUTE_MS;
  }

  /** Takes a token for one lookup on behalf of every party in `parties`, or says how long to wait. */
  admit(parties: readonly string[]): Admission {
    const now = this.options.now();
    if (++this.calls % PRUNE_EVERY === 0) this.prune(now);
    const keys = distinct(parties);
    // Refusals create no state: a flood of invented ids cannot push a penalised party out of the table.
    const known = keys.flatMap((party) => this.parties.get(fingerprint(party)) ?? []);
    const blockedUntil = Math.max(0, ...known.map((state) => state.blockedUntil));
    if (blockedUntil > now) {
      return { ok: false, scope: 'guessing', retryAfterSeconds: retryAfterSeconds(blockedUntil - now) };
    }
    const ownWait = Math.max(0, ...known.map((state) => state.bucket.waitMs(now)));
    if (ownWait > 0) return { ok: false, scope: 'party', retryAfterSeconds: retryAfterSeconds(ownWait) };
    const globalWait = this.global.waitMs(now);
    if (globalWait > 0) return { ok: false, scope: 'global', retryAfterSeconds: retryAfterSeconds(globalWait) };
    for (const party of keys) this.state(party, now).bucket.take(now);
    this.global.take(now);
    return { ok: true };
  }

  /** Records an unknown code for every party; past the limit a party is blocked for a doubling period. */
  recordNotFound(parties: readonly string[], code: string): NotFoundVerdict {
    const now = this.options.now();
    const codeKey = fingerprint(code);
    let verdict: NotFoundVerdict = { distinct: 0 };
    for (const party of distinct(parties)) {
      const state = this.state(party, now);
      for (const [key, at] of state.notFound) if (now - at > this.windowMs) state.notFound.delete(key);
      state.notFound.set(codeKey, now);
      const count = state.notFound.size;
      if (count < this.options.notFoundLimit) {
        if (verdict.penaltySeconds === undefined && count > verdict.distinct) verdict = { distinct: count };
        continue;
      }
      state.strikes++;
      const penaltyMs = Math.min(MINUTE_MS * 2 ** (state.strikes - 1), MAX_PENALTY_MS);
      state.blockedUntil = now + penaltyMs;
      const penaltySeconds = retryAfterSeconds(penaltyMs);
      if (verdict.penaltySeconds === undefined || penaltySeconds > verdict.penaltySeconds) {
        verdict = { distinct: count, penaltySeconds };
      }
    }
    return verdict;
  }

  private state(party: string, now: number): PartyState {
    const key = fingerprint(party);
    let state = this.parties.get(key);
    if (!state) {
      state = {
        bucket: TokenBucket.perMinute(this.options.perConversationPerMinute, now),
        notFound: new Map(),
        blockedUntil: 0,
        strikes: 0,
        lastSeen: now,
      };
      this.parties.set(key, state);
    }
    state.lastSeen = now;
    return state;
  }

  /** Forgets parties that have been quiet for a whole window and carry no penalty; when the table is still
   * too big, the oldest unpenalised ones, and only then the oldest of all. */
  private prune(now: number): void {
    const quiet = (state: PartyState) =>
      now - state.lastSeen > this.windowMs && state.blockedUntil <= now && state.bucket.isFull(now);
    const passes = [quiet, (state: PartyState) => state.blockedUntil <= now, () => true];
    for (const [pass, forgettable] of passes.entries()) {
      for (const [key, state] of this.parties) {
        if (pass > 0 && this.parties.size <= MAX_PARTIES) return;
        if (forgettable(state)) this.parties.delete(key);
      }
    }
  }
}

function distinct(parties: readonly string[]): string[] {
  return [...new Set(parties.filter((party) => party !== ''))];
}
