// Storage interfaces for the conversation: sessions, answer feedback and the unanswered-question log.
// SQLite is the embedded default; an in-memory version serves tests; a shared store (Redis, PostgreSQL)
// can implement the same interfaces when several instances serve one bot.

export interface SessionStore<S> {
  /** The session, or undefined when there is none or it expired. */
  load(conversationId: string): Promise<S | undefined>;
  save(conversationId: string, session: S): Promise<void>;
  delete(conversationId: string): Promise<void>;
  close(): void;
}

export interface FeedbackEntry {
  answerId: string;
  procedureId: string;
  /** The question that led to the answer, with personal data removed. */
  question: string;
  helpful: boolean;
  channel: string;
  at: number;
}

export interface UnansweredEntry {
  /** The question with personal data removed. */
  question: string;
  reason: 'abstain' | 'no_match';
  channel: string;
  at: number;
}

export interface FeedbackSummary {
  unanswered: { question: string; count: number; lastAt: number }[];
  negative: { procedureId: string; notHelpful: number; helpful: number; examples: string[] }[];
  totals: { feedback: number; helpful: number; notHelpful: number; unanswered: number };
}

export interface FeedbackStore {
  recordFeedback(entry: FeedbackEntry): Promise<void>;
  recordUnanswered(entry: UnansweredEntry): Promise<void>;
  summary(options?: { since?: number; limit?: number }): Promise<FeedbackSummary>;
  /** Every rating recorded since `since` (ms), oldest first: `npm run kb:learn` reads the confirmed ones. */
  ratings(options?: { since?: number }): Promise<FeedbackEntry[]>;
  /** Deletes ratings and unanswered questions recorded before `olderThan` (ms): the retention period. */
  prune(olderThan: number): Promise<{ feedback: number; unanswered: number }>;
  close(): void;
}

// ---- shared state for the inbound pipeline and the channels --------------------------------------------
// Each has an in-process implementation (src/store/memory.ts: one instance, embedded SQLite mode) and a
// PostgreSQL one (several instances on one DATABASE_URL). Both pass the same contract tests.

/** Remembers platform message/update ids so a duplicate delivery is answered once. */
export interface SeenMessageStore {
  /** true the first time `key` ("telegram:<update_id>") is seen within `ttlMs`; false for a duplicate. */
  firstSighting(key: string, ttlMs: number): Promise<boolean>;
}

/** The answer of a shared token bucket. */
export interface RateDecision {
  allowed: boolean;
  /** Whole seconds until a token is available again (0 when allowed). */
  retryAfterSeconds: number;
}

/** Token buckets shared by every instance: `perMinute` tokens a minute, a burst of `capacity`. */
export interface RateLimitStore {
  take(key: string, perMinute: number, capacity?: number): Promise<RateDecision>;
}

/** Runs the work of one conversation strictly one at a time (across instances when the store is shared). */
export interface ConversationLock {
  run<T>(conversationId: string, work: () => Promise<T>): Promise<T>;
}

/** Small state kept across restarts, such as the Zalo OA refresh token (single-use, so it must be kept). */
export interface StateStore {
  get(name: string): Promise<string | undefined>;
  set(name: string, value: string): Promise<void>;
}

/** News between instances on one database (PostgreSQL LISTEN/NOTIFY); nothing to do with one instance. */
export interface StoreEvents {
  /** Tells every other instance that the knowledge was reindexed to `version`. */
  publishReindex(version: string): Promise<void>;
  onReindex(handler: (version: string) => void): void;
}

export interface PollerRole {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Chooses the one instance that runs the polling channels (Telegram polling, Zalo personal, Zalo Bot).
 * `run` registers a channel: `start` is called when this instance becomes the leader (at once with one
 * instance), `stop` when it stops being the leader. Webhook channels do not need it: they run everywhere.
 */
export interface PollerElection {
  run(start: () => Promise<void>, stop: () => Promise<void>): void;
  isLeader(): boolean;
  close(): Promise<void>;
}
