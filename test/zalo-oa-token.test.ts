// Zalo OA access-token renewal against a fake OA API and a fake Zalo OAuth server on 127.0.0.1: an expired token
// (-216) is renewed with the single-use refresh token and the reply still arrives; the new refresh token is kept
// in a 0600 file of the data directory and used after a restart; the token is renewed before it expires; a
// refused refresh says what to do; and event ids stay seen across a restart.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { type Channels, OA_STATE_FILE, startChannels } from '../adapters/index.ts';
import { FileState } from '../adapters/zalo-oa/file-state.ts';
import { zaloOaSignature } from '../adapters/zalo-oa/signature.ts';
import { OaTokens } from '../adapters/zalo-oa/token.ts';
import { startZaloOa } from '../adapters/zalo-oa/webhook.ts';
import { loadConfig } from '../src/config/config.ts';
import { text } from '../src/conversation/types.ts';
import { InboundPipeline } from '../src/inbound/pipeline.ts';
import { MemorySeenMessageStore, MemoryStateStore } from '../src/store/memory.ts';
import { ScriptedEngine } from './helpers/engines.ts';
import { type LocalServer, listenLocally } from './helpers/local-server.ts';
import { captureLogs } from './helpers/logs.ts';
import { tempDirs } from './helpers/temp-dirs.ts';
import { until } from './helpers/until.ts';

const APP_ID = '1234567890123456789';
const OA_SECRET = 'oa-webhook-secret';
const APP_SECRET = 'app-secret-key';
const USER_ID = '8012345678901234567';
const silent = pino({ level: 'silent' });
const temp = tempDirs('zalo-oa-token-');
const echo = () => new ScriptedEngine((event) => [{ paragraphs: [[text(`Bạn hỏi: ${event.text}`)]] }]);

interface Zalo {
  oauth: LocalServer;
  api: LocalServer;
  /** Access tokens the OA API accepts. */
  valid: Set<string>;
  /** Refresh tokens OAuth accepts (each once). */
  refreshable: Set<string>;
  refreshCalls: Array<{ secretKey?: string; form: Record<string, string> }>;
  sent: Array<{ token?: string; text: string }>;
  expiresIn: number;
}

async function body(request: AsyncIterable<unknown>): Promise<string> {
  let raw = '';
  for await (const chunk of request) raw += String(chunk);
  return raw;
}

async function fakeZalo(): Promise<Zalo> {
  let issued = 0;
  const zalo = {
    valid: new Set<string>(),
    refreshable: new Set<string>(['rt-0']),
    refreshCalls: [],
    sent: [],
    expiresIn: 90_000,
  } as unknown as Zalo;
  zalo.oauth = await listenLocally(async (request, response) => {
    const form = Object.fromEntries(new URLSearchParams(await body(request)));
    zalo.refreshCalls.push({ secretKey: request.headers.secret_key as string | undefined, form });
    response.writeHead(200, { 'content-type': 'application/json' });
    const ok =
      request.url === '/v4/oa/access_token' &&
      request.headers.secret_key === APP_SECRET &&
      form.app_id === APP_ID &&
      form.grant_type === 'refresh_token' &&
      zalo.refreshable.delete(form.refresh_token ?? '');
    if (!ok) return response.end(JSON.stringify({ error: -14014, error_name: 'Invalid refresh token' }));
    issued++;
    zalo.valid.add(`at-${issued}`);
    zalo.refreshable.add(`rt-${issued}`);
    // Zalo sends expires_in as a string.
    response.end(
      JSON.stringify({
        access_token: `at-${issued}`,
        refresh_token: `rt-${issued}`,
        expires_in: String(zalo.expiresIn),
      }),
    );
  });
  zalo.api = await listenLocally(async (request, response) => {
    const payload = JSON.parse(await body(request)) as { message: { text: string } };
    const token = request.headers.access_token as string | undefined;
    response.writeHead(200, { 'content-type': 'application/json' });
    if (!token || !zalo.valid.has(token)) {
      return response.end(JSON.stringify({ error: -216, message: 'Access token is invalid' }));
    }
    zalo.sent.push({ token, text: payload.message.text });
    response.end(JSON.stringify({ error: 0, message: 'Success' }));
  });
  return zalo;
}

function signedEvent(question: string, msgId: string): { payload: string; headers: Record<string, string> } {
  const timestamp = String(Date.now());
  const payload = `{"app_id":"${APP_ID}","event_name":"user_send_text","timestamp":"${timestamp}","sender":{"id":${USER_ID}},"recipient":{"id":"1"},"message":{"text":${JSON.stringify(question)},"msg_id":"${msgId}"}}`;
  return {
    payload,
    headers: {
      'content-type': 'application/json',
      'x-zevent-signature': `mac=${zaloOaSignature(APP_ID, payload, timestamp, OA_SECRET)}`,
    },
  };
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  temp.removeAll();
});

