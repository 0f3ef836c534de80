// The Telegram channel: receives updates (long polling, or a webhook route on the fastify app), turns them
// into InboundEvents for the conversation engine, and sends the rendered replies back through telegraf.
// Per-chat queue for ordering, 429 retried after retry_after, 403 ends the conversation quietly.
import type { IncomingMessage } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import { Telegraf } from 'telegraf';
import { callbackQuery, message } from 'telegraf/filters';
import type { ConversationEngine, InboundEvent } from '../../src/conversation/types.ts';
import { fingerprint, type Logger } from '../../src/log/logger.ts';
import { repliesFor } from '../shared/engine-replies.ts';
import { KeyedQueue } from '../shared/keyed-queue.ts';
import { withTimeout } from '../shared/timeout.ts';
import { describeError, isChatUnreachable, isMessageNotModified, isQueryTooOld, retryAfterSeconds } from './errors.ts';
import { parseCallbackData, renderTelegramReplies, type TelegramMessage } from './render.ts';

export interface TelegramChannelOptions {
  token: string;
  /** A self-hosted Bot API server (or a test fake); defaults to https://api.telegram.org. */
  apiRoot?: string;
  /** Webhook mode: Telegram posts to `url`; the route (its path) is mounted on `app` and checks `secret`. */
  webhook?: { url: string; secret: string; app: FastifyInstance };
  engine: ConversationEngine;
  logger: Logger;
  /** Startup calls (getMe, setWebhook) give up after this long. */
  startupTimeoutMs?: number;
  /** A 429 asking to wait longer than this is not retried. */
  maxRetryAfterSeconds?: number;
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

const ALLOWED_UPDATES = ['message', 'callback_query'] as const;
const MAX_SEND_ATTEMPTS = 4;

/**
 * "/start@MyBot hi" -> "/start hi" when addressed to this bot; undefined when addressed to another bot
 * (in a group). Other text is returned unchanged; the engine understands the commands.
 */
export function normalizeCommand(text: string, botUsername: string): string | undefined {
  const match = /^(\/[a-z0-9_]+)@([a-z0-9_]+)(.*)$/is.exec(text);
  if (!match) return text;
  if ((match[2] as string).toLowerCase() !== botUsername.toLowerCase()) return undefined;
  return `${match[1]}${match[3]}`;
}

/** An apiRoot with a path prefix needs a trailing slash (telegraf resolves `./bot<token>/<method>`). */
function normalizeApiRoot(apiRoot: string | undefined): string | undefined {
  if (!apiRoot) return undefined;
  const url = new URL(apiRoot);
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url.toString();
}

/** A Bot API call (or the polling loop) bounded by `ms`, failing with "<what> timed out after <ms> ms". */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return withTimeout(promise, ms, `${what} timed out after ${ms} ms`);
}

