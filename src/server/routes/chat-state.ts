// GET /api/chat/state?conversationId=…: what the engine still remembers of a web conversation, so the web
// page can reconcile the transcript it kept across a reload: `active` is false when the session expired or the
// server was reset, and `menuId` is the menu the engine would accept next (the page's last menu must match).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ServerAssistant } from '../deps.ts';
import { sendValidationError } from '../errors.ts';

const StateQuery = z.object({
  conversationId: z
    .string({ error: 'thiếu conversationId' })
    .regex(/^[A-Za-z0-9_-]{1,100}$/, 'chỉ gồm chữ, số, "_" hoặc "-" (1–100 ký tự)'),
});

export function registerChatStateRoute(app: FastifyInstance, assistant: ServerAssistant): void {
  app.get('/api/chat/state', async (request, reply) => {
    const parsed = StateQuery.safeParse(request.query);
    if (!parsed.success) return sendValidationError(reply, parsed.error);
    const state = (await assistant.conversationState?.(`web:${parsed.data.conversationId}`)) ?? { active: false };
    return reply.header('Cache-Control', 'no-store').send(state);
  });
}
