// Long content split into readable parts, on a small hand-made catalogue so the lengths are known:
// a long step shown part by part with "Xem thêm", "quay lại" through the parts, a checklist of nine
// documents over two pages, and a procedure without steps that says so with the portal link.
import { describe, expect, it } from 'vitest';
import { Engine } from '../src/conversation/engine.ts';
import { PAGE_CHARS } from '../src/conversation/guidance.ts';
import { type Menu, type Reply, replyPlainText } from '../src/conversation/types.ts';
import { mergeSources } from '../src/knowledge/loader.ts';
import { type Procedure, ProcedureSchema, portalLinks } from '../src/knowledge/schema.ts';
import { createLogger } from '../src/log/logger.ts';
import { compileLexicon } from '../src/retrieval/lexicon.ts';
import { RetrievalEngine } from '../src/retrieval/search-engine.ts';
import { MemoryFeedbackStore, MemorySessionStore } from '../src/store/memory.ts';

const BEE_ID = '0b1c2d3e-0000-4000-8000-000000000001';
const BOAT_ID = '0b1c2d3e-0000-4000-8000-000000000002';

/** About 2,100 characters of sentences: three parts of at most PAGE_CHARS. */
const LONG_STEP = Array.from(
  { length: 30 },
  (_, i) => `Câu hướng dẫn số ${i + 1} nói rõ việc cần làm ở bước này cho người nuôi ong.`,
).join(' ');

/** About 1,400 characters: more than one page. */
const LONG_CONDITIONS = Array.from({ length: 30 }, (_, i) => `Điều kiện thứ ${i + 1} về vị trí đặt thùng ong.`).join(
  ' ',
);

function procedure(input: Record<string, unknown> & { id: string; name: string }): Procedure {
  return ProcedureSchema.parse({
    code: '9.000001',
    type: 'national',
    levels: ['xa'],
    implementingAgencies: ['Ủy ban nhân dân cấp xã'],
    links: portalLinks(input.id, false),
    source: { url: `https://dichvucong.gov.vn/thu-tuc-hanh-chinh/${input.id}`, checkedAt: '2026-11-01' },
    ...input,
  });
}

const bee = procedure({
  id: BEE_ID,
  name: 'Cấp giấy phép nuôi ong mật',
  steps: [
    { title: 'Chuẩn bị', description: 'Chuẩn bị tờ khai và bản đồ vị trí đặt thùng ong.' },
    { title: 'Hướng dẫn chi tiết', description: LONG_STEP },
    { title: 'Nhận giấy phép', description: 'Nhận giấy phép tại bộ phận một cửa.' },
  ],
  documents: Array.from({ length: 9 }, (_, i) => ({ name: `Giấy tờ nuôi ong thứ ${i + 1}`, originals: 1 })),
  submissionMethods: [
    { method: 'direct', processingTime: { value: 5, unit: 'working_day' }, fees: [{ amountVnd: 20000 }] },
  ],
  conditions: LONG_CONDITIONS,
  legalBasis: Array.from({ length: 15 }, (_, i) => ({ name: `Văn bản về nuôi ong số ${i + 1}` })),
});
const boat = procedure({ id: BOAT_ID, code: '9.000002', name: 'Đăng ký thuyền thúng đánh cá ven bờ' });

function setup() {
  const catalogue = mergeSources([bee, boat], []);
  const finder = new RetrievalEngine(catalogue, compileLexicon({ version: 1, synonyms: [], filler: [] }));
  const engine = new Engine({
    finder: () => finder,
    sessions: new MemorySessionStore(60_000),
    feedback: new MemoryFeedbackStore(),
    logger: createLogger('silent'),
  });
  let replies: Reply[] = [];
  const menu = (): Menu => {
    const found = replies.flatMap((r) => (r.menu ? [r.menu] : [])).at(-1);
    if (!found) throw new Error('no menu');
    return found;
  };
  const chat = {
    get text() {
      return replies.map(replyPlainText).join('\n');
    },
    labels: () => menu().options.map((o) => o.label),
    async say(text: string) {
      replies = await engine.handle({ channel: 'web', conversationId: 'p', userId: 'u', text, receivedAt: 0 });
    },
    async press(label: string) {
      const option = menu().options.find((o) => o.label === label);
      if (!option) throw new Error(`no "${label}" in ${chat.labels().join(', ')}`);
      replies = await engine.handle({
        channel: 'web',
        conversationId: 'p',
        userId: 'u',
        choice: { menuId: menu().id, optionId: option.id },
        receivedAt: 0,
      });
    },
  };
  return chat;
}

