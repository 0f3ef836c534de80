// The Zalo Official Account channel: a webhook route on the fastify app that keeps the raw body (for the
// signature), refuses replays (events older than the replay window) and redeliveries (by message id,
// through the inbound pipeline), answers 200 at once and works afterwards: `user_send_text` goes to the
// engine, `follow` gets the welcome message, a picture/sticker/voice/… the "text only" line, `unfollow`
// ends the conversation. Replies are Zalo plain text sent through the OA API with a token kept valid by
// OaTokens (refreshed before expiry and on -216) through the send queue (paced, failed sends retried, the
// other parts still sent).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ChannelStates } from '../../src/channels/states.ts';
import { greeting } from '../../src/conversation/messages.ts';
import type { ConversationEngine, InboundEvent, Reply } from '../../src/conversation/types.ts';
import { InboundPipeline } from '../../src/inbound/pipeline.ts';
import { TEXT_ONLY_REPLY } from '../../src/inbound/replies.ts';
import type { Logger } from '../../src/log/logger.ts';
import type { Registry } from '../../src/metrics/registry.ts';
import { sendError } from '../../src/server/errors.ts';
import { errorMessage } from '../shared/error-message.ts';
import { type SendErrors, SendQueue } from '../shared/send-queue.ts';
import { renderZaloReplies } from '../zalo/render.ts';
import { sendOaText, ZaloOaApiError } from './api.ts';
import { verifyZaloOaSignature } from './signature.ts';
import type { OaTokens } from './token.ts';

export const ZALO_OA_WEBHOOK_PATH = '/webhooks/zalo-oa';

/** OA API error: the access token is invalid or expired. */
export const OA_TOKEN_INVALID = -216;

export interface ZaloOaChannelOptions {
  app: FastifyInstance;
  appId: string;
  secretKey: string;
  /** A fixed access token, or the keeper that renews it. */
  accessToken: string | OaTokens;
  apiRoot?: string;
  /** The inbound pipeline (validate, dedupe, rate limit, order, engine); one over `engine` by default. */
  inbound?: InboundPipeline;
  engine?: ConversationEngine;
  logger: Logger;
  states?: ChannelStates;
  registry?: Registry;
  path?: string;
  /** Events older (or further in the future) than this are refused as replays. Default 5 minutes. */
  replayWindowMs?: number;
  sendRetry?: { attempts: number; backoffMs: number };
  now?: () => number;
}

export interface ZaloOaChannel {
  path: string;
  stop(): Promise<void>;
}

const Id = z.union([z.string(), z.number()]).transform(String);

const EnvelopeSchema = z.looseObject({
  event_name: z.string(),
  timestamp: z.union([z.string(), z.number()]).transform(String),
});

const UserEventSchema = z.looseObject({
  sender: z.looseObject({ id: Id }),
  message: z.looseObject({ text: z.string().optional(), msg_id: Id.optional() }).optional(),
});

const FollowSchema = z.looseObject({ follower: z.looseObject({ id: Id }) });

/** Zalo ids exceed JavaScript's safe integers: quote long integer values before JSON.parse. */
export function quoteLargeIntegers(json: string): string {
  return json.replace(/("(?:[^"\\]|\\.)*"\s*:\s*)(-?\d{16,})(?=\s*[,}\]])/g, '$1"$2"');
}

type Plan = { userId: string; deliveryId: string; text?: string; answer?: Reply[] } | { unfollow: string } | undefined;

/** What to do with an event: answer a text, answer with a fixed reply, forget a user, or nothing. */
function planFor(eventName: string, timestamp: string, body: unknown): Plan {
  if (eventName === 'follow') {
    const parsed = FollowSchema.safeParse(body);
    if (!parsed.success) return undefined;
    const userId = parsed.data.follower.id;
    return { userId, deliveryId: `zalo_oa:follow:${userId}:${timestamp}`, answer: [greeting()] };
  }
  if (eventName === 'unfollow') {
    const parsed = FollowSchema.safeParse(body);
    return parsed.success ? { unfollow: parsed.data.follower.id } : undefined;
  }
  if (!eventName.startsWith('user_send_')) return undefined;
  const parsed = UserEventSchema.safeParse(body);
  if (!parsed.success) return undefined;
  const userId = parsed.data.sender.id;
  const message = parsed.data.message;
  const deliveryId = `zalo_oa:msg:${message?.msg_id ?? `${eventName}:${userId}:${timestamp}`}`;
  const words = message?.text?.trim() ?? '';
  // A text, or a picture/link with a caption: answer the words. Anything else reads as "text only".
  if (words !== '' && eventName !== 'user_send_sticker') return { userId, deliveryId, text: words };
  if (eventName === 'user_send_text') return undefined;
  return { userId, deliveryId, answer: [TEXT_ONLY_REPLY] };
}

const oaSendErrors: SendErrors = {
  retryAfterMs: () => undefined,
  // Network failures and server errors are worth another try; an OA error code is not.
  isTransient: (error) => error instanceof ZaloOaApiError && (error.code === undefined || error.code >= 500),
  isFormatting: () => false,
  isUnreachable: () => false,
  describe: errorMessage,
};

