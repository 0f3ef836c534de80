// Understanding a citizen's message, with or without diacritics: commands (reset, help), greetings and
// thanks, typed menu choices ("2", "số 2", a label), step navigation ("tiếp", "quay lại", "bước 3"),
// feedback, and questions about an aspect of the current procedure (lệ phí, thời gian, giấy tờ, ...).
import { analyze, foldAccents, normalizeText } from '../text/normalize.ts';
import type { Menu } from './types.ts';

export type Aspect = 'fees' | 'time' | 'documents' | 'where' | 'online' | 'result' | 'legal' | 'steps' | 'conditions';

export type Intent =
  | { kind: 'empty' }
  | { kind: 'reset' }
  | { kind: 'help' }
  | { kind: 'greeting' }
  | { kind: 'thanks' }
  | { kind: 'recall_dossier' }
  | { kind: 'choice'; optionId: string }
  /** A typed number ("5", "số 5") that is not an option of the current menu, or there is no menu. */
  | { kind: 'number' }
  | { kind: 'nav'; to: 'next' | 'prev' | 'more' }
  | { kind: 'step'; number: number }
  | { kind: 'feedback'; helpful: boolean }
  | { kind: 'question'; text: string; aspect?: Aspect; rest: string };

const phrases = (list: string[]): string[][] => list.map((p) => foldAccents(normalizeText(p)).split(' '));

const RESET = phrases(['bắt đầu lại', 'làm lại từ đầu', 'reset', 'start', 'bắt đầu', 'xóa hội thoại']);
const HELP = phrases([
  'help',
  'trợ giúp',
  'giúp đỡ',
  'hướng dẫn sử dụng',
  'bạn làm được gì',
  'bạn giúp được gì',
  'menu',
]);
const GREETING = phrases([
  'xin chào',
  'chào',
  'chào bạn',
  'chào bot',
  'hello',
  'hi',
  'alo',
  'chào em',
  'chào anh',
  'chào chị',
  'hey',
]);
const THANKS = phrases([
  'cảm ơn',
  'cám ơn',
  'cảm ơn bạn',
  'cảm ơn nhiều',
  'thanks',
  'thank you',
  'tks',
  'ok cảm ơn',
  'cảm ơn ạ',
  'cám ơn bạn',
]);
const NEXT = phrases(['tiếp', 'tiếp theo', 'tiếp tục', 'bước tiếp', 'bước tiếp theo', 'next', 'sau', 'bước sau']);
const PREV = phrases(['quay lại', 'trở lại', 'lùi', 'bước trước', 'back', 'trước', 'lùi lại']);
const MORE = phrases(['xem thêm', 'thêm', 'còn nữa không', 'còn gì nữa', 'more']);
const HELPFUL = phrases(['hữu ích', 'có ích', 'đúng rồi', 'chính xác']);
const NOT_HELPFUL = phrases(['chưa đúng', 'không đúng', 'sai rồi', 'không hữu ích', 'sai']);
const RECALL_DOSSIER = phrases([
  'mã hồ sơ vừa tra',
  'mã hồ sơ lúc nãy',
  'mã hồ sơ lúc nay',
  'mã hồ sơ của tôi là gì',
  'mã vừa tra',
]);
const POLITE_TAIL = new Set(['a', 'nhe', 'nha', 'nhe', 'di', 'voi', 'ban', 'oi', 'minh', 'toi', 'em', 'ok']);

/** Aspect words, most specific first. Single syllables only count in short messages. */
const ASPECTS: [Aspect, string[][]][] = [
  [
    'fees',
    phrases([
      'lệ phí',
      'phí',
      'bao nhiêu tiền',
      'mất tiền',
      'tốn tiền',
      'chi phí',
      'miễn phí',
      'mất bao nhiêu tiền',
      'tiền',
      'giá',
    ]),
  ],
  [
    'time',
    phrases([
      'thời gian',
      'bao lâu',
      'mấy ngày',
      'bao nhiêu ngày',
      'thời hạn',
      'khi nào có',
      'mất bao lâu',
      'lâu không',
      'bao giờ có',
    ]),
  ],
  [
    'documents',
    phrases([
      'giấy tờ',
      'cần gì',
      'cần những gì',
      'mang theo',
      'mang gì',
      'thành phần hồ sơ',
      'chuẩn bị gì',
      'hồ sơ gồm',
      'cần giấy tờ gì',
      'hồ sơ cần',
      'chuẩn bị những gì',
      'giấy tờ gì',
      'hồ sơ gì',
      'cần hồ sơ',
      'những hồ sơ',
      'hồ sơ những gì',
    ]),
  ],
  ['online', phrases(['online', 'trực tuyến', 'qua mạng', 'nộp mạng', 'trên mạng', 'qua điện thoại', 'vneid'])],
  ['where', phrases(['ở đâu', 'nơi nộp', 'nộp ở đâu', 'cơ quan nào', 'làm ở đâu', 'đến đâu', 'chỗ nào', 'nộp tại'])],
  ['result', phrases(['kết quả', 'nhận được gì', 'được cấp gì', 'nhận gì'])],
  ['legal', phrases(['căn cứ', 'pháp lý', 'luật nào', 'nghị định', 'thông tư', 'văn bản pháp luật', 'căn cứ pháp lý'])],
  ['conditions', phrases(['điều kiện', 'ai được', 'đối tượng', 'ai có thể', 'yêu cầu'])],
  [
    'steps',
    phrases([
      'các bước',
      'trình tự',
      'quy trình',
      'làm thế nào',
      'làm sao',
      'cách làm',
      'thủ tục thế nào',
      'như thế nào',
      'thực hiện ra sao',
    ]),
  ],
];

