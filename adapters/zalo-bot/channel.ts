// The Zalo Bot Platform channel (Zalo's official, Telegram-shaped bot API): long polling (getUpdates) or a
// webhook route checked with X-Bot-Api-Secret-Token. Replies are Zalo plain text with numbered menus (no
// buttons), paced per chat, retried on transient failures. Polling recovers from failures with backoff
// (state "retrying"); a refused token (401) stops the channel and says why. In groups the bot answers only
// when its name is mentioned. Every message goes through the inbound pipeline (redeliveries dropped by message
// id, per-user rate limit, order per conversation); replies go through the send queue.
import { timingSafeEqual } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import { type ChannelRunState, ChannelStates } from '../../src/channels/states.ts';
import type { ConversationEngine, InboundEvent, Reply } from '../../src/conversation/types.ts';
import { InboundPipeline } from '../../src/inbound/pipeline.ts';
import { TEXT_ONLY_REPLY } from '../../src/inbound/replies.ts';
import type { Logger } from '../../src/log/logger.ts';
import type { Registry } from '../../src/metrics/registry.ts';
import { sendError } from '../../src/server/errors.ts';
import { errorMessage } from '../shared/error-message.ts';
import { type SendErrors, type SendPacing, SendQueue } from '../shared/send-queue.ts';
import { renderZaloReplies } from '../zalo/render.ts';
import { ZaloBotApi, ZaloBotApiError } from './api.ts';
import { actionFor, type BotIdentity, isGroup, updatesOf, type ZaloBotUpdate, ZaloBotUpdateSchema } from './updates.ts';

export const CHANNEL = 'zalo_bot';

export interface ZaloBotChannelOptions {
  token: string;
  apiRoot?: string;
  /** Webhook mode when given; long polling otherwise. */
  webhook?: { url: string; secret: string; app: FastifyInstance };
  /** The inbound pipeline (validate, dedupe, rate limit, order, engine); one over `engine` by default. */
  inbound?: InboundPipeline;
  engine?: ConversationEngine;
  logger: Logger;
  /** Where the channel reports running / retrying / stopped. */
  states?: ChannelStates;
  registry?: Registry;
  /** Outgoing pacing; defaults to 1 message/s per chat, 20/min per group, 10/s for the bot. */
  pacing?: Partial<SendPacing>;
  /** Polling retry delays: initialMs, doubled each failure, capped at maxMs. */
  backoff?: { initialMs: number; maxMs: number };
  /** Long-poll wait in seconds. Default 30. */
  pollTimeoutSeconds?: number;
  /** Send attempts per message part and the first retry delay. */
  sendRetry?: { attempts: number; backoffMs: number };
}

export interface ZaloBotChannel {
  mode: 'polling' | 'webhook';
  /** The bot's account name (from getMe). */
  name: string;
  /** The webhook route's path, in webhook mode. */
  path?: string;
  readonly state: ChannelRunState;
  stop(): Promise<void>;
}

const BotInfo = (value: unknown): { id: string; names: string[] } => {
  const info = (value ?? {}) as Record<string, unknown>;
  const names = ['display_name', 'account_name', 'name', 'username']
    .map((key) => info[key])
    .filter((name): name is string => typeof name === 'string' && name.trim() !== '');
  return { id: String(info.id ?? ''), names: [...new Set(names)] };
};

/** An empty getUpdates answer faster than this waits out the rest before polling again. */
const MIN_EMPTY_POLL_MS = 250;

export const ZALO_BOT_PACING: SendPacing = { perChatIntervalMs: 1000, perGroupPerMinute: 20, globalPerSecond: 10 };

const zaloBotSendErrors: SendErrors = {
  // The platform documents no retry_after: a 429 is retried with the queue's backoff.
  retryAfterMs: () => undefined,
  isTransient: (error) => !(error instanceof ZaloBotApiError) || error.transient,
  isFormatting: () => false,
  isUnreachable: () => false,
  describe: errorMessage,
};

