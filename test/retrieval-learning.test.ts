// Learning from what citizens ask (npm run kb:learn): only confirmed pairs are learned (two helpful answers,
// never one, not mostly unhelpful; or a reviewed file), personal data is scrubbed, the learned questions live in
// DATA_DIR/learned.json and make the search find a procedure by a wording its own text lacks; the eval halves
// are deterministic and disjoint.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { scrubPersonalData } from '../src/conversation/privacy.ts';
import { loadCatalogue } from '../src/knowledge/loader.ts';
import { buildRetrievalEngine } from '../src/retrieval/build.ts';
import {
  buildLearned,
  confirmedFeedbackPairs,
  halfOf,
  learnedPath,
  loadLearned,
  reviewedPairs,
} from '../src/retrieval/learned.ts';
import { compileLexicon } from '../src/retrieval/lexicon.ts';
import { RetrievalEngine } from '../src/retrieval/search-engine.ts';
import { openDatabase, SqliteFeedbackStore } from '../src/store/sqlite.ts';
import type { FeedbackEntry } from '../src/store/types.ts';
import { catalogueOf, procedure } from './helpers/procedures.ts';
import { tempDirs } from './helpers/temp-dirs.ts';

const run = promisify(execFile);
const dirs = tempDirs('learn-');
afterEach(() => dirs.removeAll());

const rating = (answerId: string, procedureId: string, question: string, helpful: boolean): FeedbackEntry => ({
  answerId,
  procedureId,
  question,
  helpful,
  channel: 'web',
  at: Number(answerId.replace(/\D/g, '')) || 1,
});

describe('confirmed feedback pairs', () => {
  it('learns a wording only after two distinct helpful answers, never from one', () => {
    const once = confirmedFeedbackPairs([rating('a1', 'birth', 'bé mới chào đời', true)], scrubPersonalData);
    expect(once).toEqual([]);
    const sameAnswerTwice = confirmedFeedbackPairs(
      [rating('a1', 'birth', 'bé mới chào đời', true), rating('a1', 'birth', 'bé mới chào đời', true)],
      scrubPersonalData,
    );
    expect(sameAnswerTwice).toEqual([]);
    // The same wording typed with other case and without diacritics is the same pair.
    const twice = confirmedFeedbackPairs(
      [rating('a1', 'birth', 'Bé mới chào đời', true), rating('a2', 'birth', 'be moi chao doi', true)],
      scrubPersonalData,
    );
    expect(twice).toEqual([{ question: 'Bé mới chào đời', procedureId: 'birth', weight: 2 }]);
  });

  it('does not learn a pair marked unhelpful more often than helpful', () => {
    const ratings = [
      rating('a1', 'death', 'bà ngoại mất', true),
      rating('a2', 'death', 'bà ngoại mất', true),
      rating('a3', 'death', 'bà ngoại mất', false),
      rating('a4', 'death', 'bà ngoại mất', false),
      rating('a5', 'death', 'bà ngoại mất', false),
    ];
    expect(confirmedFeedbackPairs(ratings, scrubPersonalData)).toEqual([]);
  });

  it('scrubs personal data from what it learns', () => {
    const question = 'con tôi mới sinh, số tôi 0912 345 678, email me@example.com';
    const [pair] = confirmedFeedbackPairs(
      [rating('a1', 'birth', question, true), rating('a2', 'birth', question, true)],
      scrubPersonalData,
    );
    expect(pair?.question).not.toMatch(/0912|345 678|example\.com/);
    const { pairs } = reviewedPairs(
      [{ question: 'gọi 0987654321 giúp tôi', gold: ['1.001193'] }],
      [procedure({ name: 'Đăng ký khai sinh', code: '1.001193' })],
      scrubPersonalData,
    );
    expect(pairs[0]?.question).not.toContain('0987654321');
  });
});

describe('learning and evaluation halves', () => {
  const questions = Array.from({ length: 60 }, (_, i) => ({
    id: `q${i}`,
    question: `câu ${i}`,
    gold: [`1.${String(100000 + (i % 12)).padStart(6, '0')}`],
  }));

  it('puts every question of one procedure in the same half, and no question in both', () => {
    const halves = questions.map((q) => halfOf(q, 'procedure'));
    expect(new Set(halves)).toEqual(new Set(['learn', 'eval']));
    const byCode = new Map<string, Set<string | undefined>>();
    questions.forEach((q, i) => {
      const code = q.gold[0] as string;
      byCode.set(code, (byCode.get(code) ?? new Set()).add(halves[i]));
    });
    for (const set of byCode.values()) expect(set.size).toBe(1);
    // Deterministic: the same split every time.
    expect(questions.map((q) => halfOf(q, 'procedure'))).toEqual(halves);
  });

  it('leaves out of both halves a question whose procedures fall in different halves', () => {
    const learnCode = questions.find((q) => halfOf(q, 'procedure') === 'learn')?.gold[0] as string;
    const evalCode = questions.find((q) => halfOf(q, 'procedure') === 'eval')?.gold[0] as string;
    expect(halfOf({ question: 'x', gold: [learnCode, evalCode] }, 'procedure')).toBeUndefined();
  });
});

