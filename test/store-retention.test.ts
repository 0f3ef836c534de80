// The retention period: answer feedback and unanswered questions older than FEEDBACK_RETENTION_DAYS are
// deleted (memory and SQLite stores), at start and then periodically; a failing store is logged, never fatal.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAssistant } from '../src/assistant.ts';
import { MemoryFeedbackStore } from '../src/store/memory.ts';
import { startRetention } from '../src/store/retention.ts';
import { openDatabase, SqliteFeedbackStore } from '../src/store/sqlite.ts';
import type { FeedbackStore } from '../src/store/types.ts';
import { testConfig } from './helpers/conversation.ts';
import { captureLogs } from './helpers/logs.ts';
import { until } from './helpers/until.ts';

const DAY = 86_400_000;
const NOW = Date.parse('2026-11-29T12:00:00Z');
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'store-retention-'));
  dirs.push(dir);
  return dir;
};

async function fill(store: FeedbackStore, ages: number[]) {
  for (const days of ages) {
    const at = NOW - days * DAY;
    await store.recordUnanswered({ question: `câu hỏi ${days} ngày`, reason: 'abstain', channel: 'web', at });
    await store.recordFeedback({
      answerId: `a${days}`,
      procedureId: 'p1',
      question: `hỏi ${days}`,
      helpful: days % 2 === 0,
      channel: 'web',
      at,
    });
  }
}

describe.each([
  ['memory', () => new MemoryFeedbackStore()],
  ['SQLite', () => new SqliteFeedbackStore(openDatabase(join(tempDir(), 'assistant.sqlite')))],
])('%s feedback store', (_name, make) => {
  it('deletes what is older than the cut-off and keeps the rest', async () => {
    const store = make();
    await fill(store, [400, 200, 181, 179, 10, 0]);
    const removed = await store.prune(NOW - 180 * DAY);
    expect(removed).toEqual({ feedback: 3, unanswered: 3 });
    const summary = await store.summary();
    expect(summary.totals).toMatchObject({ feedback: 3, unanswered: 3 });
    expect(summary.unanswered.map((u) => u.question).sort()).toEqual([
      'câu hỏi 0 ngày',
      'câu hỏi 10 ngày',
      'câu hỏi 179 ngày',
    ]);
    expect(await store.prune(NOW - 180 * DAY)).toEqual({ feedback: 0, unanswered: 0 });
  });
});

describe('retention schedule', () => {
  it('prunes at start and again at every round', async () => {
    const store = new MemoryFeedbackStore();
    let now = NOW;
    await fill(store, [200, 100, 5]);
    const logs = captureLogs('info');
    const retention = startRetention(store, { days: 150, logger: logs.logger, now: () => now, everyMs: 20 });
    await retention.first;
    expect(store.unanswered).toHaveLength(2);
    now += 60 * DAY; // the 100-day-old entry is now 160 days old
    await until(() => store.unanswered.length === 1, 'the next round to prune');
    retention.stop();
    expect(logs.text()).toContain('old feedback and unanswered questions deleted');
    expect(logs.text()).not.toContain('câu hỏi');
  });

  it('logs a failing store and carries on', async () => {
    const logs = captureLogs('info');
    const failing = { prune: async () => Promise.reject(new Error('SQLITE_FULL: database or disk is full')) };
    const retention = startRetention(failing, { days: 180, logger: logs.logger });
    await retention.first;
    retention.stop();
    expect(logs.text()).toContain('retention pass failed');
  });

  it('the assistant deletes entries older than FEEDBACK_RETENTION_DAYS from its database at start', async () => {
    const dataDir = tempDir();
    const seed = new SqliteFeedbackStore(openDatabase(join(dataDir, 'assistant.sqlite')));
    await fill(seed, [90, 20]);
    const config = testConfig(dataDir, { FEEDBACK_RETENTION_DAYS: '30' });
    const assistant = await createAssistant(config, captureLogs('silent').logger, { now: () => NOW });
    try {
      await vi.waitFor(async () => {
        expect((await assistant.feedback.summary()).totals).toMatchObject({ feedback: 1, unanswered: 1 });
      });
    } finally {
      await assistant.close();
    }
  });
});
