// PostgreSQL versions of the stores (one DATABASE_URL shared by every instance): sessions, feedback and the
// unanswered log, seen message ids, rate-limit buckets, named state and the operator's dossier records.
// They behave like the SQLite/in-memory ones: the same contract tests run against both (test/store-contract.test.ts).
import { type DossierRecords, type DossierRow, fromRow, toRow, type UpsertCounts } from '../../dossier/store.ts';
import type { DossierStatus } from '../../dossier/types.ts';
import { retryAfterSeconds } from '../../limits/token-bucket.ts';
import { summarize } from '../summary.ts';
import type {
  FeedbackEntry,
  FeedbackStore,
  FeedbackSummary,
  RateDecision,
  RateLimitStore,
  SeenMessageStore,
  SessionStore,
  StateStore,
  UnansweredEntry,
} from '../types.ts';
import type { Pool } from './pool.ts';

const SWEEP_EVERY_MS = 60_000;

/** Runs `sweep` at most once a minute, in the background (a failed sweep is retried next time). */
function sweeper(now: () => number, sweep: (at: number) => Promise<unknown>): () => void {
  let last = now();
  return () => {
    const at = now();
    if (at - last < SWEEP_EVERY_MS) return;
    last = at;
    sweep(at).catch(() => undefined);
  };
}

export class PgSessionStore<S> implements SessionStore<S> {
  private readonly sweep;

  constructor(
    private readonly pool: Pool,
    private readonly idleMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.sweep = sweeper(now, (at) => pool.query('DELETE FROM sessions WHERE updated_at < $1', [at - idleMs]));
  }

  async load(conversationId: string): Promise<S | undefined> {
    const { rows } = await this.pool.query<{ data: string; updated_at: string }>({
      name: 'session-load',
      text: 'SELECT data, updated_at FROM sessions WHERE conversation_id = $1',
      values: [conversationId],
    });
    const row = rows[0];
    if (!row) return undefined;
    if (this.now() - Number(row.updated_at) > this.idleMs) {
      await this.delete(conversationId);
      return undefined;
    }
    try {
      return JSON.parse(row.data) as S;
    } catch {
      await this.delete(conversationId);
      return undefined;
    }
  }

  async save(conversationId: string, session: S): Promise<void> {
    await this.pool.query({
      name: 'session-save',
      text: `INSERT INTO sessions (conversation_id, data, updated_at) VALUES ($1, $2, $3)
       ON CONFLICT (conversation_id) DO UPDATE SET data = EXCLUDED.data, updated_at = EXCLUDED.updated_at`,
      values: [conversationId, JSON.stringify(session), this.now()],
    });
    this.sweep();
  }

  async delete(conversationId: string): Promise<void> {
    await this.pool.query('DELETE FROM sessions WHERE conversation_id = $1', [conversationId]);
  }

  close(): void {}
}

export class PgFeedbackStore implements FeedbackStore {
  constructor(private readonly pool: Pool) {}

  async recordFeedback(e: FeedbackEntry): Promise<void> {
    await this.pool.query(
      'INSERT INTO feedback (answer_id, procedure_id, question, helpful, channel, at) VALUES ($1, $2, $3, $4, $5, $6)',
      [e.answerId, e.procedureId, e.question, e.helpful, e.channel, e.at],
    );
  }

  async prune(olderThan: number): Promise<{ feedback: number; unanswered: number }> {
    const feedback = await this.pool.query('DELETE FROM feedback WHERE at < $1', [olderThan]);
    const unanswered = await this.pool.query('DELETE FROM unanswered WHERE at < $1', [olderThan]);
    return { feedback: feedback.rowCount ?? 0, unanswered: unanswered.rowCount ?? 0 };
  }

  async recordUnanswered(e: UnansweredEntry): Promise<void> {
    await this.pool.query('INSERT INTO unanswered (question, reason, channel, at) VALUES ($1, $2, $3, $4)', [
      e.question,
      e.reason,
      e.channel,
      e.at,
    ]);
  }

  async ratings(options: { since?: number } = {}): Promise<FeedbackEntry[]> {
    const feedback = await this.pool.query<{
      answer_id: string;
      procedure_id: string;
      question: string;
      helpful: boolean;
      channel: string;
      at: string;
    }>('SELECT answer_id, procedure_id, question, helpful, channel, at FROM feedback WHERE at >= $1 ORDER BY at', [
      options.since ?? 0,
    ]);
    return feedback.rows.map((r) => ({
      answerId: r.answer_id,
      procedureId: r.procedure_id,
      question: r.question,
      helpful: r.helpful,
      channel: r.channel,
      at: Number(r.at),
    }));
  }

  async summary(options: { since?: number; limit?: number } = {}): Promise<FeedbackSummary> {
    const since = options.since ?? 0;
    const feedback = await this.ratings(options);
    const unanswered = await this.pool.query<{ question: string; reason: string; channel: string; at: string }>(
      'SELECT question, reason, channel, at FROM unanswered WHERE at >= $1',
      [since],
    );
    return summarize(
      feedback,
      unanswered.rows.map((r) => ({
        question: r.question,
        reason: r.reason as UnansweredEntry['reason'],
        channel: r.channel,
        at: Number(r.at),
      })),
      options.limit ?? 20,
    );
  }

