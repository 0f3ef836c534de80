// Waiting in tests for something asynchronous a user would notice (a reply sent, a conversation ended),
// polling through vitest's own waitFor; the failure names what never happened.
import { vi } from 'vitest';

export async function until(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  await vi.waitFor(
    () => {
      if (!condition()) throw new Error(`timed out waiting for ${what}`);
    },
    { timeout: timeoutMs, interval: 10 },
  );
}
