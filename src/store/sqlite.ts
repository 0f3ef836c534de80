// SQLite (better-sqlite3) stores: sessions with idle expiry, answer feedback and the unanswered-question
// log, seen message ids and small named state, in one database file under DATA_DIR. All survive a restart.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { summarize } from './summary.ts';
import type {
  FeedbackEntry,
  FeedbackStore,
  FeedbackSummary,
  SeenMessageStore,
  SessionStore,
  StateStore,
  UnansweredEntry,
} from './types.ts';

export type SqliteDatabase = Database.Database;

/**
 * Opens (creating when missing) the database and its tables. With `check`, a damaged file is detected now
 * (PRAGMA quick_check) rather than at the first chat: the error then carries code SQLITE_CORRUPT.
 */
export function openDatabase(path: string, options: { check?: boolean } = {}): SqliteDatabase {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  try {
    prepare(db, options.check ?? false);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

function prepare(db: SqliteDatabase, check: boolean): void {
  db.pragma('journal_mode = WAL');
  // better-sqlite3 waits synchronously: keep the wait short so a locked file never freezes the server for long.
  db.pragma('busy_timeout = 1000');
  if (check) {
    const result = db.pragma('quick_check(1)', { simple: true });
    if (result !== 'ok') {
      throw Object.assign(new Error(`database disk image is malformed (${String(result).slice(0, 120)})`), {
        code: 'SQLITE_CORRUPT',
      });
    }
  }
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
    CREATE TABLE IF NOT EXISTS seen_messages (
      key TEXT PRIMARY KEY,
      expires_at INTEGER NOT NULL
    );
    CREATE INDEX IF NOT EXISTS seen_messages_expires ON seen_messages(expires_at);
    CREATE TABLE IF NOT EXISTS state (
      name TEXT PRIMARY KEY,
      value TEXT NOT NULL,
      updated_at INTEGER NOT NULL
    );
  `);
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

  async ratings(options: { since?: number } = {}): Promise<FeedbackEntry[]> {
    return this.db
      .prepare<
        [number],
        { answer_id: string; procedure_id: string; question: string; helpful: number; channel: string; at: number }
      >('SELECT answer_id, procedure_id, question, helpful, channel, at FROM feedback WHERE at >= ? ORDER BY at')
      .all(options.since ?? 0)
      .map((r) => ({
        answerId: r.answer_id,
        procedureId: r.procedure_id,
        question: r.question,
        helpful: r.helpful === 1,
        channel: r.channel,
        at: r.at,
      }));
  }

  async prune(olderThan: number): Promise<{ feedback: number; unanswered: number }> {
    const feedback = this.db.prepare('DELETE FROM feedback WHERE at < ?').run(olderThan).changes;
    const unanswered = this.db.prepare('DELETE FROM unanswered WHERE at < ?').run(olderThan).changes;
    return { feedback, unanswered };
  }

  async summary(options: { since?: number; limit?: number } = {}): Promise<FeedbackSummary> {
    const since = options.since ?? 0;
    const feedback = await this.ratings(options);
    const unanswered = this.db
      .prepare<[number], UnansweredEntry>('SELECT question, reason, channel, at FROM unanswered WHERE at >= ?')
      .all(since);
    return summarize(feedback, unanswered, options.limit ?? 20);
  }

  close(): void {}
}

/** Seen ids in SQLite, so a redelivery after a restart is still recognised; expired ids are swept now and then. */
export class SqliteSeenMessageStore implements SeenMessageStore {
  private readonly claimStmt;
  private readonly sweepStmt;
  private lastSweep = 0;

  constructor(
    db: SqliteDatabase,
    private readonly now: () => number = Date.now,
  ) {
    this.claimStmt = db.prepare<[string, number, number], { key: string }>(
      `INSERT INTO seen_messages (key, expires_at) VALUES (?, ?)
       ON CONFLICT(key) DO UPDATE SET expires_at = excluded.expires_at WHERE seen_messages.expires_at <= ?
       RETURNING key`,
    );
    this.sweepStmt = db.prepare('DELETE FROM seen_messages WHERE expires_at <= ?');
  }

  async firstSighting(key: string, ttlMs: number): Promise<boolean> {
    const now = this.now();
    if (now - this.lastSweep > 60_000) {
      this.lastSweep = now;
      this.sweepStmt.run(now);
    }
    return this.claimStmt.get(key, now + ttlMs, now) !== undefined;
  }
}

/** Named state (the Zalo OA refresh token, …) in SQLite. */
export class SqliteStateStore implements StateStore {
  private readonly getStmt;
  private readonly setStmt;

  constructor(
    db: SqliteDatabase,
    private readonly now: () => number = Date.now,
  ) {
    this.getStmt = db.prepare<[string], { value: string }>('SELECT value FROM state WHERE name = ?');
    this.setStmt = db.prepare(
      `INSERT INTO state (name, value, updated_at) VALUES (?, ?, ?)
       ON CONFLICT(name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
    );
  }

  async get(name: string): Promise<string | undefined> {
    return this.getStmt.get(name)?.value;
  }

  async set(name: string, value: string): Promise<void> {
    this.setStmt.run(name, value, this.now());
  }
}
