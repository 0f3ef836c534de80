// When to ask instead of guessing, with a scripted search so each case is exact: close candidates get a
// numbered menu (also when retrieval abstains only because a short topic fits several procedures equally),
// a typed number or the button picks one, "Không phải các thủ tục trên" is logged, and a question that
// matches poorly is abstained on and logged.
import { describe, expect, it } from 'vitest';
import { Engine, type ProcedureFinder } from '../src/conversation/engine.ts';
import { type Choice, type Menu, type Reply, replyPlainText } from '../src/conversation/types.ts';
import { type Procedure, ProcedureSchema, portalLinks } from '../src/knowledge/schema.ts';
import { createLogger } from '../src/log/logger.ts';
import type { MatchFeatures } from '../src/retrieval/confidence.ts';
import type { SearchResult } from '../src/retrieval/types.ts';
import { MemoryFeedbackStore, MemorySessionStore } from '../src/store/memory.ts';

function procedure(n: number, name: string): Procedure {
  const id = `0c1d2e3f-0000-4000-8000-00000000000${n}`;
  return ProcedureSchema.parse({
    id,
    code: `9.00000${n}`,
    name,
    type: 'national',
    steps: [{ description: 'Nộp hồ sơ tại bộ phận một cửa.' }],
    links: portalLinks(id, false),
    source: { url: `https://dichvucong.gov.vn/thu-tuc-hanh-chinh/${id}`, checkedAt: '2026-11-01' },
  });
}

const LONG_NAME = `Đăng ký nuôi chim yến trong nhà ở riêng lẻ ${'tại khu dân cư tập trung '.repeat(5)}`.trim();
const procedures = [
  procedure(1, 'Đăng ký nuôi chim yến'),
  procedure(2, 'Đăng ký lại việc nuôi chim yến'),
  procedure(3, LONG_NAME),
];

const full: MatchFeatures = { coverage: 1, matched: 3, nameCoverage: 0.5, bigrams: 1, strength: 1, margin: 0.01 };

/** The search results each test question gets. */
const RESULTS: Record<string, Partial<SearchResult>> = {
  'nuôi yến': { ambiguous: true, abstain: false, confidence: 0.8, features: { ...full, bigrams: 3 } },
  yến: { abstain: true, confidence: 0.1, features: full },
  'yến sào ngon': { abstain: true, confidence: 0.02, features: { ...full, coverage: 0.4 } },
  'chim yến bay': { abstain: true, confidence: 0.05, features: { ...full, bigrams: 0 } },
  'yến xa cách': { abstain: true, confidence: 0.1, features: { ...full, margin: 0.3 } },
  'đăng ký nuôi chim yến': { abstain: false, confidence: 0.95, features: { ...full, margin: 0.4 } },
  // The words of that question without its aspect, as a follow-up check searches them: nothing sure.
  'dang ky lai viec nuoi chim yen': { abstain: true, confidence: 0.1, features: full },
  'đăng ký lại việc nuôi chim yến mất bao lâu': {
    abstain: false,
    confidence: 0.95,
    features: { ...full, margin: 0.4 },
    hits: [procedures[1], procedures[0]].map((p, i) => ({
      id: (p as Procedure).id,
      code: (p as Procedure).code,
      name: (p as Procedure).name,
      score: 10 - i,
      family: (p as Procedure).id,
    })),
  },
};

const finder: ProcedureFinder = {
  async search(query) {
    const scripted = RESULTS[query];
    if (!scripted) throw new Error(`unscripted question: ${query}`);
    return {
      hits: procedures.map((p, i) => ({ id: p.id, code: p.code, name: p.name, score: 10 - i, family: p.id })),
      groups: [],
      confidence: 0,
      abstain: false,
      ambiguous: false,
      path: 'lexical',
      ...scripted,
    };
  },
  get: (id) => procedures.find((p) => p.id === id),
  familyOf: (id) => procedures.filter((p) => p.id === id),
};

