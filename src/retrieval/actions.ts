// What a procedure does to its object, and what the citizen wants done. Sibling procedures share an object and
// differ by their action ("Cấp", "Cấp lại", "Xóa" đăng ký tàu cá; "Thành lập" vs "Giải thể" công ty): the name's
// leading action words are matched against the question's own words and everyday equivalents ("làm mất" =
// cấp lại, "hết hạn" = gia hạn or đổi, "đóng cửa công ty" = giải thể, "mới đóng" = cấp).
import { foldToken, tokenize } from '../text/normalize.ts';

export type ActionClass =
  | 'issue'
  | 'reissue'
  | 'exchange'
  | 'extend'
  | 'modify'
  | 'remove'
  | 'end'
  | 'pause'
  | 'resume'
  | 'recognise'
  | 'restructure'
  | 'convert'
  | 'restore'
  | 'report';

/** The portal's action words, as they open procedure names (and as citizens also type them). */
const OFFICIAL: Record<string, ActionClass[]> = {
  cấp: ['issue'],
  'cấp mới': ['issue'],
  'đăng ký': ['issue'],
  'thành lập': ['issue'],
  'cho phép thành lập': ['issue'],
  'thực hiện': ['issue'],
  hưởng: ['issue'],
  'giải quyết hưởng': ['issue'],
  'cấp lại': ['reissue'],
  'đăng ký lại': ['reissue'],
  'khôi phục': ['restore'],
  'cấp đổi': ['exchange'],
  đổi: ['exchange'],
  'gia hạn': ['extend'],
  'cấp gia hạn': ['extend'],
  'điều chỉnh': ['modify'],
  'cấp điều chỉnh': ['modify'],
  'sửa đổi': ['modify'],
  'cấp sửa đổi': ['modify'],
  'bổ sung': ['modify'],
  'cấp bổ sung': ['modify'],
  'thay đổi': ['modify'],
  'đăng ký thay đổi': ['modify'],
  'đăng ký biến động': ['modify'],
  'cải chính': ['modify'],
  'đính chính': ['modify'],
  'cập nhật': ['modify'],
  'hiệu đính': ['modify'],
  xóa: ['remove'],
  'xóa đăng ký': ['remove'],
  hủy: ['remove'],
  'hủy bỏ': ['remove'],
  'thu hồi': ['remove'],
  'trả lại': ['remove'],
  'chấm dứt': ['end'],
  'giải thể': ['end'],
  'thôi hưởng': ['end'],
  'tạm ngừng': ['pause'],
  'tạm dừng': ['pause'],
  'đình chỉ': ['pause'],
  'tiếp tục': ['resume'],
  'công nhận': ['recognise'],
  'sáp nhập': ['restructure'],
  'hợp nhất': ['restructure'],
  chia: ['restructure'],
  tách: ['restructure'],
  'chuyển đổi': ['convert'],
  'cấp chuyển đổi': ['convert'],
  'trình báo': ['report'],
  'khai báo mất': ['report'],
};

/** How citizens say the same thing. Only the question is read with these. */
const EVERYDAY: Record<string, ActionClass[]> = {
  'làm lại': ['reissue'],
  'xin lại': ['reissue'],
  'bị mất': ['reissue', 'report'],
  'làm mất': ['reissue', 'report'],
  'đánh mất': ['reissue', 'report'],
  'đánh rơi': ['reissue', 'report'],
  'thất lạc': ['reissue', 'report'],
  hỏng: ['reissue', 'exchange'],
  'bị hỏng': ['reissue', 'exchange'],
  rách: ['reissue', 'exchange'],
  'hết hạn': ['extend', 'exchange', 'reissue'],
  'sắp hết hạn': ['extend', 'exchange', 'reissue'],
  'thêm thời gian': ['extend'],
  'kéo dài': ['extend'],
  'đổi mới': ['exchange'],
  'đổi sang': ['exchange'],
  'sửa lại': ['modify'],
  'sửa thông tin': ['modify'],
  'ghi sai': ['modify'],
  'sai thông tin': ['modify'],
  'đổi tên': ['modify'],
  'đổi địa chỉ': ['modify'],
  'chuyển địa chỉ': ['modify'],
  'đóng cửa': ['end'],
  'đóng công ty': ['end'],
  dẹp: ['end'],
  'ngừng hẳn': ['end'],
  'không kinh doanh nữa': ['end'],
  ngừng: ['pause'],
  'tạm nghỉ': ['pause'],
  'tạm đóng cửa': ['pause'],
  'mở lại': ['resume'],
  'hoạt động trở lại': ['resume'],
  'lần đầu': ['issue'],
  'mới đóng': ['issue'],
  'mới mua': ['issue'],
  'cấp mới': ['issue'],
  'xin cấp': ['issue'],
  xin: ['issue'],
  'làm mới': ['exchange'],
};

