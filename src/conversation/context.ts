// The understanding step, given the session: a question is a follow-up about the current procedure when it asks
// an aspect (lệ phí, mất bao lâu), is a yes/no question, or relates to the procedure's own fields (its documents,
// agency and levels, online availability, conditions, steps), unless it confidently names another procedure
// that the current one's fields do not cover. Anything else is a new question.
import type { Procedure } from '../knowledge/schema.ts';
import { contentWords, coveredWords, fieldIndex, indexText } from './relevance.ts';
import type { Aspect, Intent } from './understand.ts';

/** How sure retrieval must be that the message names another procedure. */
export const NEW_TOPIC_CONFIDENCE = 0.6;
/** Share of a message's topic words found in the current procedure's fields for it to count as related. */
const RELATED_SHARE = 0.5;

/**
 * Words of a follow-up that describe the process itself (steps, time, money, result, order) rather than a
 * subject: an aspect question made only of them ("làm thế nào, từng bước") is about the current procedure.
 */
const GENERIC_FOLLOWUP = new Set(
  `tung buoc bao lau gio nhan tien ket xong tiep theo sau truoc dau tien cuoi cung bat mat mat bao ngay tuan thang
  huong dan chi tiet cu the quy trinh trinh tu lan luot nhanh cham som tre phi le gia nop`.split(/\s+/),
);

/** Word pairs that name the paperwork of any procedure ("nộp hồ sơ ở đâu", "giấy tờ gì"), not another subject. */
const PAPERWORK = new Set(['ho so', 'giay to', 'thu tuc']);

/** The words without the pairs that only name paperwork. */
function withoutPaperwork(words: string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < words.length; i++) {
    if (i + 1 < words.length && PAPERWORK.has(`${words[i]} ${words[i + 1]}`)) i++;
    else kept.push(words[i] as string);
  }
  return kept;
}

export interface TopicFinder {
  search(
    query: string,
    options?: { limit?: number },
  ): Promise<{ hits: { id: string; family: string }[]; confidence: number; abstain: boolean; ambiguous: boolean }>;
  get(id: string): Procedure | undefined;
  familyOf(id: string): Procedure[];
}

export type Routed =
  | { kind: 'followup'; aspect?: Aspect; yesNo: boolean; words: string[] }
  | { kind: 'new'; aspect?: Aspect; yesNo: boolean };

type Question = Extract<Intent, { kind: 'question' }>;

export async function routeQuestion(
  intent: Question,
  current: Procedure | undefined,
  finder: TopicFinder,
): Promise<Routed> {
  const yesNo = intent.yesNo === true;
  const base = { ...(intent.aspect ? { aspect: intent.aspect } : {}), yesNo };
  if (!current) return { kind: 'new', ...base };
  const words = contentWords(intent.rest);
  const fields = fieldIndex(current);
  const covered = coveredWords(words, fields);
  const related = words.length > 0 && covered / words.length >= RELATED_SHARE;
  if (!intent.aspect && !yesNo && !related) return { kind: 'new', ...base };
  // "giá vé máy bay hôm nay", "mất bao lâu thì có bằng lái": an aspect word, but about something the current
  // procedure's fields do not mention at all. A yes/no question stays: it asks about a requirement of this one.
  // Words that only say how or when ("từng bước", "bao lâu thì nhận được tiền") name no other subject.
  const topical = withoutPaperwork(words).filter((w) => !GENERIC_FOLLOWUP.has(w));
  if (intent.aspect && !yesNo && covered === 0 && topical.length >= 2) return { kind: 'new', ...base };
  if (words.length === 0) return { kind: 'followup', ...base, words };
  const other = await otherProcedure(words, current, finder);
  if (!other) return { kind: 'followup', ...base, words };
  // Both fit: the one whose text covers more of the message's words wins. A yes/no
  // question ("có cần mang sổ hộ khẩu không") asks about a requirement of the current procedure: it names
  // another procedure only by that procedure's own name, not by its aliases (which are often documents).
  const byName = coveredWords(words, yesNo ? indexText(other.name) : indexText(other.name, ...other.aliases));
  // A bare mention ("đăng ký tạm trú") that retrieval confidently names, as well as the fields do, is that one.
  const names = byName > covered || (byName === covered && !intent.aspect && !yesNo);
  return names ? { kind: 'new', ...base } : { kind: 'followup', ...base, words };
}

/** A procedure other than the current one (and its family) that retrieval confidently finds for these words. */
async function otherProcedure(
  words: string[],
  current: Procedure,
  finder: TopicFinder,
): Promise<Procedure | undefined> {
  if (words.length < 2) return undefined;
  const result = await finder.search(words.join(' '), { limit: 3 });
  const top = result.hits[0];
  if (!top || result.abstain || result.confidence < NEW_TOPIC_CONFIDENCE) return undefined;
  if (top.id === current.id || finder.familyOf(top.id).some((p) => p.id === current.id)) return undefined;
  return finder.get(top.id);
}
