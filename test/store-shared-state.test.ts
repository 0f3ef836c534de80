// The shared-state stores the inbound pipeline relies on, in their in-process form: a duplicate delivery is
// recognised, a flood is limited, and one conversation's work runs in arrival order even when some of it fails.
import { describe, expect, it } from 'vitest';
import {
  MemoryConversationLock,
  MemoryRateLimitStore,
  MemorySeenMessageStore,
  MemoryStateStore,
} from '../src/store/memory.ts';

describe('in-process shared state', () => {
  it('sees an update id once until its time to live has passed', async () => {
    let now = 1_000;
    const seen = new MemorySeenMessageStore(10, () => now);
    expect(await seen.firstSighting('telegram:1', 60_000)).toBe(true);
    expect(await seen.firstSighting('telegram:1', 60_000)).toBe(false);
    expect(await seen.firstSighting('telegram:2', 60_000)).toBe(true);
    now += 61_000;
    expect(await seen.firstSighting('telegram:1', 60_000)).toBe(true);
  });

  it('stays bounded under a flood of new ids', async () => {
    const seen = new MemorySeenMessageStore(100);
    for (let i = 0; i < 1_000; i++) await seen.firstSighting(`k${i}`, 60_000);
    expect(await seen.firstSighting('k999', 60_000)).toBe(false);
  });

  it('allows a burst, then refuses with a wait, then refills', async () => {
    let now = 0;
    const limits = new MemoryRateLimitStore(100, () => now);
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await limits.take('user:1', 60, 5));
    expect(answers.filter((a) => a.allowed)).toHaveLength(5);
    expect(answers[5]).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect((await limits.take('user:2', 60, 5)).allowed).toBe(true);
    now += 1_000;
    expect((await limits.take('user:1', 60, 5)).allowed).toBe(true);
  });

  it('runs one conversation in order, failures included, and others alongside', async () => {
    const lock = new MemoryConversationLock();
    const order: string[] = [];
    const slow = lock.run('c1', async () => {
      await new Promise((r) => setTimeout(r, 30));
      order.push('c1 first');
      throw new Error('engine failed');
    });
    const second = lock.run('c1', async () => {
      order.push('c1 second');
      return 2;
    });
    const other = lock.run('c2', async () => {
      order.push('c2');
    });
    await expect(slow).rejects.toThrow('engine failed');
    expect(await second).toBe(2);
    await other;
    expect(order).toEqual(['c2', 'c1 first', 'c1 second']);
  });

  it('keeps named state', async () => {
    const state = new MemoryStateStore();
    expect(await state.get('zalo_oa_refresh_token')).toBeUndefined();
    await state.set('zalo_oa_refresh_token', 'abc');
    expect(await state.get('zalo_oa_refresh_token')).toBe('abc');
  });
});
