// Where the citizen lives, when the question says so ("em đang ở Hàn Quốc", "hiện vẫn đang ở Việt Nam"), decides
// between siblings done in Vietnam and abroad ("Thôi quốc tịch Việt Nam ở trong nước" / "… ở nước ngoài", "Cấp
// Giấy xác nhận tình trạng hôn nhân" / "… trong thời gian cư trú ở nước ngoài"). Only a stated residence counts:
// "kết hôn với người nước ngoài" or "có yếu tố nước ngoài" says nothing about where the citizen is.
import { analyze } from '../text/normalize.ts';

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
