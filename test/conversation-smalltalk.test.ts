// What a citizen notices around the procedures: greetings, thanks and "ok" get a friendly word (never "chưa tìm
// được thủ tục"), a first /start greets without "Đã bắt đầu lại", off-topic questions (gold prices, football) get
// the abstain reply and are logged as unanswered whatever the current topic, a dossier question without a code
// asks for the code and says where it is printed, and one generic word gets a short menu instead of a guess.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Assistant, createAssistant } from '../src/assistant.ts';
import type { Choice, Reply } from '../src/conversation/types.ts';
import { createLogger } from '../src/log/logger.ts';
import type { MemoryFeedbackStore } from '../src/store/memory.ts';
import { lastMenu, plain, sendTo, testConfig } from './helpers/conversation.ts';

let dataDir: string;
let assistant: Assistant;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'conversation-smalltalk-'));
  assistant = await createAssistant(testConfig(dataDir, { DOSSIER_PROVIDER: 'demo' }), createLogger('silent'), {
    inMemory: true,
  });
});

afterAll(async () => {
  await assistant?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const send = (conversationId: string, input: string | Choice): Promise<Reply[]> =>
  sendTo(assistant.engine, conversationId, input);
const unanswered = () => (assistant.feedback as MemoryFeedbackStore).unanswered;

describe('small talk', () => {
  it.each([
    'chào ad',
    'chao admin a',
    'vậy thôi cảm ơn',
    'cảm ơn bạn nhiều',
    'ok',
    'oke nhé',
    'tạm biệt',
    'bạn là ai',
    'không cần nữa, cảm ơn nhé',
    'chào buổi sáng',
  ])('"%s" gets a short friendly answer', async (message) => {
    await send(`s-${message}`, 'đăng ký kết hôn');
    const text = plain(await send(`s-${message}`, message));
    expect(text).not.toContain('chưa tìm được');
    expect(text).not.toContain('Đăng ký kết hôn');
    expect(text.length).toBeLessThan(200);
  });

  it('greets a new user on the first /start without saying the conversation was reset', async () => {
    const first = plain(await send('start-1', '/start'));
    expect(first).toContain('Xin chào');
    expect(first).not.toContain('Đã bắt đầu lại');
    await send('start-1', 'đăng ký kết hôn');
    expect(plain(await send('start-1', '/start'))).toContain('Đã bắt đầu lại');
  });
});

describe('off-topic questions', () => {
  it.each([
    'giá vàng hôm nay',
    'giá xăng bao nhiêu',
    'tỷ giá đô la',
    'kết quả bóng đá tối qua',
    'thời tiết mai thế nào',
  ])(
    '"%s" in the middle of a procedure gets the abstain reply, never the procedure, and is logged',
    async (message) => {
      const conversation = `o-${message}`;
      expect(plain(await send(conversation, 'làm lại căn cước bị mất'))).toContain('căn cước');
      const before = unanswered().length;
      const text = plain(await send(conversation, message));
      expect(text).toContain('chưa tìm được thủ tục');
      expect(text).not.toMatch(/căn cước|Lệ phí|Kết quả bạn nhận được/i);
      expect(unanswered().length).toBe(before + 1);
    },
  );

  it('never answers a price question about something else with the current fee table', async () => {
    await send('o-plane', 'đăng ký kết hôn');
    const text = plain(await send('o-plane', 'giá vé máy bay đi Đà Nẵng hôm nay'));
    expect(text).not.toMatch(/Thủ tục đăng ký kết hôn|Lệ phí và thời hạn/i);
  });

  it('keeps an administrative question that mentions gold', async () => {
    const text = plain(await send('o-gold-licence', 'xin giấy phép kinh doanh vàng miếng'));
    expect(text).not.toContain('chưa tìm được thủ tục');
  });
});

describe('dossier questions without a code', () => {
  it.each(['Tra cứu tình trạng hồ sơ', 'tra cứu hồ sơ', 'hồ sơ của tôi tới đâu rồi', 'kiem tra ho so da nop'])(
    '"%s" asks for the code and says where it is printed',
    async (message) => {
      const text = plain(await send(`d-${message}`, message));
      expect(text).toContain('mã hồ sơ');
      expect(text).toMatch(/giấy tiếp nhận|phiếu hẹn/);
      expect(text).toMatch(/SMS|email/);
      expect(text).not.toContain('chưa tìm được thủ tục');
      expect(text).not.toContain('hôn nhân');
    },
  );

  it('looks up the code sent next', async () => {
    await send('d-next', 'tra cứu hồ sơ');
    const text = plain(await send('d-next', '000.00.00.D00-250701-0002'));
    expect(text).toContain('Hồ sơ 000.00.00.D00-250701-0002');
  });

  it('still answers "hồ sơ gồm những gì" about the current procedure', async () => {
    await send('d-docs', 'đăng ký tạm trú');
    expect(plain(await send('d-docs', 'hồ sơ gồm những gì'))).toContain('Giấy tờ cần chuẩn bị');
  });
});

describe('menus', () => {
  it.each(['đăng ký', 'xin giấy phép', 'thủ tục', 'làm giấy tờ'])(
    'offers a short menu for "%s" instead of guessing',
    async (message) => {
      const replies = await send(`g-${message}`, message);
      const menu = lastMenu(replies);
      expect(menu?.options.length).toBeGreaterThanOrEqual(2);
      expect(menu?.options.length).toBeLessThanOrEqual(5);
      expect(plain(replies)).not.toContain('Cơ quan thực hiện');
    },
  );

  it('answers a stale button with the current buttons, saying the prompt once', async () => {
    const first = await send('m-1', 'đăng ký kết hôn');
    const old = lastMenu(first);
    await send('m-1', 'đăng ký tạm trú');
    const replies = await send('m-1', { menuId: old?.id ?? '', optionId: old?.options[0]?.id ?? '' });
    const text = plain(replies);
    expect(text).toContain('hết hạn');
    expect(replies.filter((r) => r.menu)).toHaveLength(1);
    // The buttons carry their prompt; the text must not say it a second time.
    expect(text).not.toContain(lastMenu(replies)?.prompt ?? '');
  });
});
