// GET /api/search?q=&limit=: the retrieval engine's ranked procedures, name families, confidence and
// abstain decision, as JSON (for the web page, maintainers and integrations).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Retriever } from '../../retrieval/types.ts';
import { cleanInboundText } from '../../text/sanitize.ts';
import { sendError, sendValidationError } from '../errors.ts';

export const MAX_QUERY_CHARS = 500;

const SearchQuery = z.object({
  q: z.string({ error: 'thiếu tham số q' }),
  limit: z.coerce.number().int().min(1, 'limit tối thiểu là 1').max(50, 'limit tối đa là 50').default(10),
});

export function registerSearchRoute(app: FastifyInstance, retriever: Retriever): void {
  app.get('/api/search', async (request, reply) => {
    const parsed = SearchQuery.safeParse(request.query);
    if (!parsed.success) return sendValidationError(reply, parsed.error);
    const raw = parsed.data.q;
    const clean = cleanInboundText(raw, MAX_QUERY_CHARS);
    if (clean.text === '' || clean.shortened) {
      return sendError(reply, 'invalid_query', `Tham số q phải có từ 1 đến ${MAX_QUERY_CHARS} ký tự.`);
    }
    const result = await retriever.search(clean.text, { limit: parsed.data.limit });
    return reply.header('Cache-Control', 'no-store').send(result);
  });
}
