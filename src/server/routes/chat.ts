// POST /api/chat: the web chat's entry to the inbound pipeline (src/inbound), like every other channel.
// Validates the body, caps the new conversations one client (IP) opens a minute, cleans the text, namespaces
// the conversation id (`web:<id>`); the pipeline rate-limits the conversation, keeps its order and asks the
// engine. Answers `{ replies: Reply[] }` exactly as the engine produced them (the engine itself says when it
// read only part of a long text).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { MAX_MESSAGE_CHARS } from '../../conversation/engine.ts';
import type { InboundEvent } from '../../conversation/types.ts';
import type { InboundPipeline } from '../../inbound/pipeline.ts';
import { rateLimitText } from '../../inbound/replies.ts';
import { fingerprint } from '../../log/logger.ts';
import type { ServerMetrics } from '../../metrics/server-metrics.ts';
import { STORE_BUSY_TEXT } from '../../store/errors.ts';
import { cleanInboundText } from '../../text/sanitize.ts';
import { sendError, sendValidationError } from '../errors.ts';
import type { NewConversationLimiter } from '../new-conversations.ts';
import { webUserId } from '../web-client.ts';

export const CHAT_BODY_LIMIT_BYTES = 16 * 1024;

const MenuRef = z.string().regex(/^[\x21-\x7e]{1,64}$/, 'phải là mã ASCII ngắn (1–64 ký tự)');

export const ChatRequest = z
  .object({
    conversationId: z
      .string({ error: 'thiếu conversationId' })
      .regex(/^[A-Za-z0-9_-]{1,100}$/, 'chỉ gồm chữ, số, "_" hoặc "-" (1–100 ký tự)'),
    text: z.string({ error: 'phải là chuỗi' }).optional(),
    choice: z.object({ menuId: MenuRef, optionId: MenuRef }).optional(),
  })
  .refine((body) => (body.text === undefined) !== (body.choice === undefined), {
    error: 'cần đúng một trong hai trường: text hoặc choice',
  });

export interface ChatRouteOptions {
  inbound: InboundPipeline;
  /** New conversations per client IP a minute. */
  newConversations: NewConversationLimiter;
  metrics: ServerMetrics;
}

export function registerChatRoute(
  app: FastifyInstance,
  { inbound, newConversations, metrics }: ChatRouteOptions,
): void {
  app.post('/api/chat', { bodyLimit: CHAT_BODY_LIMIT_BYTES }, async (request, reply) => {
    const started = performance.now();
    const parsed = ChatRequest.safeParse(request.body);
    if (!parsed.success) {
      metrics.rejected.inc({ route: '/api/chat', reason: 'invalid' });
      return sendValidationError(reply, parsed.error);
    }
    const { conversationId, choice } = parsed.data;
    const fresh = newConversations.admit(request.ip, conversationId);
    if (!fresh.allowed) {
      metrics.rejected.inc({ route: '/api/chat', reason: 'too_many_conversations' });
      reply.header('Retry-After', String(fresh.retryAfterSeconds));
      return sendError(
        reply,
        'too_many_conversations',
        `Bạn vừa mở quá nhiều cuộc trò chuyện mới. Bạn đợi khoảng ${fresh.retryAfterSeconds} giây rồi thử lại nhé.`,
      );
    }

    const event: InboundEvent = {
      channel: 'web',
      conversationId: `web:${conversationId}`,
      userId: webUserId(request.ip),
      receivedAt: Date.now(),
    };
    if (choice) {
      event.choice = choice;
    } else {
      const clean = cleanInboundText(parsed.data.text ?? '', CHAT_BODY_LIMIT_BYTES);
      if (clean.text === '') {
        metrics.rejected.inc({ route: '/api/chat', reason: 'empty' });
        return sendError(reply, 'empty_text', 'Tin nhắn đang trống. Bạn nhập câu hỏi rồi gửi lại nhé.');
      }
      event.text = clean.text;
      if (Array.from(clean.text).length > MAX_MESSAGE_CHARS) metrics.chatShortened.inc();
    }

    // Per conversation (a browser tab): many citizens may share one address; the per-IP caps are separate.
    const result = await inbound.handle({ event, rateKey: event.conversationId });
    const outcome = result.status === 'answered' ? 'ok' : result.status === 'failed' ? 'error' : result.status;
    metrics.chatLatency.observe({ outcome }, (performance.now() - started) / 1000);
    if (result.status === 'rate_limited') {
      metrics.rejected.inc({ route: '/api/chat', reason: 'rate_limited' });
      reply.header('Retry-After', String(result.retryAfterSeconds));
      return sendError(reply, 'rate_limited', rateLimitText(result.retryAfterSeconds));
    }
    if (result.status === 'failed' && result.storeUnavailable) {
      reply.header('Retry-After', '30');
      return sendError(reply, 'store_unavailable', STORE_BUSY_TEXT);
    }
    if (result.status === 'failed') {
      return sendError(reply, 'internal', 'Xin lỗi, hệ thống đang gặp sự cố. Bạn thử lại sau ít phút nhé.');
    }
    if (result.status !== 'answered') {
      return sendError(reply, 'unavailable', 'Hệ thống đang khởi động lại. Bạn thử lại sau ít phút nhé.');
    }
    const { replies } = result;
    request.log.debug({ conv: fingerprint(event.conversationId), replies: replies.length }, 'chat handled');
    return reply.header('Cache-Control', 'no-store').send({ replies });
  });
}
