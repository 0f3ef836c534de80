// SQLite (better-sqlite3) stores: sessions with idle expiry, answer feedback and the unanswered-question
// log, in one database file under DATA_DIR. Sessions survive a restart.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { summarize } from './summary.ts';
import type { FeedbackEntry, FeedbackStore, FeedbackSummary, SessionStore, UnansweredEntry } from './types.ts';

export type SqliteDatabase = Database.Database;

export function openDatabase(path: string): SqliteDatabase {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  db.exec(`
    CREATE TABLE IF NOT EXISTS sessions (
      conversation_id TEXT PRIMARY KEY,
      data TEXT NOT NULL,
      updated_at INTEGER NOT NULL
    );
    CREATE INDEX IF NOT EXISTS sessions_updated ON sessions(updated_at);
    CREATE TABLE IF NOT EXISTS feedback (
      id INTEGER PRIMARY KEY,
      answer_id TEXT NOT NULL,
      procedure_id TEXT NOT NULL,
      question TEXT NOT NULL,
      helpful INTEGER NOT NULL,
      channel TEXT NOT NULL,
      at INTEGER NOT NULL
    );
    CREATE TABLE IF NOT EXISTS unanswered (
      id INTEGER PRIMARY KEY,
      question TEXT NOT NULL,
      reason TEXT NOT NULL,
      channel TEXT NOT NULL,
      at INTEGER NOT NULL
    );
  `);
  return db;
}

export class SqliteSessionStore<S> implements SessionStore<S> {
  private readonly getStmt;
  private readonly putStmt;
  private readonly deleteStmt;
  private readonly expireStmt;
  private lastSweep = 0;

  constructor(
    db: SqliteDatabase,
    private readonly idleMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.getStmt = db.prepare<[string], { data: string; updated_at: number }>(
      'SELECT data, updated_at FROM sessions WHERE conversation_id = ?',
    );
    this.putStmt = db.prepare(
      `INSERT INTO sessions (conversation_id, data, updated_at) VALUES (?, ?, ?)
       ON CONFLICT(conversation_id) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at`,
    );
    this.deleteStmt = db.prepare('DELETE FROM sessions WHERE conversation_id = ?');
    this.expireStmt = db.prepare('DELETE FROM sessions WHERE updated_at < ?');
  }

  async load(conversationId: string): Promise<S | undefined> {
    const row = this.getStmt.get(conversationId);
    if (!row) return undefined;
    if (this.now() - row.updated_at > this.idleMs) {
      this.deleteStmt.run(conversationId);
      return undefined;
    }
    try {
      return JSON.parse(row.data) as S;
    } catch {
      this.deleteStmt.run(conversationId);
      return undefined;
    }
  }

  async save(conversationId: string, session: S): Promise<void> {
    const now = this.now();
    this.putStmt.run(conversationId, JSON.stringify(session), now);
    if (now - this.lastSweep > 60_000) {
      this.lastSweep = now;
      this.expireStmt.run(now - this.idleMs);
    }
  }

  async delete(conversationId: string): Promise<void> {
    this.deleteStmt.run(conversationId);
  }

  close(): void {}
}

export class SqliteFeedbackStore implements FeedbackStore {
  private readonly insertFeedback;
  private readonly insertUnanswered;

  constructor(private readonly db: SqliteDatabase) {
    this.insertFeedback = db.prepare(
      'INSERT INTO feedback (answer_id, procedure_id, question, helpful, channel, at) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.insertUnanswered = db.prepare('INSERT INTO unanswered (question, reason, channel, at) VALUES (?, ?, ?, ?)');
  }

  async recordFeedback(e: FeedbackEntry): Promise<void> {
    this.insertFeedback.run(e.answerId, e.procedureId, e.question, e.helpful ? 1 : 0, e.channel, e.at);
  }

  async recordUnanswered(e: UnansweredEntry): Promise<void> {
    this.insertUnanswered.run(e.question, e.reason, e.channel, e.at);
  }

  async summary(options: { since?: number; limit?: number } = {}): Promise<FeedbackSummary> {
    const since = options.since ?? 0;
    const feedback = this.db
      .prepare<
        [number],
        { answer_id: string; procedure_id: string; question: string; helpful: number; channel: string; at: number }
      >('SELECT answer_id, procedure_id, question, helpful, channel, at FROM feedback WHERE at >= ?')
      .all(since)
      .map((r) => ({
        answerId: r.answer_id,
        procedureId: r.procedure_id,
        question: r.question,
        helpful: r.helpful === 1,
        channel: r.channel,
        at: r.at,
      }));
    const unanswered = this.db
      .prepare<[number], UnansweredEntry>('SELECT question, reason, channel, at FROM unanswered WHERE at >= ?')
      .all(since);
    return summarize(feedback, unanswered, options.limit ?? 20);
  }

  close(): void {}
}
