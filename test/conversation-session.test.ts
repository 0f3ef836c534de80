// The conversation as a session: greetings, help and reset; typed menu answers and stale menus; messages of
// one chat answered in order (the inbound pipeline's lock); sessions that survive a restart (SQLite) and expire after the idle time;
// bad input (empty, huge, binary, emoji, control characters, HTML) answered clearly with the session intact.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type Assistant, createAssistant } from '../src/assistant.ts';
import type { Choice, Reply } from '../src/conversation/types.ts';
import { InboundPipeline } from '../src/inbound/pipeline.ts';
import { createLogger } from '../src/log/logger.ts';
import type { MemoryFeedbackStore } from '../src/store/memory.ts';
import { lastMenu, plain, press, sendTo, testConfig } from './helpers/conversation.ts';

const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'conversation-session-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function start(
  dataDir: string,
  options: { inMemory?: boolean; now?: () => number; env?: Record<string, string> } = {},
): Promise<Assistant> {
  const config = testConfig(dataDir, options.env);
  const assistant = await createAssistant(config, createLogger('silent'), {
    inMemory: options.inMemory ?? true,
    ...(options.now ? { now: options.now } : {}),
  });
  let closed = false;
  const close = assistant.close.bind(assistant);
  assistant.close = async () => {
    if (closed) return;
    closed = true;
    await close();
  };
  cleanups.push(() => assistant.close());
  return assistant;
}

const send = (assistant: Assistant, conversationId: string, input: string | Choice): Promise<Reply[]> =>
  sendTo(assistant.engine, conversationId, input, 'web');

describe('greetings, help and reset', () => {
  it('greets, thanks and helps in short Vietnamese, with or without diacritics', async () => {
    const assistant = await start(tempDir());
    expect(plain(await send(assistant, 'g', 'xin chào'))).toContain('Mình là Trợ lý Dịch vụ công');
    expect(plain(await send(assistant, 'g', 'chao ban'))).toContain('Mình là Trợ lý Dịch vụ công');
    expect(plain(await send(assistant, 'g', 'cảm ơn bạn nhé'))).toContain('Không có gì');
    expect(plain(await send(assistant, 'g', 'cam on'))).toContain('Không có gì');
    const help = plain(await send(assistant, 'g', '/help'));
    expect(help).toContain('Mình có thể giúp bạn');
    expect(help).toContain('"tiếp", "quay lại", "bước 3"');
    expect(help).toContain('bắt đầu lại');
    expect(plain(await send(assistant, 'g', 'tro giup'))).toContain('Mình có thể giúp bạn');
  });

  it('starts afresh on "bắt đầu lại", "bat dau lai", /start and /reset', async () => {
    const assistant = await start(tempDir());
    for (const command of ['bắt đầu lại', 'bat dau lai', '/start', '/reset']) {
      await send(assistant, 'r', 'làm lại căn cước bị mất');
      const reset = await send(assistant, 'r', command);
      expect(plain(reset)).toContain('Đã bắt đầu lại cuộc trò chuyện');
      expect(plain(reset)).toContain('Xin chào');
      expect(plain(await send(assistant, 'r', 'tiếp'))).toContain('Bạn muốn hỏi về thủ tục nào?');
    }
  });

  it('forgets a conversation that ended', async () => {
    const assistant = await start(tempDir());
    await send(assistant, 'e', 'làm lại căn cước bị mất');
    await assistant.engine.endConversation('e');
    expect(plain(await send(assistant, 'e', 'tiếp'))).toContain('Bạn muốn hỏi về thủ tục nào?');
  });
});

