// The inbound pipeline every channel shares: what a user notices when a platform redelivers a message, when
// they flood the assistant, when two messages arrive together, when the engine fails, and when a shared
// store is down. A scripted engine stands in for the real one (the channel tests use the real telegraf).
import { setTimeout as pause } from 'node:timers/promises';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { type InboundEvent, type Reply, replyPlainText, text } from '../src/conversation/types.ts';
import { createInboundMetrics } from '../src/inbound/metrics.ts';
import { InboundPipeline, type InboundResult } from '../src/inbound/pipeline.ts';
import { Registry } from '../src/metrics/registry.ts';
import { ScriptedEngine } from './helpers/engines.ts';

const silent = pino({ level: 'silent' });

const echo = () =>
  new ScriptedEngine(async (event) => {
    if (event.text === 'chậm') await pause(100);
    if (event.text === 'hỏng') throw new Error('engine down');
    return [{ paragraphs: [[text(`Trả lời: ${event.text}`)]] }];
  });

const event = (textValue: string, user = 'u1', conversation = `tg:${user}`): InboundEvent => ({
  channel: 'telegram',
  conversationId: conversation,
  userId: user,
  text: textValue,
  receivedAt: Date.now(),
});

/** Collects what the channel would send, in order. */
function outbox() {
  const sent: string[] = [];
  return {
    sent,
    deliver: (replies: Reply[]) => {
      for (const reply of replies) sent.push(replyPlainText(reply));
    },
  };
}

describe('inbound pipeline', () => {
  it('answers a delivery once even when the platform sends it twice', async () => {
    const engine = echo();
    const pipeline = new InboundPipeline({ engine, logger: silent });
    const box = outbox();
    const first = await pipeline.handle({ event: event('xin chào'), deliveryId: 'telegram:7' }, box.deliver);
    const again = await pipeline.handle({ event: event('xin chào'), deliveryId: 'telegram:7' }, box.deliver);
    expect(first.status).toBe('answered');
    expect(again.status).toBe('duplicate');
    expect(box.sent).toEqual(['Trả lời: xin chào']);
    expect(engine.events).toHaveLength(1);
  });

  it('gives a flood of 50 messages one rate-limit notice, not 50 answers', async () => {
    const engine = echo();
    const registry = new Registry();
    const pipeline = new InboundPipeline({
      engine,
      logger: silent,
      limits: { perMinute: 30, burst: 10 },
      metrics: createInboundMetrics(registry),
    });
    const box = outbox();
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        pipeline.handle({ event: event(`câu ${i}`), deliveryId: `telegram:${i}` }, box.deliver),
      ),
    );
    const answered = results.filter((r) => r.status === 'answered').length;
    const notices = box.sent.filter((s) => s.includes('hơi nhanh'));
    expect(answered).toBeLessThanOrEqual(11);
    expect(answered).toBeGreaterThanOrEqual(10);
    expect(notices).toHaveLength(1);
    expect(box.sent).toHaveLength(answered + 1);
    // Another user is not affected by the first one's flood.
    expect((await pipeline.handle({ event: event('chào', 'u2') }, box.deliver)).status).toBe('answered');
    expect(registry.render()).toMatch(/inbound_messages_total\{channel="telegram",outcome="rate_limited"\} (39|40)\n/);
  });

  it('keeps the order of one conversation and runs it one message at a time', async () => {
    const engine = echo();
    const pipeline = new InboundPipeline({ engine, logger: silent });
    const box = outbox();
    await Promise.all([
      pipeline.handle({ event: event('chậm') }, box.deliver),
      pipeline.handle({ event: event('nhanh') }, box.deliver),
    ]);
    expect(box.sent).toEqual(['Trả lời: chậm', 'Trả lời: nhanh']);
    expect(engine.maxConcurrentPerConversation).toBe(1);
  });

  it('answers with an apology when the engine fails, and the next message is answered', async () => {
    const pipeline = new InboundPipeline({ engine: echo(), logger: silent });
    const box = outbox();
    const failed = await pipeline.handle({ event: event('hỏng') }, box.deliver);
    expect(failed.status).toBe('failed');
    expect(box.sent[0]).toMatch(/Xin lỗi/);
    expect((await pipeline.handle({ event: event('lại') }, box.deliver)).status).toBe('answered');
  });

  it('drops an event that is not a message without calling the engine', async () => {
    const engine = echo();
    const pipeline = new InboundPipeline({ engine, logger: silent });
    const bad = { ...event('x'), conversationId: '' } as InboundEvent;
    expect((await pipeline.handle({ event: bad })).status).toBe('invalid');
    expect(engine.events).toHaveLength(0);
  });

  it('still answers when the shared stores fail (no duplicate check, no limit, no lock)', async () => {
    const down = async (): Promise<never> => {
      throw new Error('database unavailable');
    };
    const pipeline = new InboundPipeline({
      engine: echo(),
      logger: silent,
      stores: { seen: { firstSighting: down }, rate: { take: down }, lock: { run: down } },
    });
    const result: InboundResult = await pipeline.handle({ event: event('xin chào'), deliveryId: 'telegram:1' });
    expect(result.status).toBe('answered');
    expect(replyPlainText(result.replies[0] as Reply)).toBe('Trả lời: xin chào');
  });

  it('answers with the channel-provided reply without asking the engine (a sticker)', async () => {
    const engine = echo();
    const pipeline = new InboundPipeline({ engine, logger: silent });
    const sticker: Reply = { paragraphs: [[text('Mình chỉ đọc được tin nhắn chữ.')]] };
    const result = await pipeline.handle({ event: { ...event(''), text: undefined }, answer: [sticker] });
    expect(result.replies).toEqual([sticker]);
    expect(engine.events).toHaveLength(0);
  });
});
