// The Zalo personal-account channel: turns incoming zca-js messages into InboundEvents for the inbound
// pipeline (dedupe by msgId, per-user rate limit, order, engine), sends the plain-text replies through the
// send queue (paced per thread, failed sends retried with backoff, the other parts still sent), and keeps
// the socket alive. Reconnects with exponential backoff (Zalo drops the socket often, code 1006), a watchdog
// restarts a connection that never comes up, and close code 3000 (another listener or Zalo Web took the
// session) stops the channel instead of fighting over it. After a reconnect it asks Zalo for the recent
// messages (zca-js requestOldMessages) and answers those sent while it was away and not answered yet.
import { ThreadType } from 'zca-js';
import { type ChannelRunState, ChannelStates } from '../../src/channels/states.ts';
import type { ConversationEngine, InboundEvent, Reply } from '../../src/conversation/types.ts';
import { InboundPipeline } from '../../src/inbound/pipeline.ts';
import type { Logger } from '../../src/log/logger.ts';
import type { Registry } from '../../src/metrics/registry.ts';
import { errorMessage } from '../shared/error-message.ts';
import { type SendErrors, type SendPacing, SendQueue } from '../shared/send-queue.ts';
import { renderZaloReplies } from './render.ts';
import type { ZaloMessage, ZaloTransport } from './transport.ts';

export interface ZaloChannelOptions {
  transport: ZaloTransport;
  /** The inbound pipeline (validate, dedupe, rate limit, order, engine); one over `engine` by default. */
  inbound?: InboundPipeline;
  engine?: ConversationEngine;
  logger: Logger;
  states?: ChannelStates;
  registry?: Registry;
  /** Outgoing pacing; defaults to 1 message/s per thread and at most 4/s for the account. */
  pacing?: Partial<SendPacing>;
  /** Send attempts per message part and the first retry delay (doubled each time). */
  sendRetry?: { attempts: number; backoffMs: number };
  /** After a reconnect, messages sent up to this long before the connection dropped are still answered. */
  missedGraceMs?: number;
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
  stop(reason?: string): Promise<void>;
}

export const ZALO_PACING: SendPacing = { perChatIntervalMs: 1000, perGroupPerMinute: 20, globalPerSecond: 4 };

const zaloSendErrors: SendErrors = {
  retryAfterMs: () => undefined,
  // zca-js reports network failures and Zalo's refusals alike: every failure gets a few more tries.
  isTransient: () => true,
  isFormatting: () => false,
  isUnreachable: () => false,
  describe: errorMessage,
};

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
  const { transport } = options;
  const log = options.logger.child({ channel: 'zalo' });
  const inbound = options.inbound ?? defaultPipeline(options);
  const states = options.states ?? new ChannelStates();
  const sends = new SendQueue({
    channel: 'zalo',
    pacing: { ...ZALO_PACING, ...options.pacing },
    errors: zaloSendErrors,
    logger: log,
    ...(options.sendRetry ? { maxAttempts: options.sendRetry.attempts, backoffMs: options.sendRetry.backoffMs } : {}),
    ...(options.registry ? { registry: options.registry } : {}),
  });
  const missedGraceMs = options.missedGraceMs ?? 60_000;
  const backoff = options.backoff ?? { initialMs: 1000, maxMs: 5 * 60_000 };
  const connectTimeoutMs = options.connectTimeoutMs ?? 60_000;
  const stableAfterMs = options.stableAfterMs ?? 60_000;
  const boldStyles = options.boldStyles ?? true;
  const inFlight = new Set<Promise<unknown>>();

  let state: ZaloChannelState = 'connecting';
  let failures = 0;
  let connectedAt: number | undefined;
  /** When the last connection dropped: messages from then on (minus the grace) are fetched after a reconnect. */
  let disconnectedAt: number | undefined;
  const report = (next: ChannelRunState, reason?: string) => states.report('zalo', next, reason);
  let reconnectTimer: NodeJS.Timeout | undefined;
  let watchdogTimer: NodeJS.Timeout | undefined;

  /** Queues the messages of the replies in order; the send queue paces and retries them. */
  function deliver(message: ZaloMessage, replies: Reply[]): void {
    for (const part of renderZaloReplies(replies)) {
      const bold = boldStyles ? part.bold : [];
      void sends.send(
        message.threadId,
        { label: 'sendMessage', run: () => transport.sendText(message.threadId, message.type, part.text, bold) },
        { group: message.type === ThreadType.Group },
      );
    }
  }

  function onMessage(message: ZaloMessage): void {
    if (state === 'stopped') return;
    const text = questionOf(message, transport.ownId());
    if (text === undefined) return;
    const event: InboundEvent = {
      channel: 'zalo',
      conversationId: `zalo:${message.threadId}`,
      userId: String(message.data.uidFrom),
      text,
      receivedAt: Number(message.data.ts) || Date.now(),
    };
    const work = inbound.handle({ event, deliveryId: `zalo:msg:${message.data.msgId}` }, (replies) =>
      deliver(message, replies),
    );
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  }

  /** Zalo's answer to requestOldMessages: the recent messages, of which those sent while we were away count. */
  function onOldMessages(messages: ZaloMessage[]): void {
    const since = disconnectedAt;
    if (since === undefined) return;
    const missed = messages.filter((message) => Number(message.data.ts) >= since - missedGraceMs);
    if (missed.length > 0) log.info({ count: missed.length }, 'Zalo messages received while disconnected');
    // Oldest first, so a conversation is answered in the order it was written; answered ones are dropped
    // by the pipeline (same msgId).
    for (const message of missed.sort((a, b) => Number(a.data.ts) - Number(b.data.ts))) onMessage(message);
  }

  /** The socket is ready (its cipher key came): after a reconnect, ask for what we missed. */
  function onReady(): void {
    if (state === 'stopped' || disconnectedAt === undefined || !transport.requestOldMessages) return;
    try {
      transport.requestOldMessages(ThreadType.User);
      transport.requestOldMessages(ThreadType.Group);
    } catch (error) {
      log.warn({ error: errorMessage(error) }, 'could not ask Zalo for the missed messages');
    }
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
    disconnectedAt ??= Date.now();
    report('retrying', why);
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
    await transport.start(onMessage, onClosed, onError, onConnected, { onReady, onOldMessages });
  }

  function onConnected(): void {
    if (state === 'stopped') return;
    clearTimeout(watchdogTimer);
    if (failures > 0) log.info('Zalo reconnected');
    state = 'connected';
    connectedAt = Date.now();
    report('running');
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
      void channel.stop(`the account is used elsewhere (Zalo Web or another instance; close code ${code})`);
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
    async stop(reason = 'stopped') {
      if (state === 'stopped') return;
      state = 'stopped';
      report('stopped', reason);
      clearTimers();
      try {
        transport.stop();
      } catch (error) {
        log.debug({ error: errorMessage(error) }, 'Zalo transport stop failed');
      }
      await Promise.race([
        Promise.allSettled([...inFlight]),
        new Promise((resolve) => setTimeout(resolve, 10_000).unref()),
      ]);
      await sends.drain();
      sends.stop();
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

function defaultPipeline(options: ZaloChannelOptions): InboundPipeline {
  if (!options.engine) throw new Error('startZalo needs an inbound pipeline or an engine');
  return new InboundPipeline({ engine: options.engine, logger: options.logger });
}
