// Where the citizen lives, when the question says so ("em đang ở Hàn Quốc", "hiện vẫn đang ở Việt Nam"), decides
// between siblings done in Vietnam and abroad ("Thôi quốc tịch Việt Nam ở trong nước" / "… ở nước ngoài", "Cấp
// Giấy xác nhận tình trạng hôn nhân" / "… trong thời gian cư trú ở nước ngoài"). Only a stated residence counts:
// "kết hôn với người nước ngoài" or "có yếu tố nước ngoài" says nothing about where the citizen is. Also the
// procedures only Vietnam's missions abroad carry out, under names that do not say so.
import type { Procedure } from '../knowledge/schema.ts';
import { analyze, foldAccents } from '../text/normalize.ts';
import type { PreparedQuery } from './query.ts';
import { foldedKey } from './terms.ts';

export enum Residence {
  Unknown = 0,
  Domestic = 1,
  Abroad = 2,
}

/** Words that say the citizen lives or stays somewhere: "đang ở", "sống ở", "định cư tại", "hiện ở". */
const STAYING = new Set(analyze('đang hiện vẫn sống cư trú định cư làm việc học du học').tokens);
/** The word before the place: "ở", "tại", "bên". */
const AT = new Set(analyze('ở tại bên').tokens);
/** How many words before "ở" a staying word may stand ("hiện em vẫn đang ở"). */
const STAYING_WINDOW = 3;

const phrases = (list: string[]) => list.map((p) => analyze(p).tokens);
const DOMESTIC_PLACES = phrases(['việt nam', 'vn', 'trong nước', 'quê nhà']);
/** Countries citizens often live in, spelled with accents (an unaccented "my" or "anh" is not a country). */
const FOREIGN_PLACES = phrases([
  'nước ngoài',
  'hàn quốc',
  'hàn',
  'nhật',
  'nhật bản',
  'mỹ',
  'hoa kỳ',
  'đức',
  'pháp',
  'úc',
  'anh quốc',
  'nga',
  'đài loan',
  'trung quốc',
  'canada',
  'séc',
  'ba lan',
  'singapore',
  'malaysia',
  'thái lan',
  'lào',
  'campuchia',
  'ý',
  'hà lan',
  'bỉ',
  'thụy điển',
  'thụy sĩ',
  'na uy',
  'đan mạch',
  'phần lan',
  'tây ban nha',
  'new zealand',
  'châu âu',
  'hồng kông',
  'dubai',
]);

function startsWith(tokens: readonly string[], at: number, phrase: string[]): boolean {
  return phrase.every((word, k) => tokens[at + k] === word);
}

/** The same lists accent-folded, for a question typed without diacritics (one-syllable countries left out). */
const fold = (list: string[][]) => list.map((p) => p.map((w) => analyze(w).folded[0] as string));
const FOLDED = {
  staying: new Set(fold([[...STAYING]])[0]),
  at: new Set(fold([[...AT]])[0]),
  domestic: fold(DOMESTIC_PLACES),
  foreign: fold(FOREIGN_PLACES.filter((p) => p.length > 1)),
};

function stated(
  words: readonly string[],
  lists: { staying: Set<string>; at: Set<string>; domestic: string[][]; foreign: string[][] },
): Residence {
  for (let i = 0; i < words.length; i++) {
    if (!lists.at.has(words[i] as string)) continue;
    let staying = false;
    for (let k = Math.max(0, i - STAYING_WINDOW); k < i; k++) if (lists.staying.has(words[k] as string)) staying = true;
    if (!staying) continue;
    if (lists.domestic.some((p) => startsWith(words, i + 1, p))) return Residence.Domestic;
    if (lists.foreign.some((p) => startsWith(words, i + 1, p))) return Residence.Abroad;
  }
  return Residence.Unknown;
}

/** The residence a question states, read from its canonical tokens (or, typed without accents, folded words). */
export function statedResidence(tokens: readonly string[], folded: readonly string[]): Residence {
  const accented = stated(tokens, { staying: STAYING, at: AT, domestic: DOMESTIC_PLACES, foreign: FOREIGN_PLACES });
  return accented !== Residence.Unknown ? accented : stated(folded, FOLDED);
}

const DOMESTIC_NAME = phrases(['ở trong nước', 'tại trong nước']);
const ABROAD_NAME = phrases(['ở nước ngoài', 'tại nước ngoài']);

/** Where a procedure's name says it is done, from its canonical tokens. */
export function nameResidence(tokens: readonly string[]): Residence {
  for (let i = 0; i < tokens.length; i++) {
    if (DOMESTIC_NAME.some((p) => startsWith(tokens, i, p))) return Residence.Domestic;
    if (ABROAD_NAME.some((p) => startsWith(tokens, i, p))) return Residence.Abroad;
  }
  return Residence.Unknown;
}

/**
 * A procedure only Vietnam's missions abroad carry out, whose name does not say so ("Thủ tục Chứng thực bản sao từ
 * bản chính…" at an embassy), is less likely what a citizen in Vietnam means than its domestic namesake; a question
 * about abroad still finds it by its agency's words.
 */
export const ABROAD_ONLY_PRIOR = 0.8;
/** Word pairs by which a question is about abroad (a concept may add "nước ngoài" for "đang sống ở Nhật"). */
const ABROAD_PAIRS = new Set(
  ['nuoc ngoai', 'dai su', 'su quan', 'lanh su', 'viet kieu', 'kieu bao', 'dinh cu'].map((pair) => foldedKey(pair)),
);

/** Whether the question speaks of abroad ("ở nước ngoài", "đại sứ quán", "Việt kiều"), in its words or a concept's. */
export function mentionsAbroad(prepared: PreparedQuery): boolean {
  return (
    prepared.contentBigrams.some((pair) => ABROAD_PAIRS.has(pair)) ||
    prepared.conceptBigrams.some((pair) => ABROAD_PAIRS.has(pair))
  );
}

/** Whether only missions abroad carry the procedure out while its name does not say so. */
export function silentlyAbroad(p: Procedure): boolean {
  const folded = (text: string) => foldAccents(text.toLowerCase());
  return (
    p.implementingAgencies.length > 0 &&
    p.implementingAgencies.every((agency) => folded(agency).includes('nuoc ngoai')) &&
    !/nuoc ngoai|lanh su|dai dien/.test(folded(p.name))
  );
}
