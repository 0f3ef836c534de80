// The one list of what the assistant does not answer (knowledge/out-of-scope.json) and its matcher, used by the
// conversation before any search ("giá vàng hôm nay" mid-conversation) and by retrieval after it ("mua bảo hiểm
// nhân thọ loại nào tốt" shares words with a procedure). Data lives in knowledge/; this module validates it.
import { join } from 'node:path';
import { z } from 'zod';
import { type AnalyzedText, foldToken, hasDiacritics, tokenize } from '../text/normalize.ts';
import { readKnowledgeJson } from './loader.ts';

export const OUT_OF_SCOPE_FILE = 'out-of-scope.json';

const OutOfScopeFile = z.object({
  about: z.string().optional(),
  version: z.number().int(),
  /** Out of scope whatever procedure word stands beside it (product advice, bank products, recipes). */
  always: z.array(z.string().min(1)),
  /** Everyday subjects: out of scope unless the question also uses an administrative word. */
  topics: z.array(z.string().min(1)),
  /** Words that make a question administrative ("giấy phép kinh doanh vàng" stays a question). */
  administrative: z.array(z.string().min(1)),
});
export type OutOfScopeData = z.infer<typeof OutOfScopeFile>;

/** '…' (or '...') inside a phrase stands for at most this many words: "mua … ở đâu". */
const MAX_GAP = 3;

interface Phrase {
  text: string;
  /** The phrase's parts (split at '…'), as tokens and folded tokens. */
  parts: { tokens: string[]; folded: string[] }[];
  /** Written with diacritics: an accented question must match it accented. */
  accented: boolean;
}

/**
 * A question as the list reads it. `pairReading`, for a question typed without diacritics, gives the accented pair
 * the catalogue reads words i and i + 1 as, when it knows one by far (retrieval/spelling.ts): in "co quan nao",
 * "quan" belongs to cơ quan, so the words are not the "quán nào" of a restaurant question.
 */
export interface ScopeQuestion extends AnalyzedText {
  pairReading?: (i: number) => readonly [string, string] | undefined;
  /** The message as typed (its sentences), so that a reader can tell a story's request from its context. */
  text?: string;
  /**
   * For a story (context, then the request: retrieval/request-focus.ts), whether each token belongs to the request;
   * asked only when a phrase of the list is found. The request decides: "…có thẻ bảo hiểm y tế… Nên cho cháu uống
   * thuốc gì?" asks medical advice, "Tôi đang vay ngân hàng… Giờ muốn xóa đăng ký thế chấp thì làm thế nào?" a
   * procedure.
   */
  request?: () => readonly boolean[] | undefined;
}

export interface ScopeCheck {
  /** The phrase that puts the question out of scope. */
  refused?: string;
  /** A phrase that would have, had the procedure's own name not held it ("bóng đá" in "đặt cược bóng đá"). */
  excusedByName?: string;
}

export interface OutOfScope {
  /**
   * The phrase that puts this question out of scope, or undefined. `procedureName` (folded tokens) is the name
   * of the procedure retrieval would answer with: a phrase that name holds refuses nothing.
   */
  find(question: ScopeQuestion, procedureName?: readonly string[]): string | undefined;
  /** The same decision, also saying when only the procedure's name let the question through. */
  check(question: ScopeQuestion, procedureName?: readonly string[]): ScopeCheck;
  /** Whether the question uses an administrative word ("thủ tục", "đơn", "nộp"…), in its request when a story. */
  administrative(question: ScopeQuestion): boolean;
}

function toPhrase(text: string): Phrase {
  const parts = text
    .split(/…|\.\.\./)
    .map((part) => tokenize(part))
    .filter((tokens) => tokens.length > 0)
    .map((tokens) => ({ tokens, folded: tokens.map(foldToken) }));
  return { text, parts, accented: hasDiacritics(text) };
}

/** Where `part` matches the question at `at`: accented against accented, folded when the question has none. */
function partAt(part: Phrase['parts'][number], q: ScopeQuestion, at: number, accented: boolean): boolean {
  const n = part.tokens.length;
  if (at + n > q.tokens.length) return false;
  // Without diacritics one syllable is too ambiguous ("phí" / "phi"): it then matches only if it never had any.
  if (q.unaccented && n === 1 && accented && part.tokens[0] !== part.folded[0]) return false;
  for (let k = 0; k < n; k++) {
    const ok = q.unaccented || !accented ? q.folded[at + k] === part.folded[k] : q.tokens[at + k] === part.tokens[k];
    if (!ok) return false;
  }
  return !(q.unaccented && accented && q.pairReading && boundOutside(part.tokens, q.pairReading, at, q.tokens.length));
}

/**
 * True when a word at either end of the phrase, typed without accents, forms with its neighbour outside the phrase
 * a pair the catalogue reads with other accents ("co quan nao": cơ quan, not "quán nào").
 */
