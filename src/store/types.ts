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
  close(): void;
}
