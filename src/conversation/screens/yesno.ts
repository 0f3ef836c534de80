// The yes/no screen: answers "có cần … không", "… được không", "có phải … không" about the current procedure from
// its structured fields (online availability, agency and level, documents, conditions, target groups), quoting
// the field. When the record does not say, it says so honestly and gives the portal link; it never guesses "no".
import type { Level, Procedure } from '../../knowledge/schema.ts';
import { coveredWords, indexText, wordSet } from '../relevance.ts';
import { bold, link, type Paragraph, text } from '../types.ts';

const LEVEL_LABEL: Record<Level, string> = { xa: 'cấp xã', tinh: 'cấp tỉnh', trung_uong: 'cấp trung ương' };
/** Longest quote of a field, so the answer stays short; the rest is one button away. */
const QUOTE_CHARS = 280;

const ONLINE = wordSet(['online', 'truc', 'tuyen', 'mang', 'vneid', 'app', 'ung', 'dung', 'dien', 'thoai', 'cong']);
const ASKED_LEVEL: [Level | 'huyen', Set<string>][] = [
  ['xa', wordSet(['xa', 'phuong', 'dac', 'khu'])],
  ['huyen', wordSet(['huyen', 'quan', 'thi'])],
  ['tinh', wordSet(['tinh', 'so', 'thanh'])],
  ['trung_uong', wordSet(['bo', 'trung', 'uong', 'cuc'])],
];

/** Words too common in procedure texts to be evidence on their own. */
const GENERIC = wordSet([
  'nop',
  'giay',
  'to',
  'ho',
  'so',
  'lam',
  'cap',
  'dang',
  'ky',
  'ban',
  'can',
  'co',
  'mau',
  'don',
]);

function quote(value: string): string {
  const clean = value.replace(/\s+/g, ' ').trim();
  return clean.length <= QUOTE_CHARS ? clean : `${clean.slice(0, QUOTE_CHARS).replace(/\s+\S*$/, '')}…`;
}

function isOnlineQuestion(words: string[]): boolean {
  const joined = words.join(' ');
  return /\b(?:online|truc tuyen|qua mang|tren mang|vneid|app|ung dung|dich vu cong)\b/.test(joined);
}

function askedLevel(words: string[]): Level | 'huyen' | undefined {
  if (words.length > 4) return undefined;
  for (const [level, cues] of ASKED_LEVEL) if (words.some((w) => cues.has(w))) return level;
  return undefined;
}

function onlineAnswer(p: Procedure): Paragraph[] {
  const online = Boolean(p.links.submitOnline) || p.submissionMethods.some((m) => m.method === 'online');
  if (online) {
    return [
      [bold('Có. '), text('Theo dữ liệu của Cổng, thủ tục này nộp trực tuyến được, đăng nhập bằng tài khoản VNeID.')],
      ...(p.links.submitOnline ? [[text('Nộp tại: '), link('Nộp hồ sơ trực tuyến', p.links.submitOnline)]] : []),
    ];
  }
  if (p.submissionMethods.length === 0) return notSaid(p);
  const ways = [...new Set(p.submissionMethods.map((m) => (m.method === 'direct' ? 'trực tiếp' : 'qua bưu chính')))];
  return [[text(`Theo dữ liệu của Cổng, thủ tục này chưa nộp trực tuyến được; bạn nộp ${ways.join(' hoặc ')}.`)]];
}

function levelAnswer(p: Procedure, asked: Level | 'huyen'): Paragraph[] {
  if (p.levels.length === 0 && p.implementingAgencies.length === 0) return notSaid(p);
  const agencies =
    p.implementingAgencies.length > 0 ? ` Cơ quan thực hiện: ${quote(p.implementingAgencies.join('; '))}.` : '';
  const levels = p.levels.map((l) => LEVEL_LABEL[l]).join(', ');
  if (asked === 'huyen') {
    return [
      [
        text(
          `Từ 1/7/2025 không còn cấp huyện.${levels ? ` Thủ tục này thực hiện ở ${levels}.` : ''}${agencies}`.trim(),
        ),
      ],
    ];
  }
  if (p.levels.length === 0) return [[text(`Dữ liệu của Cổng không ghi cấp thực hiện.${agencies}`)]];
  const yes = p.levels.includes(asked);
  return [
    [bold(yes ? 'Được. ' : 'Không. '), text(`Theo dữ liệu của Cổng, thủ tục này thực hiện ở ${levels}.${agencies}`)],
  ];
}

