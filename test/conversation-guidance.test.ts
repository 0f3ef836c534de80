// What a citizen sees when asking about a procedure, driven through the real engine and knowledge base:
// the answer card with source and portal links, the step walk, follow-up questions about fees, time,
// documents and place, questions without diacritics, clarifying menus, related procedures and "Xem thêm".
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Assistant, createAssistant } from '../src/assistant.ts';
import { formatVnd, LIST_ITEMS, MESSAGE_MAX, METHOD_LABEL } from '../src/conversation/guidance.ts';
import { type Menu, type Reply, replyPlainText } from '../src/conversation/types.ts';
import { loadCatalogue } from '../src/knowledge/loader.ts';
import { PORTAL_HOME_URL, PORTAL_HOTLINE, type Procedure } from '../src/knowledge/schema.ts';
import { createLogger } from '../src/log/logger.ts';
import { testConfig } from './helpers/conversation.ts';

const catalogue = loadCatalogue({ knowledgeDir: 'knowledge' });

function procedureByCode(code: string): Procedure {
  const found = catalogue.procedures.find((p) => p.code === code);
  if (!found) throw new Error(`knowledge/ has no procedure ${code}`);
  return found;
}

/** One conversation: sends texts and button presses, remembers the last replies and the last menu. */
class Chat {
  replies: Reply[] = [];
  private static counter = 0;
  readonly id = `web:guidance-${++Chat.counter}`;

  constructor(private readonly assistant: Assistant) {}

  async say(text: string): Promise<Reply[]> {
    return this.send({ text });
  }

  /** Presses the button with this label on the latest menu. */
  async press(label: string): Promise<Reply[]> {
    const menu = this.menu();
    const option = menu.options.find((o) => o.label === label);
    if (!option) throw new Error(`no "${label}" in menu: ${menu.options.map((o) => o.label).join(', ')}`);
    return this.send({ choice: { menuId: menu.id, optionId: option.id } });
  }

  menu(): Menu {
    const menu = this.replies.flatMap((r) => (r.menu ? [r.menu] : [])).at(-1);
    if (!menu) throw new Error('the last answer has no menu');
    return menu;
  }

  labels(): string[] {
    return this.menu().options.map((o) => o.label);
  }

  text(): string {
    return this.replies.map(replyPlainText).join('\n');
  }

  private async send(input: { text?: string; choice?: { menuId: string; optionId: string } }): Promise<Reply[]> {
    this.replies = await this.assistant.engine.handle({
      channel: 'web',
      conversationId: this.id,
      userId: 'citizen',
      receivedAt: Date.now(),
      ...input,
    });
    return this.replies;
  }
}

/** "Nguồn: Cổng Dịch vụ công quốc gia, …, kiểm tra ngày 28/11/2026." for this procedure. */
function sourceLineOf(p: Procedure): string {
  const [y, m, d] = p.source.checkedAt.split('-');
  return `kiểm tra ngày ${d}/${m}/${y}`;
}

let dataDir: string;
let assistant: Assistant;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'conversation-guidance-'));
  const config = testConfig(dataDir);
  assistant = await createAssistant(config, createLogger('silent'), { inMemory: true });
});

