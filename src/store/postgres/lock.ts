// Keeps the messages of one conversation in order across instances: inside this process a queue per
// conversation, and across processes an advisory lock on the conversation's 64-bit key, held on a connection
// of a separate small pool while the work runs (so the work's own queries never wait for it). A connection that
// dies releases its locks (the server ends the session), so a crashed instance never blocks a conversation.
import { createHash } from 'node:crypto';
import { classifyStoreError, StoreUnavailableError } from '../errors.ts';
import { MemoryConversationLock } from '../memory.ts';
import type { ConversationLock } from '../types.ts';
import type { Pool, PoolClient } from './pool.ts';

/** The advisory-lock key of a conversation: the first 8 bytes of its SHA-256, as a signed 64-bit integer. */
export function conversationKey(conversationId: string): string {
  return createHash('sha256').update(`conversation:${conversationId}`).digest().readBigInt64BE(0).toString();
}

export class PgConversationLock implements ConversationLock {
  private readonly local = new MemoryConversationLock();

  /** `lockPool` should have `lock_timeout` set (a message waits that long at most for the one before it). */
  constructor(private readonly lockPool: Pool) {}

  run<T>(conversationId: string, work: () => Promise<T>): Promise<T> {
    return this.local.run(conversationId, () => this.acrossInstances(conversationId, work));
  }

  private async acrossInstances<T>(conversationId: string, work: () => Promise<T>): Promise<T> {
    const key = conversationKey(conversationId);
    let client: PoolClient | undefined;
    try {
      client = await this.lockPool.connect();
      await client.query({ name: 'conversation-lock', text: 'SELECT pg_advisory_lock($1)', values: [key] });
    } catch (error) {
      client?.release(error as Error);
      throw new StoreUnavailableError(classifyStoreError(error) ?? 'unreachable', { cause: error });
    }
    try {
      return await work();
    } finally {
      // If the unlock fails the connection is discarded, which releases the lock as well.
      await client.query({ name: 'conversation-unlock', text: 'SELECT pg_advisory_unlock($1)', values: [key] }).then(
        () => client.release(),
        (error: Error) => client.release(error),
      );
    }
  }

  drain(): Promise<void> {
    return this.local.drain();
  }
}