function indexOfPhrase(words: string[], phrase: string[]): number {
  outer: for (let i = 0; i + phrase.length <= words.length; i++) {
    for (let k = 0; k < phrase.length; k++) if (words[i + k] !== phrase[k]) continue outer;
    return i;
  }
  return -1;
}

/** The message is exactly one of the phrases, maybe with a polite word around it ("cảm ơn bạn nhé"). */
function isExactly(words: string[], list: string[][]): boolean {
  const core = words.filter((w, i) => !(POLITE_TAIL.has(w) && (i === 0 || i === words.length - 1)));
  return list.some(
    (p) =>
      (p.length === core.length && indexOfPhrase(core, p) === 0) ||
      (p.length === words.length && indexOfPhrase(words, p) === 0),
  );
}

const NUMBER_CHOICE = /^(?:so|chon|lua chon|phuong an|muc|cau|option|#)?\s*(\d{1,2})\s*[.)]?$/;

/** Resolves a typed answer to an option of the current menu: "2", "số 2", "chọn 2" or the option's label. */
export function typedChoice(text: string, menu: Menu | undefined): string | undefined {
  if (!menu) return undefined;
  const plain = foldAccents(normalizeText(text));
  const number = NUMBER_CHOICE.exec(plain);
  if (number) {
    const option = menu.options[Number(number[1]) - 1];
    return option?.id;
  }
  const byLabel = menu.options.find((o) => foldAccents(normalizeText(o.label)) === plain && plain.length > 0);
  return byLabel?.id;
}

export function understand(text: string, menu: Menu | undefined): Intent {
  const { folded } = analyze(text);
  if (folded.length === 0) return { kind: 'empty' };
  const trimmed = text.trim().toLowerCase();
  if (trimmed === '/start' || trimmed === '/reset' || isExactly(folded, RESET)) return { kind: 'reset' };
  if (trimmed === '/help' || trimmed === '?' || isExactly(folded, HELP)) return { kind: 'help' };
  const choice = typedChoice(text, menu);
  if (choice) return { kind: 'choice', optionId: choice };
  if (NUMBER_CHOICE.test(foldAccents(normalizeText(text)))) return { kind: 'number' };
  if (isExactly(folded, NEXT)) return { kind: 'nav', to: 'next' };
  if (isExactly(folded, PREV)) return { kind: 'nav', to: 'prev' };
  if (isExactly(folded, MORE)) return { kind: 'nav', to: 'more' };
  const step = /^(?:xem )?buoc (?:so )?(\d{1,2})$/.exec(folded.join(' '));
  if (step) return { kind: 'step', number: Number(step[1]) };
  if (isExactly(folded, GREETING)) return { kind: 'greeting' };
  if (isExactly(folded, THANKS)) return { kind: 'thanks' };
  if (isExactly(folded, HELPFUL)) return { kind: 'feedback', helpful: true };
  if (isExactly(folded, NOT_HELPFUL)) return { kind: 'feedback', helpful: false };
  if (RECALL_DOSSIER.some((p) => indexOfPhrase(folded, p) >= 0)) return { kind: 'recall_dossier' };
  const { aspect, rest } = findAspect(folded);
  return aspect ? { kind: 'question', text, aspect, rest } : { kind: 'question', text, rest };
}

/** Finds the first aspect the message asks about and what remains once its words are removed. */
export function findAspect(folded: string[]): { aspect?: Aspect; rest: string } {
  for (const [aspect, list] of ASPECTS) {
    for (const phrase of list) {
      if (phrase.length === 1 && folded.length > 6) continue;
      const at = indexOfPhrase(folded, phrase);
      if (at < 0) continue;
      const rest = [...folded.slice(0, at), ...folded.slice(at + phrase.length)].join(' ');
      return { aspect, rest };
    }
  }
  return { rest: folded.join(' ') };
}
