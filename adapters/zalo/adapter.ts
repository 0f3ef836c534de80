// The Zalo personal-account channel: turns incoming zca-js messages into InboundEvents, answers with
// plain-text replies, and keeps the socket alive. Reconnects with exponential backoff (Zalo drops the
// socket often, code 1006), a watchdog restarts a connection that never comes up, and close code 3000
// (another listener or Zalo Web took the session) stops the channel instead of fighting over it.
import { ThreadType } from 'zca-js';
import type { ConversationEngine, InboundEvent } from '../../src/conversation/types.ts';
import { fingerprint, type Logger } from '../../src/log/logger.ts';
import { repliesFor } from '../shared/engine-replies.ts';
import { errorMessage } from '../shared/error-message.ts';
import { KeyedQueue } from '../shared/keyed-queue.ts';
import { RateLimiter } from './rate-limit.ts';
import { renderZaloReplies } from './render.ts';
import type { ZaloMessage, ZaloTransport } from './transport.ts';

export interface ZaloChannelOptions {
  transport: ZaloTransport;
  engine: ConversationEngine;
  logger: Logger;
  /** Outgoing pacing; defaults to 1 message/s per thread and at most 4/s for the account. */
  limiter?: RateLimiter;
  /** Reconnect delays: initialMs, doubled each failure, capped at maxMs. */
  backoff?: { initialMs: number; maxMs: number };
  /** Watchdog: a connection not up after this long is restarted. */
  connectTimeoutMs?: number;
  /** A connection that lasted this long resets the backoff. */
  stableAfterMs?: number;
  /** Send bold spans as Zalo text styles (otherwise plain text only). */
  boldStyles?: boolean;
}

export type ZaloChannelState = 'connecting' | 'connected' | 'waiting' | 'stopped';

export interface ZaloChannel {
  readonly state: ZaloChannelState;
  stop(): Promise<void>;
}

/** Close codes after which reconnecting would only fight another session. */
const SESSION_TAKEN_CODES = new Set([3000, 3003]);

/** Removes the "@Bot" mention texts from a group message, leaving the question. */
export function stripMentions(content: string, mentions: Array<{ pos: number; len: number }>): string {
  let text = content;
  for (const mention of [...mentions].sort((a, b) => b.pos - a.pos)) {
    text = text.slice(0, mention.pos) + text.slice(mention.pos + mention.len);
  }
  return text.replace(/\s+/g, ' ').trim();
}

/** The question in a message, or undefined when the bot should stay silent. */
export function questionOf(message: ZaloMessage, ownId: string): string | undefined {
  if (message.isSelf) return undefined;
  const content = message.data.content;
  if (typeof content !== 'string' || content.trim() === '') return undefined;
  if (message.type !== ThreadType.Group) return content.trim();
  // In groups, answer only when the bot itself is mentioned (not @all).
  const mine = (message.data.mentions ?? []).filter((mention) => mention.uid === ownId);
  if (mine.length === 0) return undefined;
  const question = stripMentions(content, mine);
  return question === '' ? undefined : question;
}

export async function startZalo(options: ZaloChannelOptions): Promise<ZaloChannel> {
  const { transport, engine } = options;
  const log = options.logger.child({ channel: 'zalo' });
  const limiter = options.limiter ?? new RateLimiter({ perThreadIntervalMs: 1000, globalIntervalMs: 250 });
  const backoff = options.backoff ?? { initialMs: 1000, maxMs: 5 * 60_000 };
  const connectTimeoutMs = options.connectTimeoutMs ?? 60_000;
  const stableAfterMs = options.stableAfterMs ?? 60_000;
  const boldStyles = options.boldStyles ?? true;
  const queue = new KeyedQueue();

  let state: ZaloChannelState = 'connecting';
  let failures = 0;
  let connectedAt: number | undefined;
  let reconnectTimer: NodeJS.Timeout | undefined;
  let watchdogTimer: NodeJS.Timeout | undefined;

  async function answer(message: ZaloMessage, event: InboundEvent): Promise<void> {
    const replies = await repliesFor(engine, event, log);
    for (const part of renderZaloReplies(replies)) {
      await limiter.wait(message.threadId);
      await transport.sendText(message.threadId, message.type, part.text, boldStyles ? part.bold : []);
    }
  }

  function onMessage(message: ZaloMessage): void {
    if (state === 'stopped') return;
    const text = questionOf(message, transport.ownId());
    if (text === undefined) return;
    const conversationId = `zalo:${message.threadId}`;
    const event: InboundEvent = {
      channel: 'zalo',
      conversationId,
      userId: String(message.data.uidFrom),
      text,
      receivedAt: Number(message.data.ts) || Date.now(),
    };
    void queue.push(conversationId, () =>
      answer(message, event).catch((error: unknown) => {
        log.warn({ chat: fingerprint(conversationId), error: errorMessage(error) }, 'Zalo reply failed');
      }),
    );
  }

  function clearTimers(): void {
    clearTimeout(reconnectTimer);
    clearTimeout(watchdogTimer);
    reconnectTimer = undefined;
    watchdogTimer = undefined;
  }

  function scheduleReconnect(why: string): void {
    if (state === 'stopped') return;
    clearTimers();
    state = 'waiting';
    const delayMs = Math.min(backoff.initialMs * 2 ** failures, backoff.maxMs);
    failures++;
    log.warn({ delayMs, attempt: failures, why }, 'Zalo connection lost; reconnecting');
    reconnectTimer = setTimeout(() => {
      connect().catch((error: unknown) => scheduleReconnect(`restart failed: ${errorMessage(error)}`));
    }, delayMs);
  }

  async function connect(): Promise<void> {
    state = 'connecting';
    connectedAt = undefined;
    watchdogTimer = setTimeout(() => {
      if (state !== 'connecting') return;
      transport.stop();
      scheduleReconnect(`no connection after ${connectTimeoutMs} ms`);
    }, connectTimeoutMs);
    await transport.start(onMessage, onClosed, onError, onConnected);
  }

  function onConnected(): void {
    if (state === 'stopped') return;
    clearTimeout(watchdogTimer);
    if (failures > 0) log.info('Zalo reconnected');
    state = 'connected';
    connectedAt = Date.now();
  }

  function onClosed(code: number, reason: string): void {
    // Ignore the close that follows our own stop, or one already being handled.
    if (state === 'stopped' || state === 'waiting') return;
    if (SESSION_TAKEN_CODES.has(code)) {
      log.error(
        { code },
        'Zalo closed the connection because the account is used elsewhere (Zalo Web or another instance). ' +
          'The Zalo channel is stopped; close the other session and restart the assistant.',
      );
      void channel.stop();
      return;
    }
    if (connectedAt !== undefined && Date.now() - connectedAt >= stableAfterMs) failures = 0;
    scheduleReconnect(`closed with code ${code}${reason ? ` (${reason})` : ''}`);
  }

  function onError(error: unknown): void {
    log.warn({ error: errorMessage(error) }, 'Zalo socket error');
  }

  const channel: ZaloChannel = {
    get state() {
      return state;
    },
    async stop() {
      if (state === 'stopped') return;
      state = 'stopped';
      clearTimers();
      try {
        transport.stop();
      } catch (error) {
        log.debug({ error: errorMessage(error) }, 'Zalo transport stop failed');
      }
      await queue.drain();
    },
  };

  try {
    await connect();
  } catch (error) {
    state = 'stopped';
    clearTimers();
    throw error;
  }
  return channel;
}
