// The one inbound path of every channel (web, Telegram, Zalo, Zalo OA, Zalo Bot): validate the event (zod) →
// drop a duplicate delivery (the platform's message/update id) → rate-limit per user, with ONE notice per
// flood → keep the order within a conversation → the engine → an apology if the engine fails → metrics.
// Adapters build an InboundEvent, call `handle()` and send what `deliver` is given; the web route reads the
// result. A failing shared store degrades to "let it through" rather than silence.
import type { ConversationEngine, InboundEvent, Reply } from '../conversation/types.ts';
import { InvalidInboundEvent, parseInboundEvent } from '../conversation/types.ts';
import { fingerprint, type Logger } from '../log/logger.ts';
import { isStoreUnavailable } from '../store/errors.ts';
import { MemoryConversationLock, MemoryRateLimitStore, MemorySeenMessageStore } from '../store/memory.ts';
import type { ConversationLock, RateLimitStore, SeenMessageStore } from '../store/types.ts';
import type { InboundMetrics, InboundOutcome } from './metrics.ts';
import { APOLOGY_REPLY, rateLimitReply, STORE_BUSY_REPLY } from './replies.ts';

export interface InboundStores {
  seen: SeenMessageStore;
  rate: RateLimitStore;
  lock: ConversationLock;
}

export interface InboundLimits {
  /** Messages a minute one user may send (per channel); the rest are not answered. */
  perMinute: number;
  /** Messages one user may send in a burst before the per-minute rate applies. */
  burst: number;
  /** How long a delivery id is remembered to drop a redelivery. */
  dedupeTtlMs: number;
  /** At most one rate-limit notice per user in this long (one notice per flood, not one per message). */
  noticeEveryMs: number;
}

export const DEFAULT_INBOUND_LIMITS: InboundLimits = {
  perMinute: 30,
  burst: 10,
  dedupeTtlMs: 24 * 60 * 60_000,
  noticeEveryMs: 60_000,
};

export interface InboundMessage {
  /** The event as the channel built it; validated here (an invalid one is dropped and counted). */
  event: InboundEvent;
  /**
   * The platform's id of this delivery, namespaced by channel ("telegram:update:123", "zalo:msg:…"). A second
   * delivery with the same id is dropped. Omit when the platform has none (the web chat).
   */
  deliveryId?: string;
  /** Whom the per-user limit counts; the event's user by default (the web chat counts per conversation). */
  rateKey?: string;
  /** The channel already knows the answer (e.g. the "text only" line for a sticker): skip the engine. */
  answer?: Reply[];
}

export type InboundResult =
  | { status: 'answered'; replies: Reply[] }
  /** The engine failed: `replies` is the apology. */
  /** `storeUnavailable`: the database is down/full/damaged, and `replies` is "hệ thống đang bận". */
  | { status: 'failed'; replies: Reply[]; storeUnavailable?: boolean }
  /** Over the user's limit: `replies` holds the notice the first time in a flood, nothing afterwards. */
  | { status: 'rate_limited'; replies: Reply[]; retryAfterSeconds: number }
  | { status: 'duplicate' | 'invalid' | 'closed'; replies: [] };

/**
 * Sends the replies on the channel. Called inside the conversation's turn for answers (so replies of one
 * conversation go out in order) and at once for the rate-limit notice. A send queue makes it return quickly.
 */
export type Deliver = (replies: Reply[], result: InboundResult) => void | Promise<void>;

export interface InboundPipelineOptions {
  engine: ConversationEngine;
  logger: Logger;
  /** Shared state; in-process memory versions by default (one instance). */
  stores?: Partial<InboundStores>;
  limits?: Partial<InboundLimits>;
  metrics?: InboundMetrics;
  now?: () => number;
}

export class InboundPipeline {
  private readonly engine: ConversationEngine;
  private readonly log: Logger;
  private readonly stores: InboundStores;
  readonly limits: InboundLimits;
  private readonly metrics?: InboundMetrics;
  private readonly now: () => number;
  private readonly inFlight = new Set<Promise<unknown>>();
  private closed = false;

  constructor(options: InboundPipelineOptions) {
    this.engine = options.engine;
    this.log = options.logger.child({ component: 'inbound' });
    this.stores = {
      seen: options.stores?.seen ?? new MemorySeenMessageStore(),
      rate: options.stores?.rate ?? new MemoryRateLimitStore(),
      lock: options.stores?.lock ?? new MemoryConversationLock(),
    };
    this.limits = { ...DEFAULT_INBOUND_LIMITS, ...options.limits };
    this.limits.burst = Math.max(1, Math.min(this.limits.burst, this.limits.perMinute));
    this.metrics = options.metrics;
    this.now = options.now ?? Date.now;
  }

  /** Runs one message through the chain; never rejects (failures become the apology or a logged drop). */
  handle(message: InboundMessage, deliver?: Deliver): Promise<InboundResult> {
    if (this.closed) return Promise.resolve(this.count(message.event, { status: 'closed', replies: [] }));
    const started = this.now();
    const work = this.process(message, deliver, started).catch((error: unknown) => {
      // Only a bug gets here (every step catches its own failures): never an unhandled rejection.
      this.log.error(errorShape(error), 'inbound pipeline failed');
      return { status: 'failed', replies: [APOLOGY_REPLY] } as InboundResult;
    });
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
    return work;
  }

