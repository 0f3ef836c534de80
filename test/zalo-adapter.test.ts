// The Zalo personal-account adapter, driven through a fake transport that emits zca-js's own message
// objects (built with its UserMessage/GroupMessage classes): who gets answered, what they read, and how
// the channel behaves when Zalo drops (1006) or takes over (3000) the socket.
import { setTimeout as pause } from 'node:timers/promises';
import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { GroupMessage, type TGroupMessage, ThreadType, type TMessage, UserMessage } from 'zca-js';
import { startZalo, type ZaloChannel } from '../adapters/zalo/adapter.ts';
import type {
  OnClosed,
  OnConnected,
  OnError,
  OnMessage,
  TransportExtras,
  ZaloMessage,
  ZaloTransport,
} from '../adapters/zalo/transport.ts';
import { type InboundEvent, type Reply, text } from '../src/conversation/types.ts';
import { questionCard, ScriptedEngine } from './helpers/engines.ts';
import { captureLogs } from './helpers/logs.ts';
import { until } from './helpers/until.ts';

const silent = pino({ level: 'silent' });
const BOT_UID = '8100000000000000001';
const noPacing = { perChatIntervalMs: 0, globalPerSecond: 1000 };

interface Sent {
  threadId: string;
  type: ThreadType;
  text: string;
  bold: Array<{ start: number; len: number }>;
}

class FakeTransport implements ZaloTransport {
  starts = 0;
  stops = 0;
  sent: Sent[] = [];
  connectOnStart = true;
  failLogin = false;
  /** The next sendText calls that fail (a network error), then it works again. */
  failSends = 0;
  /** What Zalo answers to requestOldMessages, by thread type. */
  history = new Map<ThreadType, ZaloMessage[]>();
  oldRequests: ThreadType[] = [];
  private handlers?: {
    onMessage: OnMessage;
    onClosed: OnClosed;
    onError: OnError;
    onConnected?: OnConnected;
  } & TransportExtras;

  async start(
    onMessage: OnMessage,
    onClosed: OnClosed,
    onError: OnError,
    onConnected?: OnConnected,
    extras: TransportExtras = {},
  ): Promise<void> {
    this.starts++;
    if (this.failLogin) throw new Error('Đăng nhập thất bại');
    this.handlers = { onMessage, onClosed, onError, onConnected, ...extras };
    if (this.connectOnStart)
      void Promise.resolve().then(() => {
        onConnected?.();
        extras.onReady?.();
      });
  }
  requestOldMessages(type: ThreadType): void {
    this.oldRequests.push(type);
    const messages = this.history.get(type) ?? [];
    void Promise.resolve().then(() => this.handlers?.onOldMessages?.(messages, type));
  }
  stop(): void {
    this.stops++;
  }
  ownId(): string {
    return BOT_UID;
  }
  async sendText(threadId: string, type: ThreadType, text: string, bold: Sent['bold'] = []): Promise<void> {
    if (this.failSends > 0) {
      this.failSends--;
      throw new Error('fetch failed');
    }
    this.sent.push({ threadId, type, text, bold });
  }
  emit(message: ZaloMessage): void {
    this.handlers?.onMessage(message);
  }
  close(code: number): void {
    this.handlers?.onClosed(code, '');
  }
  error(error: unknown): void {
    this.handlers?.onError(error);
  }
}

/** A card with a menu for any question, a long answer for "dài", slow on "chậm". */
async function script(event: InboundEvent): Promise<Reply[]> {
  if (event.text === 'chậm') await pause(100);
  if (event.text === 'dài') {
    return [{ paragraphs: Array.from({ length: 25 }, (_, i) => [text(`Đoạn ${i + 1}. ${'giấy tờ '.repeat(30)}`)]) }];
  }
  const options = [
    { id: 'docs', label: 'Giấy tờ' },
    { id: 'steps', label: 'Các bước' },
    { id: 'fee', label: 'Lệ phí' },
  ];
  return [questionCard(event.text ?? '', options)];
}

