// The Zalo Official Account webhook: signed calls are acknowledged at once and answered through the OA
// API (a fake on 127.0.0.1 captures the send); unsigned or tampered calls are refused and never reach
// the engine. Ids beyond JavaScript's safe integers survive as strings.
import Fastify, { type FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { zaloOaSignature } from '../adapters/zalo-oa/signature.ts';
import { startZaloOa, type ZaloOaChannel } from '../adapters/zalo-oa/webhook.ts';
import type { InboundEvent } from '../src/conversation/types.ts';
import { questionCard, ScriptedEngine } from './helpers/engines.ts';
import { type LocalServer, listenLocally } from './helpers/local-server.ts';
import { until } from './helpers/until.ts';

const APP_ID = '1234567890123456789';
const SECRET = 'oa-secret-key';
const TOKEN = 'oa-access-token';
const USER_ID = '8012345678901234567'; // beyond Number.MAX_SAFE_INTEGER

interface CapturedSend {
  accessToken: string | undefined;
  path: string | undefined;
  body: { recipient: { user_id: string }; message: { text: string } };
}

/** Echoes the question on a card with two options. */
const echoCard = (event: InboundEvent) => [
  questionCard(event.text ?? '', [
    { id: 'a', label: 'Giấy tờ' },
    { id: 'b', label: 'Lệ phí' },
  ]),
];

/** The raw body as Zalo would send it: the sender id is a bare (unsafe) integer. */
function rawEvent(messageText: string, msgId: string, timestamp = nowTs(), eventName = 'user_send_text'): string {
  return `{"app_id":"${APP_ID}","user_id_by_app":"5512345678901234567","event_name":"${eventName}","timestamp":"${timestamp}","sender":{"id":${USER_ID}},"recipient":{"id":"579745863508352884"},"message":{"text":${JSON.stringify(messageText)},"msg_id":"${msgId}"}}`;
}

/** The timestamp Zalo puts in an event sent now (epoch ms as a string). */
const nowTs = () => String(Date.now());

/** The timestamp inside a raw event body. */
const timestampOf = (raw: string) => /"timestamp":"(\d+)"/.exec(raw)?.[1] ?? '';

function signed(raw: string, timestamp = timestampOf(raw)): Record<string, string> {
  return {
    'content-type': 'application/json',
    'x-zevent-signature': `mac=${zaloOaSignature(APP_ID, raw, timestamp, SECRET)}`,
  };
}

describe('Zalo OA webhook', () => {
  let oaApi: LocalServer;
  let sends: CapturedSend[];
  let app: FastifyInstance;
  let engine: ScriptedEngine;
  let channel: ZaloOaChannel;

  beforeEach(async () => {
    sends = [];
    oaApi = await listenLocally(async (req, res) => {
      let raw = '';
      for await (const chunk of req) raw += String(chunk);
      sends.push({ accessToken: req.headers.access_token as string | undefined, path: req.url, body: JSON.parse(raw) });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 0, message: 'Success', data: { message_id: 'abc' } }));
    });
    app = Fastify();
    // Another JSON route of the app must keep its normal parsing.
    app.post('/api/echo', async (request) => ({ type: typeof request.body }));
    engine = new ScriptedEngine(echoCard);
    channel = await startZaloOa({
      app,
      appId: APP_ID,
      secretKey: SECRET,
      accessToken: TOKEN,
      apiRoot: oaApi.url,
      engine,
      logger: pino({ level: 'silent' }),
    });
  });

  afterEach(async () => {
    await channel.stop();
    await app.close();
    await oaApi.close();
  });

  it('acknowledges a signed user_send_text and replies through the OA API as plain text', async () => {
    const raw = rawEvent('cấp lại giấy khai sinh', 'm1');
    const response = await app.inject({ method: 'POST', url: '/webhooks/zalo-oa', headers: signed(raw), payload: raw });
    expect(response.statusCode).toBe(200);
    await until(() => sends.length === 1, 'the OA send');
    expect(sends[0]?.path).toBe('/v3.0/oa/message/cs');
    expect(sends[0]?.accessToken).toBe(TOKEN);
    expect(sends[0]?.body).toEqual({
      recipient: { user_id: USER_ID },
      message: { text: 'Bạn hỏi: cấp lại giấy khai sinh\n\nBạn muốn xem gì?\n1. Giấy tờ\n2. Lệ phí\nTrả lời 1 hoặc 2' },
    });
    expect(engine.events[0]).toMatchObject({
      channel: 'zalo_oa',
      conversationId: `zoa:${USER_ID}`,
      userId: USER_ID,
      text: 'cấp lại giấy khai sinh',
    });
  });

  it('refuses a call with a wrong or missing signature and never answers it', async () => {
    const raw = rawEvent('giả mạo', 'm2');
    const tampered = await app.inject({
      method: 'POST',
      url: '/webhooks/zalo-oa',
      headers: signed(rawEvent('nội dung khác', 'm2')),
      payload: raw,
    });
    const missing = await app.inject({
      method: 'POST',
      url: '/webhooks/zalo-oa',
      headers: { 'content-type': 'application/json' },
      payload: raw,
    });
    const wrongTimestamp = await app.inject({
      method: 'POST',
      url: '/webhooks/zalo-oa',
      headers: signed(raw, '1718000009999'),
      payload: raw,
    });
    expect([tampered.statusCode, missing.statusCode, wrongTimestamp.statusCode]).toEqual([401, 401, 401]);
    await channel.stop();
    expect(engine.events).toHaveLength(0);
    expect(sends).toHaveLength(0);
  });

  it('answers a message delivered twice only once', async () => {
    const raw = rawEvent('lệ phí hộ chiếu', 'm3');
    await app.inject({ method: 'POST', url: '/webhooks/zalo-oa', headers: signed(raw), payload: raw });
    await app.inject({ method: 'POST', url: '/webhooks/zalo-oa', headers: signed(raw), payload: raw });
    await channel.stop();
    expect(engine.events).toHaveLength(1);
    expect(sends).toHaveLength(1);
  });

  it('refuses a genuine event replayed after the replay window, and never answers it', async () => {
    const old = String(Date.now() - 6 * 60_000);
    const raw = rawEvent('lệ phí hộ chiếu', 'm-old', old);
    const response = await app.inject({ method: 'POST', url: '/webhooks/zalo-oa', headers: signed(raw), payload: raw });
    expect(response.statusCode).toBe(403);
    await channel.stop();
    expect(engine.events).toHaveLength(0);
    expect(sends).toHaveLength(0);
  });

  it('welcomes a new follower, and answers a sticker with the "text only" line without the engine', async () => {
    const follow = `{"app_id":"${APP_ID}","event_name":"follow","timestamp":"${nowTs()}","follower":{"id":${USER_ID}}}`;
    const ok = await app.inject({ method: 'POST', url: '/webhooks/zalo-oa', headers: signed(follow), payload: follow });
    expect(ok.statusCode).toBe(200);
    await until(() => sends.length === 1, 'the welcome');
    expect(sends[0]?.body.recipient.user_id).toBe(USER_ID);
    expect(sends[0]?.body.message.text).toMatch(/Xin chào/);
    const sticker = rawEvent('', 'm-sticker', nowTs(), 'user_send_sticker');
    await app.inject({ method: 'POST', url: '/webhooks/zalo-oa', headers: signed(sticker), payload: sticker });
    await until(() => sends.length === 2, 'the text-only line');
    expect(sends[1]?.body.message.text).toMatch(/chỉ đọc được tin nhắn chữ/);
    expect(engine.events).toHaveLength(0);
  });

  it('leaves JSON parsing of the other routes alone', async () => {
    const response = await app.inject({ method: 'POST', url: '/api/echo', payload: { a: 1 } });
    expect(response.json()).toEqual({ type: 'object' });
  });
});
