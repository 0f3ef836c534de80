// Understanding a citizen's message, with or without diacritics: commands (reset, help), small talk
// (greetings, thanks, "ok", "vậy thôi"), typed menu choices ("2", "số 2", a label), step navigation ("tiếp",
// "quay lại", "bước 3"), feedback, dossier questions without a code, off-topic questions (gold prices,
// football, weather: knowledge/out-of-scope.json, the list retrieval refuses by), too-generic questions
// ("đăng ký"), yes/no questions and questions about an aspect of the current procedure (lệ phí, thời gian, giấy tờ, ...). This is the lexical half; understandInContext
// (context.ts) adds the session's current procedure.
import { NO_OUT_OF_SCOPE, type OutOfScope } from '../knowledge/out-of-scope.ts';
import { analyze, foldAccents, normalizeText } from '../text/normalize.ts';
import { wordSet } from './relevance.ts';
import type { Menu } from './types.ts';

export type Aspect = 'fees' | 'time' | 'documents' | 'where' | 'online' | 'result' | 'legal' | 'steps' | 'conditions';

export type Intent =
  | { kind: 'empty' }
  | { kind: 'reset' }
  | { kind: 'help' }
  | { kind: 'greeting' }
  | { kind: 'thanks' }
  /** "ok", "vâng", "hiểu rồi"; bye = "vậy thôi", "tạm biệt". */
  | { kind: 'ack'; bye: boolean }
  | { kind: 'recall_dossier' }
  /** "tra cứu hồ sơ", "hồ sơ của tôi tới đâu rồi": a dossier question without a code. */
  | { kind: 'dossier_intent' }
  /** Prices, exchange rates, football, weather…: nothing an administrative procedure answers. */
  | { kind: 'offtopic' }
  /** "đăng ký", "xin giấy phép", "thủ tục": too generic to pick a procedure. */
  | { kind: 'generic'; text: string }
  | { kind: 'choice'; optionId: string }
  /** A typed number ("5", "số 5") that is not an option of the current menu, or there is no menu. */
  | { kind: 'number' }
  | { kind: 'nav'; to: 'next' | 'prev' | 'more' }
  | { kind: 'step'; number: number }
  | { kind: 'feedback'; helpful: boolean }
  | { kind: 'question'; text: string; aspect?: Aspect; aspectPhrase?: string; rest: string; yesNo?: boolean };

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
/** "xong bước đó thì sao nữa", "sau đó làm gì", "rồi sao nữa": what comes next in the walk (folded words). */
const WHAT_NEXT =
  /^(?:(?:lam )?(?:xong|het) (?:buoc )?(?:nay |do |kia )?(?:roi )?(?:th[iy] )?(?:sao|lam gi|lam sao|the nao|tiep)(?: (?:nua|tiep|theo))?|sau do (?:th[iy] )?(?:sao|lam gi|lam sao|the nao)(?: nua)?|roi sao nua|roi lam gi nua|tiep theo (?:th[iy] )?(?:lam gi|sao|the nao)|lam gi tiep(?: theo)?)(?: (?:a|ah|nhe|nha|vay|day|ban))*$/;
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
const POLITE_TAIL = wordSet(['a', 'nhe', 'nha', 'nhe', 'di', 'voi', 'ban', 'oi', 'minh', 'toi', 'em', 'ok']);
/** Words that may surround a greeting or thanks without making it a question ("chào ad", "cảm ơn bạn nhiều"). */
const SMALL_TALK_FILLER = wordSet([
  ...POLITE_TAIL,
  'ad',
  'admin',
  'shop',
  'bot',
  'tro',
  'ly',
  'anh',
  'chi',
  'co',
  'chu',
  'bac',
  'ca',
  'nha',
  'nhieu',
  'lam',
  'rat',
  'qua',
  'oke',
  'okay',
  'vang',
  'da',
  'u',
  'vay',
  'thoi',
  'the',
  'nhe',
  'nhá',
  'roi',
  'duoc',
  'hieu',
  'biet',
  'tot',
  'hay',
  'tuyet',
  'voi',
  'cac',
  'moi',
  'nguoi',
  'alo',
  'xin',
  'ah',
  'uh',
  'um',
  'hi',
  'hihi',
  'haha',
  'nhe',
  'nhiu',
  'nhju',
  'tam',
  'biet',
  'bye',
  'va',
  'nhung',
  'thong',
  'tin',
  'huu',
  'ich',
  'so',
  'much',
  'you',
  'buoi',
  'sang',
  'chieu',
  'toi',
  'khong',
  'can',
  'nua',
  'gi',
  'them',
  'hom',
  'nay',
]);
/** Acknowledgements and goodbyes: every word of the message must come from here. */
const ACK_WORDS = wordSet([
  'ok',
  'oke',
  'okay',
  'okie',
  'vang',
  'da',
  'u',
  'um',
  'uh',
  'duoc',
  'roi',
  'hieu',
  'biet',
  'vay',
  'thoi',
  'the',
  'nhe',
  'nha',
  'a',
  'tot',
  'hay',
  'tuyet',
  'qua',
  'toi',
  'minh',
  'em',
  'ban',
  'tam',
  'biet',
  'bye',
  'good',
  'chao',
  'nhe',
  'nhiu',
  'lam',
  'voi',
  'ah',
  'oki',
  'okela',
]);
/** "Bạn là ai": answered with the greeting, which says what the assistant is. */
const INTRO = phrases(['bạn là ai', 'bạn tên gì', 'em là ai', 'đây là ai', 'bạn là gì', 'ai đấy', 'ai vậy']);
const BYE = phrases(['vậy thôi', 'thế thôi', 'tạm biệt', 'bye', 'hết rồi', 'không còn gì']);