let ts = 1_700_000_000_000;
function baseData(uidFrom: string, idTo: string, content: TMessage['content']): TMessage {
  ts += 1000;
  return {
    actionId: '1',
    msgId: String(ts),
    cliMsgId: String(ts),
    msgType: typeof content === 'string' ? 'webchat' : 'chat.photo',
    uidFrom,
    idTo,
    dName: 'Lan',
    ts: String(ts),
    status: 1,
    content,
    notify: '1',
    ttl: 0,
    userId: '0',
    uin: '0',
    topOut: '0',
    topOutTimeOut: '0',
    topOutImprTimeOut: '0',
    propertyExt: undefined,
    paramsExt: { countUnread: 1, containType: 0, platformType: 1 },
    cmd: 501,
    st: 3,
    at: 5,
    realMsgId: '0',
    quote: undefined,
  };
}

/** A 1:1 message from `uid` to the bot (uid "0" = sent by the bot's own account). */
function userMessage(uid: string, content: TMessage['content']): UserMessage {
  return new UserMessage(BOT_UID, baseData(uid, '0', content));
}

function groupMessage(
  groupId: string,
  uid: string,
  content: string,
  mentions?: TGroupMessage['mentions'],
): GroupMessage {
  return new GroupMessage(BOT_UID, { ...baseData(uid, groupId, content), mentions });
}

