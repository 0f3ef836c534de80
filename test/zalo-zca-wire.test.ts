// The Zalo personal-account channel with the REAL zca-js 2.2.0 (pinned) against a wire-level fake Zalo on
// 127.0.0.1 (test/fixtures/fake-zalo.ts): cookie login, an encrypted message frame in, the encrypted
// sendMessage call out, a dropped socket and the reconnect, the old-message request answered after it, and a
// failed send retried.
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { startZalo, type ZaloChannel } from '../adapters/zalo/adapter.ts';
import { ZcaTransport } from '../adapters/zalo/transport.ts';
import { type InboundEvent, text } from '../src/conversation/types.ts';
import { FAKE_ZALO_UID, type FakeZalo, startFakeZalo, wireText } from './fixtures/fake-zalo.ts';
import { ScriptedEngine } from './helpers/engines.ts';
import { until } from './helpers/until.ts';

const silent = pino({ level: 'silent' });
const credentials = {
  cookie: [{ key: 'zpw_sek', value: 'fake-session', domain: 'zalo.me', path: '/' }],
  imei: 'f1e2d3c4-0000-4000-8000-000000000001-0123456789abcdef0123456789abcdef',
  userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
};
const echo = () => new ScriptedEngine((event: InboundEvent) => [{ paragraphs: [[text(`Bạn hỏi: ${event.text}`)]] }]);

let fake: FakeZalo | undefined;
let channel: ZaloChannel | undefined;
afterEach(async () => {
  await channel?.stop();
  await fake?.close();
  channel = undefined;
  fake = undefined;
});

async function start(engine = echo()): Promise<{ fake: FakeZalo; engine: ScriptedEngine }> {
  fake = await startFakeZalo();
  channel = await startZalo({
    transport: new ZcaTransport(credentials, { polyfill: fake.polyfill }),
    engine,
    logger: silent,
    pacing: { perChatIntervalMs: 0, globalPerSecond: 1000 },
    backoff: { initialMs: 20, maxMs: 50 },
    sendRetry: { attempts: 4, backoffMs: 10 },
  });
  await fake.waitForConnections(1);
  return { fake, engine };
}

describe('Zalo personal account with the real zca-js', () => {
  it('logs in with the saved cookie, receives an encrypted message and replies through sendMessage', async () => {
    const { fake, engine } = await start();
    expect(fake.logins).toBe(1);
    fake.deliver(wireText('2000000000000000042', 'làm lại căn cước'));
    const [sent] = await fake.waitForSent(1);
    expect(sent).toEqual({ kind: 'user', to: '2000000000000000042', text: 'Bạn hỏi: làm lại căn cước' });
    expect(engine.events[0]).toMatchObject({ channel: 'zalo', userId: '2000000000000000042' });
  });

  it('answers in a group only when mentioned, through the group endpoint', async () => {
    const { fake } = await start();
    fake.deliver(wireText('42', 'mọi người ơi tối nay đi ăn không', { group: '3000000000000000001' }));
    const mention = '@Trợ lý DVC';
    fake.deliver({
      ...wireText('42', `${mention} làm hộ chiếu ở đâu`, { group: '3000000000000000001' }),
      mentions: [{ uid: FAKE_ZALO_UID, pos: 0, len: mention.length, type: 0 }],
    });
    const [sent] = await fake.waitForSent(1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(fake.sent).toHaveLength(1);
    expect(sent).toEqual({ kind: 'group', to: '3000000000000000001', text: 'Bạn hỏi: làm hộ chiếu ở đâu' });
  });

  it('reconnects after the socket drops and answers what was sent meanwhile, once', async () => {
    const { fake } = await start();
    const before = wireText('43', 'trước khi rớt mạng');
    fake.deliver(before);
    await fake.waitForSent(1);

    fake.drop();
    fake.remember(wireText('44', 'trong lúc rớt mạng', { ts: Date.now() + 1 }));
    fake.remember(wireText('45', 'tin nhắn hôm qua', { ts: Date.now() - 24 * 3600_000 }));
    fake.remember({ ...wireText('0', 'tin của chính tài khoản'), idTo: '44' });

    await fake.waitForConnections(2);
    await until(() => fake.oldMessageRequests.length >= 2, 'the old-message requests');
    expect(fake.oldMessageRequests).toEqual([510, 511]);
    await fake.waitForSent(2);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(fake.sent.map((s) => `${s.to}: ${s.text}`)).toEqual([
      '43: Bạn hỏi: trước khi rớt mạng',
      '44: Bạn hỏi: trong lúc rớt mạng',
    ]);
    expect(fake.logins).toBe(1); // the reconnect reuses the session
  });

  it('retries a sendMessage that failed and still delivers the reply', async () => {
    const { fake } = await start();
    fake.failSends(2);
    fake.deliver(wireText('46', 'lệ phí hộ chiếu'));
    const [sent] = await fake.waitForSent(1);
    expect(sent?.text).toBe('Bạn hỏi: lệ phí hộ chiếu');
  });
});
