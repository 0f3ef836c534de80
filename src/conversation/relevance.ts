// How much a message is about a procedure's own fields: its documents, agencies and levels, online availability,
// conditions, target groups, results, steps and legal basis. Measured by lexical overlap of word pairs (accent-folded), so
// "có cần mang giấy khám sức khỏe không" relates to a licence renewal whose documents list a health certificate,
// and "phường làm được không" to a procedure done at commune level. Used to keep follow-ups on the current
// procedure and to find the field a yes/no question is about.
import type { Level, Procedure } from '../knowledge/schema.ts';
import { analyze } from '../text/normalize.ts';

/**
 * A set of accent-folded words spelled as the normaliser spells them (a final "i" after a consonant is "y":
 * "thì" is "thy"), so hand-written word lists match analysed messages.
 */
export function wordSet(words: Iterable<string>): Set<string> {
  return new Set([...words].flatMap((w) => analyze(w).folded));
}

/** Words that carry no topic in a question (question words, pronouns, politeness). */
const STOP = wordSet(
  `co khong ko k hong hok khum can phai duoc dc la gi the nao nhieu toi minh em anh chi ban a nhe nha oi thi sao
  con vay roi chua nua mang theo nay do kia nhung cac mot nhu va hay hoac voi cho cua o tai thu tuc nay lam
  muon hoi xin vui long giup ak ah ha hả nhi u um da vang ok oke di ve len ra vao tu den tren duoi qua luc khi neu
  ai cai nhieu it may moi het ma thoi luon ngay bay gio hien nay rat lam truong hop`.split(/\s+/),
);

/** Other words a citizen uses for each level (after the 2025 reform, no district level). */
const LEVEL_WORDS: Record<Level, string> = {
  xa: 'cap xa xa phuong dac khu ubnd xa ubnd phuong uy ban nhan dan xa uy ban xa uy ban phuong cong an xa cong an phuong',
  tinh: 'cap tinh tinh thanh pho so ubnd tinh uy ban nhan dan tinh cong an tinh',
  trung_uong: 'trung uong bo cuc cap trung uong',
};
const ONLINE_WORDS = 'truc tuyen online qua mang tren mang nop mang vneid dich vu cong cong dich vu cong ung dung app';

export interface FieldIndex {
  unigrams: Set<string>;
  bigrams: Set<string>;
}

function addText(index: FieldIndex, value: string | undefined): void {
  if (!value) return;
  const { folded } = analyze(value);
  folded.forEach((word, i) => {
    index.unigrams.add(word);
    const next = folded[i + 1];
    if (next) index.bigrams.add(`${word} ${next}`);
  });
}

/** The searchable text of one field or item (a document, a condition sentence). */
export function indexText(...values: (string | undefined)[]): FieldIndex {
  const index: FieldIndex = { unigrams: new Set(), bigrams: new Set() };
  for (const value of values) addText(index, value);
  return index;
}

/** Everything a follow-up may be about, except the procedure's name (other procedures share its words). */
export function fieldIndex(p: Procedure): FieldIndex {
  return indexText(
    ...p.documents.flatMap((d) => [d.name, d.note, d.case, d.form]),
    ...p.implementingAgencies,
    ...p.levels.map((l) => LEVEL_WORDS[l]),
    p.links.submitOnline || p.submissionMethods.some((m) => m.method === 'online') ? ONLINE_WORDS : undefined,
    ...p.submissionMethods.flatMap((m) => [m.note, ...m.fees.map((f) => f.note)]),
    p.conditions,
    ...p.targetGroups,
    ...p.results,
    ...p.steps.flatMap((s) => [s.title, s.description]),
    ...p.legalBasis.map((l) => l.name),
  );
}

/** The topic words of a message: accent-folded, question words and politeness removed. */
export function contentWords(message: string): string[] {
  return analyze(message).folded.filter((w) => !STOP.has(w) && w.length > 0);
}

/**
 * How many of the words take part in a word pair found in the index (a single word counts on its own).
 * Pairs are taken over the words as typed, so "giấy khám sức khỏe" matches "Giấy khám sức khỏe của người lái xe".
 */
export function coveredWords(words: string[], index: FieldIndex): number {
  if (words.length === 1) return index.unigrams.has(words[0] ?? '') ? 1 : 0;
  let covered = 0;
  words.forEach((word, i) => {
    const before = i > 0 ? `${words[i - 1]} ${word}` : '';
    const after = i + 1 < words.length ? `${word} ${words[i + 1]}` : '';
    if (index.bigrams.has(before) || index.bigrams.has(after)) covered++;
  });
  return covered;
}

/** Share of the message's topic words found in the procedure's fields (0 when there are none). */
export function fieldCoverage(words: string[], p: Procedure): number {
  if (words.length === 0) return 0;
  return coveredWords(words, fieldIndex(p)) / words.length;
}
