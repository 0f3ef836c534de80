// Token buckets with a controlled clock: the shared bucket (burst, refill, booking ahead) and the server's keyed
// limiter built on it (retry hints, independent keys, bounded memory).
import { describe, expect, it } from 'vitest';
import { retryAfterSeconds, TokenBucket } from '../src/limits/token-bucket.ts';
import { TokenBucketLimiter } from '../src/server/rate-limit.ts';

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('TokenBucket', () => {
  it('gives a burst of its capacity, then one token per interval', () => {
    const bucket = new TokenBucket(3, 1000, 0);
    for (let i = 0; i < 3; i++) {
      expect(bucket.waitMs(0)).toBe(0);
      bucket.take(0);
    }
    expect(bucket.waitMs(0)).toBe(1000);
    expect(bucket.waitMs(400)).toBe(600);
    expect(bucket.isFull(2999)).toBe(false);
    expect(bucket.isFull(3000)).toBe(true);
  });

  it('makes the next caller wait behind a token booked ahead', () => {
    const bucket = new TokenBucket(1, 1000, 0);
    bucket.take(5000); // booked for a moment 5 s from now
    expect(bucket.waitMs(0)).toBe(6000);
    expect(bucket.waitMs(6000)).toBe(0);
  });

  it('rounds waits up to whole seconds for Retry-After, never 0', () => {
    expect([1, 999, 1000, 1001].map(retryAfterSeconds)).toEqual([1, 1, 1, 2]);
  });
});

describe('TokenBucketLimiter', () => {
  it('allows a burst of perMinute, then refuses with a retry hint', () => {
    const time = clock();
    const limiter = new TokenBucketLimiter({ perMinute: 6, now: time.now });
    const decisions = Array.from({ length: 7 }, () => limiter.take('a'));
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, true, true, true, false]);
    // 6 a minute = one token every 10 s.
    expect(decisions[6]?.retryAfterSeconds).toBe(10);
  });

  it('refills over time', () => {
    const time = clock();
    const limiter = new TokenBucketLimiter({ perMinute: 6, now: time.now });
    for (let i = 0; i < 6; i++) limiter.take('a');
    expect(limiter.take('a').allowed).toBe(false);
    time.advance(4_000);
    expect(limiter.take('a')).toEqual({ allowed: false, retryAfterSeconds: 6 });
    time.advance(6_000);
    expect(limiter.take('a').allowed).toBe(true);
    expect(limiter.take('a').allowed).toBe(false);
  });

  it('keeps keys independent', () => {
    const limiter = new TokenBucketLimiter({ perMinute: 1, now: clock().now });
    expect(limiter.take('a').allowed).toBe(true);
    expect(limiter.take('a').allowed).toBe(false);
    expect(limiter.take('b').allowed).toBe(true);
  });

  it('stays bounded under a flood of new keys', () => {
    const time = clock();
    const limiter = new TokenBucketLimiter({ perMinute: 1, maxKeys: 100, now: time.now });
    for (let i = 0; i < 1000; i++) {
      limiter.take(`k${i}`);
      time.advance(1);
    }
    expect(limiter.size).toBeLessThanOrEqual(100);
  });

  it('forgets refilled buckets before limited ones when the table is full', () => {
    const time = clock();
    const limiter = new TokenBucketLimiter({ perMinute: 1, maxKeys: 3, now: time.now });
    limiter.take('idle');
    time.advance(60_000); // 'idle' is full again: forgetting it loses nothing
    limiter.take('limited');
    limiter.take('other');
    limiter.take('newcomer'); // table full: sweep
    expect(limiter.size).toBe(3);
    expect(limiter.take('limited').allowed).toBe(false);
  });
});
