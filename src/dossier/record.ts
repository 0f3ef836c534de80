// One operator record (a CSV row or a JSONL object) validated into a dossier status, with the reasons in
// Vietnamese when it cannot be. Columns: code, procedure, status, received, due, returned, agency, note.
import { z } from 'zod';
import { classifyDossierCode } from './code.ts';
import { parseDate } from './dates.ts';
import { type ProcedureResolver, resolveWithoutCatalogue } from './procedure-ref.ts';
import { DOSSIER_STATES, parseState } from './states.ts';
import type { DossierStatus } from './types.ts';

export const RECORD_COLUMNS = ['code', 'procedure', 'status', 'received', 'due', 'returned', 'agency', 'note'] as const;
export const REQUIRED_COLUMNS = ['code', 'status'] as const;

const blankToUndefined = (value: unknown) =>
  value === null || value === undefined || (typeof value === 'string' && value.trim() === '') ? undefined : value;

const optionalText = (max: number) =>
  z.preprocess(
    blankToUndefined,
    z
      .string({ error: 'phải là chữ' })
      .trim()
      .max(max, { error: `dài quá ${max} ký tự` })
      .optional(),
  );

const optionalDate = z.preprocess(
  blankToUndefined,
  z
    .string({ error: 'phải là ngày dạng YYYY-MM-DD hoặc DD/MM/YYYY' })
    .transform((value, ctx) => {
      const date = /^\d{4}-\d{1,2}-\d{1,2}$|^\d{1,2}\/\d{1,2}\/\d{4}$/.test(value.trim())
        ? parseDate(value)
        : undefined;
      if (!date) {
        ctx.addIssue({
          code: 'custom',
          message: `ngày "${value.trim()}" không hợp lệ (dùng YYYY-MM-DD hoặc DD/MM/YYYY)`,
        });
        return z.NEVER;
      }
      return date;
    })
    .optional(),
);

const Code = z.preprocess(
  blankToUndefined,
  z.string({ error: 'thiếu mã hồ sơ' }).transform((value, ctx) => {
    const match = classifyDossierCode(value);
    if (match?.kind === 'valid') return match.code;
    if (match?.kind === 'maybe') return match.candidate;
    ctx.addIssue({ code: 'custom', message: match ? match.problem : 'không phải mã hồ sơ' });
    return z.NEVER;
  }),
);

const State = z.preprocess(
  blankToUndefined,
  z.string({ error: 'thiếu trạng thái' }).transform((value, ctx) => {
    const state = parseState(value);
    if (!state) {
      ctx.addIssue({
        code: 'custom',
        message: `trạng thái "${value.trim()}" không nhận ra (dùng ${DOSSIER_STATES.join(', ')} hoặc tiếng Việt như "đang xử lý")`,
      });
      return z.NEVER;
    }
    return state;
  }),
);

const RecordSchema = z
  .object({
    code: Code,
    procedure: optionalText(300),
    status: State,
    received: optionalDate,
    due: optionalDate,
    returned: optionalDate,
    agency: optionalText(200),
    note: optionalText(500),
  })
  .superRefine((r, ctx) => {
    if (r.received && r.due && r.due < r.received) {
      ctx.addIssue({ code: 'custom', path: ['due'], message: 'ngày hẹn trả trước ngày tiếp nhận' });
    }
    if (r.received && r.returned && r.returned < r.received) {
      ctx.addIssue({ code: 'custom', path: ['returned'], message: 'ngày trả kết quả trước ngày tiếp nhận' });
    }
  });

export type RecordResult = { ok: true; status: DossierStatus } | { ok: false; reason: string };

/** Validates one record; unknown fields (names, addresses, …) are never read. */
export function validateRecord(
  raw: Record<string, unknown>,
  resolveProcedure: ProcedureResolver = resolveWithoutCatalogue,
): RecordResult {
  const parsed = RecordSchema.safeParse(raw);
  if (!parsed.success) {
    const reason = parsed.error.issues
      .map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
      .join('; ');
    return { ok: false, reason };
  }
  const r = parsed.data;
  const status: DossierStatus = {
    code: r.code,
    state: r.status,
    ...(r.procedure ? resolveProcedure(r.procedure) : {}),
    ...(r.received ? { receivedOn: r.received } : {}),
    ...(r.due ? { dueOn: r.due } : {}),
    ...(r.returned ? { returnedOn: r.returned } : {}),
    ...(r.agency ? { agency: r.agency } : {}),
    ...(r.note ? { note: r.note } : {}),
  };
  return { ok: true, status };
}
