// GET /api/procedures/:id: one procedure record from the knowledge base, keyed by the portal UUID (without its
// index-only search text, which is never served as facts).
import type { FastifyInstance } from 'fastify';
import { type Procedure, shownProcedure, Uuid } from '../../knowledge/schema.ts';
import { sendError } from '../errors.ts';

export function registerProcedureRoute(
  app: FastifyInstance,
  getProcedure: (id: string) => Procedure | undefined,
): void {
  app.get<{ Params: { id: string } }>('/api/procedures/:id', async (request, reply) => {
    const id = Uuid.safeParse(request.params.id);
    if (!id.success) {
      return sendError(reply, 'invalid_id', 'Mã thủ tục phải là UUID của Cổng Dịch vụ công.');
    }
    const procedure = getProcedure(id.data) ?? getProcedure(id.data.toLowerCase());
    if (!procedure) return sendError(reply, 'procedure_not_found', 'Không tìm thấy thủ tục này.');
    return reply.header('Cache-Control', 'public, max-age=300').send(shownProcedure(procedure));
  });
}