export async function startTelegram(options: TelegramChannelOptions): Promise<TelegramChannel> {
  const { engine, webhook } = options;
  const log = options.logger.child({ channel: 'telegram' });
  const startupTimeoutMs = options.startupTimeoutMs ?? 15_000;
  const maxRetryAfter = options.maxRetryAfterSeconds ?? 60;
  const bot = new Telegraf(options.token, {
    handlerTimeout: 30_000,
    // Every call goes to the API (never into a webhook response), so failures are seen and retried.
    telegram: { apiRoot: normalizeApiRoot(options.apiRoot), webhookReply: false },
  });
  const telegram = bot.telegram;
  const queue = new KeyedQueue();
  let stopped = false;

  /** Runs one Bot API call, waiting out flood control (429 retry_after) a few times. */
  async function call<T>(run: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await run();
      } catch (error) {
        const wait = retryAfterSeconds(error);
        if (wait === undefined || attempt >= MAX_SEND_ATTEMPTS || wait > maxRetryAfter) throw error;
        log.warn({ retryAfter: wait, attempt }, 'Telegram flood control: waiting before retrying');
        await sleep(wait * 1000);
      }
    }
  }

  async function send(chatId: number, part: TelegramMessage, editMessageId: number | undefined): Promise<void> {
    const extra = {
      parse_mode: 'HTML' as const,
      link_preview_options: { is_disabled: true },
      ...(part.keyboard ? { reply_markup: part.keyboard } : {}),
    };
    if (editMessageId !== undefined) {
      try {
        await call(() => telegram.editMessageText(chatId, editMessageId, undefined, part.html, extra));
        return;
      } catch (error) {
        if (isMessageNotModified(error)) return;
        if (isChatUnreachable(error)) throw error;
        // Too old to edit, deleted, …: send it as a new message instead.
        log.debug(describeError(error), 'Telegram edit failed; sending a new message');
      }
    }
    await call(() => telegram.sendMessage(chatId, part.html, extra));
  }

  async function respond(chatId: number, event: InboundEvent, pressedMessageId: number | undefined): Promise<void> {
    const replies = await repliesFor(engine, event, log, describeError);
    const parts = renderTelegramReplies(replies);
    for (const [index, part] of parts.entries()) {
      const edit = index === 0 && part.replacesPrevious ? pressedMessageId : undefined;
      await send(chatId, part, edit);
    }
  }

  function enqueue(chatId: number, event: InboundEvent, pressedMessageId?: number): void {
    const chat = fingerprint(event.conversationId);
    void queue.push(event.conversationId, async () => {
      try {
        await respond(chatId, event, pressedMessageId);
      } catch (error) {
        if (isChatUnreachable(error)) {
          log.info({ chat }, 'Telegram chat unreachable (bot blocked or removed); ending the conversation');
          await engine.endConversation(event.conversationId).catch((endError: unknown) => {
            log.warn({ chat, ...describeError(endError) }, 'Could not end the conversation');
          });
          return;
        }
        log.warn({ chat, ...describeError(error) }, 'Telegram reply failed');
      }
    });
  }

  bot.catch((error, ctx) => {
    log.error({ updateId: ctx.update.update_id, ...describeError(error) }, 'Telegram update handler failed');
  });

  bot.on(message('text'), (ctx) => {
    if (stopped) return;
    // Validated at the edge: an update whose text is not a string never reaches the engine.
    if (typeof ctx.message.text !== 'string') {
      log.warn({ updateId: ctx.update.update_id }, 'Telegram update with a malformed text ignored');
      return;
    }
    const text = normalizeCommand(ctx.message.text, ctx.botInfo.username);
    if (text === undefined) return;
    const chatId = ctx.chat.id;
    enqueue(chatId, {
      channel: 'telegram',
      conversationId: `tg:${chatId}`,
      userId: String(ctx.from.id),
      text,
      receivedAt: Date.now(),
    });
  });

  bot.on(callbackQuery('data'), async (ctx) => {
    const query = ctx.callbackQuery;
    // Answer at once so the button stops spinning; then work.
    try {
      await call(() => telegram.answerCbQuery(query.id));
    } catch (error) {
      if (!isQueryTooOld(error)) log.debug(describeError(error), 'answerCallbackQuery failed');
    }
    if (stopped) return;
    const choice = parseCallbackData(query.data);
    if (!choice) return;
    const chatId = query.message?.chat.id ?? query.from.id;
    enqueue(
      chatId,
      {
        channel: 'telegram',
        conversationId: `tg:${chatId}`,
        userId: String(query.from.id),
        choice,
        receivedAt: Date.now(),
      },
      query.message?.message_id,
    );
  });

  const path = webhook ? new URL(webhook.url).pathname : '';
  if (webhook?.app.hasRoute({ method: 'POST', url: path })) throw new Error(`route POST ${path} already exists`);

  bot.botInfo = await within(telegram.getMe(), startupTimeoutMs, 'getMe');
  const username = bot.botInfo.username;
  try {
    await within(telegram.setMyCommands([...TELEGRAM_COMMANDS]), startupTimeoutMs, 'setMyCommands');
  } catch (error) {
    log.warn(describeError(error), 'Could not register the bot commands (the bot still works)');
  }

  if (webhook) {
    await within(
      telegram.setWebhook(webhook.url, { secret_token: webhook.secret, allowed_updates: [...ALLOWED_UPDATES] }),
      startupTimeoutMs,
      'setWebhook',
    );
    const handle = bot.webhookCallback(path, { secretToken: webhook.secret });
    webhook.app.post(path, (request, reply) => {
      // telegraf answers on the raw response itself: checks the path and the secret-token header (403 if wrong).
      reply.hijack();
      const raw = request.raw as IncomingMessage & { body?: unknown };
      raw.body = request.body;
      return handle(raw as Parameters<typeof handle>[0], reply.raw);
    });
    return {
      mode: 'webhook',
      username,
      async stop() {
        stopped = true;
        await queue.drain();
      },
    };
  }

  let pollingEnded = false;
  const polling = bot
    .launch({ allowedUpdates: [...ALLOWED_UPDATES] })
    .catch((error: unknown) => {
      if (!stopped)
        log.error(describeError(error), 'Telegram polling stopped (is another instance polling this token?)');
    })
    .finally(() => {
      pollingEnded = true;
    });
  return {
    mode: 'polling',
    username,
    async stop() {
      if (stopped) return;
      stopped = true;
      // launch() starts polling only after deleteWebhook answers; until then bot.stop() throws "not running".
      for (let tries = 0; !pollingEnded && tries < 100; tries++) {
        try {
          bot.stop('shutdown');
          break;
        } catch {
          await sleep(50);
        }
      }
      await within(polling, 10_000, 'polling stop').catch(() => undefined);
      await queue.drain();
    },
  };
}
