// What the assistant remembers about one conversation between messages. Stored as JSON through a
// SessionStore and validated when read back, so a corrupt or outdated session simply starts afresh.
import { z } from 'zod';

const MenuSchema = z.object({
  id: z.string(),
  prompt: z.string(),
  options: z.array(z.object({ id: z.string(), label: z.string() })),
});

export const SessionSchema = z.object({
  v: z.literal(1),
  /** The procedure being discussed. */
  procedureId: z.string().optional(),
  /** 0-based index of the step shown last. */
  step: z.number().int().nonnegative().optional(),
  /** Page of a long listing or a long step ("Xem thêm"). */
  page: z.number().int().nonnegative().optional(),
  /** What the last menu was about, so "Xem thêm" knows what to continue. */
  view: z
    .enum(['card', 'steps', 'documents', 'fees', 'where', 'related', 'clarify', 'dossier', 'place', 'other'])
    .optional(),
  /** The section shown last (fees, time, where, …), so "Xem thêm" pages it. */
  section: z.enum(['fees', 'time', 'where', 'online', 'result', 'legal', 'conditions']).optional(),
  /** GSO code of the citizen's province, once said ("tôi ở Nghệ An"): later answers prefer its records. */
  province: z.string().optional(),
  /** The last menu shown; typed numbers and labels resolve against it, older menus are stale. */
  menu: MenuSchema.optional(),
  menuSeq: z.number().int().nonnegative(),
  /** Procedures offered as numbered options (option `p<n>` = candidates[n-1]). */
  candidates: z.array(z.string()).optional(),
  /** The question behind the current answer, personal data removed (kept for feedback). */
  question: z.string().optional(),
  answerId: z.string().optional(),
  /** Sequence number of the current answer's card menu: its feedback buttons stay valid on later menus. */
  answerMenuSeq: z.number().int().nonnegative().optional(),
  /** Answers that already received feedback. */
  rated: z.array(z.string()).default([]),
  /** Procedures discussed before the current one, most recent first ("quay lại vụ hộ chiếu"). */
  recent: z.array(z.string()).default([]),
  /** The last dossier code looked up in this conversation ("nhắc tôi mã hồ sơ vừa tra"). */
  lastDossier: z.object({ code: z.string(), at: z.number() }).optional(),
  /** A code of unfamiliar shape waiting for the citizen's "yes". */
  pendingCode: z.string().optional(),
});

export type Session = z.infer<typeof SessionSchema>;

export function newSession(): Session {
  return { v: 1, menuSeq: 0, rated: [], recent: [] };
}

/** Validates a stored session; anything unreadable becomes a fresh session. */
export function readSession(value: unknown): Session {
  const parsed = SessionSchema.safeParse(value);
  return parsed.success ? parsed.data : newSession();
}
