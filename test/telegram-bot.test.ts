// The Telegram adapter end to end: real telegraf against a fake Bot API on 127.0.0.1, with a small
// deterministic engine. Proves what a Telegram user would see: escaped answers with buttons, button
// presses answered and followed (or edited in place), long answers split, flood control, blocked bots,
// ordering per chat, and the webhook route's secret check.
import { setTimeout as pause } from 'node:timers/promises';
import Fastify, { type FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTelegram, type TelegramChannel } from '../adapters/telegram/bot.ts';
import { bold, type InboundEvent, type Reply, text } from '../src/conversation/types.ts';
import { callbackUpdate, type FakeTelegram, startFakeTelegram, textUpdate } from './fixtures/fake-telegram.ts';
import { questionCard, ScriptedEngine } from './helpers/engines.ts';
import { until } from './helpers/until.ts';

const silent = pino({ level: 'silent' });

/** Echoes text with buttons, answers choices, replies long to "dài", and is slow on "chậm". */
async function script(event: InboundEvent): Promise<Reply[]> {
  if (event.text === 'chậm') await pause(150);
  if (event.choice) {
    return [
      {
        paragraphs: [[bold(`Bước 2/5`)], [text(`Bạn đã chọn ${event.choice.optionId}`)]],
        replacesPrevious: event.choice.optionId === 'next',
      },
    ];
  }
  if (event.text === 'dài') {
    return [{ paragraphs: Array.from({ length: 30 }, (_, i) => [text(`Đoạn ${i + 1}. ${'chữ '.repeat(60)}`)]) }];
  }
  const options = [
    { id: 'docs', label: 'Giấy tờ' },
    { id: 'next', label: 'Các bước' },
  ];
  return [
    questionCard(event.text ?? '', options, {
      links: [{ label: 'Mở trên Cổng DVC', url: 'https://dichvucong.gov.vn/' }],
    }),
  ];
}

describe('Telegram adapter (long polling)', () => {
  let fake: FakeTelegram;
  let engine: ScriptedEngine;
  let channel: TelegramChannel | undefined;

  beforeEach(async () => {
    fake = await startFakeTelegram();
    engine = new ScriptedEngine(script);
    channel = await startTelegram({ token: fake.token, apiRoot: fake.url, engine, logger: silent });
  });

  afterEach(async () => {
    await channel?.stop();
    await fake.close();
  });

  it('registers the commands in Vietnamese and starts polling', async () => {
    expect(channel?.mode).toBe('polling');
    const [setCommands] = fake.callsOf('setMyCommands');
    expect(setCommands?.body.commands).toEqual([
      { command: 'start', description: 'Bắt đầu trò chuyện với trợ lý' },
      { command: 'help', description: 'Xem hướng dẫn sử dụng' },
      { command: 'reset', description: 'Bắt đầu lại cuộc trò chuyện' },
    ]);
    await fake.waitForCalls('getUpdates');
  });

  it('answers a text message with escaped HTML and an inline keyboard', async () => {
    fake.pushUpdate(textUpdate(42, 'lệ phí <khai sinh> & hộ tịch'));
    const [sent] = await fake.waitForCalls('sendMessage');
    expect(sent?.body.chat_id).toBe(42);
    expect(sent?.body.parse_mode).toBe('HTML');
    expect(sent?.body.text).toBe('Bạn hỏi: <b>lệ phí &lt;khai sinh&gt; &amp; hộ tịch</b>\n\nBạn muốn xem gì?');
    expect(sent?.body.reply_markup).toEqual({
      inline_keyboard: [
        [
          { text: 'Giấy tờ', callback_data: 'm:p1:docs' },
          { text: 'Các bước', callback_data: 'm:p1:next' },
        ],
        [{ text: 'Mở trên Cổng DVC', url: 'https://dichvucong.gov.vn/' }],
      ],
    });
    expect(engine.events[0]).toMatchObject({ channel: 'telegram', conversationId: 'tg:42', userId: '42' });
  });

  it('passes /start (even addressed to the bot by name) to the engine as text', async () => {
    fake.pushUpdate(textUpdate(42, '/start@troly_dvc_bot'));
    await fake.waitForCalls('sendMessage');
    expect(engine.events[0]?.text).toBe('/start');
  });

  it('answers the callback query first, then sends the next message', async () => {
    fake.pushUpdate(callbackUpdate(42, 'm:p1:docs', 1000));
    const [sent] = await fake.waitForCalls('sendMessage');
    const methods = fake.calls.map((c) => c.method).filter((m) => m !== 'getUpdates');
    expect(methods.indexOf('answerCallbackQuery')).toBeLessThan(methods.indexOf('sendMessage'));
    expect(engine.events[0]?.choice).toEqual({ menuId: 'p1', optionId: 'docs' });
    expect(engine.events[0]?.text).toBeUndefined();
    expect(sent?.body.text).toBe('<b>Bước 2/5</b>\n\nBạn đã chọn docs');
  });

  it('still follows a button press whose callback query is too old to answer', async () => {
    fake.failNext('answerCallbackQuery', {
      error_code: 400,
      description: 'Bad Request: query is too old and response timeout expired or query ID is invalid',
    });
    fake.pushUpdate(callbackUpdate(42, 'm:p1:docs', 1000));
    const [sent] = await fake.waitForCalls('sendMessage');
    expect(sent?.body.text).toContain('Bạn đã chọn docs');
  });

  it('edits the pressed message in place when the reply replaces it', async () => {
    fake.pushUpdate(callbackUpdate(42, 'm:p1:next', 1000));
    const [edited] = await fake.waitForCalls('editMessageText');
    expect(edited?.body).toMatchObject({ chat_id: 42, message_id: 1000, text: '<b>Bước 2/5</b>\n\nBạn đã chọn next' });
    expect(fake.callsOf('sendMessage')).toHaveLength(0);
  });

  it('ignores "message is not modified" when the edit changes nothing', async () => {
    fake.failNext('editMessageText', { error_code: 400, description: 'Bad Request: message is not modified' });
    fake.pushUpdate(callbackUpdate(42, 'm:p1:next', 1000));
    await fake.waitForCalls('editMessageText');
    fake.pushUpdate(textUpdate(42, 'tiếp'));
    await fake.waitForCalls('sendMessage');
    // No duplicate message was sent for the unmodified edit: the only message is the answer to "tiếp".
    expect(fake.callsOf('sendMessage')).toHaveLength(1);
    expect(fake.callsOf('sendMessage')[0]?.body.text).toContain('tiếp');
  });

  it('splits a long reply into several messages under 4096 characters', async () => {
    fake.pushUpdate(textUpdate(42, 'dài'));
    await until(() => fake.callsOf('sendMessage').length >= 2, 'two parts', 10_000);
    await channel?.stop();
    channel = undefined;
    const parts = fake.callsOf('sendMessage').map((c) => String(c.body.text));
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(part.length).toBeLessThan(4096);
    expect(parts.join('\n\n')).toContain('Đoạn 30.');
    expect(parts[0]?.startsWith('Đoạn 1.')).toBe(true);
  });

  it('waits out a 429 and retries the same message', async () => {
    fake.failNext('sendMessage', {
      error_code: 429,
      description: 'Too Many Requests: retry after 1',
      parameters: { retry_after: 1 },
    });
    fake.pushUpdate(textUpdate(42, 'xin chào'));
    const calls = await fake.waitForCalls('sendMessage', 2);
    expect(calls[1]?.body.text).toBe(calls[0]?.body.text);
    expect(calls[1]?.body.chat_id).toBe(42);
  });

  it('ends the conversation quietly when the user blocked the bot (403)', async () => {
    fake.failNext('sendMessage', { error_code: 403, description: 'Forbidden: bot was blocked by the user' });
    fake.pushUpdate(textUpdate(99, 'xin chào'));
    await until(() => engine.ended.length > 0, 'endConversation', 10_000);
    expect(engine.ended).toEqual(['tg:99']);
    expect(fake.callsOf('sendMessage')).toHaveLength(1);
  });

  it('answers two quick messages of one chat in order, one at a time', async () => {
    fake.pushUpdate(textUpdate(42, 'chậm', 1));
    fake.pushUpdate(textUpdate(42, 'nhanh', 2));
    const sent = await fake.waitForCalls('sendMessage', 2);
    expect(sent.map((c) => String(c.body.text))).toEqual([
      expect.stringContaining('chậm'),
      expect.stringContaining('nhanh'),
    ]);
    expect(engine.maxConcurrentPerConversation).toBe(1);
  });
});