/**
 * Dossier status questions without a code: "tra cứu hồ sơ", "tình trạng hồ sơ", "hồ sơ của tôi tới đâu rồi",
 * "kiểm tra hồ sơ đã nộp". The word hồ sơ (or mã hồ sơ) and a word about its progress must both be there.
 */
const DOSSIER_WORDS = phrases(['hồ sơ', 'mã hồ sơ', 'ho so', 'hs']);
const DOSSIER_PROGRESS = phrases([
  'tra cứu',
  'tra',
  'tình trạng',
  'tiến độ',
  'trạng thái',
  'tới đâu',
  'đến đâu',
  'đi đâu',
  'xong chưa',
  'có kết quả chưa',
  'được duyệt chưa',
  'đã nộp',
  'đã gửi',
  'theo dõi',
  'kiểm tra',
  'xử lý chưa',
  'giải quyết chưa',
  'sao rồi',
  'thế nào rồi',
  'ra sao rồi',
  'bao giờ xong',
  'khi nào xong',
  'của tôi',
  'của mình',
]);

/** Words of a too-generic question: when nothing else is said, the citizen is asked what they mean. */
const GENERIC_WORDS = wordSet([
  'dang',
  'ky',
  'xin',
  'cap',
  'giay',
  'phep',
  'thu',
  'tuc',
  'lam',
  'ho',
  'so',
  'to',
  'hanh',
  'chinh',
  'dich',
  'vu',
  'cong',
  'muon',
  'can',
  'chung',
  'nhan',
  'moi',
  'lai',
  'doi',
  'nop',
  'o',
  'dau',
  'the',
  'nao',
  'gi',
  'a',
  'nhe',
  'oi',
  'ban',
  'toi',
  'minh',
  'em',
  'cho',
]);
/** At least one of these must be there for a message to be a generic administrative request. */
const GENERIC_CORE = phrases(['đăng ký', 'giấy phép', 'thủ tục', 'xin cấp', 'giấy tờ', 'hồ sơ', 'chứng nhận']);

/** Yes/no question shapes: "có cần … không", "có phải … không", "… được không", "có được … không". */
const YES_NO_END =
  /(?:^|\s)(?:khong|ko|k|hong|hok|khum|chua|duoc khong|dc khong|dc k|duoc ko|duoc k|phai khong|ha|hả)$/;
const YES_NO_START =
  /^(?:co (?:can|phai|duoc|bat buoc|nhat thiet|the|mat|ton|lam)|(?:can|phai|bat buoc) .+ (?:khong|ko|k)$)/;

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
      'cần nộp gì',
      'nộp gì',
      'nộp những gì',
      'cần nộp những gì',
      'mang những gì',
      'cần mang',
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
  [
    'online',
    phrases([
      'online',
      'trực tuyến',
      'qua mạng',
      'nộp mạng',
      'trên mạng',
      'qua điện thoại',
      'vneid',
      'dịch vụ công',
      'qua app',
      'ứng dụng',
    ]),
  ],
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

/**
 * `outOfScope` is the out-of-scope list (knowledge/out-of-scope.json) that retrieval refuses by too: a message
 * it marks is off-topic whatever the session holds ("giá vàng hôm nay" is not a follow-up about fees).
 */