function sameSecret(given: string | undefined, expected: string): boolean {
  const a = Buffer.from(given ?? '', 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Epoch milliseconds of a message date (the API sends milliseconds; seconds are accepted too). */
function receivedAt(date: number | undefined): number {
  if (!date || !Number.isFinite(date)) return Date.now();
  return date < 1e12 ? date * 1000 : date;
}

export async function startZaloBot(options: ZaloBotChannelOptions): Promise<ZaloBotChannel> {
  const log = options.logger.child({ channel: CHANNEL });
  const api = new ZaloBotApi({ token: options.token, apiRoot: options.apiRoot });
  const backoff = options.backoff ?? { initialMs: 1000, maxMs: 60_000 };
  const pollTimeoutSeconds = options.pollTimeoutSeconds ?? 30;
  const inbound = options.inbound ?? defaultPipeline(options);
  const states = options.states ?? new ChannelStates();
  const sends = new SendQueue({
    channel: CHANNEL,
    pacing: { ...ZALO_BOT_PACING, ...options.pacing },
    errors: zaloBotSendErrors,
    logger: log,
    ...(options.sendRetry ? { maxAttempts: options.sendRetry.attempts, backoffMs: options.sendRetry.backoffMs } : {}),
    ...(options.registry ? { registry: options.registry } : {}),
  });
  const inFlight = new Set<Promise<unknown>>();
  const abort = new AbortController();
  let state: ChannelRunState = 'running';
  let polling: Promise<void> | undefined;

  function report(next: ChannelRunState, reason?: string): void {
    state = next;
    states.report(CHANNEL, next, reason);
  }

  let me: BotIdentity;
  try {
    me = BotInfo(await api.call('getMe'));
  } catch (error) {
    if (error instanceof ZaloBotApiError && error.unauthorized) {
      throw new Error(`the Zalo Bot Platform refused the token (${error.code}): check ZALO_BOT_TOKEN`);
    }
    throw error;
  }

  /** Queues the messages of the replies in order; the send queue paces and retries them. */
  function deliver(chatId: string, group: boolean, replies: Reply[]): void {
    for (const part of renderZaloReplies(replies)) {
      void sends.send(
        chatId,
        { label: 'sendMessage', run: () => api.call('sendMessage', { chat_id: chatId, text: part.text }) },
        { group },
      );
    }
  }

  function handleUpdate(update: ZaloBotUpdate): void {
    if (abort.signal.aborted || state === 'stopped' || !update.message) return;
    const message = update.message;
    const action = actionFor(update, me);
    if (action.kind === 'ignore') {
      log.debug({ why: action.why }, 'update ignored');
      return;
    }
    const chatId = message.chat.id;
    // A session per user within a group; the chat itself in a private conversation.
    const conversationId = isGroup(message) ? `${CHANNEL}:${chatId}:${message.from.id}` : `${CHANNEL}:${chatId}`;
    const event: InboundEvent = {
      channel: CHANNEL,
      conversationId,
      userId: message.from.id,
      text: action.kind === 'text' ? action.text : '',
      receivedAt: receivedAt(message.date),
    };
    if (action.kind === 'text') {
      api.call('sendChatAction', { chat_id: chatId, action: 'typing' }).catch(() => undefined);
    }
    const group = isGroup(message);
    const work = inbound.handle(
      {
        event,
        deliveryId: `${CHANNEL}:msg:${message.message_id}`,
        ...(action.kind === 'text_only' ? { answer: [TEXT_ONLY_REPLY] } : {}),
      },
      (replies) => deliver(chatId, group, replies),
    );
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  }

  async function pollLoop(): Promise<void> {
    let failures = 0;
    /** An empty poll that came back at once (a proxy, a server not holding the request): do not spin. */
    const idle = async (startedAt: number) => {
      if (Date.now() - startedAt < MIN_EMPTY_POLL_MS) {
        await delay(MIN_EMPTY_POLL_MS, undefined, { signal: abort.signal }).catch(() => undefined);
      }
    };
    while (!abort.signal.aborted) {
      const startedAt = Date.now();
      try {
        const result = await api.call(
          'getUpdates',
          { timeout: String(pollTimeoutSeconds) },
          { timeoutMs: (pollTimeoutSeconds + 10) * 1000, signal: abort.signal },
        );
        if (failures > 0) log.info({ after: failures }, 'Zalo Bot polling recovered');
        failures = 0;
        if (state !== 'running') report('running');
        const updates = updatesOf(result);
        for (const update of updates) handleUpdate(update);
        if (updates.length === 0) await idle(startedAt);
      } catch (error) {
        if (abort.signal.aborted) return;
        // The long poll ended without news.
        if (error instanceof ZaloBotApiError && error.code === 408) {
          await idle(startedAt);
          continue;
        }
        if (error instanceof ZaloBotApiError && error.unauthorized) {
          const reason = `token refused (${error.code}): check ZALO_BOT_TOKEN`;
          log.error({ reason }, 'Zalo Bot channel stopped');
          report('stopped', reason);
          return;
        }
        failures++;
        const waitMs = Math.min(backoff.initialMs * 2 ** (failures - 1), backoff.maxMs);
        const reason = errorMessage(error);
        log.warn({ attempt: failures, waitMs, error: reason }, 'Zalo Bot polling failed; retrying');
        report('retrying', reason);
        await delay(waitMs, undefined, { signal: abort.signal }).catch(() => undefined);
      }
    }
  }

  let path: string | undefined;
  if (options.webhook) {
    const { url, secret, app } = options.webhook;
    path = new URL(url).pathname;
    if (app.hasRoute({ method: 'POST', url: path })) throw new Error(`route POST ${path} already exists`);
    app.post(path, async (request, reply) => {
      const header = request.headers['x-bot-api-secret-token'];
      if (!sameSecret(Array.isArray(header) ? header[0] : header, secret)) {
        log.warn('Zalo Bot webhook call rejected: bad or missing secret token');
        return sendError(reply, 'forbidden');
      }
      const body = request.body as Record<string, unknown> | undefined;
      // Some deliveries wrap the update as {ok, result}; accept both.
      const raw = body && typeof body.result === 'object' && body.result !== null ? body.result : body;
      const parsed = ZaloBotUpdateSchema.safeParse(raw);
      reply.code(200).send({ ok: true });
      if (parsed.success) handleUpdate(parsed.data);
      return reply;
    });
    await api.call('setWebhook', { url, secret_token: secret });
  } else {
    await api.call('deleteWebhook').catch((error: unknown) => {
      log.warn({ error: errorMessage(error) }, 'deleteWebhook failed; polling anyway');
    });
    polling = pollLoop();
  }
  report('running');

  return {
    mode: options.webhook ? 'webhook' : 'polling',
    name: me.names[0] ?? me.id,
    path,
    get state() {
      return state;
    },
    async stop() {
      if (abort.signal.aborted) return;
      abort.abort();
      await polling;
      await Promise.race([
        Promise.allSettled([...inFlight]),
        new Promise((resolve) => setTimeout(resolve, 10_000).unref()),
      ]);
      await sends.drain();
      sends.stop();
      report('stopped', 'stopped');
    },
  };
}

function defaultPipeline(options: ZaloBotChannelOptions): InboundPipeline {
  if (!options.engine) throw new Error('startZaloBot needs an inbound pipeline or an engine');
  return new InboundPipeline({ engine: options.engine, logger: options.logger });
}
