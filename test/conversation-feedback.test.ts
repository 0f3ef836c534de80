// The feedback loop as a citizen and a maintainer see it: "Hữu ích / Chưa đúng" on each answer, stored once
// with the question (personal data removed) and the procedure shown; abstained and unanswered questions
// logged for maintainers; and logs that never contain what the citizen typed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { type Assistant, createAssistant } from '../src/assistant.ts';
import type { Choice, Reply } from '../src/conversation/types.ts';
import { loadCatalogue } from '../src/knowledge/loader.ts';
import { createLogger, type Logger } from '../src/log/logger.ts';
import type { MemoryFeedbackStore } from '../src/store/memory.ts';
import { lastMenu, plain, press, sendTo, testConfig } from './helpers/conversation.ts';

const catalogue = loadCatalogue({ knowledgeDir: 'knowledge' });
const idOf = (code: string) => catalogue.procedures.find((p) => p.code === code)?.id;

const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(
  logger: Logger = createLogger('silent'),
): Promise<{ assistant: Assistant; store: MemoryFeedbackStore }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'conversation-feedback-'));
  const config = testConfig(dataDir, { DOSSIER_PROVIDER: 'demo' });
  const assistant = await createAssistant(config, logger, { inMemory: true });
  cleanups.push(async () => {
    await assistant.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  return { assistant, store: assistant.feedback as MemoryFeedbackStore };
}

const send = (assistant: Assistant, conversationId: string, input: string | Choice): Promise<Reply[]> =>
  sendTo(assistant.engine, conversationId, input, 'telegram');

describe('feedback on an answer', () => {
  it('stores "Chưa đúng" with the scrubbed question and the procedure shown, only once', async () => {
    const { assistant, store } = await start();
    const card = await send(
      assistant,
      'f1',
      'nhập hộ khẩu cho vợ, sđt của tôi 0912 345 678, mail an.nguyen@example.com',
    );
    expect(card[0]?.paragraphs[0]).toEqual([{ kind: 'bold', text: 'Đăng ký thường trú' }]);

    const thanks = await send(assistant, 'f1', press(card, 'Chưa đúng'));
    expect(plain(thanks)).toContain('Cảm ơn bạn đã báo');
    expect(store.feedback).toHaveLength(1);
    const [entry] = store.feedback;
    expect(entry?.helpful).toBe(false);
    expect(entry?.procedureId).toBe(idOf('1.004222'));
    expect(entry?.channel).toBe('telegram');
    expect(entry?.question).toContain('nhập hộ khẩu cho vợ');
    expect(entry?.question).toContain('[số]');
    expect(entry?.question).toContain('[email]');
    expect(entry?.question).not.toMatch(/0912|345 678|an\.nguyen|example\.com/);

    expect(plain(await send(assistant, 'f1', press(card, 'Hữu ích')))).toContain('đã góp ý cho câu trả lời này rồi');
    expect(plain(await send(assistant, 'f1', 'hữu ích'))).toContain('đã góp ý cho câu trả lời này rồi');
    expect(store.feedback).toHaveLength(1);
  });

  it('accepts typed feedback and counts it in the summary', async () => {
    const { assistant, store } = await start();
    await send(assistant, 'f2', 'làm lại căn cước bị mất');
    expect(plain(await send(assistant, 'f2', 'huu ich'))).toContain('Cảm ơn bạn đã góp ý');
    const summary = await store.summary();
    expect(summary.totals).toEqual({ feedback: 1, helpful: 1, notHelpful: 0, unanswered: 0 });
    expect(summary.negative).toEqual([]);
  });

  it('keeps the buttons of an answer working after more menus, but not once a new answer is shown', async () => {
    const { assistant, store } = await start();
    const card = await send(assistant, 'f3', 'làm lại căn cước bị mất');
    const steps = await send(assistant, 'f3', press(card, 'Các bước'));
    await send(assistant, 'f3', press(steps, 'Tiếp'));
    expect(plain(await send(assistant, 'f3', press(card, 'Hữu ích')))).toContain('Cảm ơn bạn đã góp ý');
    expect(store.feedback.map((f) => f.procedureId)).toEqual([idOf('1.014064')]);

    const second = await send(assistant, 'f3', 'đăng ký kết hôn');
    expect(lastMenu(second)?.options.map((o) => o.label)).toContain('Chưa đúng');
    expect(plain(await send(assistant, 'f3', press(card, 'Chưa đúng')))).toContain('menu đã hết hạn');
    expect(plain(await send(assistant, 'f3', press(second, 'Chưa đúng')))).toContain('Cảm ơn bạn đã báo');
    expect(store.feedback.map((f) => [f.procedureId, f.helpful])).toEqual([
      [idOf('1.014064'), true],
      [idOf('1.000894'), false],
    ]);
  });

  it('stores the question that led to a clarified answer', async () => {
    const { assistant, store } = await start();
    const menu = await send(assistant, 'f4', 'bằng lái');
    const picked = lastMenu(menu)?.options[0]?.id ?? '';
    const card = await send(assistant, 'f4', { menuId: lastMenu(menu)?.id ?? '', optionId: picked });
    await send(assistant, 'f4', press(card, 'Chưa đúng'));
    expect(store.feedback[0]?.question).toBe('bằng lái');
  });

  it('asks for a question first when feedback comes before any answer', async () => {
    const { assistant, store } = await start();
    expect(plain(await send(assistant, 'f5', 'chưa đúng'))).toContain('Bạn muốn hỏi về thủ tục nào?');
    expect(store.feedback).toHaveLength(0);
  });
});

describe('unanswered questions', () => {
  it('logs an abstained question once per wording, without personal data', async () => {
    const { assistant, store } = await start();
    await send(assistant, 'u1', 'thời tiết mai thế nào');
    await send(assistant, 'u2', 'thoi tiet mai the nao');
    await send(assistant, 'u3', 'gọi cho tôi số 0987654321 nói chuyện thời tiết');
    expect(store.unanswered).toHaveLength(3);
    expect(store.unanswered[0]).toMatchObject({
      question: 'thời tiết mai thế nào',
      reason: 'abstain',
      channel: 'telegram',
    });
    expect(store.unanswered[2]?.question).toBe('gọi cho tôi số [số] nói chuyện thời tiết');
    const summary = await store.summary();
    expect(summary.unanswered[0]).toMatchObject({ question: 'thời tiết mai thế nào', count: 2 });
    expect(summary.totals.unanswered).toBe(3);
  });

  it('logs the question when none of the offered procedures fits', async () => {
    const { assistant, store } = await start();
    const menu = await send(assistant, 'u4', 'bằng lái');
    const none = await send(assistant, 'u4', press(menu, 'Không phải các thủ tục trên'));
    expect(plain(none)).toContain('chưa tìm được thủ tục hành chính phù hợp');
    expect(store.unanswered.map((u) => u.question)).toEqual(['bằng lái']);
  });

  it('does not log greetings, commands, navigation or dossier codes', async () => {
    const { assistant, store } = await start();
    for (const text of ['xin chào', '/help', 'tiếp', '3', 'cảm ơn', '000.00.00.D00-250701-0002']) {
      await send(assistant, 'u5', text);
    }
    expect(store.unanswered).toEqual([]);
  });
});

describe('logs', () => {
  it('never contain what the citizen typed, phone numbers or dossier codes', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const { assistant } = await start(createLogger('trace', sink));
    const card = await send(assistant, 'secret-chat-42', 'nhập hộ khẩu cho vợ 0912345678');
    await send(assistant, 'secret-chat-42', press(card, 'Chưa đúng'));
    await send(assistant, 'secret-chat-42', 'thời tiết mai thế nào');
    await send(assistant, 'secret-chat-42', 'hồ sơ 000.00.00.D00-250701-0002');
    const log = lines.join('');
    expect(lines.some((l) => l.includes('message handled'))).toBe(true);
    for (const secret of ['nhập hộ khẩu', '0912345678', 'thời tiết', '250701-0002', 'secret-chat-42'])
      expect(log).not.toContain(secret);
  });
});
