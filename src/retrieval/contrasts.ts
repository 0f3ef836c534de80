// Qualifiers that exclude each other in procedure names: "… nhập khẩu" / "… xuất khẩu", "… đường bộ" /
// "… đường sắt", "… hộ kinh doanh" / "… doanh nghiệp", "… lần đầu" / "… sang tên". A question naming one side
// (in the names' words, or in everyday ones: "mua xe mới", "mua lại") makes a sibling whose name
// names only another side unlikely, however many other words they share.
import { foldToken, tokenize } from '../text/normalize.ts';

/** Each group: its sides; each side: the phrases that name it. */
const GROUPS: string[][][] = [
  [
    ['nhập khẩu', 'xuất nhập khẩu'],
    ['xuất khẩu', 'xuất nhập khẩu'],
  ],
  [['đường bộ'], ['đường sắt'], ['đường thủy', 'thủy nội địa'], ['hàng không', 'tàu bay']],
  [['hộ kinh doanh'], ['doanh nghiệp', 'công ty']],
  // Registering something new, or something bought from its owner ("đăng ký xe lần đầu" / "sang tên xe"), as names
  // and citizens say it ("mua xe mới", "mua lại").
  [
    ['lần đầu', 'mới mua', 'mua mới', 'xe mới', 'ô tô mới', 'xe máy mới', 'mới đóng'],
    [
      'sang tên',
      'thay đổi chủ',
      'chuyển quyền sở hữu',
      'chuyển nhượng',
      'mua lại',
      'mua cũ',
      'xe cũ',
      'bán lại',
      'mua của',
      'đứng tên',
    ],
  ],
];

interface Side {
  group: number;
  bit: number;
  phrases: string[][];
}

const SIDES: Side[] = GROUPS.flatMap((sides, group) =>
  sides.map((phrases, k) => ({
    group,
    bit: 1 << k,
    phrases: phrases.map((p) => tokenize(p).map(foldToken)),
  })),
);

function holdsPhrase(words: readonly string[], phrase: string[]): boolean {
  for (let i = 0; i + phrase.length <= words.length; i++) {
    let k = 0;
    while (k < phrase.length && words[i + k] === phrase[k]) k++;
    if (k === phrase.length) return true;
  }
  return false;
}

/** For each group, the sides (bit set) that folded `words` name; 0 when none. */
export function contrastSides(words: readonly string[]): Uint8Array {
  const sides = new Uint8Array(GROUPS.length);
  for (const side of SIDES) {
    if (side.phrases.some((p) => holdsPhrase(words, p))) sides[side.group] = (sides[side.group] as number) | side.bit;
  }
  return sides;
}

/** Score multiplier for a name naming only other sides than the question does. */
const CONTRAST = 0.6;

/** The multiplier for a name (its sides) given the question's sides: CONTRAST when they exclude each other. */
export function contrastFactor(question: Uint8Array, name: Uint8Array): number {
  for (let g = 0; g < question.length; g++) {
    const asked = question[g] as number;
    const named = name[g] as number;
    if (asked !== 0 && named !== 0 && (asked & named) === 0) return CONTRAST;
  }
  return 1;
}