describe('Zalo adapter: messages', () => {
  let channel: ZaloChannel | undefined;
  afterEach(async () => {
    await channel?.stop();
    channel = undefined;
  });

  it('answers a user text with the numbered menu, bold as a style, in the same thread', async () => {
    const transport = new FakeTransport();
    const engine = new ScriptedEngine(script);
    channel = await startZalo({ transport, engine, logger: silent, pacing: noPacing });
    transport.emit(userMessage('2000000000000000042', 'làm lại căn cước'));
    await until(() => transport.sent.length === 1, 'a reply');
    const [sent] = transport.sent;
    expect(sent?.threadId).toBe('2000000000000000042');
    expect(sent?.type).toBe(ThreadType.User);
    expect(sent?.text).toBe(
      'Bạn hỏi: làm lại căn cước\n\nBạn muốn xem gì?\n1. Giấy tờ\n2. Các bước\n3. Lệ phí\nTrả lời 1, 2 hoặc 3',
    );
    expect(sent?.bold).toEqual([{ start: 'Bạn hỏi: '.length, len: 'làm lại căn cước'.length }]);
    expect(engine.events[0]).toMatchObject({
      channel: 'zalo',
      conversationId: 'zalo:2000000000000000042',
      userId: '2000000000000000042',
      text: 'làm lại căn cước',
    });
  });

  it('passes a typed number to the engine as text (the engine resolves it)', async () => {
    const transport = new FakeTransport();
    const engine = new ScriptedEngine(script);
    channel = await startZalo({ transport, engine, logger: silent, pacing: noPacing });
    transport.emit(userMessage('42', '2'));
    await until(() => engine.events.length === 1, 'the event');
    expect(engine.events[0]?.text).toBe('2');
    expect(engine.events[0]?.choice).toBeUndefined();
  });

  it('ignores its own messages, attachments, and group messages that do not mention it', async () => {
    const transport = new FakeTransport();
    const engine = new ScriptedEngine(script);
    channel = await startZalo({ transport, engine, logger: silent, pacing: noPacing });
    const own = userMessage('0', 'tin của chính mình');
    expect(own.isSelf).toBe(true);
    transport.emit(own);
    transport.emit(
      userMessage('42', {
        title: 'ảnh',
        description: '',
        href: 'https://x',
        thumb: '',
        childnumber: 0,
        action: '',
        params: '',
        type: '',
      }),
    );
    transport.emit(groupMessage('3000000000000000001', '42', 'mọi người ơi, làm hộ chiếu thế nào?'));
    transport.emit(groupMessage('3000000000000000001', '42', '@All họp nhé', [{ uid: '-1', pos: 0, len: 4, type: 1 }]));
    // A message that is answered, to know the ignored ones had their chance.
    transport.emit(userMessage('43', 'xin chào'));
    await until(() => transport.sent.length === 1, 'the one reply');
    expect(engine.events.map((e) => e.text)).toEqual(['xin chào']);
  });

  it('answers in a group when the bot is mentioned, without the mention text', async () => {
    const transport = new FakeTransport();
    const engine = new ScriptedEngine(script);
    channel = await startZalo({ transport, engine, logger: silent, pacing: noPacing });
    const content = '@Trợ lý DVC làm hộ chiếu thế nào?';
    transport.emit(groupMessage('3000000000000000001', '42', content, [{ uid: BOT_UID, pos: 0, len: 11, type: 0 }]));
    await until(() => transport.sent.length === 1, 'the group reply');
    expect(transport.sent[0]).toMatchObject({ threadId: '3000000000000000001', type: ThreadType.Group });
    expect(engine.events[0]).toMatchObject({
      conversationId: 'zalo:3000000000000000001',
      userId: '42',
      text: 'làm hộ chiếu thế nào?',
    });
  });

  it('splits a long reply into messages under 2000 characters, in order', async () => {
    const transport = new FakeTransport();
    channel = await startZalo({ transport, engine: new ScriptedEngine(script), logger: silent, pacing: noPacing });
    transport.emit(userMessage('42', 'dài'));
    await until(() => transport.sent.some((s) => s.text.includes('Đoạn 25.')), 'the last part');
    expect(transport.sent.length).toBeGreaterThan(1);
    for (const sent of transport.sent) expect(sent.text.length).toBeLessThan(2000);
    expect(transport.sent[0]?.text.startsWith('Đoạn 1.')).toBe(true);
  });

  it('answers two quick messages of one thread in order, one at a time', async () => {
    const transport = new FakeTransport();
    const engine = new ScriptedEngine(script);
    channel = await startZalo({ transport, engine, logger: silent, pacing: noPacing });
    transport.emit(userMessage('42', 'chậm'));
    transport.emit(userMessage('42', 'nhanh'));
    await until(() => transport.sent.length === 2, 'two replies');
    expect(transport.sent.map((s) => s.text.split('\n')[0])).toEqual(['Bạn hỏi: chậm', 'Bạn hỏi: nhanh']);
    expect(engine.maxConcurrentPerConversation).toBe(1);
  });

  it('apologises when the engine fails, and logs the chat only as a fingerprint', async () => {
    const transport = new FakeTransport();
    const logs = captureLogs('info');
    const engine = new ScriptedEngine(() => {
      throw new Error('engine broke');
    });
    channel = await startZalo({ transport, engine, logger: logs.logger, pacing: noPacing });
    transport.emit(userMessage('2000000000000000042', 'làm lại căn cước'));
    await until(() => transport.sent.length === 1, 'the apology');
    expect(transport.sent[0]?.text).toBe('Xin lỗi, mình đang gặp sự cố. Bạn thử lại sau ít phút nhé.');
    expect(logs.text()).toMatch(/conversation engine failed/i);
    expect(logs.text()).not.toMatch(/2000000000000000042|căn cước/);
  });

  it('retries a failed send with backoff and still sends the remaining parts, in order', async () => {
    const transport = new FakeTransport();
    channel = await startZalo({
      transport,
      engine: new ScriptedEngine(script),
      logger: silent,
      pacing: noPacing,
      sendRetry: { attempts: 4, backoffMs: 5 },
    });
    transport.failSends = 2;
    transport.emit(userMessage('42', 'dài'));
    await until(() => transport.sent.some((s) => s.text.includes('Đoạn 25.')), 'the last part');
    expect(transport.sent[0]?.text.startsWith('Đoạn 1.')).toBe(true);
    const numbers = transport.sent.flatMap((s) => [...s.text.matchAll(/Đoạn (\d+)\./g)].map((m) => Number(m[1])));
    expect(numbers).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
  });

  it('after a reconnect, answers the messages sent while it was away, and only those not answered yet', async () => {
    const transport = new FakeTransport();
    const engine = new ScriptedEngine(script);
    channel = await startZalo({
      transport,
      engine,
      logger: silent,
      pacing: noPacing,
      backoff: { initialMs: 10, maxMs: 10 },
    });
    const answered = userMessage('42', 'trước khi mất kết nối');
    answered.data.ts = String(Date.now());
    transport.emit(answered);
    await until(() => transport.sent.length === 1, 'the live reply');
    expect(transport.oldRequests).toEqual([]); // nothing to catch up on at the first connection

    transport.close(1006);
    const missed = userMessage('43', 'trong lúc mất kết nối');
    missed.data.ts = String(Date.now() + 5);
    const ancient = userMessage('44', 'tin từ hôm qua');
    ancient.data.ts = String(Date.now() - 24 * 3600_000);
    const own = userMessage('0', 'tin của chính mình');
    own.data.ts = String(Date.now());
    transport.history.set(ThreadType.User, [own, missed, answered, ancient]);

    await until(() => transport.sent.length === 2, 'the reply to the missed message');
    await pause(100);
    expect(transport.oldRequests).toEqual([ThreadType.User, ThreadType.Group]);
    expect(transport.sent.map((s) => s.text.split('\n')[0])).toEqual([
      'Bạn hỏi: trước khi mất kết nối',
      'Bạn hỏi: trong lúc mất kết nối',
    ]);
    expect(transport.sent[1]?.threadId).toBe('43');
  });

  it('does not start when the saved session is rejected', async () => {
    const transport = new FakeTransport();
    transport.failLogin = true;
    await expect(startZalo({ transport, engine: new ScriptedEngine(script), logger: silent })).rejects.toThrow(
      /Đăng nhập/,
    );
  });
});