  close(): void {}
}

export class PgSeenMessageStore implements SeenMessageStore {
  private readonly sweep;

  constructor(
    private readonly pool: Pool,
    private readonly now: () => number = Date.now,
  ) {
    this.sweep = sweeper(now, (at) => pool.query('DELETE FROM seen_messages WHERE expires_at <= $1', [at]));
  }

  async firstSighting(key: string, ttlMs: number): Promise<boolean> {
    const now = this.now();
    // Claims the id, or re-claims it once the earlier sighting expired; no row back = a live duplicate.
    const { rowCount } = await this.pool.query({
      name: 'seen-claim',
      text: `INSERT INTO seen_messages (key, expires_at) VALUES ($1, $2)
       ON CONFLICT (key) DO UPDATE SET expires_at = EXCLUDED.expires_at WHERE seen_messages.expires_at <= $3`,
      values: [key, now + ttlMs, now],
    });
    this.sweep();
    return rowCount === 1;
  }
}

/** Token buckets in the GCRA form, updated in one statement, so every instance takes from the same bucket. */
export class PgRateLimitStore implements RateLimitStore {
  private readonly sweep;

  constructor(
    private readonly pool: Pool,
    private readonly now: () => number = Date.now,
  ) {
    this.sweep = sweeper(now, (at) => pool.query('DELETE FROM rate_buckets WHERE full_at <= $1', [at]));
  }

  async take(key: string, perMinute: number, capacity = perMinute): Promise<RateDecision> {
    const now = this.now();
    const msPerToken = 60_000 / perMinute;
    const { rows } = await this.pool.query<{ full_at: number; taken: boolean }>({
      name: 'rate-take',
      text: `WITH taken AS (
         INSERT INTO rate_buckets AS b (key, full_at) VALUES ($1, $2::float8 + $3::float8)
         ON CONFLICT (key) DO UPDATE SET full_at = GREATEST(b.full_at, $2::float8) + $3::float8
           WHERE b.full_at - ($4::float8 - 1) * $3::float8 <= $2::float8
         RETURNING full_at
       )
       SELECT full_at, true AS taken FROM taken
       UNION ALL
       SELECT full_at, false AS taken FROM rate_buckets WHERE key = $1 AND NOT EXISTS (SELECT 1 FROM taken)`,
      values: [key, now, msPerToken, capacity],
    });
    this.sweep();
    const row = rows[0];
    if (!row || row.taken) return { allowed: true, retryAfterSeconds: 0 };
    const wait = row.full_at - (capacity - 1) * msPerToken - now;
    return { allowed: false, retryAfterSeconds: retryAfterSeconds(Math.max(wait, 1)) };
  }
}

export class PgStateStore implements StateStore {
  constructor(
    private readonly pool: Pool,
    private readonly now: () => number = Date.now,
  ) {}

  async get(name: string): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ value: string }>('SELECT value FROM state WHERE name = $1', [name]);
    return rows[0]?.value;
  }

  async set(name: string, value: string): Promise<void> {
    await this.pool.query(
      `INSERT INTO state (name, value, updated_at) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at`,
      [name, value, this.now()],
    );
  }
}

const DOSSIER_COLUMNS = [
  'code',
  'state',
  'procedure_name',
  'procedure_id',
  'procedure_code',
  'received_on',
  'due_on',
  'returned_on',
  'agency',
  'note',
] as const;

export class PgDossierRecords implements DossierRecords {
  constructor(private readonly pool: Pool) {}

  async find(code: string): Promise<DossierStatus | undefined> {
    const { rows } = await this.pool.query<DossierRow>(
      `SELECT ${DOSSIER_COLUMNS.join(', ')} FROM dossiers WHERE code = $1`,
      [code],
    );
    return rows[0] ? fromRow(rows[0]) : undefined;
  }

  async count(): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>('SELECT count(*) AS n FROM dossiers');
    return Number(rows[0]?.n ?? 0);
  }

  async upsertAll(records: DossierStatus[], importedAt: Date): Promise<UpsertCounts> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const counts: UpsertCounts = { inserted: 0, updated: 0 };
      const placeholders = DOSSIER_COLUMNS.map((_c, i) => `$${i + 1}`).join(', ');
      const updates = DOSSIER_COLUMNS.slice(1)
        .map((c) => `${c} = EXCLUDED.${c}`)
        .join(', ');
      for (const record of records) {
        const row = toRow(record);
        const { rows } = await client.query<{ inserted: boolean }>(
          `INSERT INTO dossiers (${DOSSIER_COLUMNS.join(', ')}, imported_at) VALUES (${placeholders}, $${DOSSIER_COLUMNS.length + 1})
           ON CONFLICT (code) DO UPDATE SET ${updates}, imported_at = EXCLUDED.imported_at
           RETURNING (xmax = 0) AS inserted`,
          [...DOSSIER_COLUMNS.map((c) => row[c]), importedAt.toISOString()],
        );
        if (rows[0]?.inserted) counts.inserted++;
        else counts.updated++;
      }
      await client.query('COMMIT');
      return counts;
    } catch (error) {
      broken = error as Error;
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release(broken);
    }
  }

  close(): void {}
}