describe('a long step', () => {
  it('is shown part by part with "Xem thêm", and "quay lại" walks back through the parts', async () => {
    expect(LONG_STEP.length).toBeGreaterThan(2 * PAGE_CHARS);
    const chat = setup();
    await chat.say('cấp giấy phép nuôi ong mật');
    expect(chat.text).toContain('Cấp giấy phép nuôi ong mật');
    await chat.press('Các bước');
    await chat.say('tiếp');
    expect(chat.text).toContain('Bước 2/3');
    expect(chat.text).toContain('(phần 1/3)');
    expect(chat.text).toContain('Câu hướng dẫn số 1 ');
    expect(chat.text).not.toContain('Câu hướng dẫn số 30 ');
    expect(chat.labels()).toContain('Xem thêm');

    await chat.press('Xem thêm');
    expect(chat.text).toContain('(phần 2/3)');
    await chat.say('xem thêm');
    expect(chat.text).toContain('(phần 3/3)');
    expect(chat.text).toContain('Câu hướng dẫn số 30 ');
    expect(chat.labels()).not.toContain('Xem thêm');

    await chat.say('quay lại');
    expect(chat.text).toContain('(phần 2/3)');
    await chat.say('xem thêm');
    await chat.say('xem thêm');
    expect(chat.text).toContain('Bước 3/3');
    expect(chat.text).toContain('Đây là bước cuối');
  });

  it('keeps every part under the page size', async () => {
    const chat = setup();
    await chat.say('cấp giấy phép nuôi ong mật');
    await chat.say('bước 2');
    for (let part = 1; part <= 3; part++) {
      const body = chat.text.split('\n').filter((line) => line.startsWith('Câu hướng dẫn'));
      expect(body.join(' ').length).toBeLessThanOrEqual(PAGE_CHARS);
      if (part < 3) await chat.press('Xem thêm');
    }
  });
});

describe('a nine-document checklist', () => {
  it('shows eight documents, then the ninth after "Xem thêm"', async () => {
    const chat = setup();
    await chat.say('cấp giấy phép nuôi ong mật');
    await chat.say('cần giấy tờ gì');
    expect(chat.text).toContain('Giấy tờ cần chuẩn bị (9 mục)');
    expect(chat.text).toContain('☐ Giấy tờ nuôi ong thứ 8 (1 bản chính)');
    expect(chat.text).not.toContain('thứ 9');
    expect(chat.text).toContain('Còn 1 mục nữa.');
    await chat.press('Xem thêm');
    expect(chat.text).toContain('☐ Giấy tờ nuôi ong thứ 9');
    expect(chat.text).not.toContain('thứ 8');
    await chat.say('tiếp');
    expect(chat.text).toContain('Đó là toàn bộ 9 mục giấy tờ');
  });
});

describe('long lists and texts in one message', () => {
  it('shows a list of legal bases that fits one message whole', async () => {
    const chat = setup();
    await chat.say('cấp giấy phép nuôi ong mật');
    await chat.say('căn cứ pháp lý');
    expect(chat.text).toContain('• Văn bản về nuôi ong số 1\n');
    expect(chat.text).toContain('• Văn bản về nuôi ong số 15');
    expect(chat.labels()).not.toContain('Xem thêm');
  });

  it('pages long conditions with "Xem thêm" and "Quay lại", each page one phone message', async () => {
    expect(LONG_CONDITIONS.length).toBeGreaterThan(PAGE_CHARS);
    const chat = setup();
    await chat.say('cấp giấy phép nuôi ong mật');
    await chat.say('điều kiện là gì');
    expect(chat.text).toContain('Điều kiện: Điều kiện thứ 1 ');
    expect(chat.text).not.toContain('Điều kiện thứ 30 ');
    expect(chat.text).toContain('(trang 1/2)');
    expect(chat.text.length).toBeLessThanOrEqual(1200);
    await chat.press('Xem thêm');
    expect(chat.text).toContain('Điều kiện thứ 30 ');
    expect(chat.text).not.toContain('Điều kiện thứ 1 ');
    expect(chat.text).toContain('(trang 2/2)');
    expect(chat.labels()).not.toContain('Xem thêm');
    await chat.say('quay lại');
    expect(chat.text).toContain('Điều kiện thứ 1 ');
  });
});

describe('a procedure with only general information', () => {
  it('offers no step button and answers a step question with the portal link', async () => {
    const chat = setup();
    await chat.say('đăng ký thuyền thúng đánh cá');
    expect(chat.text).toContain('Đăng ký thuyền thúng đánh cá ven bờ');
    expect(chat.text).toContain('Mình mới có thông tin chung');
    expect(chat.labels()).not.toContain('Các bước');
    expect(chat.labels()).not.toContain('Giấy tờ');
    await chat.say('bước 2');
    expect(chat.text).toContain('Mình chưa có thông tin về các bước thực hiện');
    await chat.say('lệ phí bao nhiêu');
    expect(chat.text).toContain('Mình chưa có thông tin về lệ phí');
  });
});