export function understand(text: string, menu: Menu | undefined, outOfScope: OutOfScope = NO_OUT_OF_SCOPE): Intent {
  const analysis = analyze(text);
  const { folded } = analysis;
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
  if (
    /^(?:buoc )?tiep (?:theo )?(?:la gi|lam gi|the nao|ra sao)$/.test(folded.join(' ')) ||
    WHAT_NEXT.test(folded.join(' '))
  )
    return { kind: 'nav', to: 'next' };
  if (isExactly(folded, HELPFUL)) return { kind: 'feedback', helpful: true };
  if (isExactly(folded, NOT_HELPFUL)) return { kind: 'feedback', helpful: false };
  const small = smallTalk(folded);
  if (small) return small;
  if (RECALL_DOSSIER.some((p) => indexOfPhrase(folded, p) >= 0)) return { kind: 'recall_dossier' };
  if (isDossierIntent(folded)) return { kind: 'dossier_intent' };
  if (outOfScope.find({ ...analysis, text }) !== undefined) return { kind: 'offtopic' };
  if (isGeneric(folded)) return { kind: 'generic', text };
  const { aspect, phrase, rest } = findAspect(folded);
  const yesNo = isYesNo(folded);
  return {
    kind: 'question',
    text,
    ...(aspect ? { aspect, aspectPhrase: phrase } : {}),
    rest: yesNo ? stripYesNo(rest.split(' ')).join(' ') : rest,
    ...(yesNo ? { yesNo } : {}),
  };
}

const has = (words: string[], list: string[][]) => list.some((p) => indexOfPhrase(words, p) >= 0);

/** Greetings, thanks, acknowledgements and goodbyes, alone or with polite words around them. */
function smallTalk(folded: string[]): Intent | undefined {
  if (isExactly(folded, GREETING) || isExactly(folded, INTRO)) return { kind: 'greeting' };
  if (isExactly(folded, THANKS)) return { kind: 'thanks' };
  const greetingAt = GREETING.find((p) => indexOfPhrase(folded, p) === 0);
  const thanksAt = THANKS.find((p) => indexOfPhrase(folded, p) >= 0);
  const othersAreFiller = (phrase: string[]) => {
    const at = indexOfPhrase(folded, phrase);
    return [...folded.slice(0, at), ...folded.slice(at + phrase.length)].every((w) => SMALL_TALK_FILLER.has(w));
  };
  if (thanksAt && othersAreFiller(thanksAt)) return { kind: 'thanks' };
  if (greetingAt && othersAreFiller(greetingAt)) return { kind: 'greeting' };
  if (folded.length <= 6 && folded.every((w) => ACK_WORDS.has(w))) return { kind: 'ack', bye: has(folded, BYE) };
  if (
    has(folded, BYE) &&
    folded.every((w) => SMALL_TALK_FILLER.has(w) || ACK_WORDS.has(w) || w === 'khong' || w === 'gi')
  )
    return { kind: 'ack', bye: true };
  return undefined;
}

function isDossierIntent(folded: string[]): boolean {
  if (!has(folded, DOSSIER_WORDS) || !has(folded, DOSSIER_PROGRESS)) return false;
  // "hồ sơ gồm những gì", "hồ sơ cần giấy tờ gì" are about documents, not a dossier's progress.
  return !has(folded, phrases(['gồm', 'giấy tờ', 'cần những gì', 'chuẩn bị', 'thành phần', 'mẫu']));
}

function isGeneric(folded: string[]): boolean {
  return genericWords(folded) && findAspect(folded).aspect === undefined;
}

/** Only generic words ("làm giấy tờ", "đăng ký"): with no procedure in the conversation, too vague to answer. */
export function genericWords(folded: string[]): boolean {
  return folded.length <= 5 && has(folded, GENERIC_CORE) && folded.every((w) => GENERIC_WORDS.has(w));
}

function isYesNo(folded: string[]): boolean {
  const joined = folded.join(' ');
  return folded.length >= 3 && (YES_NO_END.test(joined) || YES_NO_START.test(joined));
}

const YES_NO_WORDS = wordSet(['co', 'khong', 'ko', 'k', 'hong', 'hok', 'phai', 'can', 'duoc', 'dc', 'chua', 'ha']);

/** The message without the words that only make it a yes/no question. */
function stripYesNo(words: string[]): string[] {
  return words.filter((w) => !YES_NO_WORDS.has(w));
}

/** Finds the first aspect the message asks about and what remains once its words are removed. */
export function findAspect(folded: string[]): { aspect?: Aspect; phrase?: string; rest: string } {
  for (const [aspect, list] of ASPECTS) {
    // Longest phrase first within an aspect: "mất bao lâu" rather than "bao lâu" leaving "mất" behind.
    for (const phrase of [...list].sort((a, b) => b.length - a.length)) {
      if (phrase.length === 1 && folded.length > 6) continue;
      const at = indexOfPhrase(folded, phrase);
      if (at < 0) continue;
      // The rest is what the message says besides this aspect: every phrase of it is removed ("căn cứ pháp lý").
      let rest = [...folded.slice(0, at), ...folded.slice(at + phrase.length)];
      for (const other of list) {
        if (other.length === 1 && folded.length > 6) continue;
        for (let i = indexOfPhrase(rest, other); i >= 0; i = indexOfPhrase(rest, other))
          rest = [...rest.slice(0, i), ...rest.slice(i + other.length)];
      }
      return { aspect, phrase: phrase.join(' '), rest: rest.join(' ') };
    }
  }
  return { rest: folded.join(' ') };
}
