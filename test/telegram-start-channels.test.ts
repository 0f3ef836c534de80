// startChannels: the channels whose settings are present start, the others are reported off with a
// reason, a failing channel is skipped without taking down the rest, and no secret reaches the log.

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Channels, startChannels } from '../adapters/index.ts';
import { zaloOaSignature } from '../adapters/zalo-oa/signature.ts';
import { ChannelStates } from '../src/channels/states.ts';
import { loadConfig } from '../src/config/config.ts';
import { text } from '../src/conversation/types.ts';
import { type FakeTelegram, startFakeTelegram, textUpdate } from './fixtures/fake-telegram.ts';
import { ScriptedEngine } from './helpers/engines.ts';
import { listenLocally } from './helpers/local-server.ts';
import { captureLogs } from './helpers/logs.ts';
import { tempDirs } from './helpers/temp-dirs.ts';
import { until } from './helpers/until.ts';

const echo = () => new ScriptedEngine((event) => [{ paragraphs: [[text(`Bạn hỏi: ${event.text}`)]] }]);
const temp = tempDirs('channels-');

describe('startChannels', () => {
  let dir: string;
  let fake: FakeTelegram;
  let app: FastifyInstance;
  let channels: Channels | undefined;

  beforeEach(async () => {
    dir = temp.make();
    fake = await startFakeTelegram();
    app = Fastify();
  });

  afterEach(async () => {
    await channels?.stop();
    channels = undefined;
    await app.close();
    await fake.close();
    temp.removeAll();
  });

  const baseEnv = () => ({ ZALO_CREDENTIALS_FILE: join(dir, 'zalo-credentials.json') });

  it('reports every channel off, with a reason, when nothing is configured', async () => {
    const { logger, records } = captureLogs('info');
    channels = await startChannels({ config: loadConfig(baseEnv()), engine: echo(), logger, app });
    expect(channels.running).toEqual([]);
    const off = Object.fromEntries(
      records()
        .filter((l) => String(l.msg).endsWith(': off'))
        .map((l) => [l.channel, l.reason]),
    );
    expect(off.telegram).toBe('TELEGRAM_BOT_TOKEN not set');
    expect(String(off.zalo)).toContain('npm run zalo:login');
    expect(off.zalo_oa).toBe('ZALO_OA_APP_ID, ZALO_OA_SECRET_KEY, ZALO_OA_ACCESS_TOKEN not set');
    expect(off.zalo_bot).toBe('ZALO_BOT_TOKEN not set');
  });

  it('starts Telegram (polling) and the Zalo OA webhook side by side', async () => {
    const { logger, text: raw } = captureLogs('info');
    const engine = echo();
    const config = loadConfig({
      ...baseEnv(),
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.url,
      ZALO_OA_APP_ID: 'app-1',
      ZALO_OA_SECRET_KEY: 'oa-secret',
      ZALO_OA_ACCESS_TOKEN: 'oa-token',
      ZALO_OA_API_ROOT: 'http://127.0.0.1:9',
    });
    channels = await startChannels({ config, engine, logger, app });
    expect(channels.running).toEqual(['telegram', 'zalo_oa']);
    fake.pushUpdate(textUpdate(5, 'xin chào'));
    const [sent] = await fake.waitForCalls('sendMessage');
    expect(sent?.body.text).toBe('Bạn hỏi: xin chào');
    expect(raw()).toContain('telegram: running');
    for (const secret of [fake.token, 'oa-secret', 'oa-token']) expect(raw()).not.toContain(secret);
  });

  it('skips a Telegram bot that cannot start, keeps the others, and never logs the token', async () => {
    const { logger, records, text: raw } = captureLogs('info');
    const engine = echo();
    const config = loadConfig({
      ...baseEnv(),
      TELEGRAM_BOT_TOKEN: '999:wrong-token',
      TELEGRAM_API_ROOT: fake.url,
      ZALO_OA_APP_ID: 'app-1',
      ZALO_OA_SECRET_KEY: 'oa-secret',
      ZALO_OA_ACCESS_TOKEN: 'oa-token',
      ZALO_OA_API_ROOT: 'http://127.0.0.1:9',
    });
    channels = await startChannels({ config, engine, logger, app });
    expect(channels.running).toEqual(['zalo_oa']);
    expect(records().find((l) => l.channel === 'telegram')?.msg).toBe('telegram: failed to start; skipped');
    expect(raw()).not.toContain('wrong-token');
    // The surviving channel really works.
    const timestamp = String(Date.now());
    const body = `{"app_id":"app-1","event_name":"follow","timestamp":"${timestamp}","follower":{"id":"1"}}`;
    const response = await app.inject({
      method: 'POST',
      url: '/webhooks/zalo-oa',
      headers: {
        'content-type': 'application/json',
        'x-zevent-signature': `mac=${zaloOaSignature('app-1', body, timestamp, 'oa-secret')}`,
      },
      payload: body,
    });
    expect(response.statusCode).toBe(200);
  });

  it('hides the token when the Bot API is unreachable', async () => {
    const { logger, text: raw } = captureLogs('info');
    const config = loadConfig({
      ...baseEnv(),
      TELEGRAM_BOT_TOKEN: '4242:secret-token-value',
      TELEGRAM_API_ROOT: 'http://127.0.0.1:9/',
    });
    channels = await startChannels({ config, engine: echo(), logger, app });
    expect(channels.running).toEqual([]);
    expect(raw()).toContain('telegram: failed to start');
    expect(raw()).not.toContain('secret-token-value');
  });

  it('skips a channel whose startup hangs, so the web chat is not held up', async () => {
    // A Bot API that accepts connections and never answers.
    const silentServer = await listenLocally(() => undefined);
    try {
      const { logger, records } = captureLogs('info');
      const config = loadConfig({
        ...baseEnv(),
        TELEGRAM_BOT_TOKEN: fake.token,
        TELEGRAM_API_ROOT: silentServer.url,
      });
      channels = await startChannels({ config, engine: echo(), logger, app, startupTimeoutMs: 300 });
      expect(channels.running).toEqual([]);
      expect(records().find((l) => l.channel === 'telegram')?.error).toBe('not started after 300 ms');
    } finally {
      await silentServer.close();
    }
  });

  it('keeps trying to start Telegram while the Bot API is down at boot, then answers', async () => {
    const { logger } = captureLogs('info');
    const channelStates = new ChannelStates();
    fake.failNext('getMe', { error_code: 502, description: 'Bad Gateway' }, 2);
    const config = loadConfig({ ...baseEnv(), TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.url });
    channels = await startChannels({ config, engine: echo(), logger, app, channelStates, startRetryMs: 50 });
    expect(channelStates.get('telegram')).toMatchObject({ state: 'retrying', reason: expect.stringMatching(/502/) });
    await until(() => channelStates.get('telegram')?.state === 'running', 'telegram running', 5_000);
    fake.pushUpdate(textUpdate(42, 'xin chào'));
    const [sent] = await fake.waitForCalls('sendMessage');
    expect(sent?.body.text).toBe('Bạn hỏi: xin chào');
  });

  it('does not retry a rejected token: the channel is stopped with the reason', async () => {
    const { logger } = captureLogs('info');
    const channelStates = new ChannelStates();
    const config = loadConfig({ ...baseEnv(), TELEGRAM_BOT_TOKEN: '999:wrong-token', TELEGRAM_API_ROOT: fake.url });
    channels = await startChannels({ config, engine: echo(), logger, app, channelStates, startRetryMs: 50 });
    expect(channelStates.get('telegram')).toMatchObject({
      state: 'stopped',
      reason: expect.stringMatching(/Unauthorized/),
    });
  });

  it('reports a broken Zalo credentials file as off with the reason', async () => {
    await writeFile(join(dir, 'zalo-credentials.json'), '{ not json');
    const { logger, records } = captureLogs('info');
    channels = await startChannels({ config: loadConfig(baseEnv()), engine: echo(), logger, app });
    const zalo = records().find((l) => l.channel === 'zalo');
    expect(zalo?.msg).toBe('zalo: off');
    expect(String(zalo?.reason)).toContain('not valid JSON');
  });
});