describe('Zalo adapter: connection', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('reconnects with exponential backoff when the socket drops (1006)', async () => {
    vi.useFakeTimers();
    const transport = new FakeTransport();
    const channel = await startZalo({
      transport,
      engine: new ScriptedEngine(script),
      logger: silent,
      backoff: { initialMs: 1000, maxMs: 8000 },
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(channel.state).toBe('connected');

    transport.connectOnStart = false; // the next attempts fail to come up
    transport.close(1006);
    expect(channel.state).toBe('waiting');
    await vi.advanceTimersByTimeAsync(999);
    expect(transport.starts).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(transport.starts).toBe(2);

    transport.close(1006); // failed again: wait twice as long
    await vi.advanceTimersByTimeAsync(1999);
    expect(transport.starts).toBe(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(transport.starts).toBe(3);

    transport.connectOnStart = true;
    transport.close(1006);
    await vi.advanceTimersByTimeAsync(4000);
    expect(transport.starts).toBe(4);
    expect(channel.state).toBe('connected');
    await channel.stop();
  });

  it('restarts a connection that never comes up (watchdog)', async () => {
    vi.useFakeTimers();
    const transport = new FakeTransport();
    transport.connectOnStart = false;
    const channel = await startZalo({
      transport,
      engine: new ScriptedEngine(script),
      logger: silent,
      connectTimeoutMs: 30_000,
      backoff: { initialMs: 1000, maxMs: 8000 },
    });
    await vi.advanceTimersByTimeAsync(30_000);
    expect(transport.stops).toBe(1);
    expect(channel.state).toBe('waiting');
    transport.close(1000); // the close caused by our own stop is not counted twice
    await vi.advanceTimersByTimeAsync(1000);
    expect(transport.starts).toBe(2);
    await channel.stop();
  });

  it('stops instead of fighting when another session takes over (3000)', async () => {
    vi.useFakeTimers();
    const transport = new FakeTransport();
    const channel = await startZalo({ transport, engine: new ScriptedEngine(script), logger: silent });
    await vi.advanceTimersByTimeAsync(0);
    transport.close(3000);
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(channel.state).toBe('stopped');
    expect(transport.stops).toBe(1);
    expect(transport.starts).toBe(1);
  });

  it('survives socket errors without crashing or reconnecting by itself', async () => {
    vi.useFakeTimers();
    const transport = new FakeTransport();
    const channel = await startZalo({ transport, engine: new ScriptedEngine(script), logger: silent });
    await vi.advanceTimersByTimeAsync(0);
    transport.error(new Error('ECONNRESET'));
    expect(channel.state).toBe('connected');
    await channel.stop();
    expect(channel.state).toBe('stopped');
  });
});