afterAll(async () => {
  await assistant?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('answer card', () => {
  it('answers "làm lại căn cước bị mất" with the Cấp lại thẻ căn cước card, its source, links and menu', async () => {
    const p = procedureByCode('1.014064');
    const chat = new Chat(assistant);
    const [card] = await chat.say('làm lại căn cước bị mất');
    expect(card?.paragraphs[0]).toEqual([{ kind: 'bold', text: 'Cấp lại thẻ căn cước' }]);
    const text = chat.text();
    expect(text).toContain('Nguồn: Cổng DVCQG');
    expect(text).toContain(sourceLineOf(p));
    expect(text).toContain(`Cơ quan thực hiện: ${p.implementingAgencies[0]}`);
    expect(text).toContain('Nộp trực tuyến: có');
    expect(card?.links).toEqual([
      { label: 'Xem trên Cổng Dịch vụ công', url: `https://dichvucong.gov.vn/thu-tuc-hanh-chinh/${p.id}` },
      { label: 'Nộp hồ sơ trực tuyến', url: `https://dichvucong.gov.vn/nop-ho-so?formalityId=${p.id}` },
    ]);
    expect(chat.labels()).toEqual(
      expect.arrayContaining(['Các bước', 'Giấy tờ', 'Lệ phí & thời gian', 'Nơi nộp', 'Hữu ích', 'Chưa đúng']),
    );
  });

  it('understands a question typed without diacritics', async () => {
    const chat = new Chat(assistant);
    await chat.say('lam giay khai sinh cho con');
    expect(chat.replies[0]?.paragraphs[0]).toEqual([{ kind: 'bold', text: 'Thủ tục đăng ký khai sinh' }]);
    expect(chat.text()).toContain(sourceLineOf(procedureByCode('1.001193')));
  });
});

describe('step walk', () => {
  it('walks Bước i/n with the button, "tiếp", a typed number, "quay lại" and "bước 3"', async () => {
    const p = procedureByCode('1.014064');
    const n = p.steps.length;
    expect(n).toBeGreaterThanOrEqual(4);
    const chat = new Chat(assistant);
    await chat.say('làm lại căn cước bị mất');
    await chat.press('Các bước');
    expect(chat.text()).toContain(`Bước 1/${n}`);
    expect(chat.text()).toContain(p.steps[0]?.title ?? '');
    expect(chat.text()).toContain(sourceLineOf(p));
    expect(chat.replies[0]?.replacesPrevious).toBe(true);
    expect(chat.labels()).not.toContain('Quay lại');

    await chat.say('tiếp');
    expect(chat.text()).toContain(`Bước 2/${n}`);
    const next = chat.labels().indexOf('Tiếp') + 1;
    expect(next).toBeGreaterThan(0);
    await chat.say(String(next));
    expect(chat.text()).toContain(`Bước 3/${n}`);
    await chat.say('quay lại');
    expect(chat.text()).toContain(`Bước 2/${n}`);
    await chat.say('bước 3');
    expect(chat.text()).toContain(`Bước 3/${n}`);
    await chat.say(`buoc ${n}`);
    expect(chat.text()).toContain(`Bước ${n}/${n}`);
    expect(chat.text()).toContain('Đây là bước cuối');
    expect(chat.labels()).not.toContain('Tiếp');
  });

  it('continues the walk after a detour to fees', async () => {
    const chat = new Chat(assistant);
    await chat.say('làm lại căn cước bị mất');
    await chat.press('Các bước');
    await chat.say('tiếp');
    await chat.say('lệ phí bao nhiêu');
    expect(chat.text()).not.toContain('Bước');
    await chat.say('tiếp');
    expect(chat.text()).toContain('Bước 3/');
  });
});

describe('questions about the current procedure', () => {
  it('answers "lệ phí bao nhiêu" with the fees and time of each submission method', async () => {
    const p = procedureByCode('1.014064');
    const chat = new Chat(assistant);
    await chat.say('làm lại căn cước bị mất');
    await chat.say('lệ phí bao nhiêu');
    const text = chat.text();
    expect(chat.replies[0]?.paragraphs[0]).toEqual([{ kind: 'bold', text: p.name }]);
    expect(text).toContain('Lệ phí và thời hạn theo cách nộp');
    // Every method is named, either alone or together with methods that share its time and fee.
    for (const m of p.submissionMethods) expect(text.toLowerCase()).toContain(METHOD_LABEL[m.method].toLowerCase());
    expect(text).not.toContain('..');
    for (const amount of p.submissionMethods.flatMap((m) => m.fees.map((f) => f.amountVnd)))
      if (amount !== undefined) expect(text).toContain(formatVnd(amount));
    expect(text).toContain(sourceLineOf(p));
    expect(chat.labels()).not.toContain('Lệ phí & thời gian');
  });

  it('answers time, place, documents, online, result and legal basis, with or without diacritics', async () => {
    const p = procedureByCode('1.000894');
    const chat = new Chat(assistant);
    await chat.say('đăng ký kết hôn');
    expect(chat.replies[0]?.paragraphs[0]).toEqual([{ kind: 'bold', text: p.name }]);

    await chat.say('mất mấy ngày');
    expect(chat.text()).toContain('Lệ phí và thời hạn theo cách nộp');
    await chat.say('nop o dau');
    expect(chat.text()).toContain(`Nơi giải quyết: ${p.implementingAgencies[0]}`);
    await chat.say('cần những hồ sơ gì');
    expect(chat.text()).toContain(`Giấy tờ cần chuẩn bị (${p.documents.length} mục)`);
    expect(chat.text()).toContain(`☐ ${p.documents[0]?.name}`);
    expect(chat.text()).toContain(sourceLineOf(p));
    await chat.say('nộp online được không');
    expect(chat.text()).toContain('nộp trực tuyến được');
    expect(chat.replies[0]?.paragraphs.flat()).toContainEqual({
      kind: 'link',
      text: 'Nộp hồ sơ trực tuyến',
      url: `https://dichvucong.gov.vn/nop-ho-so?formalityId=${p.id}`,
    });
    await chat.say('kết quả là gì');
    expect(chat.text()).toContain(`• ${p.results[0]}`);
    await chat.say('can cu phap ly');
    expect(chat.text()).toContain('Căn cứ pháp lý:');
    expect(chat.text()).toContain(`• ${p.legalBasis[0]?.name}`);
    // As many items as fit one phone message (at most LIST_ITEMS); the rest is on the portal, and said so.
    const shown = chat.text().match(/^• /gm)?.length ?? 0;
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBeLessThanOrEqual(Math.min(p.legalBasis.length, LIST_ITEMS));
    if (p.legalBasis.length > shown) {
      // The rest is one "Xem thêm" away.
      expect(chat.text()).toMatch(/\(trang 1\/\d\)/);
      await chat.press('Xem thêm');
      expect(chat.text()).toMatch(/\(trang 2\/\d\)/);
      expect(chat.text()).not.toContain(`• ${p.legalBasis[0]?.name}`);
      expect(chat.text().match(/^• /gm)?.length ?? 0).toBeGreaterThan(0);
    }
    expect(replyPlainText(chat.replies[0] as Reply).length).toBeLessThanOrEqual(MESSAGE_MAX);
  });

  it('treats an aspect question naming another procedure as a new question', async () => {
    const chat = new Chat(assistant);
    await chat.say('làm lại căn cước bị mất');
    await chat.say('lệ phí đăng ký kết hôn là bao nhiêu');
    const text = chat.text();
    expect(chat.replies[0]?.paragraphs[0]).toEqual([{ kind: 'bold', text: 'Thủ tục đăng ký kết hôn' }]);
    expect(text).toContain('Lệ phí và thời hạn theo cách nộp');
    expect(text).not.toContain('căn cước');
  });
});

describe('clarifying and related procedures', () => {
  it('asks with numbered options when candidates are close, and a typed number picks one', async () => {
    const chat = new Chat(assistant);
    await chat.say('bằng lái');
    expect(chat.text()).toContain('Bạn cần thủ tục nào?');
    const labels = chat.labels();
    expect(labels.length).toBeGreaterThanOrEqual(3);
    expect(labels.at(-1)).toBe('Không phải các thủ tục trên');
    for (const label of labels.slice(0, -1)) expect(label.toLowerCase()).toContain('giấy phép lái xe');
    const second = labels[1] ?? '';
    await chat.say('2');
    expect(chat.replies[0]?.paragraphs[0]).toEqual([{ kind: 'bold', text: second }]);
    expect(chat.labels()).toContain('Các bước');
  });

  it('answers a bare topic such as "khai sinh" with its everyday procedure instead of giving up', async () => {
    const chat = new Chat(assistant);
    await chat.say('khai sinh');
    expect(chat.text()).not.toContain('chưa tìm được');
    expect(chat.replies[0]?.paragraphs[0]).toEqual([{ kind: 'bold', text: 'Thủ tục đăng ký khai sinh' }]);
  });

  it('lists related procedures and opens the one picked', async () => {
    const p = procedureByCode('1.004222');
    const related = p.related.map((id) => catalogue.byId.get(id)).filter((r): r is Procedure => Boolean(r));
    expect(related.length).toBeGreaterThan(0);
    const chat = new Chat(assistant);
    await chat.say('đăng ký thường trú');
    await chat.press('Thủ tục liên quan');
    expect(chat.text()).toContain('Có thể bạn cũng cần các thủ tục sau');
    expect(chat.labels()).toHaveLength(related.length + 1);
    await chat.say('1');
    expect(chat.replies[0]?.paragraphs[0]).toEqual([{ kind: 'bold', text: related[0]?.name }]);
  });
});

describe('long content', () => {
  it('pages a long document checklist with "Xem thêm" and says when the list is complete', async () => {
    const p = procedureByCode('1.004222');
    expect(p.documents.length).toBeGreaterThan(8);
    const chat = new Chat(assistant);
    await chat.say('đăng ký thường trú');
    await chat.press('Giấy tờ');
    const first = chat.text();
    expect(first).toContain(`Giấy tờ cần chuẩn bị (${p.documents.length} mục)`);
    const onFirst = first.match(/☐/g)?.length ?? 0;
    expect(onFirst).toBeGreaterThan(0);
    expect(onFirst).toBeLessThanOrEqual(8);
    expect(first).toContain(`Còn ${p.documents.length - onFirst} mục nữa.`);
    expect(chat.labels()[0]).toBe('Xem thêm');

    // Every page fits one phone message; together the pages list every document once.
    let seen = onFirst;
    while (chat.labels().includes('Xem thêm')) {
      expect(replyPlainText(chat.replies[0] as Reply).length).toBeLessThanOrEqual(MESSAGE_MAX);
      await chat.press('Xem thêm');
      seen += chat.text().match(/☐/g)?.length ?? 0;
    }
    expect(seen).toBe(p.documents.length);
    expect(chat.text()).toContain(`☐ ${p.documents.at(-1)?.name}`);
    expect(chat.text()).toContain(sourceLineOf(p));

    await chat.say('xem thêm');
    expect(chat.text()).toContain(`Đó là toàn bộ ${p.documents.length} mục giấy tờ`);
  });

  it('keeps every reply of a full walk short enough to read in a chat', async () => {
    const chat = new Chat(assistant);
    const lengths: number[] = [];
    const record = () => lengths.push(...chat.replies.map((r) => replyPlainText(r).length));
    await chat.say('đăng ký thường trú');
    record();
    for (const label of ['Các bước', 'Tiếp', 'Tiếp', 'Tiếp', 'Tiếp', 'Giấy tờ', 'Xem thêm', 'Lệ phí & thời gian']) {
      await chat.press(label);
      record();
    }
    expect(lengths.length).toBe(9);
    expect(Math.max(...lengths)).toBeLessThan(3000);
  });
});

describe('out of scope', () => {
  it('abstains kindly with a rephrasing tip, the portal link and the hotline', async () => {
    const chat = new Chat(assistant);
    await chat.say('thời tiết mai thế nào');
    const text = chat.text();
    expect(text).toContain('mình chưa tìm được thủ tục hành chính phù hợp');
    expect(text).toContain('diễn đạt lại');
    expect(text).toContain(PORTAL_HOTLINE);
    expect(chat.replies[0]?.links).toEqual([{ label: 'Cổng Dịch vụ công quốc gia', url: PORTAL_HOME_URL }]);
  });
});
