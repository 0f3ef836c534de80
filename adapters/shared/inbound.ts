// What a channel needs from the inbound chain: hand it an event (with the platform's delivery id) and a
// function that sends replies. `LocalInbound` is the in-process version (drop redeliveries through a
// SeenMessageStore, one turn per conversation at a time, apology when the engine fails); the core's
// channel-neutral InboundPipeline has the same shape and replaces it when given. Channel health goes to a
// `ChannelStateSink` (the core's ChannelStates registry has that shape).
import type { ConversationEngine, InboundEvent, Reply } from '../../src/conversation/types.ts';
import type { Logger } from '../../src/log/logger.ts';
import { repliesFor } from './engine-replies.ts';
import { errorMessage } from './error-message.ts';
import { KeyedQueue } from './keyed-queue.ts';

export interface InboundDelivery {
  event: InboundEvent;
  /** The platform's id of this delivery, namespaced by channel ("zalo_bot:msg:…"); a redelivery is dropped. */
  deliveryId?: string;
  /** The channel already knows the answer (the "text only" line for a sticker): skip the engine. */
  answer?: Reply[];
}

export interface ChannelInbound {
  /** Never rejects; `deliver` is called with the replies inside the conversation's turn. */
  handle(message: InboundDelivery, deliver: (replies: Reply[]) => Promise<void>): Promise<unknown>;
}

/** The shape of the core's SeenMessageStore (adapters do not import the stores). */
export interface SeenIds {
  firstSighting(key: string, ttlMs: number): Promise<boolean>;
}

/** The last ids seen by this process (bounded); a shared store remembers them across restarts. */
class RecentIds implements SeenIds {
  private readonly ids = new Set<string>();
  async firstSighting(key: string): Promise<boolean> {
    if (this.ids.has(key)) return false;
    this.ids.add(key);
    if (this.ids.size > 10_000) this.ids.delete(this.ids.values().next().value as string);
    return true;
  }
}

export type ChannelRunState = 'running' | 'retrying' | 'stopped';

export interface ChannelStateSink {
  report(channel: string, state: ChannelRunState, reason?: string): void;
}

/** For a photo, sticker or other non-text message: the same line on every channel. */
export { TEXT_ONLY_REPLY } from '../../src/inbound/replies.ts';

const DAY_MS = 24 * 60 * 60_000;

export class LocalInbound implements ChannelInbound {
  private readonly queue = new KeyedQueue();
  private readonly seen: SeenIds;

  constructor(
    private readonly engine: ConversationEngine,
    private readonly log: Logger,
    seen?: SeenIds,
  ) {
    this.seen = seen ?? new RecentIds();
  }

  handle(message: InboundDelivery, deliver: (replies: Reply[]) => Promise<void>): Promise<unknown> {
    const { event } = message;
    return this.queue.push(event.conversationId, async () => {
      try {
        if (message.deliveryId !== undefined) {
          const first = await this.seen.firstSighting(message.deliveryId, DAY_MS).catch(() => true);
          if (!first) return;
        }
        const replies = message.answer ?? (await repliesFor(this.engine, event, this.log));
        await deliver(replies);
      } catch (error) {
        this.log.warn({ error: errorMessage(error) }, 'could not deliver the replies');
      }
    });
  }

  /** Waits for the messages in progress (at most `timeoutMs`). */
  drain(timeoutMs?: number): Promise<void> {
    return this.queue.drain(timeoutMs);
  }
}