/** The official words an everyday phrase is searched with ("đóng cửa công ty" also searches "giải thể"). */
const OFFICIAL_WORDS: Partial<Record<ActionClass, string[]>> = {
  reissue: ['cấp lại'],
  exchange: ['cấp đổi', 'đổi'],
  extend: ['gia hạn'],
  modify: ['điều chỉnh', 'thay đổi'],
  remove: ['xóa', 'thu hồi'],
  end: ['giải thể', 'chấm dứt'],
  pause: ['tạm ngừng', 'tạm dừng'],
  resume: ['tiếp tục'],
};

/** An action word that may only introduce another one ("Đăng ký sửa đổi…"). */
const LIGHT = new Set(['đăng ký']);

interface Phrase {
  tokens: string[];
  folded: string[];
  classes: ActionClass[];
  everyday: boolean;
  /** Official words to search beside an everyday phrase (empty for an official one). */
  official: string[][];
  /** The word may only introduce another action in a name (`LIGHT`). */
  light: boolean;
}

function compile(table: Record<string, ActionClass[]>, everyday: boolean): Phrase[] {
  return Object.entries(table).map(([text, classes]) => {
    const tokens = tokenize(text);
    const official = everyday ? classes.flatMap((c) => OFFICIAL_WORDS[c] ?? []).map((w) => tokenize(w)) : [];
    return { tokens, folded: tokens.map(foldToken), classes, everyday, official, light: LIGHT.has(text) };
  });
}

/** Phrases (longest first) by their first word, accented and folded, so a position only tries those it can start. */
interface PhraseTable {
  byFirst: Map<string, Phrase[]>;
  byFirstFolded: Map<string, Phrase[]>;
}

function tableOf(phrases: Phrase[]): PhraseTable {
  const table: PhraseTable = { byFirst: new Map(), byFirstFolded: new Map() };
  const add = (map: Map<string, Phrase[]>, key: string, p: Phrase) => map.set(key, [...(map.get(key) ?? []), p]);
  for (const p of phrases) {
    add(table.byFirst, p.tokens[0] as string, p);
    add(table.byFirstFolded, p.folded[0] as string, p);
  }
  return table;
}

const byLength = (a: Phrase, b: Phrase) => b.tokens.length - a.tokens.length;
const NAME_PHRASES = tableOf(compile(OFFICIAL, false).sort(byLength));
/** Official words too common in questions in another sense ("nộp bổ sung hồ sơ" = hand in more papers). */
const NOT_IN_QUESTIONS = new Set(['bổ sung']);
const QUESTION_PHRASES = tableOf(
  [
    ...compile(Object.fromEntries(Object.entries(OFFICIAL).filter(([text]) => !NOT_IN_QUESTIONS.has(text))), false),
    ...compile(EVERYDAY, true),
  ].sort(byLength),
);
/** Words that may open a name before its action ("Thủ tục đề nghị cấp…", "Thông báo tạm ngừng…"). */
const NAME_PREFIX = new Set(['thủ', 'tục', 'đề', 'nghị', 'thông', 'báo', 'hồ', 'sơ']);
const CONNECTORS = new Set(['và', 'hoặc', 'hay']);
/** …unless a comma follows it: "Đăng ký, điều chỉnh…" lists two actions. */
const LISTED_AFTER_LIGHT = /^\s*(?:thủ tục\s+)?đăng ký\s*[,;/]/iu;
/** Actions are read from the first words of a name only. */
const NAME_WINDOW = 10;