describe('Zalo OA token renewal', () => {
  it('renews an expired token (-216), answers anyway, keeps the new refresh token 0600 and uses it after a restart', async () => {
    const zalo = await fakeZalo();
    cleanups.push(
      () => zalo.oauth.close(),
      () => zalo.api.close(),
    );
    const dataDir = temp.make();
    const config = loadConfig({
      DATA_DIR: dataDir,
      ZALO_CREDENTIALS_FILE: join(dataDir, 'none.json'),
      ZALO_OA_APP_ID: APP_ID,
      ZALO_OA_SECRET_KEY: OA_SECRET,
      ZALO_OA_ACCESS_TOKEN: 'at-from-settings',
      ZALO_OA_API_ROOT: zalo.api.url,
      ZALO_OA_REFRESH_TOKEN: 'rt-0',
      ZALO_OA_APP_SECRET: APP_SECRET,
      ZALO_OA_OAUTH_ROOT: zalo.oauth.url,
    });
    const { logger, text: logged } = captureLogs('info');
    const start = async () => {
      const app: FastifyInstance = Fastify();
      const channels: Channels = await startChannels({ config, engine: echo(), logger, app });
      return { app, channels };
    };

    let { app, channels } = await start();
    expect(channels.running).toContain('zalo_oa');
    // The expiry of the token from the settings is unknown: it is renewed at once, with the app's secret key.
    const file = join(dataDir, OA_STATE_FILE);
    await until(() => existsSync(file) && readFileSync(file, 'utf8').includes('rt-1'), 'the first renewal kept');
    expect(zalo.refreshCalls[0]).toEqual({
      secretKey: APP_SECRET,
      form: { refresh_token: 'rt-0', app_id: APP_ID, grant_type: 'refresh_token' },
    });

    zalo.valid.clear(); // the token expires early: the next send gets -216
    const first = signedEvent('cấp lại hộ chiếu', 'msg-1');
    expect((await app.inject({ method: 'POST', url: '/webhooks/zalo-oa', ...first })).statusCode).toBe(200);
    await until(() => zalo.sent.length === 1, 'the reply after renewal');
    expect(zalo.sent[0]).toEqual({ token: 'at-2', text: 'Bạn hỏi: cấp lại hộ chiếu' });

    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toContain('rt-2');
    for (const secret of ['rt-0', 'rt-2', 'at-2', APP_SECRET]) expect(logged()).not.toContain(secret);

    await channels.stop();
    await app.close();
    // After a restart with the same settings, the spent rt-0 is not used again: the saved pair is.
    ({ app, channels } = await start());
    cleanups.push(async () => {
      await channels.stop();
      await app.close();
    });
    const second = signedEvent('đăng ký tạm trú', 'msg-2');
    await app.inject({ method: 'POST', url: '/webhooks/zalo-oa', ...second });
    await until(() => zalo.sent.length === 2, 'the reply after the restart');
    expect(zalo.sent[1]?.token).toBe('at-2');
    expect(zalo.refreshCalls.map((call) => call.form.refresh_token)).toEqual(['rt-0', 'rt-1']);
  });

  it('renews the token shortly before it expires, without waiting for an error', async () => {
    const zalo = await fakeZalo();
    cleanups.push(
      () => zalo.oauth.close(),
      () => zalo.api.close(),
    );
    zalo.expiresIn = 3600;
    let clock = Date.now();
    const tokens = await OaTokens.load({
      appId: APP_ID,
      appSecret: APP_SECRET,
      accessToken: 'at-from-settings',
      refreshToken: 'rt-0',
      oauthRoot: zalo.oauth.url,
      state: new MemoryStateStore(),
      logger: silent,
      now: () => clock,
    });
    cleanups.push(() => tokens.stop());
    await until(() => zalo.valid.has('at-1'), 'the first renewal');
    expect(await tokens.accessToken()).toBe('at-1');
    clock += 3600_000 - 5 * 60_000; // five minutes before expiry
    expect(await tokens.accessToken()).toBe('at-2');
    expect(zalo.refreshCalls).toHaveLength(2);
  });

  it('says what to do when Zalo refuses the refresh token', async () => {
    const zalo = await fakeZalo();
    cleanups.push(
      () => zalo.oauth.close(),
      () => zalo.api.close(),
    );
    const tokens = await OaTokens.load({
      appId: APP_ID,
      appSecret: APP_SECRET,
      accessToken: 'at-from-settings',
      refreshToken: 'rt-spent',
      oauthRoot: zalo.oauth.url,
      state: new FileState(join(temp.make(), OA_STATE_FILE)),
      logger: silent,
    });
    cleanups.push(() => tokens.stop());
    await expect(tokens.refresh()).rejects.toThrow(/ZALO_OA_REFRESH_TOKEN/);
  });

  it('keeps seen event ids across a restart: a redelivery after the restart is not answered again', async () => {
    const zalo = await fakeZalo();
    cleanups.push(
      () => zalo.oauth.close(),
      () => zalo.api.close(),
    );
    zalo.valid.add('fixed-token');
    const seen = new MemorySeenMessageStore();
    const event = signedEvent('lệ phí hộ chiếu', 'msg-redelivered');
    for (let run = 0; run < 2; run++) {
      const app = Fastify();
      const channel = await startZaloOa({
        app,
        appId: APP_ID,
        secretKey: OA_SECRET,
        accessToken: 'fixed-token',
        apiRoot: zalo.api.url,
        inbound: new InboundPipeline({ engine: echo(), logger: silent, stores: { seen } }),
        logger: silent,
      });
      await app.inject({ method: 'POST', url: '/webhooks/zalo-oa', ...event });
      await channel.stop();
      await app.close();
    }
    expect(zalo.sent).toHaveLength(1);
  });
});
