// The outbound send queue on its own, with a stand-in "platform" (plain functions that fail on cue) and short
// real intervals: each chat is paced and in order while other chats go ahead, a transient failure is retried,
// a blocked chat drops what is queued for it (reported once), and a notice marked urgent overtakes the backlog.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { type SendErrors, SendQueue } from '../adapters/shared/send-queue.ts';

class PlatformError extends Error {
  constructor(readonly kind: 'transient' | 'blocked' | 'bad') {
    super(kind);
  }
}

const errors: SendErrors = {
  retryAfterMs: () => undefined,
  isTransient: (e) => e instanceof PlatformError && e.kind === 'transient',
  isFormatting: () => false,
  isUnreachable: (e) => e instanceof PlatformError && e.kind === 'blocked',
  describe: (e) => String(e),
};

function queue(onUnreachable?: (chat: string) => void) {
  return new SendQueue({
    channel: 'test',
    pacing: { perChatIntervalMs: 100, globalPerSecond: 1000 },
    errors,
    logger: pino({ level: 'silent' }),
    backoffMs: 20,
    ...(onUnreachable ? { onUnreachable } : {}),
  });
}

/** Records what reached the "platform" and when. */
function platform() {
  const sent: Array<{ chat: string; text: string; at: number }> = [];
  const job = (chat: string, text: string, fail: PlatformError[] = []) => ({
    label: 'send',
    run: async () => {
      const failure = fail.shift();
      if (failure) throw failure;
      sent.push({ chat, text, at: performance.now() });
      return text;
    },
  });
  return { sent, job };
}

describe('send queue', () => {
  it('paces one chat and keeps its order, while another chat goes ahead', async () => {
    const q = queue();
    const { sent, job } = platform();
    const a = [1, 2, 3].map((n) => q.send('A', job('A', `a${n}`)));
    const b = q.send('B', job('B', 'b1'));
    await Promise.all([...a, b]);
    const texts = sent.map((s) => s.text);
    expect(texts.filter((t) => t.startsWith('a'))).toEqual(['a1', 'a2', 'a3']);
    expect(texts.indexOf('b1')).toBeLessThan(texts.indexOf('a2'));
    const times = sent.filter((s) => s.chat === 'A').map((s) => s.at);
    expect((times[1] as number) - (times[0] as number)).toBeGreaterThanOrEqual(90);
    expect((times[2] as number) - (times[1] as number)).toBeGreaterThanOrEqual(90);
  });

  it('retries a transient failure and still sends the next parts when one part fails for good', async () => {
    const q = queue();
    const { sent, job } = platform();
    const outcomes = await Promise.all([
      q.send('A', job('A', 'part 1', [new PlatformError('transient'), new PlatformError('transient')])),
      q.send('A', job('A', 'part 2', [new PlatformError('bad')])),
      q.send('A', job('A', 'part 3')),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['sent', 'failed', 'sent']);
    expect(sent.map((s) => s.text)).toEqual(['part 1', 'part 3']);
  });

  it('drops what is queued for a chat that blocked the bot and reports it once', async () => {
    const reported: string[] = [];
    const q = queue((chat) => reported.push(chat));
    const { sent, job } = platform();
    const outcomes = await Promise.all([
      q.send('A', job('A', 'one', [new PlatformError('blocked')])),
      q.send('A', job('A', 'two')),
      q.send('B', job('B', 'other chat')),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['unreachable', 'unreachable', 'sent']);
    expect(sent.map((s) => s.text)).toEqual(['other chat']);
    expect(reported).toEqual(['A']);
  });

  it('sends an urgent message right after the one in progress, before the backlog', async () => {
    const q = queue();
    const { sent, job } = platform();
    const backlog = [1, 2, 3, 4].map((n) => q.send('A', job('A', `answer ${n}`)));
    const notice = q.send('A', job('A', 'notice'), { urgent: true });
    await Promise.all([...backlog, notice]);
    expect(sent.map((s) => s.text)).toEqual(['answer 1', 'notice', 'answer 2', 'answer 3', 'answer 4']);
  });
});
