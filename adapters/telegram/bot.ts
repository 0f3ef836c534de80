// The Telegram channel: receives updates (long polling that retries through conflicts and network failures, or
// a webhook route on the fastify app that answers at once), reads each message (groups: only when addressed),
// hands it to the inbound pipeline (duplicates, per-user limits, order, engine, apology) and sends the rendered
// replies through the send queue (pacing, retry-after per chat, plain-text fallback). Reports its state.
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { Telegraf } from 'telegraf';
import { callbackQuery, message } from 'telegraf/filters';
import type { Update } from 'telegraf/types';
import { z } from 'zod';
import { type ChannelRunState, ChannelStates } from '../../src/channels/states.ts';
import type { ConversationEngine, InboundEvent, Reply } from '../../src/conversation/types.ts';
import { InboundPipeline, type InboundResult } from '../../src/inbound/pipeline.ts';
import { TEXT_ONLY_REPLY } from '../../src/inbound/replies.ts';
import type { Logger } from '../../src/log/logger.ts';
import type { Registry } from '../../src/metrics/registry.ts';
import { sendError } from '../../src/server/errors.ts';
import { type SendPacing, SendQueue } from '../shared/send-queue.ts';
import { withTimeout } from '../shared/timeout.ts';
import { describeError, isMessageNotModified, telegramSendErrors } from './errors.ts';
import { startPolling } from './polling.ts';
import { htmlToPlain, parseCallbackData, renderTelegramReplies, type TelegramMessage } from './render.ts';
import { type BotIdentity, isGroupChat, readMessage } from './updates.ts';

export interface TelegramChannelOptions {
  token: string;
  /** A self-hosted Bot API server (or a test fake); defaults to https://api.telegram.org. */
  apiRoot?: string;
  /** Webhook mode: Telegram posts to `url`; the route (its path) is mounted on `app` and checks `secret`. */
  webhook?: { url: string; secret: string; app: FastifyInstance };
  /** The inbound pipeline shared by every channel; one over `engine` when absent (tests). */
  inbound?: InboundPipeline;
  engine?: ConversationEngine;
  /** Where the channel reports running / retrying / stopped. */
  states?: ChannelStates;
  registry?: Registry;
  logger: Logger;
  /** Startup calls (getMe, setWebhook) give up after this long. */
  startupTimeoutMs?: number;
  /** A 429 asking to wait longer than this gives the message up. */
  maxRetryAfterSeconds?: number;
  /** Outgoing pacing; defaults to Telegram's limits (1/s per chat, 20/min per group, 30/s in all). */
  pacing?: Partial<SendPacing>;
  /** Polling retry waits after a failure. */
  pollingBackoff?: { initialMs: number; maxMs: number };
}

export interface TelegramChannel {
  mode: 'polling' | 'webhook';
  username: string;
  stop(): Promise<void>;
}

export const TELEGRAM_COMMANDS = [
  { command: 'start', description: 'Bắt đầu trò chuyện với trợ lý' },
  { command: 'help', description: 'Xem hướng dẫn sử dụng' },
  { command: 'reset', description: 'Bắt đầu lại cuộc trò chuyện' },
] as const;

/** Telegram's limits: about 1 message a second per chat (short bursts tolerated), 20 a minute per group, 30 a second. */
export const TELEGRAM_PACING: SendPacing = {
  perChatIntervalMs: 1000,
  perChatBurst: 3,
  perGroupPerMinute: 20,
  globalPerSecond: 30,
};

const ALLOWED_UPDATES = ['message', 'callback_query'] as const;
/** Shown (as a small toast) to a group member who presses a button meant for someone else. */
const NOT_YOUR_BUTTON = 'Nút này dành cho người đã hỏi. Bạn hãy nhắn câu hỏi của mình cho trợ lý nhé.';
/** How many group messages with buttons we remember the asker of. */
const OWNERS_KEPT = 5000;

const UpdateSchema = z.looseObject({ update_id: z.number().int().nonnegative() });

