// Telegram in the wild, part 2: what happens when Telegram or the network misbehaves. Real telegraf against the
// fake Bot API on 127.0.0.1: polling rides out a 409 Conflict episode and says so in the channel state, a
// rejected token stops the channel with the reason, flood control on one chat does not hold another, HTML
// Telegram cannot parse is resent plainly, a failed part does not drop the rest, a flood gets one notice, and
// the webhook answers at once, once per update_id, whatever the query string of its URL.
import { setTimeout as pause } from 'node:timers/promises';
import Fastify, { type FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { startTelegram, type TelegramChannel, type TelegramChannelOptions } from '../adapters/telegram/bot.ts';
import { ChannelStates } from '../src/channels/states.ts';
import { type InboundEvent, type Reply, text } from '../src/conversation/types.ts';
import {
  callbackUpdate,
  type FakeTelegram,
  type InjectedError,
  startFakeTelegram,
  textUpdate,
} from './fixtures/fake-telegram.ts';
import { questionCard, ScriptedEngine } from './helpers/engines.ts';
import { until } from './helpers/until.ts';

const silent = pino({ level: 'silent' });

async function script(event: InboundEvent): Promise<Reply[]> {
  if (event.text === 'chậm') await pause(1500);
  if (event.choice) return [{ paragraphs: [[text(`Bạn đã chọn ${event.choice.optionId}`)]] }];
  if (event.text === 'ba phần') {
    return [1, 2, 3].map((n) => ({ paragraphs: [[text(`Phần ${n}`)]] }));
  }
  return [questionCard(event.text ?? '', [{ id: 'docs', label: 'Giấy tờ' }])];
}

const conflict: InjectedError = {
  error_code: 409,
  description: 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
};

let fake: FakeTelegram;
let channel: TelegramChannel | undefined;
let app: FastifyInstance | undefined;

afterEach(async () => {
  await channel?.stop();
  channel = undefined;
  await app?.close();
  app = undefined;
  await fake?.close();
});

async function start(extra: Partial<TelegramChannelOptions> = {}) {
  fake = await startFakeTelegram();
  const engine = new ScriptedEngine(script);
  const states = new ChannelStates();
  channel = await startTelegram({
    token: fake.token,
    apiRoot: fake.url,
    engine,
    states,
    logger: silent,
    pollingBackoff: { initialMs: 100, maxMs: 400 },
    ...extra,
  });
  return { engine, states };
}

const textsTo = (chatId: number) =>
  fake
    .callsOf('sendMessage')
    .filter((c) => c.body.chat_id === chatId)
    .map((c) => String(c.body.text));

describe('Telegram polling recovery', () => {
  it('rides out a 409 Conflict episode, reporting "retrying", then answers again', async () => {
    const { states } = await start();
    fake.failNext('getUpdates', conflict, 3);
    fake.failNext('getUpdates', { error_code: 502, description: 'Bad Gateway' });
    await until(() => states.get('telegram')?.state === 'retrying', 'the retrying state');
    expect(states.get('telegram')?.reason).toMatch(/409 Conflict/);
    fake.pushUpdate(textUpdate(42, 'vẫn còn đó chứ'));
    await until(() => textsTo(42).length === 1, 'the answer after the episode', 10_000);
    expect(states.get('telegram')?.state).toBe('running');
  });

  it('stops on a rejected token (401) and says why', async () => {
    const { states } = await start();
    fake.failNext('getUpdates', { error_code: 401, description: 'Unauthorized' });
    await until(() => states.get('telegram')?.state === 'stopped', 'the stopped state');
    expect(states.get('telegram')?.reason).toMatch(/TELEGRAM_BOT_TOKEN/);
    const polls = fake.callsOf('getUpdates').length;
    await pause(300);
    expect(fake.callsOf('getUpdates').length).toBe(polls);
  });
});

describe('Telegram sending', () => {
  it('a 429 on one chat does not delay another chat', async () => {
    await start();
    const wait8: InjectedError = {
      error_code: 429,
      description: 'Too Many Requests: retry after 8',
      parameters: { retry_after: 8 },
    };
    fake.failNext('answerCallbackQuery', wait8);
    fake.failNextFor('sendMessage', 1, wait8);
    fake.pushUpdate(callbackUpdate(1, 'm:p1:docs', 1000));
    fake.pushUpdate(textUpdate(1, 'chat một'));
    await fake.waitForCalls('sendMessage');
    const pushedAt = Date.now();
    fake.pushUpdate(textUpdate(2, 'chat hai'));
    await until(() => textsTo(2).length === 1, 'the other chat answered', 5_000);
    const answeredAt = fake.callsOf('sendMessage').find((c) => c.body.chat_id === 2)?.at ?? Number.POSITIVE_INFINITY;
    expect(answeredAt - pushedAt).toBeLessThan(1000);
  });

  it('resends as plain text when Telegram cannot parse the HTML', async () => {
    await start();
    fake.failNext('sendMessage', {
      error_code: 400,
      description: 'Bad Request: can\'t parse entities: Unsupported start tag "b" at byte offset 0',
    });
    fake.pushUpdate(textUpdate(42, 'hộ chiếu'));
    const [failed, plain] = await fake.waitForCalls('sendMessage', 2);
    expect(failed?.body.parse_mode).toBe('HTML');
    expect(plain?.body.parse_mode).toBeUndefined();
    expect(plain?.body.text).toBe('Bạn hỏi: hộ chiếu\n\nBạn muốn xem gì?');
    expect(plain?.body.reply_markup).toEqual(failed?.body.reply_markup);
  });

  it('still sends the remaining parts when one part fails', async () => {
    await start();
    fake.pushUpdate(textUpdate(42, 'ba phần'));
    await fake.waitForCalls('sendMessage', 1);
    // The first part is out; the second is refused for good; the third must still go.
    fake.failNext('sendMessage', { error_code: 400, description: 'Bad Request: message is too long' });
    await until(() => textsTo(42).length === 3, 'three attempts', 10_000);
    expect(textsTo(42)).toEqual(['Phần 1', 'Phần 2', 'Phần 3']);
  });

  it('gives a flood of 50 messages in 2 s one rate-limit notice, not 50 answers', async () => {
    const { engine } = await start();
    for (let i = 0; i < 50; i++) {
      fake.pushUpdate(textUpdate(42, `câu ${i}`, i + 1));
      if (i % 10 === 9) await pause(300);
    }
    await until(() => textsTo(42).some((t) => t.includes('hơi nhanh')), 'the notice', 5_000);
    await pause(500);
    expect(engine.events.length).toBeLessThanOrEqual(12);
    expect(textsTo(42).filter((t) => t.includes('hơi nhanh'))).toHaveLength(1);
  });
});

describe('Telegram webhook', () => {
  async function startWebhook(url: string) {
    app = Fastify();
    return start({ webhook: { url, secret: 'bi-mat_123', app } });
  }

  const post = (url: string, update: Record<string, unknown>) =>
    (app as FastifyInstance).inject({
      method: 'POST',
      url,
      headers: { 'x-telegram-bot-api-secret-token': 'bi-mat_123' },
      payload: update,
    });

  it('answers the same update_id once, even when Telegram delivers it twice', async () => {
    await startWebhook('https://bot.example.vn/webhooks/telegram');
    const update = { update_id: 501, ...textUpdate(7, 'cấp lại CCCD') };
    expect((await post('/webhooks/telegram', update)).statusCode).toBe(200);
    expect((await post('/webhooks/telegram', update)).statusCode).toBe(200);
    await fake.waitForCalls('sendMessage');
    await pause(300);
    expect(textsTo(7)).toHaveLength(1);
  });

  it('accepts updates when the webhook URL has a query string', async () => {
    await startWebhook('https://bot.example.vn/webhooks/telegram?bot=dvc');
    const response = await post('/webhooks/telegram?bot=dvc', { update_id: 1, ...textUpdate(7, 'xin chào') });
    expect(response.statusCode).toBe(200);
    await until(() => textsTo(7).length === 1, 'the answer');
  });

  it('acknowledges at once while the answer is slow or flood-controlled', async () => {
    await startWebhook('https://bot.example.vn/webhooks/telegram');
    fake.failNext('answerCallbackQuery', {
      error_code: 429,
      description: 'Too Many Requests: retry after 5',
      parameters: { retry_after: 5 },
    });
    const started = Date.now();
    await post('/webhooks/telegram', { update_id: 2, ...callbackUpdate(7, 'm:p1:docs', 1000) });
    await post('/webhooks/telegram', { update_id: 3, ...textUpdate(8, 'chậm') });
    expect(Date.now() - started).toBeLessThan(500);
    await until(() => textsTo(8).length === 1, 'the slow answer', 5_000);
  });
});