describe('menus', () => {
  it('resolves "số 2" and a typed label like the button, and says when a number is not on the menu', async () => {
    const assistant = await start(tempDir());
    const card = await send(assistant, 'm', 'đăng ký tạm trú');
    expect(lastMenu(card)?.options[1]?.label).toBe('Giấy tờ');
    expect(plain(await send(assistant, 'm', 'số 2'))).toContain('Giấy tờ cần chuẩn bị');
    expect(plain(await send(assistant, 'm', 'lệ phí & thời gian'))).toContain('Lệ phí và thời hạn theo cách nộp');

    const before = await send(assistant, 'm', 'Thông tin chung');
    const menu = lastMenu(before);
    const wrong = await send(assistant, 'm', '9');
    expect(plain(wrong)).toContain(`chọn một số từ 1 đến ${menu?.options.length}`);
    expect(lastMenu(wrong)).toEqual(menu);
    const feedback = assistant.feedback as MemoryFeedbackStore;
    expect(feedback.unanswered).toHaveLength(0);
  });

  it('says there is nothing to choose when a number comes without a menu', async () => {
    const assistant = await start(tempDir());
    expect(plain(await send(assistant, 'n', '3'))).toContain('Hiện chưa có danh sách nào để chọn');
  });

  it('answers a press on an old menu as expired, shows the current menu and keeps the walk', async () => {
    const assistant = await start(tempDir());
    const card = await send(assistant, 's', 'làm lại căn cước bị mất');
    const step1 = await send(assistant, 's', press(card, 'Các bước'));
    expect(plain(step1)).toContain('Bước 1/');

    const stale = await send(assistant, 's', press(card, 'Giấy tờ'));
    expect(plain(stale)).toContain('menu đã hết hạn');
    expect(lastMenu(stale)).toEqual(lastMenu(step1));
    const unknown = await send(assistant, 's', { menuId: 'zz99', optionId: 'docs' });
    expect(plain(unknown)).toContain('menu đã hết hạn');
    const current = lastMenu(step1)?.id ?? '';
    expect(plain(await send(assistant, 's', { menuId: current, optionId: 'bogus' }))).toContain('hết hạn');

    expect(plain(await send(assistant, 's', press(step1, 'Tiếp')))).toContain('Bước 2/');
  });

  it('answers a press in a conversation it has never seen', async () => {
    const assistant = await start(tempDir());
    const replies = await send(assistant, 'never-seen', { menuId: 'c1', optionId: 'steps' });
    expect(plain(replies)).toContain('menu đã hết hạn');
    expect(plain(replies)).toContain('Bạn muốn hỏi về thủ tục nào?');
  });
});

describe('order and persistence', () => {
  it('answers messages of one conversation in the order they were sent (through the inbound pipeline)', async () => {
    const assistant = await start(tempDir());
    const inbound = new InboundPipeline({ engine: assistant.engine, logger: createLogger('silent') });
    const finished: string[] = [];
    const track = async (label: string, input: string) => {
      const result = await inbound.handle({
        event: { channel: 'web', conversationId: 'q', userId: 'citizen', text: input, receivedAt: Date.now() },
      });
      finished.push(label);
      return result.replies;
    };
    const [card, first, second] = await Promise.all([
      track('question', 'làm lại căn cước bị mất'),
      track('tiếp 1', 'tiếp'),
      track('tiếp 2', 'tiếp'),
    ]);
    expect(finished).toEqual(['question', 'tiếp 1', 'tiếp 2']);
    expect(card[0]?.paragraphs[0]).toEqual([{ kind: 'bold', text: 'Cấp lại thẻ căn cước' }]);
    expect(plain(first)).toContain('Bước 1/');
    expect(plain(second)).toContain('Bước 2/');
  });

  it('keeps conversations apart', async () => {
    const assistant = await start(tempDir());
    await send(assistant, 'a', 'làm lại căn cước bị mất');
    await send(assistant, 'b', 'đăng ký kết hôn');
    expect(plain(await send(assistant, 'a', 'tiếp'))).toContain('Cấp lại thẻ căn cước');
    expect(plain(await send(assistant, 'b', 'tiếp'))).toContain('Thủ tục đăng ký kết hôn');
  });

  it('continues the step walk after a restart with the SQLite store', async () => {
    const dataDir = tempDir();
    const before = await start(dataDir, { inMemory: false });
    const card = await send(before, 'web:restart', 'làm lại căn cước bị mất');
    const step1 = await send(before, 'web:restart', press(card, 'Các bước'));
    expect(plain(step1)).toContain('Bước 1/');
    await before.close();

    const after = await start(dataDir, { inMemory: false });
    expect(plain(await send(after, 'web:restart', 'tiếp'))).toContain('Bước 2/');
    expect(plain(await send(after, 'web:restart', 'quay lại'))).toContain('Bước 1/');
  });

  for (const inMemory of [true, false]) {
    it(`expires a session after the idle time (${inMemory ? 'memory' : 'SQLite'})`, async () => {
      let clock = Date.UTC(2026, 10, 28, 8, 0);
      const minutes = (n: number) => {
        clock += n * 60_000;
      };
      const assistant = await start(tempDir(), {
        inMemory,
        now: () => clock,
        env: { SESSION_IDLE_MINUTES: '30' },
      });
      await send(assistant, 'idle', 'làm lại căn cước bị mất');
      minutes(29);
      expect(plain(await send(assistant, 'idle', 'tiếp'))).toContain('Bước 1/');
      minutes(29);
      expect(plain(await send(assistant, 'idle', 'tiếp'))).toContain('Bước 2/');
      minutes(31);
      expect(plain(await send(assistant, 'idle', 'tiếp'))).toContain('Bạn muốn hỏi về thủ tục nào?');
    });
  }
});