interface Evidence {
  field: string;
  value: string;
  score: number;
}

/** Sentences of a long text, so a quote is the part that answers. */
function sentences(value: string): string[] {
  return value
    .split(/(?<=[.;!?])\s+|\n+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

function bestEvidence(p: Procedure, words: string[]): Evidence | undefined {
  const items: { field: string; value: string }[] = [
    ...p.documents.map((d) => ({ field: 'Giấy tờ trong hồ sơ', value: [d.name, d.note].filter(Boolean).join(' — ') })),
    ...sentences(p.conditions ?? '').map((value) => ({ field: 'Điều kiện', value })),
    ...p.targetGroups.map((value) => ({ field: 'Đối tượng thực hiện', value })),
    ...p.steps.flatMap((s) => sentences(s.description).map((value) => ({ field: 'Cách thực hiện', value }))),
    ...p.submissionMethods.flatMap((m) =>
      [m.note, ...m.fees.map((f) => f.note)]
        .filter((v): v is string => Boolean(v))
        .map((value) => ({
          field: 'Ghi chú về lệ phí, thời hạn',
          value,
        })),
    ),
  ];
  let best: Evidence | undefined;
  for (const item of items) {
    const score = coveredWords(words, indexText(item.value));
    if (score > 0 && (!best || score > best.score)) best = { ...item, score };
  }
  // One matching word of a longer question is chance, not evidence; so is one everyday word alone.
  if (!best || (words.length > 1 && best.score < 2)) return undefined;
  if (words.length === 1 && GENERIC.has(words[0] ?? '')) return undefined;
  return best;
}

/** Whether one has to do this procedure at all: what its conditions and target groups say. */
function whoMustAnswer(p: Procedure): Paragraph[] {
  const paragraphs: Paragraph[] = [[text(`Theo dữ liệu của Cổng về thủ tục «${quote(p.name)}»:`)]];
  const condition = sentences(p.conditions ?? '')[0];
  if (condition) paragraphs.push([bold('Điều kiện: '), text(`«${quote(condition)}»`)]);
  if (p.targetGroups.length > 0)
    paragraphs.push([bold('Đối tượng thực hiện: '), text(quote(p.targetGroups.join('; ')))]);
  if (paragraphs.length === 1) return notSaid(p);
  paragraphs.push([
    text('Trường hợp của bạn có thuộc diện phải làm hay không, bạn xem chi tiết trên '),
    link('Cổng Dịch vụ công', p.links.procedure),
    text(' hoặc hỏi cơ quan thực hiện.'),
  ]);
  return paragraphs;
}

function notSaid(p: Procedure): Paragraph[] {
  return [
    [
      text('Dữ liệu thủ tục trên Cổng không nói rõ điều này. Bạn xem chi tiết trên '),
      link('Cổng Dịch vụ công', p.links.procedure),
      text(
        p.implementingAgencies.length > 0
          ? ` hoặc hỏi ${quote(p.implementingAgencies[0] ?? '')} nhé.`
          : ' hoặc gọi tổng đài 18001096 nhé.',
      ),
    ],
  ];
}

/**
 * The answer to a yes/no question (or a bare mention of a field, "giấy khám sức khỏe") about `p`, from its
 * fields. `words` are the question's topic words (see contentWords).
 */
export function yesNoAnswer(p: Procedure, words: string[]): { paragraphs: Paragraph[]; found: boolean } {
  if (isOnlineQuestion(words) || (words.length <= 2 && words.some((w) => ONLINE.has(w)) && words.includes('vneid')))
    return { paragraphs: onlineAnswer(p), found: true };
  const level = askedLevel(words);
  if (level) return { paragraphs: levelAnswer(p, level), found: true };
  // "có phải khai báo tạm vắng không" on that very procedure: who must do it, from its conditions and groups.
  if (words.length > 0 && coveredWords(words, indexText(p.name)) === words.length)
    return { paragraphs: whoMustAnswer(p), found: true };
  const evidence = bestEvidence(p, words);
  if (!evidence) return { paragraphs: notSaid(p), found: false };
  return {
    paragraphs: [
      [text('Theo dữ liệu thủ tục trên Cổng:')],
      [bold(`${evidence.field}: `), text(`«${quote(evidence.value)}»`)],
    ],
    found: true,
  };
}
