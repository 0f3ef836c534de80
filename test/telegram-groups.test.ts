// Telegram in the wild, part 1: what members of a group, and people arriving by deep link or sending media,
// see. Real telegraf against the fake Bot API on 127.0.0.1 with a scripted engine: in a group the bot answers
// only commands, mentions and replies to itself, quotes the asker, keeps one session per member and lets only
// the asker press their buttons; /start with a procedure code greets and answers about it; media get one line.
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTelegram, type TelegramChannel } from '../adapters/telegram/bot.ts';
import { type InboundEvent, type Reply, text } from '../src/conversation/types.ts';
import {
  type FakeTelegram,
  groupCallbackUpdate,
  groupTextUpdate,
  mediaUpdate,
  startFakeTelegram,
  textUpdate,
} from './fixtures/fake-telegram.ts';
import { questionCard, ScriptedEngine } from './helpers/engines.ts';
import { until } from './helpers/until.ts';

const silent = pino({ level: 'silent' });
const GROUP = -100123;

function script(event: InboundEvent): Reply[] {
  if (event.choice) return [{ paragraphs: [[text(`Bạn đã chọn ${event.choice.optionId}`)]] }];
  if (event.text === '/start') return [{ paragraphs: [[text('Xin chào! Mình là trợ lý dịch vụ công.')]] }];
  return [questionCard(event.text ?? '', [{ id: 'docs', label: 'Giấy tờ' }])];
}

describe('Telegram in groups, deep links and media', () => {
  let fake: FakeTelegram;
  let engine: ScriptedEngine;
  let channel: TelegramChannel | undefined;

  beforeEach(async () => {
    fake = await startFakeTelegram();
    engine = new ScriptedEngine(script);
    // Pacing is the send queue's business (tested with flood control); here it only slows the test down.
    channel = await startTelegram({
      token: fake.token,
      apiRoot: fake.url,
      engine,
      logger: silent,
      pacing: { perChatIntervalMs: 50 },
    });
  });

  afterEach(async () => {
    await channel?.stop();
    await fake.close();
  });

  /** Pushes updates, then a private marker message, and returns what was sent before the marker's answer. */
  async function sentAfter(...updates: Record<string, unknown>[]): Promise<Array<Record<string, unknown>>> {
    for (const update of updates) fake.pushUpdate(update);
    fake.pushUpdate(textUpdate(5, 'marker'));
    await until(
      () => fake.callsOf('sendMessage').some((c) => String(c.body.text).includes('marker')),
      'the marker answer',
      10_000,
    );
    return fake
      .callsOf('sendMessage')
      .map((c) => c.body)
      .filter((b) => !String(b.text).includes('marker'));
  }

  it('stays silent on group chatter that is not addressed to it', async () => {
    const sent = await sentAfter(
      groupTextUpdate(GROUP, 11, 'mọi người ơi tối nay đi ăn không', { messageId: 1 }),
      groupTextUpdate(GROUP, 12, 'ok đi, nhớ mang hộ chiếu', {
        messageId: 2,
        replyTo: { messageId: 1, fromBot: false },
      }),
      groupTextUpdate(GROUP, 13, '/help@another_bot', { messageId: 3 }),
    );
    expect(sent).toEqual([]);
    expect(engine.events.filter((e) => e.conversationId.startsWith(`tg:${GROUP}`))).toEqual([]);
  });

  it('answers a mention, a reply to itself and a command, quoting the asker', async () => {
    fake.pushUpdate(groupTextUpdate(GROUP, 11, '@troly_dvc_bot lệ phí làm hộ chiếu', { messageId: 21 }));
    fake.pushUpdate(
      groupTextUpdate(GROUP, 12, 'còn giấy tờ thì sao', { messageId: 22, replyTo: { messageId: 1000, fromBot: true } }),
    );
    fake.pushUpdate(groupTextUpdate(GROUP, 13, '/help@troly_dvc_bot', { messageId: 23 }));
    const sent = (await fake.waitForCalls('sendMessage', 3)).map((c) => c.body);
    expect(sent.map((b) => b.chat_id)).toEqual([GROUP, GROUP, GROUP]);
    expect(sent.map((b) => (b.reply_parameters as { message_id: number }).message_id).sort()).toEqual([21, 22, 23]);
    const texts = engine.events.map((e) => e.text);
    expect(texts).toContain('lệ phí làm hộ chiếu');
    expect(texts).toContain('còn giấy tờ thì sao');
    expect(texts).toContain('/help');
    // One session per member of the group.
    expect(new Set(engine.events.map((e) => e.conversationId))).toEqual(
      new Set([`tg:${GROUP}:11`, `tg:${GROUP}:12`, `tg:${GROUP}:13`]),
    );
  });

  it('accepts a button press only from the member it was shown to; others get a short notice', async () => {
    fake.pushUpdate(groupTextUpdate(GROUP, 11, '@troly_dvc_bot đăng ký khai sinh', { messageId: 31 }));
    const [menu] = await fake.waitForCalls('sendMessage');
    expect(menu?.body.reply_markup).toBeDefined();
    const menuMessageId = 1000; // the fake numbers the messages it accepts from 1000
    fake.pushUpdate(groupCallbackUpdate(GROUP, 99, 'm:p1:docs', menuMessageId));
    const [notice] = await fake.waitForCalls('answerCallbackQuery');
    expect(String(notice?.body.text)).toMatch(/dành cho người đã hỏi/);
    fake.pushUpdate(groupCallbackUpdate(GROUP, 11, 'm:p1:docs', menuMessageId));
    const sent = await fake.waitForCalls('sendMessage', 2);
    expect(sent[1]?.body.text).toBe('Bạn đã chọn docs');
    expect(engine.events.filter((e) => e.choice).map((e) => e.userId)).toEqual(['11']);
  });

  it('greets on /start with a procedure code and then answers about that procedure', async () => {
    fake.pushUpdate(textUpdate(42, '/start 1_000123'));
    const sent = await fake.waitForCalls('sendMessage', 2);
    expect(String(sent[0]?.body.text)).toContain('Xin chào');
    expect(String(sent[1]?.body.text)).toContain('1.000123');
    expect(engine.events.map((e) => e.text)).toEqual(['/start', '1.000123']);
  });

  it('answers a photo from its caption and other media with one polite text-only line', async () => {
    fake.pushUpdate(mediaUpdate(42, 'photo', 'giấy này nộp ở đâu'));
    await fake.waitForCalls('sendMessage');
    expect(engine.events.map((e) => e.text)).toEqual(['giấy này nộp ở đâu']);
    for (const kind of ['sticker', 'voice', 'location', 'contact'] as const) fake.pushUpdate(mediaUpdate(43, kind));
    const sent = await fake.waitForCalls('sendMessage', 5);
    for (const call of sent.slice(1)) expect(String(call.body.text)).toMatch(/chỉ đọc được tin nhắn chữ/);
    expect(engine.events).toHaveLength(1);
  });
});