  /** Forgets a conversation (the user blocked the bot, left the group). */
  async endConversation(conversationId: string): Promise<void> {
    try {
      await this.engine.endConversation(conversationId);
    } catch (error) {
      this.log.warn({ chat: fingerprint(conversationId), error: errorText(error) }, 'could not end the conversation');
    }
  }

  /** Refuses new messages and waits (at most `timeoutMs`) for those in progress. */
  async close(timeoutMs = 10_000): Promise<void> {
    this.closed = true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
      timer.unref();
    });
    await Promise.race([Promise.allSettled([...this.inFlight]), timeout]);
    clearTimeout(timer);
  }

  private async process(message: InboundMessage, deliver: Deliver | undefined, started: number) {
    let event: InboundEvent;
    try {
      event = parseInboundEvent(message.event);
    } catch (error) {
      const issues = error instanceof InvalidInboundEvent ? error.issues : [errorText(error)];
      this.log.warn({ issues }, 'invalid inbound event dropped');
      return this.count(undefined, { status: 'invalid', replies: [] });
    }
    const chat = fingerprint(event.conversationId);

    // Everything below runs in the conversation's turn: a later message never overtakes an earlier one, and
    // a flood is decided message by message in arrival order.
    return this.inTurn(event.conversationId, async (): Promise<InboundResult> => {
      if (message.deliveryId !== undefined && !(await this.firstSighting(message.deliveryId))) {
        this.log.debug({ chat }, 'duplicate delivery dropped');
        return this.count(event, { status: 'duplicate', replies: [] });
      }
      const who = `${event.channel}:${message.rateKey ?? event.userId}`;
      const decision = await this.take(`user:${who}`);
      if (!decision.allowed) {
        const notify = await this.take(`notice:${who}`, 60_000 / this.limits.noticeEveryMs, 1);
        const replies = notify.allowed ? [rateLimitReply(decision.retryAfterSeconds)] : [];
        if (notify.allowed) this.log.info({ chat, retryAfter: decision.retryAfterSeconds }, 'user rate-limited');
        const result: InboundResult = {
          status: 'rate_limited',
          replies,
          retryAfterSeconds: decision.retryAfterSeconds,
        };
        if (replies.length > 0) await this.deliver(deliver, replies, result, chat);
        return this.count(event, result);
      }
      let result: InboundResult;
      try {
        const replies = message.answer ?? (await this.engine.handle(event));
        result = { status: 'answered', replies };
      } catch (error) {
        if (isStoreUnavailable(error)) {
          this.log.warn({ chat, channel: event.channel, reason: error.reason }, 'store unavailable: busy reply');
          result = { status: 'failed', replies: [STORE_BUSY_REPLY], storeUnavailable: true };
        } else {
          // The error may quote the message: log its kind and where it came from, never its text.
          this.log.error({ chat, channel: event.channel, ...errorShape(error) }, 'conversation engine failed');
          result = { status: 'failed', replies: [APOLOGY_REPLY] };
        }
      }
      await this.deliver(deliver, result.replies, result, chat);
      this.metrics?.latency.observe({ channel: event.channel }, (this.now() - started) / 1000);
      return this.count(event, result);
    });
  }

  /** The conversation lock; if the lock itself fails (a shared store down), the work runs unlocked. */
  private async inTurn<T>(conversationId: string, work: () => Promise<T>): Promise<T> {
    let ran = false;
    try {
      return await this.stores.lock.run(conversationId, () => {
        ran = true;
        return work();
      });
    } catch (error) {
      if (ran) throw error;
      this.log.warn({ error: errorText(error) }, 'conversation lock unavailable; handling without it');
      return work();
    }
  }

  private async firstSighting(deliveryId: string): Promise<boolean> {
    try {
      return await this.stores.seen.firstSighting(deliveryId, this.limits.dedupeTtlMs);
    } catch (error) {
      this.log.warn({ error: errorText(error) }, 'seen-message store unavailable; not checking duplicates');
      return true;
    }
  }

  private async take(key: string, perMinute = this.limits.perMinute, capacity = this.limits.burst) {
    try {
      return await this.stores.rate.take(key, perMinute, capacity);
    } catch (error) {
      this.log.warn({ error: errorText(error) }, 'rate-limit store unavailable; not limiting');
      return { allowed: true, retryAfterSeconds: 0 };
    }
  }

  private async deliver(deliver: Deliver | undefined, replies: Reply[], result: InboundResult, chat: string) {
    if (!deliver || replies.length === 0) return;
    try {
      await deliver(replies, result);
    } catch (error) {
      this.log.warn({ chat, error: errorText(error) }, 'could not deliver the replies');
    }
  }

  private count<T extends InboundResult>(event: Partial<InboundEvent> | undefined, result: T): T {
    const channel = typeof event?.channel === 'string' ? event.channel : 'unknown';
    this.metrics?.messages.inc({ channel, outcome: result.status satisfies InboundOutcome });
    return result;
  }
}

function errorText(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

function errorShape(error: unknown): { errName: string; stack?: string[] } {
  if (!(error instanceof Error)) return { errName: typeof error };
  return { errName: error.name, stack: error.stack?.split('\n').slice(1, 6) };
}