function matchAt(table: PhraseTable, tokens: string[], folded: string[], at: number, unaccented: boolean) {
  const phrases = unaccented ? table.byFirstFolded.get(folded[at] as string) : table.byFirst.get(tokens[at] as string);
  for (const p of phrases ?? []) {
    if (at + p.tokens.length > tokens.length) continue;
    // A lone unaccented syllable is too ambiguous to read as an action ("mat" = mất / mặt).
    if (unaccented && p.tokens.length === 1 && p.tokens[0] !== p.folded[0]) continue;
    let ok = true;
    for (let k = 0; k < p.tokens.length && ok; k++) {
      ok = unaccented ? folded[at + k] === p.folded[k] : tokens[at + k] === p.tokens[k];
    }
    if (ok) return p;
  }
  return undefined;
}

/** The actions a procedure name opens with ("Cấp, cấp lại Giấy…" → issue, reissue); empty when none. */
export function nameActions(name: string): Set<ActionClass> {
  return nameAction(name).classes;
}

/**
 * The actions a procedure name opens with, and how many of its tokens (`tokenize`) the opening takes: prefix words
 * ("Thủ tục đề nghị"), action words and connectors. What follows is the name's object.
 */
export function nameAction(name: string): { classes: Set<ActionClass>; end: number } {
  const tokens = tokenize(name).slice(0, NAME_WINDOW);
  const folded = tokens.map(foldToken);
  const phrases: Phrase[] = [];
  let i = 0;
  let end = 0;
  while (i < tokens.length && NAME_PREFIX.has(tokens[i] as string)) i++;
  while (i < tokens.length) {
    if (CONNECTORS.has(tokens[i] as string)) {
      i++;
      continue;
    }
    const p = matchAt(NAME_PHRASES, tokens, folded, i, false);
    if (!p) break;
    phrases.push(p);
    i += p.tokens.length;
    end = i;
  }
  // "Đăng ký sửa đổi, bổ sung…", "Đăng ký gia hạn…": registering another action, not the ordinary one ("Đăng ký,
  // điều chỉnh…" lists two).
  const [first, second] = phrases;
  if (first?.light && second && !second.classes.includes('issue') && !LISTED_AFTER_LIGHT.test(name)) phrases.shift();
  const found = new Set(phrases.flatMap((p) => p.classes));
  return { classes: found, end: found.size > 0 ? end : 0 };
}

/** A phrase of the question that names an action, and the token positions it spans. */
export interface ActionSpan {
  start: number;
  end: number;
  classes: ActionClass[];
  /** Official words to search beside an everyday phrase (empty for an official one). */
  official: string[][];
  /** The phrase is an everyday one ("bị mất"), not the portal's own action word ("cấp lại"). */
  everyday: boolean;
}

/** The action phrases of a question, anywhere in it, through official and everyday words. */
export function questionActionSpans(tokens: string[], folded: string[], unaccented: boolean): ActionSpan[] {
  const spans: ActionSpan[] = [];
  let i = 0;
  while (i < tokens.length) {
    const p = matchAt(QUESTION_PHRASES, tokens, folded, i, unaccented);
    if (!p) {
      i++;
      continue;
    }
    spans.push({ start: i, end: i + p.tokens.length, classes: p.classes, official: p.official, everyday: p.everyday });
    i += p.tokens.length;
  }
  // Closing and then reopening ("đóng cửa nghỉ vài tháng rồi mở lại") is a pause, not an end.
  const reopens = spans.findIndex((s) => s.everyday && s.classes.includes('resume'));
  for (let k = 0; k < reopens; k++) {
    const span = spans[k] as ActionSpan;
    if (span.everyday && span.classes.includes('end')) Object.assign(span, PAUSE);
  }
  return spans;
}

