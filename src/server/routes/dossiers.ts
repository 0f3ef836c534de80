// GET /api/dossiers/:code: the status of one dossier as JSON (status fields only, never personal data).
// 400 for a malformed code (with the reason), 404 unknown, 503 source down (with the portal lookup link),
// 429 rate limited. Lookups are charged to the client IP — the same budget as the web chat from that address.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { classifyDossierCode, DOSSIER_CODE_EXAMPLE } from '../../dossier/code.ts';
import type { DossierService, DossierStatus } from '../../dossier/types.ts';
import { dossierView } from '../../dossier/view.ts';
import { PORTAL_DOSSIER_LOOKUP_URL } from '../../knowledge/schema.ts';
import { errorBody, sendError } from '../errors.ts';
import { webDossierClient } from '../web-client.ts';

const Params = z.object({ code: z.string().max(100) });

export interface DossierRouteOptions {
  /** Clock for days left/overdue (tests pin it). */
  now?: () => Date;
}

export function registerDossierRoutes(
  app: FastifyInstance,
  service: DossierService,
  options: DossierRouteOptions = {},
): void {
  const now = options.now ?? (() => new Date());
  app.get('/api/dossiers/:code', async (request, reply) => {
    reply.header('Cache-Control', 'no-store');
    const params = Params.safeParse(request.params);
    const match = params.success ? classifyDossierCode(params.data.code) : undefined;
    if (!match) {
      return sendError(reply, 'invalid_code', `Đây không phải mã hồ sơ (ví dụ ${DOSSIER_CODE_EXAMPLE}).`);
    }
    if (match.kind === 'malformed') {
      return reply
        .code(400)
        .send({ ...errorBody('malformed_code', `Mã hồ sơ chưa đúng: ${match.problem}.`), reason: match.problem });
    }
    const code = match.kind === 'valid' ? match.code : match.candidate;
    const lookup = await service.lookup(code, `api:${request.ip}`, webDossierClient(request.ip));
    switch (lookup.kind) {
      case 'found':
        return reply.send(statusJson(lookup.status, now()));
      case 'not_found':
        return reply.code(404).send({
          ...errorBody('dossier_not_found', 'Không tìm thấy hồ sơ này trong dữ liệu tra cứu.'),
          lookupUrl: PORTAL_DOSSIER_LOOKUP_URL,
          ...(lookup.demo ? { demo: true } : {}),
        });
      case 'unavailable':
        return reply.code(503).send({
          ...errorBody(
            'lookup_unavailable',
            'Hệ thống tra cứu hồ sơ đang gián đoạn. Bạn thử lại sau hoặc tra cứu trên Cổng Dịch vụ công.',
          ),
          lookupUrl: PORTAL_DOSSIER_LOOKUP_URL,
        });
      case 'rate_limited':
        reply.header('Retry-After', String(lookup.retryAfterSeconds));
        return reply.code(429).send({
          ...errorBody(
            'rate_limited',
            `Bạn tra cứu hơi nhiều trong thời gian ngắn. Bạn thử lại sau khoảng ${lookup.retryAfterSeconds} giây nhé.`,
          ),
          retryAfterSeconds: lookup.retryAfterSeconds,
        });
    }
  });
}

/** Every status field, null when unknown; daysLeft/daysOverdue only while the dossier is open. */
function statusJson(status: DossierStatus, today: Date) {
  const view = dossierView(status, today);
  return {
    code: view.code,
    state: view.state,
    stateLabel: view.stateLabel,
    procedureName: view.procedureName ?? null,
    procedureId: view.procedureId ?? null,
    procedureCode: view.procedureCode ?? null,
    receivedOn: view.receivedOn ?? null,
    dueOn: view.dueOn ?? null,
    returnedOn: view.returnedOn ?? null,
    daysLeft: view.daysLeft ?? null,
    daysOverdue: view.daysOverdue ?? null,
    agency: view.agency ?? null,
    note: view.note ?? null,
    demo: view.demo === true,
  };
}