describe('Telegram adapter (webhook)', () => {
  let fake: FakeTelegram;
  let engine: ScriptedEngine;
  let app: FastifyInstance;
  let channel: TelegramChannel | undefined;

  beforeEach(async () => {
    fake = await startFakeTelegram();
    engine = new ScriptedEngine(script);
    app = Fastify();
    channel = await startTelegram({
      token: fake.token,
      apiRoot: fake.url,
      engine,
      logger: silent,
      webhook: { url: 'https://bot.example.vn/webhooks/telegram', secret: 'bi-mat_123', app },
    });
  });

  afterEach(async () => {
    await channel?.stop();
    await app.close();
    await fake.close();
  });

  it('sets the webhook with the secret and never polls', async () => {
    expect(channel?.mode).toBe('webhook');
    expect(fake.callsOf('setWebhook')[0]?.body).toMatchObject({
      url: 'https://bot.example.vn/webhooks/telegram',
      secret_token: 'bi-mat_123',
    });
    expect(fake.callsOf('getUpdates')).toHaveLength(0);
  });

  it('accepts an update with the right secret and answers through the API', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/webhooks/telegram',
      headers: { 'x-telegram-bot-api-secret-token': 'bi-mat_123' },
      payload: { update_id: 1, ...textUpdate(7, 'cấp lại CCCD') },
    });
    expect(response.statusCode).toBe(200);
    const [sent] = await fake.waitForCalls('sendMessage');
    expect(sent?.body.text).toContain('cấp lại CCCD');
    expect(engine.events[0]?.conversationId).toBe('tg:7');
  });

  it('rejects updates without the secret or with a wrong one', async () => {
    const missing = await app.inject({
      method: 'POST',
      url: '/webhooks/telegram',
      payload: { update_id: 2, ...textUpdate(7, 'giả mạo') },
    });
    const wrong = await app.inject({
      method: 'POST',
      url: '/webhooks/telegram',
      headers: { 'x-telegram-bot-api-secret-token': 'sai' },
      payload: { update_id: 3, ...textUpdate(7, 'giả mạo') },
    });
    expect([401, 403]).toContain(missing.statusCode);
    expect([401, 403]).toContain(wrong.statusCode);
    await channel?.stop();
    channel = undefined;
    expect(engine.events).toHaveLength(0);
    expect(fake.callsOf('sendMessage')).toHaveLength(0);
  });
});
