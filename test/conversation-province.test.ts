// A place in the question: old province and district names are understood, and a province's own copy of a
// procedure is chosen for citizens of that province.
import { describe, expect, it } from 'vitest';
import { Engine } from '../src/conversation/engine.ts';
import { replyPlainText } from '../src/conversation/types.ts';
import { loadProvinces } from '../src/knowledge/provinces.ts';
import { createLogger } from '../src/log/logger.ts';
import { compileLexicon } from '../src/retrieval/lexicon.ts';
import { RetrievalEngine } from '../src/retrieval/search-engine.ts';
import { MemoryFeedbackStore, MemorySessionStore } from '../src/store/memory.ts';
import { catalogueOf, procedure } from './helpers/procedures.ts';

const national = procedure({ name: 'Đăng ký thường trú', levels: ['xa'] });
const lostHaiPhong = procedure({
  name: 'Cấp lại Giấy chứng nhận do bị mất',
  type: 'provincial',
  promulgatingAgency: 'UBND Thành phố Hải Phòng',
});
const lostDongThap = procedure({
  name: 'Cấp lại Giấy chứng nhận do bị mất',
  type: 'provincial',
  promulgatingAgency: 'UBND tỉnh Đồng Tháp',
});

const retrieval = new RetrievalEngine(
  catalogueOf([national, lostHaiPhong, lostDongThap]),
  compileLexicon({
    version: 1,
    synonyms: [{ when: ['sổ đỏ'], add: ['giấy chứng nhận'] }],
    filler: ['ở', 'tôi', 'làm'],
  }),
);

function chat() {
  const engine = new Engine({
    finder: () => retrieval,
    sessions: new MemorySessionStore(60_000),
    feedback: new MemoryFeedbackStore(),
    provinces: loadProvinces('knowledge'),
    logger: createLogger('silent'),
  });
  let n = 0;
  return async (text: string) => {
    const replies = await engine.handle({
      channel: 'web',
      conversationId: 'web:p',
      userId: 'u',
      text,
      receivedAt: Date.now() + n++,
    });
    return [...replies.map(replyPlainText), ...replies.flatMap((r) => r.links ?? []).map((l) => l.url)].join('\n');
  };
}

describe('places in questions', () => {
  it("picks the citizen's province's own procedure", async () => {
    const say = chat();
    const answer = await say('tôi ở Hải Phòng bị mất sổ đỏ, xin cấp lại giấy chứng nhận');
    expect(answer).toMatch(/thủ tục riêng của Thành phố Hải Phòng/i);
    expect(answer).toContain(lostHaiPhong.links.procedure);
  });

  it('understands a pre-2025 province name and says which province it is now', async () => {
    const say = chat();
    const answer = await say('đăng ký thường trú ở Bình Dương');
    expect(answer).toContain('Bạn ở Bình Dương (nay thuộc Thành phố Hồ Chí Minh).');
  });

  it('says nothing about places when none is mentioned', async () => {
    const say = chat();
    expect(await say('đăng ký thường trú')).not.toContain('Bạn ở');
  });
});
