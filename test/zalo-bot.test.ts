// The Zalo Bot Platform channel against a fake Bot API on 127.0.0.1: it answers a question and a menu choice
// typed as a number, answers a duplicate delivery once, stays silent in a group unless mentioned, answers a
// sticker with the "text only" line, keeps polling through failures (and says so), stops on a refused token,
// retries a failed send, and checks the webhook's secret header.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as pause } from 'node:timers/promises';
import Fastify, { type FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { startChannels } from '../adapters/index.ts';
import { startZaloBot, type ZaloBotChannel } from '../adapters/zalo-bot/channel.ts';
import { createAssistant } from '../src/assistant.ts';
import { type ChannelRunState, ChannelStates } from '../src/channels/states.ts';
import { loadConfig } from '../src/config/config.ts';
import { type ConversationEngine, text } from '../src/conversation/types.ts';
import { BOT_INFO, type FakeZaloBot, startFakeZaloBot, stickerUpdate, textUpdate } from './fixtures/fake-zalo-bot.ts';
import { testConfig } from './helpers/conversation.ts';
import { ScriptedEngine } from './helpers/engines.ts';
import { until } from './helpers/until.ts';

const silent = pino({ level: 'silent' });
const noPacing = { perChatIntervalMs: 0, globalPerSecond: 1000 };
const echo = () => new ScriptedEngine((event) => [{ paragraphs: [[text(`Bạn hỏi: ${event.text}`)]] }]);

/** Channel states that also remember every state reported, in order. */
class States extends ChannelStates {
  seen: ChannelRunState[] = [];
  override report(channel: string, state: ChannelRunState, reason?: string): void {
    this.seen.push(state);
    super.report(channel, state, reason);
  }
  get last() {
    return this.get('zalo_bot');
  }
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function fakeBot(): Promise<FakeZaloBot> {
  const fake = await startFakeZaloBot();
  cleanups.push(() => fake.close());
  return fake;
}

async function polling(
  fake: FakeZaloBot,
  engine: ConversationEngine = echo(),
  extra: Partial<Parameters<typeof startZaloBot>[0]> = {},
) {
  const channel = await startZaloBot({
    token: fake.token,
    apiRoot: fake.url,
    engine,
    logger: silent,
    pacing: noPacing,
    backoff: { initialMs: 20, maxMs: 100 },
    pollTimeoutSeconds: 1,
    sendRetry: { attempts: 4, backoffMs: 10 },
    ...extra,
  });
  cleanups.push(() => channel.stop());
  return channel;
}

describe('Zalo Bot Platform channel', () => {
  it('answers a question, then a menu choice typed as a number, with the real assistant', async () => {
    const fake = await fakeBot();
    const dataDir = mkdtempSync(join(tmpdir(), 'zalo-bot-'));
    const assistant = await createAssistant(testConfig(dataDir), silent, { inMemory: true });
    cleanups.push(async () => {
      await assistant.close();
      rmSync(dataDir, { recursive: true, force: true });
    });
    await polling(fake, assistant.engine);

    fake.push(textUpdate('lệ phí làm hộ chiếu'));
    await until(() => fake.sent().some((m) => m.text.includes('Trả lời')), 'the answer with its menu', 10_000);
    const answer = fake.sent();
    expect(answer.every((m) => m.chat_id === 'u-1001' && m.text.length <= 2000)).toBe(true);
    const menuLine = answer
      .map((m) => m.text)
      .join('\n')
      .match(/^1\. (.+)$/m);
    expect(menuLine?.[1]).toBe('Các bước');

    const before = answer.length;
    fake.push(textUpdate('1'));
    await until(() => fake.sent().length > before, 'the answer to "1"', 10_000);
    const steps = fake
      .sent()
      .slice(before)
      .map((m) => m.text)
      .join('\n');
    expect(steps).toMatch(/Bước 1/);
    expect(fake.calls.some((c) => c.method === 'sendChatAction' && c.body.action === 'typing')).toBe(true);
  });

  it('answers the same message delivered twice only once', async () => {
    const fake = await fakeBot();
    const engine = echo();
    await polling(fake, engine);
    const update = textUpdate('đăng ký tạm trú', { messageId: 'dup-1' });
    fake.push(update);
    fake.push(update);
    fake.push(textUpdate('sau đó'));
    await fake.waitForSent(2);
    await pause(200);
    expect(fake.sent().map((m) => m.text)).toEqual(['Bạn hỏi: đăng ký tạm trú', 'Bạn hỏi: sau đó']);
  });

  it('stays silent in a group unless the bot is mentioned, and answers the mention without the name', async () => {
    const fake = await fakeBot();
    const engine = echo();
    await polling(fake, engine);
    fake.push(textUpdate('mọi người ơi tối nay đi ăn không', { chat: 'g-1', group: true }));
    fake.push(textUpdate(`@${BOT_INFO.display_name} làm hộ chiếu ở đâu`, { chat: 'g-1', group: true, from: 'u-7' }));
    const [reply] = await fake.waitForSent(1);
    await pause(200);
    expect(fake.sent()).toHaveLength(1);
    expect(reply).toEqual({ chat_id: 'g-1', text: 'Bạn hỏi: làm hộ chiếu ở đâu' });
    expect(engine.events.map((e) => e.conversationId)).toEqual(['zalo_bot:g-1:u-7']);
  });

  it('answers a sticker with the line saying it reads text only, without asking the engine', async () => {
    const fake = await fakeBot();
    const engine = echo();
    await polling(fake, engine);
    fake.push(stickerUpdate());
    const [reply] = await fake.waitForSent(1);
    expect(reply?.text).toMatch(/chỉ đọc được tin nhắn chữ/);
    expect(engine.events).toHaveLength(0);
  });

  it('keeps polling through failures, reports "retrying" meanwhile, and answers afterwards', async () => {
    const fake = await fakeBot();
    const states = new States();
    await polling(fake, echo(), { states });
    fake.fail('getUpdates', 502, 3);
    await until(() => states.seen.includes('retrying'), 'a retrying state');
    fake.push(textUpdate('còn đó không'));
    const [reply] = await fake.waitForSent(1);
    expect(reply?.text).toBe('Bạn hỏi: còn đó không');
    expect(states.last?.state).toBe('running');
  });

  it('stops polling on a refused token and says why', async () => {
    const fake = await fakeBot();
    const states = new States();
    const channel: ZaloBotChannel = await polling(fake, echo(), { states });
    fake.fail('getUpdates', 401, 1);
    await until(() => channel.state === 'stopped', 'the channel to stop');
    expect(states.last?.reason).toMatch(/ZALO_BOT_TOKEN/);
    const polls = fake.calls.filter((c) => c.method === 'getUpdates').length;
    await pause(150);
    expect(fake.calls.filter((c) => c.method === 'getUpdates').length).toBe(polls);
  });

  it('refuses to start with a bad token, naming the setting', async () => {
    const fake = await fakeBot();
    await expect(startZaloBot({ token: '1:wrong', apiRoot: fake.url, engine: echo(), logger: silent })).rejects.toThrow(
      /ZALO_BOT_TOKEN/,
    );
  });

  it('retries a failed send and still sends the remaining parts of a long answer', async () => {
    const fake = await fakeBot();
    const long = new ScriptedEngine(() => [
      { paragraphs: Array.from({ length: 12 }, (_, i) => [text(`Đoạn ${i + 1}. ${'giấy tờ '.repeat(40)}`)]) },
    ]);
    await polling(fake, long);
    fake.fail('sendMessage', 500, 2);
    fake.push(textUpdate('dài'));
    await until(() => fake.sent().some((m) => m.text.includes('Đoạn 12.')), 'the last part');
    const delivered = fake.calls.filter((c) => c.method === 'sendMessage').slice(2);
    expect(delivered.length).toBeGreaterThan(1);
    expect(delivered[0]?.body.text).toMatch(/^Đoạn 1\./);
  });
});

describe('Zalo Bot Platform webhook', () => {
  let app: FastifyInstance;

  async function webhook(fake: FakeZaloBot, engine = echo()) {
    app = Fastify();
    cleanups.push(() => app.close());
    const channel = await startZaloBot({
      token: fake.token,
      apiRoot: fake.url,
      webhook: { url: 'https://bot.example.vn/webhooks/zalo-bot', secret: 'a-long-secret', app },
      engine,
      logger: silent,
      pacing: noPacing,
    });
    cleanups.push(() => channel.stop());
    return channel;
  }

  const post = (payload: unknown, secret?: string) =>
    app.inject({
      method: 'POST',
      url: '/webhooks/zalo-bot',
      headers: secret ? { 'x-bot-api-secret-token': secret } : {},
      payload: payload as Record<string, unknown>,
    });

  it('registers the webhook with its secret, refuses calls without it, and answers a redelivery once', async () => {
    const fake = await fakeBot();
    const channel = await webhook(fake);
    expect(channel.mode).toBe('webhook');
    expect(fake.calls.find((c) => c.method === 'setWebhook')?.body).toEqual({
      url: 'https://bot.example.vn/webhooks/zalo-bot',
      secret_token: 'a-long-secret',
    });
    const update = textUpdate('cấp lại căn cước', { messageId: 'w-1' });
    expect((await post(update)).statusCode).toBe(403);
    expect((await post(update, 'wrong-secret')).statusCode).toBe(403);
    expect((await post(update, 'a-long-secret')).statusCode).toBe(200);
    expect((await post(update, 'a-long-secret')).statusCode).toBe(200);
    await fake.waitForSent(1);
    await pause(150);
    expect(fake.sent().map((m) => m.text)).toEqual(['Bạn hỏi: cấp lại căn cước']);
  });
});

describe('Zalo Bot Platform in startChannels', () => {
  it('keeps trying to start while the Bot API is down at boot, reports "retrying", then answers', async () => {
    const fake = await fakeBot();
    fake.fail('getMe', 502, 2);
    const app = Fastify();
    const dir = mkdtempSync(join(tmpdir(), 'zalo-bot-start-'));
    const channelStates = new ChannelStates();
    const channels = await startChannels({
      config: loadConfig({
        ZALO_CREDENTIALS_FILE: join(dir, 'none.json'),
        ZALO_BOT_TOKEN: fake.token,
        ZALO_BOT_API_ROOT: fake.url,
      }),
      engine: echo(),
      logger: silent,
      app,
      channelStates,
      startRetryMs: 50,
    });
    cleanups.push(async () => {
      await channels.stop();
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    });
    expect(channelStates.get('zalo_bot')).toMatchObject({ state: 'retrying', reason: expect.stringMatching(/502/) });
    await until(() => channelStates.get('zalo_bot')?.state === 'running', 'zalo_bot running');
    fake.push(textUpdate('xin chào'));
    const [reply] = await fake.waitForSent(1);
    expect(reply?.text).toBe('Bạn hỏi: xin chào');
    expect(JSON.stringify(channelStates.snapshot())).not.toContain(fake.token);
  });
});
