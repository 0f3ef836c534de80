// Keeps the messages of one conversation in order across instances: inside this process a queue per
// conversation, and across processes a transaction-scoped advisory lock (pg_advisory_xact_lock) held on a
// connection of a separate small pool while the work runs, so the work's own queries never wait for it.
import { classifyStoreError, StoreUnavailableError } from '../errors.ts';
import { MemoryConversationLock } from '../memory.ts';
import type { ConversationLock } from '../types.ts';
import type { Pool, PoolClient } from './pool.ts';

/** A message waits at most this long for the one before it on another instance. */
const LOCK_TIMEOUT = '60s';

export class PgConversationLock implements ConversationLock {
  private readonly local = new MemoryConversationLock();

  constructor(private readonly lockPool: Pool) {}

  run<T>(conversationId: string, work: () => Promise<T>): Promise<T> {
    return this.local.run(conversationId, () => this.acrossInstances(conversationId, work));
  }

  private async acrossInstances<T>(conversationId: string, work: () => Promise<T>): Promise<T> {
    let client: PoolClient | undefined;
    try {
      client = await this.lockPool.connect();
      await client.query(`BEGIN; SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`);
      await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`conversation:${conversationId}`]);
    } catch (error) {
      client?.release(error as Error);
      throw new StoreUnavailableError(classifyStoreError(error) ?? 'unreachable', { cause: error });
    }
    try {
      return await work();
    } finally {
      // Ending the transaction releases the lock; a broken connection releases it too (the server ends the session).
      await client.query('COMMIT').then(
        () => client.release(),
        (error: Error) => client.release(error),
      );
    }
  }

  drain(): Promise<void> {
    return this.local.drain();
  }
}