export async function startZaloOa(options: ZaloOaChannelOptions): Promise<ZaloOaChannel> {
  const { app, appId, secretKey } = options;
  const path = options.path ?? ZALO_OA_WEBHOOK_PATH;
  const log = options.logger.child({ channel: 'zalo_oa' });
  const replayWindowMs = options.replayWindowMs ?? 5 * 60_000;
  const now = options.now ?? Date.now;
  const tokens = typeof options.accessToken === 'string' ? undefined : options.accessToken;
  const fixedToken = typeof options.accessToken === 'string' ? options.accessToken : '';
  const inbound = options.inbound ?? defaultPipeline(options);
  const states = options.states ?? new ChannelStates();
  const sends = new SendQueue({
    channel: 'zalo_oa',
    // The OA API documents no per-user pace; keep Zalo's usual one message a second per user.
    pacing: { perChatIntervalMs: 1000, globalPerSecond: 20 },
    errors: oaSendErrors,
    logger: log,
    ...(options.sendRetry ? { maxAttempts: options.sendRetry.attempts, backoffMs: options.sendRetry.backoffMs } : {}),
    ...(options.registry ? { registry: options.registry } : {}),
  });
  const inFlight = new Set<Promise<unknown>>();
  let warnedExpired = false;
  let stopped = false;

  if (app.hasRoute({ method: 'POST', url: path })) throw new Error(`route POST ${path} already exists`);

  /** Sends one text; on -216 renews the token once and tries again. */
  async function sendText(userId: string, text: string): Promise<void> {
    const accessToken = tokens ? await tokens.accessToken() : fixedToken;
    try {
      await sendOaText({ apiRoot: options.apiRoot, accessToken }, userId, text);
    } catch (error) {
      if (!(error instanceof ZaloOaApiError) || error.code !== OA_TOKEN_INVALID) throw error;
      if (!tokens?.canRefresh) {
        if (!warnedExpired) {
          log.error(
            'the Zalo OA access token is expired or invalid (-216): set ZALO_OA_REFRESH_TOKEN and ZALO_OA_APP_SECRET ' +
              'so it is renewed automatically, or a new ZALO_OA_ACCESS_TOKEN',
          );
          warnedExpired = true;
        }
        throw error;
      }
      const renewed = await tokens.renewAfterRejection(accessToken);
      await sendOaText({ apiRoot: options.apiRoot, accessToken: renewed }, userId, text);
    }
  }

  /** Queues the messages of the replies in order; the send queue paces and retries them. */
  function deliver(userId: string, replies: Reply[]): void {
    for (const part of renderZaloReplies(replies)) {
      void sends.send(userId, { label: 'message/cs', run: () => sendText(userId, part.text) });
    }
  }

  function handle(eventName: string, timestamp: string, body: unknown): void {
    if (stopped) return;
    const plan = planFor(eventName, timestamp, body);
    if (!plan) return;
    if ('unfollow' in plan) {
      void inbound.endConversation(`zoa:${plan.unfollow}`);
      return;
    }
    const conversationId = `zoa:${plan.userId}`;
    const event: InboundEvent = {
      channel: 'zalo_oa',
      conversationId,
      userId: plan.userId,
      text: plan.text ?? '',
      receivedAt: Number(timestamp) || now(),
    };
    const work = inbound.handle(
      { event, deliveryId: plan.deliveryId, ...(plan.answer ? { answer: plan.answer } : {}) },
      (replies) => deliver(plan.userId, replies),
    );
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  }

  await app.register(async (scope) => {
    // This route only: keep the body as the exact string Zalo signed.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 256 * 1024 }, (_request, body, done) => {
      done(null, body);
    });
    scope.post(path, async (request, reply) => {
      const raw = typeof request.body === 'string' ? request.body : '';
      let body: unknown;
      try {
        body = JSON.parse(quoteLargeIntegers(raw));
      } catch {
        return sendError(reply, 'malformed_json');
      }
      const envelope = EnvelopeSchema.safeParse(body);
      if (!envelope.success) return sendError(reply, 'invalid_update');
      const signature = request.headers['x-zevent-signature'];
      const header = Array.isArray(signature) ? signature[0] : signature;
      if (!verifyZaloOaSignature(header, appId, raw, envelope.data.timestamp, secretKey)) {
        log.warn('Zalo OA webhook call rejected: bad or missing signature');
        return sendError(reply, 'invalid_signature');
      }
      // A genuine but old event replayed (or a clock far off) is refused: it is never answered.
      const sentAt = Number(envelope.data.timestamp);
      if (!Number.isFinite(sentAt) || Math.abs(now() - sentAt) > replayWindowMs) {
        log.warn(
          { ageSeconds: Math.round((now() - sentAt) / 1000) },
          'Zalo OA event refused: outside the replay window',
        );
        return sendError(reply, 'stale_event');
      }
      // Zalo expects an answer within about 2 s: acknowledge first, work afterwards.
      reply.code(200).send({ ok: true });
      handle(envelope.data.event_name, envelope.data.timestamp, body);
      return reply;
    });
  });

  states.report('zalo_oa', 'running');
  return {
    path,
    async stop() {
      stopped = true;
      tokens?.stop();
      await Promise.race([
        Promise.allSettled([...inFlight]),
        new Promise((resolve) => setTimeout(resolve, 10_000).unref()),
      ]);
      await sends.drain();
      sends.stop();
      states.report('zalo_oa', 'stopped', 'stopped');
    },
  };
}

function defaultPipeline(options: ZaloOaChannelOptions): InboundPipeline {
  if (!options.engine) throw new Error('startZaloOa needs an inbound pipeline or an engine');
  return new InboundPipeline({ engine: options.engine, logger: options.logger });
}
