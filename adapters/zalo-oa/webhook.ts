// The Zalo Official Account channel: a webhook route on the fastify app that keeps the raw body (for
// the signature), answers 200 at once, and handles `user_send_text` asynchronously: the engine's replies
// are rendered as Zalo plain text and sent back through the OA API.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ConversationEngine, InboundEvent } from '../../src/conversation/types.ts';
import { fingerprint, type Logger } from '../../src/log/logger.ts';
import { repliesFor } from '../shared/engine-replies.ts';
import { errorMessage } from '../shared/error-message.ts';
import { KeyedQueue } from '../shared/keyed-queue.ts';
import { renderZaloReplies } from '../zalo/render.ts';
import { type OaSendOptions, sendOaText } from './api.ts';
import { verifyZaloOaSignature } from './signature.ts';

export const ZALO_OA_WEBHOOK_PATH = '/webhooks/zalo-oa';

export interface ZaloOaChannelOptions {
  app: FastifyInstance;
  appId: string;
  secretKey: string;
  accessToken: string;
  apiRoot?: string;
  engine: ConversationEngine;
  logger: Logger;
  path?: string;
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

const UserSendTextSchema = z.looseObject({
  sender: z.looseObject({ id: Id }),
  message: z.looseObject({ text: z.string(), msg_id: Id.optional() }),
});

/** Zalo ids exceed JavaScript's safe integers: quote long integer values before JSON.parse. */
export function quoteLargeIntegers(json: string): string {
  return json.replace(/("(?:[^"\\]|\\.)*"\s*:\s*)(-?\d{16,})(?=\s*[,}\]])/g, '$1"$2"');
}

export async function startZaloOa(options: ZaloOaChannelOptions): Promise<ZaloOaChannel> {
  const { app, appId, secretKey, engine } = options;
  const path = options.path ?? ZALO_OA_WEBHOOK_PATH;
  const log = options.logger.child({ channel: 'zalo_oa' });
  const sendOptions: OaSendOptions = { apiRoot: options.apiRoot, accessToken: options.accessToken };
  const queue = new KeyedQueue();
  const seen = new Set<string>();
  let stopped = false;

  if (app.hasRoute({ method: 'POST', url: path })) throw new Error(`route POST ${path} already exists`);

  async function answer(userId: string, event: InboundEvent): Promise<void> {
    const replies = await repliesFor(engine, event, log);
    for (const part of renderZaloReplies(replies)) await sendOaText(sendOptions, userId, part.text);
  }

  function handle(eventName: string, body: unknown): void {
    if (stopped || eventName !== 'user_send_text') return;
    const parsed = UserSendTextSchema.safeParse(body);
    if (!parsed.success || parsed.data.message.text.trim() === '') return;
    const { sender, message } = parsed.data;
    // Zalo retries deliveries it thinks failed: answer each message once.
    if (message.msg_id !== undefined) {
      if (seen.has(message.msg_id)) return;
      seen.add(message.msg_id);
      if (seen.size > 1000) seen.delete(seen.values().next().value as string);
    }
    const conversationId = `zoa:${sender.id}`;
    const event: InboundEvent = {
      channel: 'zalo_oa',
      conversationId,
      userId: sender.id,
      text: message.text.trim(),
      receivedAt: Date.now(),
    };
    void queue.push(conversationId, () =>
      answer(sender.id, event).catch((error: unknown) => {
        log.warn({ chat: fingerprint(conversationId), error: errorMessage(error) }, 'Zalo OA reply failed');
      }),
    );
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
        return reply.code(400).send({ error: 'invalid JSON' });
      }
      const envelope = EnvelopeSchema.safeParse(body);
      if (!envelope.success) return reply.code(400).send({ error: 'not a Zalo OA event' });
      const signature = request.headers['x-zevent-signature'];
      const header = Array.isArray(signature) ? signature[0] : signature;
      if (!verifyZaloOaSignature(header, appId, raw, envelope.data.timestamp, secretKey)) {
        log.warn('Zalo OA webhook call rejected: bad or missing signature');
        return reply.code(401).send({ error: 'invalid signature' });
      }
      // Zalo expects an answer within about 2 s: acknowledge first, work afterwards.
      reply.code(200).send({ ok: true });
      handle(envelope.data.event_name, body); // queues the work; it runs after this handler returns
      return reply;
    });
  });

  return {
    path,
    async stop() {
      stopped = true;
      await queue.drain();
    },
  };
}