function setup() {
  const feedback = new MemoryFeedbackStore();
  const engine = new Engine({
    finder: () => finder,
    sessions: new MemorySessionStore(60_000),
    feedback,
    logger: createLogger('silent'),
  });
  let replies: Reply[] = [];
  const send = async (input: string | Choice) => {
    replies = await engine.handle({
      channel: 'web',
      conversationId: 'k',
      userId: 'u',
      receivedAt: 0,
      ...(typeof input === 'string' ? { text: input } : { choice: input }),
    });
    return replies;
  };
  const menu = (): Menu | undefined => replies.flatMap((r) => (r.menu ? [r.menu] : [])).at(-1);
  const text = () => replies.map(replyPlainText).join('\n');
  const title = () => replies[0]?.paragraphs[0]?.[0]?.text;
  return { send, menu, text, title, feedback };
}

describe('asking instead of guessing', () => {
  it('offers the close candidates as numbered options, names shortened, plus "none of these"', async () => {
    const chat = setup();
    await chat.send('nuôi yến');
    expect(chat.text()).toContain('Mình thấy vài thủ tục gần giống nhau. Bạn cần thủ tục nào?');
    const labels = chat.menu()?.options.map((o) => o.label) ?? [];
    expect(labels.slice(0, 2)).toEqual(['Đăng ký nuôi chim yến', 'Đăng ký lại việc nuôi chim yến']);
    expect(LONG_NAME.length).toBeGreaterThan(90);
    expect(labels[2]?.length).toBeLessThanOrEqual(90);
    expect(labels[2]?.endsWith('…')).toBe(true);
    expect(labels[3]).toBe('Không phải các thủ tục trên');
    await chat.send('2');
    expect(chat.title()).toBe('Đăng ký lại việc nuôi chim yến');
  });

  it.each([
    ['yến sào ngon', 'part of the question matches nothing'],
    ['chim yến bay', 'no pair of words matches'],
    ['yến xa cách', 'the first candidate is clearly ahead'],
  ])('abstains on "%s" (%s) and logs it', async (question) => {
    const chat = setup();
    await chat.send(question);
    expect(chat.text()).toContain('mình chưa tìm được thủ tục hành chính phù hợp');
    expect(chat.menu()).toBeUndefined();
    expect(chat.feedback.unanswered).toMatchObject([{ question, reason: 'abstain', channel: 'web' }]);
  });

  it('a question about an aspect instead of a choice is answered for the best option, saying which', async () => {
    const chat = setup();
    await chat.send('nuôi yến');
    expect(chat.menu()?.options[0]?.label).toBe('Đăng ký nuôi chim yến');
    await chat.send('các bước làm thế nào');
    expect(chat.text()).toContain('Bạn chưa chọn thủ tục, mình trả lời cho thủ tục khớp nhất: Đăng ký nuôi chim yến');
    expect(chat.text()).toContain('Nộp hồ sơ tại bộ phận một cửa.');
    expect(chat.feedback.unanswered).toEqual([]);
  });

  it('a longer, more precise question with an aspect word is searched anew, not answered for the best option', async () => {
    const chat = setup();
    await chat.send('nuôi yến');
    await chat.send('đăng ký lại việc nuôi chim yến mất bao lâu');
    expect(chat.title()).toBe('Đăng ký lại việc nuôi chim yến');
    expect(chat.text()).not.toContain('Bạn chưa chọn thủ tục');
  });

  it('logs the question when none of the options fits, and keeps the citizen able to ask again', async () => {
    const chat = setup();
    await chat.send('nuôi yến');
    await chat.send('Không phải các thủ tục trên');
    expect(chat.text()).toContain('diễn đạt lại');
    expect(chat.feedback.unanswered).toMatchObject([{ question: 'nuôi yến', reason: 'abstain' }]);
    await chat.send('đăng ký nuôi chim yến');
    expect(chat.title()).toBe('Đăng ký nuôi chim yến');
  });
});
