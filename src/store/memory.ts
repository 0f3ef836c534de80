// In-memory stores for tests and the terminal chat: same behaviour as SQLite, nothing on disk.
import { summarize } from './summary.ts';
import type { FeedbackEntry, FeedbackStore, FeedbackSummary, SessionStore, UnansweredEntry } from './types.ts';

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

  async summary(options: { since?: number; limit?: number } = {}): Promise<FeedbackSummary> {
    const since = options.since ?? 0;
    return summarize(
      this.feedback.filter((f) => f.at >= since),
      this.unanswered.filter((u) => u.at >= since),
      options.limit ?? 20,
    );
  }

  close(): void {}
}