function boundOutside(
  tokens: readonly string[],
  pairReading: (i: number) => readonly [string, string] | undefined,
  at: number,
  length: number,
): boolean {
  const end = at + tokens.length;
  const before = at > 0 ? pairReading(at - 1) : undefined;
  if (before !== undefined && before[1] !== tokens[0]) return true;
  const after = end < length ? pairReading(end - 1) : undefined;
  return after !== undefined && after[0] !== tokens[tokens.length - 1];
}

/** The phrase's parts in order from `at`, each at most MAX_GAP words after the previous one. */
function matchesFrom(phrase: Phrase, q: ScopeQuestion, at: number, part = 0): boolean {
  const current = phrase.parts[part];
  if (!current) return true;
  if (!partAt(current, q, at, phrase.accented)) return false;
  const next = at + current.tokens.length;
  if (part + 1 >= phrase.parts.length) return true;
  for (let gap = 1; gap <= MAX_GAP; gap++) if (matchesFrom(phrase, q, next + gap, part + 1)) return true;
  return false;
}

/** True when the question holds the phrase (starting within `where`'s tokens, when given). */
function holds(question: ScopeQuestion, phrase: Phrase, where?: readonly boolean[]): boolean {
  const first = phrase.parts[0]?.folded[0];
  for (let i = 0; i < question.tokens.length; i++) {
    if (where && !where[i]) continue;
    if (question.folded[i] === first && matchesFrom(phrase, question, i)) return true;
  }
  return false;
}

/** True when `name` holds each part of the phrase as an unbroken run of words (folded). */
function nameHolds(name: readonly string[], phrase: Phrase): boolean {
  return phrase.parts.every((part) => {
    outer: for (let i = 0; i + part.folded.length <= name.length; i++) {
      for (let k = 0; k < part.folded.length; k++) if (name[i + k] !== part.folded[k]) continue outer;
      return true;
    }
    return false;
  });
}

export function compileOutOfScope(data: Pick<OutOfScopeData, 'always' | 'topics' | 'administrative'>): OutOfScope {
  const compile = (list: string[]) => list.map(toPhrase).filter((p) => p.parts.length > 0);
  const always = compile(data.always);
  const topics = compile(data.topics);
  const administrative = compile(data.administrative);
  const check = (question: ScopeQuestion, procedureName?: readonly string[]): ScopeCheck => {
    const named = (p: Phrase) => procedureName !== undefined && nameHolds(procedureName, p);
    // A phrase can only hold when the question has its first word: the others are not searched for.
    const words = new Set(question.folded);
    const found = (p: Phrase) => words.has(p.parts[0]?.folded[0] as string) && holds(question, p);
    const alwaysFound = always.filter(found);
    const topicsFound = topics.filter(found);
    if (alwaysFound.length === 0 && topicsFound.length === 0) return {};
    const administrativeIn = (where?: readonly boolean[]) =>
      administrative.some((p) => (where ? holds(question, p, where) : found(p)));
    const request = question.request?.();
    let marked: Phrase[];
    if (request === undefined) {
      marked = administrativeIn() ? alwaysFound : [...alwaysFound, ...topicsFound];
    } else {
      // A story: when its request names an administrative matter, a marked phrase of the context alone refuses
      // nothing; an administrative word of the context does not excuse an everyday topic the request asks about.
      const asked = administrativeIn(request);
      marked = asked ? alwaysFound.filter((p) => holds(question, p, request)) : [...alwaysFound];
      if (!asked) marked.push(...topicsFound.filter((p) => holds(question, p, request)));
      if (!administrativeIn()) marked.push(...topicsFound.filter((p) => !marked.includes(p)));
    }
    const refused = marked.find((p) => !named(p));
    if (refused) return { refused: refused.text };
    return marked[0] ? { excusedByName: marked[0].text } : {};
  };
  const asksAdministrative = (question: ScopeQuestion): boolean => {
    const request = question.request?.();
    return administrative.some((p) => holds(question, p, request));
  };
  return {
    check,
    find: (question, procedureName) => check(question, procedureName).refused,
    administrative: asksAdministrative,
  };
}

export const NO_OUT_OF_SCOPE: OutOfScope = { find: () => undefined, check: () => ({}), administrative: () => false };

/**
 * Loads knowledge/out-of-scope.json; a missing file refuses nothing, a malformed one throws KnowledgeError naming
 * the file and the field.
 */
export function loadOutOfScope(knowledgeDir: string): OutOfScope {
  const data = readKnowledgeJson(join(knowledgeDir, OUT_OF_SCOPE_FILE), OutOfScopeFile);
  return data ? compileOutOfScope(data) : NO_OUT_OF_SCOPE;
}