const PAUSE = { classes: ['pause'] as ActionClass[], official: (OFFICIAL_WORDS.pause ?? []).map((w) => tokenize(w)) };

/**
 * The actions a question asks for. The portal's own words, when the question uses one beyond plain "cấp", say what
 * is asked more exactly than everyday ones: "bị mất hộ chiếu, đề nghị cấp lại" asks for a new passport (cấp lại),
 * not for reporting the loss, which "bị mất" alone could also mean.
 */
export function askedActions(spans: ActionSpan[]): Set<ActionClass> {
  const official = spans.filter((s) => !s.everyday).flatMap((s) => s.classes);
  const decided = official.some((c) => c !== 'issue');
  return new Set(spans.filter((s) => !decided || !s.everyday).flatMap((s) => s.classes));
}

/** The actions a question asks for. */
export function questionActions(tokens: string[], folded: string[], unaccented: boolean): Set<ActionClass> {
  return askedActions(questionActionSpans(tokens, folded, unaccented));
}

/** Score multipliers for an action match. */
const ACTION_MATCH = 1.4;
const ACTION_MISMATCH = 0.4;
/** Asking for a new copy (cấp lại, đổi, gia hạn, or a lost paper) of what an ordinary "Cấp …" procedure issues. */
const RENEWALS = new Set<ActionClass>(['reissue', 'exchange', 'extend', 'report']);
const RENEWAL_MISMATCH = 0.7;
/** In a long question (a story), actions are matched more softly. */
const LONG_MATCH = 1.2;
const LONG_MISMATCH = 0.7;
/** …and when another candidate does what the question asks ("giải thể" asked, "thành lập" offered). */
const ACTION_MISMATCH_WITH_ALTERNATIVE = 0.25;
/** A question naming no action makes a name with only another action (cấp lại, hiệu đính…) a little less likely. */
const BARE_TOPIC_OTHER = 0.85;
/** A question asking for the ordinary action (cấp, đăng ký, làm, lần đầu) makes a name with only another action less likely. */
const IMPLIED_MISMATCH = 0.85;

/**
 * How a name's actions fit the question's: a shared marked action raises the candidate, a name whose actions the
 * question does not ask for lowers it, more so when `alternative` (another candidate that fits the question
 * well does what it asks). Names without a leading action are left alone. `topicOnly`: the question is a bare
 * topic of a few words and nothing else.
 */
export function actionFactor(
  asked: Set<ActionClass>,
  offered: Set<ActionClass>,
  alternative = false,
  long = false,
  topicOnly = false,
): number {
  if (offered.size === 0) return 1;
  const marked = [...asked].filter((c) => c !== 'issue');
  if (marked.length > 0) {
    // A long story mentions actions in passing ("đã làm mất", "nộp lại"): they weigh less there.
    if (long) {
      if (marked.some((c) => offered.has(c))) return LONG_MATCH;
      return offered.has('issue') && marked.every((c) => RENEWALS.has(c)) ? 1 : LONG_MISMATCH;
    }
    for (const c of marked) if (offered.has(c)) return ACTION_MATCH;
    // The ordinary procedure often also serves a new copy ("mất hộ chiếu" → Cấp hộ chiếu): a softer mismatch.
    if (offered.has('issue') && marked.every((c) => RENEWALS.has(c))) return RENEWAL_MISMATCH;
    return alternative ? ACTION_MISMATCH_WITH_ALTERNATIVE : ACTION_MISMATCH;
  }
  // A question naming no action: when it is nothing but a topic ("bằng lái", `topicOnly`) every sibling fits and
  // the conversation asks which; when it asks something about the topic ("thẻ BHYT là gì", "đầu tư ra nước ngoài
  // cần điều kiện gì"), the ordinary procedure that issues the paper is the likelier one.
  if (!asked.has('issue')) return topicOnly || offered.has('issue') ? 1 : BARE_TOPIC_OTHER;
  return offered.has('issue') ? 1 : IMPLIED_MISMATCH;
}
