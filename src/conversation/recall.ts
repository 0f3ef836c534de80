// "Quay lại vụ đổi bằng lái, làm online được không": a citizen going back to a procedure discussed earlier in the
// conversation. The message must say it goes back ("quay lại", "lúc nãy"…) and name that procedure: its words
// are matched against the names and aliases of the procedures shown before, not searched anew (a fresh search of
// "giấy phép kinh doanh vận tải" may well offer the air-transport licences instead).
import type { Procedure } from '../knowledge/schema.ts';
import { analyze } from '../text/normalize.ts';
import { contentWords, coveredWords, indexText, wordSet } from './relevance.ts';

/** How many earlier procedures a conversation remembers. */
export const RECENT_LIMIT = 5;

/** Phrases by which a message goes back to something said before ("lúc nãy", not "lúc này" = now). */
const BACK = ['quay lại', 'trở lại', 'lúc nãy', 'hồi nãy', 'ban nãy', 'vừa nãy', 'lúc trước', 'vừa hỏi', 'hỏi lúc'].map(
  (phrase) => analyze(phrase),
);

/** Words that only point back ("cái", "vụ", "chuyện"), never part of a procedure's name. */
const POINTERS = wordSet(['quay', 'lai', 'tro', 'vu', 'viec', 'chuyen', 'cai', 'nay', 'luc', 'hoi', 'ban', 'vua']);

/** Share of the message's naming words a remembered procedure's name or alias must hold. */
const NAMED_SHARE = 0.6;

/** The remembered procedure the message goes back to, if it says it goes back and names one. */
export function recalledProcedure(message: string, rest: string, recent: Procedure[]): Procedure | undefined {
  // Accents decide when the message has them; typed without, "luc nay" may mean either and counts.
  const typed = analyze(message);
  const words = (text: { tokens: string[]; folded: string[] }) =>
    ` ${(typed.unaccented ? text.folded : text.tokens).join(' ')} `;
  if (!BACK.some((phrase) => words(typed).includes(words(phrase)))) return undefined;
  const naming = contentWords(rest).filter((w) => !POINTERS.has(w));
  if (naming.length === 0) return undefined;
  let best: { procedure: Procedure; covered: number } | undefined;
  for (const procedure of recent) {
    const covered = coveredWords(naming, indexText(procedure.name, ...procedure.aliases));
    if (covered / naming.length >= NAMED_SHARE && covered > (best?.covered ?? 0)) best = { procedure, covered };
  }
  return best?.procedure;
}

/** The remembered list after `id` stops being the current procedure: most recent first, without repeats. */
export function remember(recent: string[], id: string | undefined): string[] {
  if (!id) return recent;
  return [id, ...recent.filter((r) => r !== id)].slice(0, RECENT_LIMIT);
}
