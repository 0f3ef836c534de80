// In-process shared state beyond the common contract (test/store-contract.test.ts runs the behaviour every
// engine shares): the seen-id table stays bounded under a flood of new ids.
import { describe, expect, it } from 'vitest';
import { MemorySeenMessageStore } from '../src/store/memory.ts';

describe('in-process shared state', () => {
  it('stays bounded under a flood of new ids', async () => {
    const seen = new MemorySeenMessageStore(100);
    for (let i = 0; i < 1_000; i++) await seen.firstSighting(`k${i}`, 60_000);
    expect(await seen.firstSighting('k999', 60_000)).toBe(false);
  });
});