describe('bad input', () => {
  async function walking(assistant: Assistant, id: string): Promise<void> {
    await send(assistant, id, 'làm lại căn cước bị mất');
    expect(plain(await send(assistant, id, 'tiếp'))).toContain('Bước 1/');
  }

  it('answers empty, blank, emoji-only, control-character and binary messages and keeps the session', async () => {
    const assistant = await start(tempDir());
    await walking(assistant, 'bad');
    const cases: [string, string][] = [
      ['', 'Bạn chưa nhập nội dung'],
      ['   \n\t  ', 'Bạn chưa nhập nội dung'],
      ['\u0000\u0001\u0007\u007f', 'Bạn chưa nhập nội dung'],
      ['😀😀😀', 'Mình chưa hiểu tin nhắn này'],
      ['\ud800\u200b\ufeff👍', 'Mình chưa hiểu tin nhắn này'],
    ];
    for (const [input, expected] of cases) {
      const replies = await send(assistant, 'bad', input);
      expect(plain(replies)).toContain(expected);
    }
    const binary = Buffer.from([0xff, 0xfe, 0x00, 0x81, 0x9f, 0x10, 0xc3, 0x28]).toString('latin1');
    const replies = await send(assistant, 'bad', binary);
    expect(plain(replies).length).toBeGreaterThan(0);
    expect(plain(await send(assistant, 'bad', 'tiếp'))).toContain('Bước 2/');
  });

  it('never echoes HTML: replies are plain spans and links only go to the portal', async () => {
    const assistant = await start(tempDir());
    await walking(assistant, 'html');
    const replies = await send(assistant, 'html', '<script>alert("xin chào")</script><b>đăng ký</b>');
    for (const span of replies.flatMap((r) => r.paragraphs.flat())) {
      expect(['text', 'bold', 'link']).toContain(span.kind);
      expect(span.text).not.toContain('<script');
      if (span.kind === 'link') expect(span.url.startsWith('https://dichvucong.gov.vn')).toBe(true);
    }
    expect(plain(await send(assistant, 'html', 'tiếp'))).toContain('Bước 2/');
  });

  it('reads the start of a 10 kB message and stores at most a short excerpt of it', async () => {
    const assistant = await start(tempDir());
    const long = 'mình cần đăng ký kết hôn, '.repeat(420);
    expect(long.length).toBeGreaterThan(10_000);
    const replies = await send(assistant, 'long', long);
    expect(plain([replies[0] ?? { paragraphs: [] }])).toBe('Tin nhắn quá dài, mình chỉ đọc 1.000 ký tự đầu.');
    expect(replies[1]?.paragraphs[0]).toEqual([{ kind: 'bold', text: 'Thủ tục đăng ký kết hôn' }]);
    // Exactly the limit is read whole, without the notice.
    const exact = await send(assistant, 'exact', 'đăng ký kết hôn '.padEnd(1000, '.'));
    expect(plain(exact)).not.toContain('quá dài');

    const noise = 'thời tiết hôm nay mưa to gió lớn '.repeat(320);
    expect(plain(await send(assistant, 'long', noise))).toContain('chưa tìm được');
    const [entry] = (assistant.feedback as MemoryFeedbackStore).unanswered;
    expect(entry?.question.length).toBeLessThanOrEqual(500);
    expect(entry?.question.startsWith('thời tiết hôm nay')).toBe(true);
  });
});