/** An apiRoot with a path prefix needs a trailing slash (telegraf resolves `./bot<token>/<method>`). */
function normalizeApiRoot(apiRoot: string | undefined): string | undefined {
  if (!apiRoot) return undefined;
  const url = new URL(apiRoot);
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url.toString();
}

/** A Bot API call bounded by `ms`, failing with "<what> timed out after <ms> ms". */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return withTimeout(promise, ms, `${what} timed out after ${ms} ms`);
}

function sameSecret(given: string | string[] | undefined, expected: string): boolean {
  const value = Array.isArray(given) ? given[0] : given;
  if (typeof value !== 'string') return false;
  const a = Buffer.from(value);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Where a reply goes and how: the chat, the message to quote in a group, the pressed message to edit. */
interface Target {
  chatId: number;
  group: boolean;
  /** The asker's user id (groups: buttons answer only them). */
  userId: number;
  quoteMessageId?: number;
  pressedMessageId?: number;
}

export async function startTelegram(options: TelegramChannelOptions): Promise<TelegramChannel> {
  const { webhook } = options;
  const log = options.logger.child({ channel: 'telegram' });
  const startupTimeoutMs = options.startupTimeoutMs ?? 15_000;
  const states = options.states ?? new ChannelStates();
  const report = (state: ChannelRunState, reason?: string) => states.report('telegram', state, reason);
  const inbound = options.inbound ?? defaultPipeline(options);
  const bot = new Telegraf(options.token, {
    handlerTimeout: 30_000,
    // Every call goes to the API (never into a webhook response), so failures are seen and retried.
    telegram: { apiRoot: normalizeApiRoot(options.apiRoot), webhookReply: false },
  });
  const telegram = bot.telegram;
  const sends = new SendQueue({
    channel: 'telegram',
    pacing: { ...TELEGRAM_PACING, ...options.pacing },
    errors: telegramSendErrors,
    logger: log,
    maxRetryAfterMs: (options.maxRetryAfterSeconds ?? 60) * 1000,
    onUnreachable: (chatKey) => void inbound.endConversation(`tg:${chatKey}`),
    ...(options.registry ? { registry: options.registry } : {}),
  });
  // Answers to button presses have their own queue: never paced, never worth waiting for at shutdown.
  const answers = new SendQueue({
    channel: 'telegram',
    pacing: { perChatIntervalMs: 0, globalPerSecond: 1000 },
    errors: telegramSendErrors,
    logger: log,
    maxAttempts: 2,
    maxRetryAfterMs: 10_000,
  });
  /** "<chat>:<message>" of group messages with buttons -> the user they were shown to. */
  const owners = new Map<string, number>();
  const inFlight = new Set<Promise<unknown>>();
  let identity: BotIdentity = { id: 0, username: '' };
  let stopped = false;

  function sendPart(target: Target, part: TelegramMessage, edit: boolean, urgent: boolean): Promise<unknown> {
    const { chatId } = target;
    const quote =
      target.group && target.quoteMessageId !== undefined
        ? { reply_parameters: { message_id: target.quoteMessageId, allow_sending_without_reply: true } }
        : {};
    const markup = part.keyboard ? { reply_markup: part.keyboard } : {};
    const html = { parse_mode: 'HTML' as const, link_preview_options: { is_disabled: true }, ...markup };
    const plainText = htmlToPlain(part.html);
    const editable = edit && target.pressedMessageId !== undefined;
    const messageId = target.pressedMessageId as number;
    const job = {
      label: editable ? 'editMessageText' : 'sendMessage',
      run: async () => {
        if (editable) {
          try {
            return await telegram.editMessageText(chatId, messageId, undefined, part.html, html);
          } catch (error) {
            if (isMessageNotModified(error)) return undefined;
            if (telegramSendErrors.retryAfterMs(error) !== undefined || telegramSendErrors.isUnreachable(error)) {
              throw error;
            }
            // Too old to edit, deleted, …: send it as a new message instead.
            log.debug(describeError(error), 'Telegram edit failed; sending a new message');
          }
        }
        return telegram.sendMessage(chatId, part.html, { ...html, ...quote });
      },
      plain: () =>
        telegram.sendMessage(chatId, plainText, { link_preview_options: { is_disabled: true }, ...markup, ...quote }),
    };
    return sends.send(String(chatId), job, { group: target.group, urgent }).then((outcome) => {
      if (outcome.status === 'sent' && target.group && part.keyboard) rememberOwner(chatId, outcome.result, target);
    });
  }

  function rememberOwner(chatId: number, sent: unknown, target: Target): void {
    const messageId = (sent as { message_id?: unknown } | undefined)?.message_id;
    if (typeof messageId !== 'number') return;
    owners.set(`${chatId}:${messageId}`, target.userId);
    if (owners.size > OWNERS_KEPT) owners.delete(owners.keys().next().value as string);
  }

  /** Queues the replies' messages in order; resolves when they are queued (the send queue paces them). */
  function deliver(target: Target, replies: Reply[], result: InboundResult): void {
    const parts = renderTelegramReplies(replies);
    // The rate-limit notice goes before the answers still waiting to be sent to a flooding user.
    const urgent = result.status === 'rate_limited';
    parts.forEach((part, index) => {
      void sendPart(target, part, index === 0 && part.replacesPrevious, urgent);
    });
  }

  function submit(event: InboundEvent, deliveryId: string, target: Target, answer?: Reply[]): void {
    const work = inbound.handle({ event, deliveryId, ...(answer ? { answer } : {}) }, (replies, result) =>
      deliver(target, replies, result),
    );
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  }

  bot.catch((error, ctx) => {
    log.error({ updateId: ctx.update.update_id, ...describeError(error) }, 'Telegram update handler failed');
  });

  bot.on(message(), (ctx) => {
    if (stopped) return;
    const incoming = readMessage(ctx.message, identity);
    if (incoming.kind === 'ignore') return;
    const chatId = ctx.chat.id;
    const group = isGroupChat(ctx.chat.type);
    const userId = ctx.from.id;
    const event: InboundEvent = {
      channel: 'telegram',
      conversationId: group ? `tg:${chatId}:${userId}` : `tg:${chatId}`,
      userId: String(userId),
      receivedAt: Date.now(),
    };
    const target: Target = { chatId, group, userId, quoteMessageId: ctx.message.message_id };
    const deliveryId = `telegram:${identity.id}:${ctx.update.update_id}`;
    switch (incoming.kind) {
      case 'media':
        return submit(event, deliveryId, target, [TEXT_ONLY_REPLY]);
      case 'text':
        return submit({ ...event, text: incoming.text }, deliveryId, target);
      case 'start':
        submit({ ...event, text: '/start' }, deliveryId, target);
        // t.me/<bot>?start=1_000123: after the greeting, the procedure the link was about.
        if (incoming.code) submit({ ...event, text: incoming.code }, `${deliveryId}:code`, target);
        return;
    }
  });

  bot.on(callbackQuery('data'), (ctx) => {
    const query = ctx.callbackQuery;
    const pressed = query.message;
    const chatId = pressed?.chat.id ?? query.from.id;
    const group = isGroupChat(pressed?.chat.type);
    const askerMessage = (pressed as { reply_to_message?: { message_id: number; from?: { id: number } } } | undefined)
      ?.reply_to_message;
    const owner = pressed ? (owners.get(`${chatId}:${pressed.message_id}`) ?? askerMessage?.from?.id) : undefined;
    const forSomeoneElse = group && owner !== undefined && owner !== query.from.id;
    // Answer at once (in its own lane, so a 429 here holds nothing else) so the button stops spinning.
    void answers.send(String(chatId), {
      label: 'answerCallbackQuery',
      paced: false,
      run: () => telegram.answerCbQuery(query.id, forSomeoneElse ? NOT_YOUR_BUTTON : undefined),
    });
    if (stopped || forSomeoneElse) return;
    const choice = parseCallbackData(query.data);
    if (!choice) return;
    const userId = query.from.id;
    submit(
      {
        channel: 'telegram',
        conversationId: group ? `tg:${chatId}:${userId}` : `tg:${chatId}`,
        userId: String(userId),
        choice,
        receivedAt: Date.now(),
      },
      `telegram:${identity.id}:${ctx.update.update_id}`,
      {
        chatId,
        group,
        userId,
        ...(askerMessage ? { quoteMessageId: askerMessage.message_id } : {}),
        ...(pressed ? { pressedMessageId: pressed.message_id } : {}),
      },
    );
  });

  const path = webhook ? new URL(webhook.url).pathname : '';
  if (webhook?.app.hasRoute({ method: 'POST', url: path })) throw new Error(`route POST ${path} already exists`);

  bot.botInfo = await within(telegram.getMe(), startupTimeoutMs, 'getMe');
  identity = { id: bot.botInfo.id, username: bot.botInfo.username };
  try {
    await within(telegram.setMyCommands([...TELEGRAM_COMMANDS]), startupTimeoutMs, 'setMyCommands');
  } catch (error) {
    log.warn(describeError(error), 'Could not register the bot commands (the bot still works)');
  }

  async function finish(): Promise<void> {
    answers.stop();
    await Promise.race([
      Promise.allSettled([...inFlight]),
      new Promise((resolve) => setTimeout(resolve, 10_000).unref()),
    ]);
    await sends.drain(5_000);
    if (sends.pending > 0) log.warn({ unsent: sends.pending }, 'Telegram stopped with messages still queued');
    sends.stop();
  }

  if (webhook) {
    await within(
      telegram.setWebhook(webhook.url, { secret_token: webhook.secret, allowed_updates: [...ALLOWED_UPDATES] }),
      startupTimeoutMs,
      'setWebhook',
    );
    // Fastify matches the path whatever the query string (telegraf's own callback compares the whole URL,
    // so a webhook URL with "?…" made every update 403). Answer 200 at once; the work is queued.
    webhook.app.post(path, async (request, reply) => {
      if (!sameSecret(request.headers['x-telegram-bot-api-secret-token'], webhook.secret)) {
        log.warn('Telegram webhook call rejected: wrong or missing secret token');
        return sendError(reply, 'forbidden');
      }
      const parsed = UpdateSchema.safeParse(request.body);
      if (!parsed.success) return sendError(reply, 'invalid_update');
      if (!stopped) {
        bot.handleUpdate(parsed.data as unknown as Update).catch((error: unknown) => {
          log.error({ updateId: parsed.data.update_id, ...describeError(error) }, 'Telegram update handler failed');
        });
      }
      return reply.code(200).send({ ok: true });
    });
    report('running');
    return {
      mode: 'webhook',
      username: identity.username,
      async stop() {
        if (stopped) return;
        stopped = true;
        await finish();
        report('stopped', 'the assistant is shutting down');
      },
    };
  }

  await within(telegram.deleteWebhook(), startupTimeoutMs, 'deleteWebhook');
  report('running');
  const polling = startPolling({
    telegram,
    allowedUpdates: ALLOWED_UPDATES,
    handle: (update) => bot.handleUpdate(update),
    report,
    log,
    ...(options.pollingBackoff ? { backoff: options.pollingBackoff } : {}),
  });
  return {
    mode: 'polling',
    username: identity.username,
    async stop() {
      if (stopped) return;
      stopped = true;
      await polling.stop();
      await finish();
      report('stopped', 'the assistant is shutting down');
    },
  };
}

function defaultPipeline(options: TelegramChannelOptions): InboundPipeline {
  if (!options.engine) throw new Error('startTelegram needs an inbound pipeline or an engine');
  return new InboundPipeline({ engine: options.engine, logger: options.logger });
}