describe('the learned field in search', () => {
  const birth = procedure({ name: 'Đăng ký khai sinh', code: '1.001193', fields: ['Hộ tịch'] });
  const licence = procedure({ name: 'Cấp đổi giấy phép lái xe', code: '1.002804', fields: ['Đường bộ'] });
  const catalogue = catalogueOf([birth, licence]);
  const lexicon = compileLexicon({ version: 1, synonyms: [], filler: ['tôi', 'thì', 'gì', 'cần', 'làm', 'nhà'] });

  it('finds and answers a procedure by the way citizens asked for it', async () => {
    const question = 'em bé nhà tôi mới chào đời thì cần giấy gì';
    const plain = new RetrievalEngine(catalogue, lexicon);
    const before = await plain.search(question);
    expect(before.abstain || before.hits[0]?.id !== birth.id).toBe(true);

    const learned = buildLearned(
      [{ question: 'bé mới chào đời cần làm giấy gì', procedureId: birth.id, weight: 2 }],
      (id) => catalogue.byId.has(id),
    );
    const taught = new RetrievalEngine(catalogue, lexicon, { learned });
    const after = await taught.search(question);
    expect(after.hits[0]?.id).toBe(birth.id);
    expect(after.abstain).toBe(false);
    // Unrelated questions are not pulled towards the learned procedure.
    expect((await taught.search('đổi giấy phép lái xe')).hits[0]?.id).toBe(licence.id);
  });
});

describe('npm run kb:learn', () => {
  it('learns confirmed ratings from the feedback log into DATA_DIR/learned.json, which the index reads', async () => {
    const dataDir = dirs.make();
    const curated = loadCatalogue({ knowledgeDir: 'knowledge' });
    const birth = curated.procedures.find((p) => /^(thủ tục )?đăng ký khai sinh$/i.test(p.name));
    expect(birth).toBeDefined();
    const id = birth?.id as string;
    const db = openDatabase(join(dataDir, 'assistant.sqlite'));
    const store = new SqliteFeedbackStore(db);
    const wording = 'bé nhà mình vừa chào đời, gọi 0912345678';
    await store.recordFeedback(rating('a1', id, wording, true));
    await store.recordFeedback(rating('a2', id, wording, true));
    await store.recordFeedback(rating('a3', id, 'một lần thôi', true));
    expect((await store.ratings()).map((r) => r.answerId)).toEqual(['a1', 'a2', 'a3']);
    db.close();
    const reviewed = join(dataDir, 'reviewed.jsonl');
    writeFileSync(reviewed, `${JSON.stringify({ question: 'xin giấy cho em bé sơ sinh', gold: [birth?.code] })}\n`);

    const env = { ...process.env, DATA_DIR: dataDir, CATALOG_DIR: '', DATABASE_URL: '' };
    await run('npx', ['tsx', 'scripts/kb-learn.ts', '--reviewed', reviewed], { env });
    const file = learnedPath(dataDir);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('0912345678');
    expect(text).not.toContain('một lần thôi');
    const learned = loadLearned(dataDir, () => {});
    expect(learned.get(id)).toEqual(expect.arrayContaining([expect.stringContaining('chào đời')]));
    expect(learned.get(id)).toContain('xin giấy cho em bé sơ sinh');

    const engine = buildRetrievalEngine({ knowledgeDir: 'knowledge' }, { catalogue: curated, learned });
    const result = await engine.search('bé vừa chào đời');
    expect(result.hits[0]?.id).toBe(id);
    expect(result.abstain).toBe(false);

    await run('npx', ['tsx', 'scripts/kb-learn.ts', '--drop'], { env });
    expect(existsSync(file)).toBe(false);
  }, 60_000);

  it('ignores a damaged learned file instead of failing to build the index', () => {
    const dataDir = dirs.make();
    writeFileSync(learnedPath(dataDir), '{"version": 1, "procedures": [');
    const warnings: string[] = [];
    expect(loadLearned(dataDir, (m) => warnings.push(m)).size).toBe(0);
    expect(warnings[0]).toMatch(/learned questions ignored/);
  });
});
