// Feedback stores (memory and SQLite) keep answer feedback and the unanswered-question log, and summarise
// them for maintainers: unanswered wordings grouped regardless of case and diacritics, most frequent first;
// procedures with "chưa đúng" answers, worst first, with a few example questions; totals; since and limit.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryFeedbackStore } from '../src/store/memory.ts';
import { openDatabase, SqliteFeedbackStore } from '../src/store/sqlite.ts';
import type { FeedbackEntry, FeedbackStore, UnansweredEntry } from '../src/store/types.ts';

const cleanups: (() => void)[] = [];

afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

function sqlitePath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'store-feedback-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'assistant.sqlite');
}

function sqliteStore(path = sqlitePath()): SqliteFeedbackStore {
  const db = openDatabase(path);
  cleanups.push(() => {
    if (db.open) db.close();
  });
  return new SqliteFeedbackStore(db);
}

const DAY = 86_400_000;
const unanswered = (question: string, at: number): UnansweredEntry => ({
  question,
  reason: 'abstain',
  channel: 'web',
  at,
});
const feedback = (procedureId: string, helpful: boolean, question: string, at = DAY): FeedbackEntry => ({
  answerId: `a${at}${question}`,
  procedureId,
  question,
  helpful,
  channel: 'telegram',
  at,
});

async function fill(store: FeedbackStore): Promise<void> {
  await store.recordUnanswered(unanswered('thời tiết mai thế nào', 1 * DAY));
  await store.recordUnanswered(unanswered('Thoi tiet mai the nao', 3 * DAY));
  await store.recordUnanswered(unanswered('thời tiết  mai thế nào', 2 * DAY));
  await store.recordUnanswered(unanswered('giá vàng hôm nay', 5 * DAY));
  await store.recordUnanswered(unanswered('công thức nấu phở', 4 * DAY));
  await store.recordFeedback(feedback('p-passport', false, 'làm hộ chiếu', 1 * DAY));
  await store.recordFeedback(feedback('p-passport', false, 'làm hộ chiếu', 2 * DAY));
  await store.recordFeedback(feedback('p-passport', false, 'hộ chiếu cho con', 3 * DAY));
  await store.recordFeedback(feedback('p-passport', true, 'cấp hộ chiếu', 4 * DAY));
  await store.recordFeedback(feedback('p-marriage', false, 'kết hôn', 5 * DAY));
  await store.recordFeedback(feedback('p-birth', true, 'khai sinh', 6 * DAY));
}

describe.each([
  ['memory', () => new MemoryFeedbackStore()],
  ['SQLite', () => sqliteStore()],
] as [string, () => FeedbackStore][])('%s feedback store', (_name, create) => {
  it('summarises unanswered wordings, procedures with negative feedback and totals', async () => {
    const store = create();
    await fill(store);
    const summary = await store.summary();
    expect(summary.unanswered).toEqual([
      { question: 'thời tiết mai thế nào', count: 3, lastAt: 3 * DAY },
      { question: 'giá vàng hôm nay', count: 1, lastAt: 5 * DAY },
      { question: 'công thức nấu phở', count: 1, lastAt: 4 * DAY },
    ]);
    expect(summary.negative).toEqual([
      { procedureId: 'p-passport', notHelpful: 3, helpful: 1, examples: ['làm hộ chiếu', 'hộ chiếu cho con'] },
      { procedureId: 'p-marriage', notHelpful: 1, helpful: 0, examples: ['kết hôn'] },
    ]);
    expect(summary.totals).toEqual({ feedback: 6, helpful: 2, notHelpful: 4, unanswered: 5 });
  });

  it('counts only entries since a date and lists at most `limit` rows', async () => {
    const store = create();
    await fill(store);
    const recent = await store.summary({ since: 3 * DAY, limit: 1 });
    expect(recent.unanswered).toEqual([{ question: 'giá vàng hôm nay', count: 1, lastAt: 5 * DAY }]);
    expect(recent.negative).toEqual([
      { procedureId: 'p-passport', notHelpful: 1, helpful: 1, examples: ['hộ chiếu cho con'] },
    ]);
    expect(recent.totals).toEqual({ feedback: 4, helpful: 2, notHelpful: 2, unanswered: 3 });
  });

  it('summarises an empty log as zeros', async () => {
    expect(await create().summary()).toEqual({
      unanswered: [],
      negative: [],
      totals: { feedback: 0, helpful: 0, notHelpful: 0, unanswered: 0 },
    });
  });
});

describe('SQLite feedback store', () => {
  it('keeps feedback and unanswered questions in the database file', async () => {
    const path = sqlitePath();
    const first = openDatabase(path);
    const store = new SqliteFeedbackStore(first);
    await fill(store);
    first.close();
    const again = sqliteStore(path);
    expect((await again.summary()).totals).toEqual({ feedback: 6, helpful: 2, notHelpful: 4, unanswered: 5 });
  });
});
