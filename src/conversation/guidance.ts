// Turns a procedure into short, readable replies: the answer card, one step at a time, the document
// checklist, fees and processing time per submission method, where to submit, results, legal basis.
// Facts are the ones in force today (src/conversation/facts.ts); raw portal text is cleaned
// (portal-text.ts); every view fits a phone: a card ≤ CARD_MAX characters, any message ≤ MESSAGE_MAX, longer
// material in pages ("Xem thêm", see viewPage). Unknown facts are said to be unknown, with the portal link.
import type { Level, Procedure, SubmissionMethod } from '../knowledge/schema.ts';
import { shortenAtWord } from '../text/shorten.ts';
import {
  amountText,
  cardFee,
  durationText,
  type FeeFact,
  feeFacts,
  formatIsoDate,
  formatVnd,
  methodDurations,
  placeLine,
  sourceLine,
  timeLine,
  timeSummary,
  upcomingFees,
  vietnamDate,
} from './facts.ts';
import { cleanPortalText, summariseAgencies } from './portal-text.ts';
import { bold, link, type Paragraph, type QuickLink, text } from './types.ts';

export { formatVnd, placeLine, sourceLine, timeSummary };

export const METHOD_LABEL: Record<SubmissionMethod['method'], string> = {
  online: 'Nộp trực tuyến',
  postal: 'Qua bưu chính',
  direct: 'Nộp trực tiếp',
};
const LEVEL_LABEL: Record<Level, string> = { xa: 'cấp xã', tinh: 'cấp tỉnh', trung_uong: 'cấp trung ương' };

/** Longest answer card, in characters of plain text. */
export const CARD_MAX = 700;
/** Longest single message (steps, documents, fees, any view with its title and source line). */
export const MESSAGE_MAX = 1200;
/** Longest title line: long portal names are shortened at a word boundary. */
export const TITLE_MAX = 160;
/** Longest body of one page of a view: leaves room for the title, the source line and a "còn tiếp" line. */
export const PAGE_CHARS = 900;
/** Most documents on one page of the checklist. */
const DOCUMENTS_PER_PAGE = 8;

const plainLength = (paragraphs: Paragraph[]) =>
  paragraphs.reduce((n, p) => n + p.reduce((m, s) => m + s.text.length, 0) + 1, 0);

/** The procedure's name as the first line of a message, shortened at a word boundary when very long. */
export function titleLine(p: Procedure, max = TITLE_MAX): Paragraph {
  return [bold(shortenAtWord(p.name, max))];
}

export function quickLinks(p: Procedure): QuickLink[] {
  const links: QuickLink[] = [{ label: 'Xem trên Cổng Dịch vụ công', url: p.links.procedure }];
  if (p.links.submitOnline) links.push({ label: 'Nộp hồ sơ trực tuyến', url: p.links.submitOnline });
  return links;
}

function unknown(p: Procedure, what: string): Paragraph[] {
  return [
    [
      text(`Mình chưa có thông tin ${what} đã được kiểm chứng cho thủ tục này. Bạn xem chi tiết trên `),
      link('Cổng Dịch vụ công', p.links.procedure),
      text('.'),
    ],
  ];
}

/** The time of one method as stated by the record ("7 ngày làm việc"), or undefined. */
export function processingTime(m: SubmissionMethod): string | undefined {
  const t = m.processingTime;
  if (!t || t.unit === 'other') return undefined;
  return durationText({ value: t.value, unit: t.unit });
}

// ---- the card ---------------------------------------------------------------------------------------------

function methodsLine(p: Procedure): string {
  const kinds = new Set(p.submissionMethods.map((m) => m.method));
  if (kinds.has('online')) return 'có';
  return `chưa có (${[...kinds].map((k) => METHOD_LABEL[k].toLowerCase()).join(' hoặc ')})`;
}

/**
 * The answer card: name, what it is for, where it applies, key facts as of `now`, source. At most CARD_MAX
 * characters, `note` (e.g. the place the citizen gave, shown under the name) included.
 */
export function card(p: Procedure, alsoAt: Level[], now: Date = new Date(), note?: Paragraph): Paragraph[] {
  const today = vietnamDate(now);
  const build = (titleMax: number, summaryMax: number, agencyMax: number): Paragraph[] => {
    const paragraphs: Paragraph[] = [titleLine(p, titleMax), ...(note ? [note] : [])];
    if (p.summary) paragraphs.push([text(shortenAtWord(p.summary, summaryMax))]);
    const place = placeLine(p);
    if (place) paragraphs.push(place);
    if (p.implementingAgencies.length > 0) {
      const agencies = shortenAtWord(summariseAgencies(p.implementingAgencies), agencyMax);
      paragraphs.push([bold('Cơ quan thực hiện: '), text(agencies)]);
    }
    if (p.levels.length > 0)
      paragraphs.push([bold('Cấp thực hiện: '), text(p.levels.map((l) => LEVEL_LABEL[l]).join(', '))]);
    paragraphs.push([bold('Thời hạn giải quyết: '), ...timeLine(p)]);
    const fee = cardFee(p, today);
    if (fee) paragraphs.push([bold('Lệ phí: '), text(fee)]);
    if (p.submissionMethods.length > 0) paragraphs.push([bold('Nộp trực tuyến: '), text(methodsLine(p))]);
    if (alsoAt.length > 0) {
      paragraphs.push([
        text(`Thủ tục cùng tên cũng được thực hiện ở ${[...new Set(alsoAt)].map((l) => LEVEL_LABEL[l]).join(', ')}.`),
      ]);
    }
    if (p.submissionMethods.length === 0 && p.steps.length === 0) {
      paragraphs.push([
        text('Mình mới có thông tin chung về thủ tục này; chi tiết hồ sơ và các bước bạn xem trên '),
        link('Cổng Dịch vụ công', p.links.procedure),
        text('.'),
      ]);
    }
    paragraphs.push(sourceLine(p));
    return paragraphs;
  };
  // Shorten the longest parts until the card fits a phone screen.
  for (const [titleMax, summaryMax, agencyMax] of [
    [TITLE_MAX, 320, 160],
    [120, 220, 120],
    [90, 150, 90],
    [60, 100, 60],
  ] as const) {
    const paragraphs = build(titleMax, summaryMax, agencyMax);
    if (plainLength(paragraphs) <= CARD_MAX) return paragraphs;
  }
  return build(60, 100, 60);
}

// ---- paging -------------------------------------------------------------------------------------------------

/** Splits long text into parts of at most `max` characters at line or sentence boundaries, then words. */
export function splitText(value: string, max = PAGE_CHARS): string[] {
  const parts: string[] = [];
  let current = '';
  const pieces = value.split(/(?<=\n)|(?<=[.;:!?])[^\S\n]+/);
  const flush = () => {
    if (current.trim()) parts.push(current.trim());
    current = '';
  };
  for (const piece of pieces) {
    if (current.length + piece.length + 1 > max && current.length > 0) flush();
    if (piece.length > max) {
      let rest = piece.trim();
      while (rest.length > max) {
        const head = shortenAtWord(rest, max).replace(/…$/, '');
        parts.push(head);
        rest = rest.slice(head.length).trim();
      }
      current = rest;
      continue;
    }
    current += current && !current.endsWith('\n') ? ` ${piece}` : piece;
  }
  flush();
  return parts.length > 0 ? parts : [''];
}

/** Paragraphs of one text, one per line. */
function lines(value: string): Paragraph[] {
  return value
    .split('\n')
    .filter((l) => l.trim())
    .map((l): Paragraph => [text(l.trim())]);
}

/**
 * Groups paragraphs into pages of at most `max` characters; a paragraph longer than a page is split at
 * sentence boundaries. A bold heading paragraph is never left alone at the end of a page.
 */
export function paginate(paragraphs: Paragraph[], max = PAGE_CHARS): Paragraph[][] {
  const pieces: Paragraph[] = paragraphs.flatMap((p) => {
    const length = p.reduce((n, s) => n + s.text.length, 0);
    if (length <= max) return [p];
    const label = p[0]?.kind === 'bold' ? p[0] : undefined;
    const body = (label ? p.slice(1) : p).map((s) => s.text).join('');
    return splitText(body, max - (label?.text.length ?? 0)).map((part, i) =>
      i === 0 && label ? [label, text(part)] : [text(part)],
    );
  });
  const pages: Paragraph[][] = [];
  let page: Paragraph[] = [];
  let size = 0;
  for (const piece of pieces) {
    const length = piece.reduce((n, s) => n + s.text.length, 0) + 1;
    if (size + length > max && page.length > 0) {
      const last = page.at(-1);
      const carry = last && last.length === 1 && last[0]?.kind === 'bold' && page.length > 1 ? page.pop() : undefined;
      pages.push(page);
      page = carry ? [carry] : [];
      size = carry ? plainLength([carry]) : 0;
    }
    page.push(piece);
    size += length;
  }
  if (page.length > 0) pages.push(page);
  return pages.length > 0 ? pages : [[]];
}

/** The views of a procedure besides the card, steps and documents; each can be paged with viewPage. */
export type ViewKind = 'fees' | 'time' | 'where' | 'online' | 'result' | 'legal' | 'conditions';

export interface ViewPage {
  /** The body of this page (the caller adds the title line and the source line). */
  paragraphs: Paragraph[];
  /** 0-based page shown (clamped to the last page). */
  page: number;
  pages: number;
  hasMore: boolean;
}

/**
 * One page of a view, for "Xem thêm": `viewPage(p, 'fees', 1)` is the second page of the fees view. Every
 * page is at most PAGE_CHARS characters, so with titleLine and sourceLine a message stays under MESSAGE_MAX.
 */
export function viewPage(p: Procedure, kind: ViewKind, page = 0, now: Date = new Date()): ViewPage {
  const all = paginate(fullView(p, kind, now));
  const shown = Math.max(0, Math.min(page, all.length - 1));
  const paragraphs = [...(all[shown] ?? [])];
  if (all.length > 1) paragraphs.push([text(`(trang ${shown + 1}/${all.length})`)]);
  return { paragraphs, page: shown, pages: all.length, hasMore: shown + 1 < all.length };
}

/** A view's first page; when there is more, says where the rest is (for callers that do not page). */
function firstPage(p: Procedure, kind: ViewKind, now: Date): Paragraph[] {
  const view = viewPage(p, kind, 0, now);
  const body = view.paragraphs.filter((para) => !/^\(trang /.test(para[0]?.text ?? ''));
  if (!view.hasMore) return body;
  return [...body, restOnPortal(p, kind === 'conditions' ? 'Điều kiện còn tiếp.' : 'Còn tiếp.')];
}

function fullView(p: Procedure, kind: ViewKind, now: Date): Paragraph[] {
  switch (kind) {
    case 'fees':
      return feesParagraphs(p, now);
    case 'time':
      return timeParagraphs(p, now);
    case 'where':
      return whereParagraphs(p);
    case 'online':
      return onlineParagraphs(p);
    case 'result':
      return listParagraphs(p, 'Kết quả bạn nhận được:', p.results, 'về kết quả thực hiện');
    case 'legal':
      return listParagraphs(
        p,
        'Căn cứ pháp lý:',
        p.legalBasis.map((l) => l.name),
        'về căn cứ pháp lý',
      );
    case 'conditions':
      return conditionsParagraphs(p);
  }
}

// ---- steps and documents --------------------------------------------------------------------------------------

/** One step (and one part of it when the step text is long). */
export function stepView(p: Procedure, index: number, part: number): { paragraphs: Paragraph[]; parts: number } {
  const step = p.steps[index];
  if (!step) return { paragraphs: unknown(p, 'về các bước thực hiện'), parts: 1 };
  // The portal's own "Bước 2:" is dropped: the heading numbers the steps ("Bước 2/5").
  const ownNumber = /^\s*Bước\s*\d+\s*[:.\-–)]?\s*/iu;
  const rawTitle = step.title ? cleanPortalText(step.title).replace(ownNumber, '') : '';
  const title = rawTitle ? shortenAtWord(rawTitle, 120) : undefined;
  // Room for the heading, the "(phần i/n)" line and the engine's "Đây là bước cuối…" line.
  const description = cleanPortalText(step.description).replace(ownNumber, '');
  const parts = splitText(description, PAGE_CHARS - 80 - (title?.length ?? 0));
  const shown = parts[Math.min(part, parts.length - 1)] ?? '';
  const heading: Paragraph = [bold(`Bước ${index + 1}/${p.steps.length}`), ...(title ? [text(` — ${title}`)] : [])];
  const more: Paragraph[] =
    parts.length > 1 ? [[text(`(phần ${Math.min(part, parts.length - 1) + 1}/${parts.length})`)]] : [];
  return { paragraphs: [heading, ...lines(shown), ...more], parts: parts.length };
}

function documentLine(d: Procedure['documents'][number]): Paragraph {
  const counts: string[] = [];
  if (d.originals) counts.push(`${d.originals} bản chính`);
  if (d.copies) counts.push(`${d.copies} bản sao`);
  const extra = [d.form ? `mẫu ${d.form.replace(/^mẫu\s+/i, '')}` : undefined, counts.join(', ') || undefined]
    .filter(Boolean)
    .join('; ');
  const name = cleanPortalText(d.name).replace(/\n/g, ' ');
  return [
    text(`☐ ${shortenAtWord(name, 400)}`),
    ...(extra ? [text(` (${extra})`)] : []),
    ...(d.note ? [text(` — ${shortenAtWord(cleanPortalText(d.note).replace(/\n/g, ' '), 200)}`)] : []),
  ];
}

/** Pages of the document checklist: each item once, a case heading where the case changes. */
function documentPages(p: Procedure): { paragraphs: Paragraph[]; items: number }[] {
  const pages: { paragraphs: Paragraph[]; items: number }[] = [];
  let current: Paragraph[] = [[bold(`Giấy tờ cần chuẩn bị (${p.documents.length} mục):`)]];
  let items = 0;
  let size = plainLength(current);
  let lastCase: string | undefined;
  for (const d of p.documents) {
    const block: Paragraph[] = [];
    if (d.case && d.case !== lastCase) block.push([bold(shortenAtWord(cleanPortalText(d.case), 160))]);
    block.push(documentLine(d));
    const length = plainLength(block);
    if ((size + length > PAGE_CHARS || items >= DOCUMENTS_PER_PAGE) && items > 0) {
      pages.push({ paragraphs: current, items });
      current = d.case && d.case === lastCase ? [[bold(shortenAtWord(cleanPortalText(d.case), 160))]] : [];
      items = 0;
      size = plainLength(current);
    }
    lastCase = d.case;
    current.push(...block);
    items++;
    size += length;
  }
  pages.push({ paragraphs: current, items });
  return pages;
}

/** The document checklist, a page at a time, grouped by case. */
export function documentsView(p: Procedure, page: number): { paragraphs: Paragraph[]; hasMore: boolean } {
  if (p.documents.length === 0) return { paragraphs: unknown(p, 'về thành phần hồ sơ'), hasMore: false };
  const pages = documentPages(p);
  const shown = Math.max(0, Math.min(page, pages.length - 1));
  const hasMore = shown + 1 < pages.length;
  const paragraphs = [...(pages[shown]?.paragraphs ?? [])];
  if (hasMore) {
    const after = pages.slice(shown + 1).reduce((n, pg) => n + pg.items, 0);
    paragraphs.push([text(`Còn ${after} mục nữa.`)]);
  }
  return { paragraphs, hasMore };
}

// ---- fees and time --------------------------------------------------------------------------------------------

/** Ends a sentence with a full stop unless it already ends with punctuation. */
function sentence(value: string): string {
  return /[.!?…:;)]$/.test(value.trim()) ? value.trim() : `${value.trim()}.`;
}

function feeFactText(f: FeeFact): string | undefined {
  const kind = f.kind === 'price' ? 'giá dịch vụ' : 'lệ phí';
  const amount = amountText(f);
  if (amount) return `${kind} ${amount}`;
  return f.note ? `${kind}: ${shortenAtWord(cleanPortalText(f.note).replace(/\n/g, ' '), 200)}` : undefined;
}

function feeText(m: SubmissionMethod, today: string): string | undefined {
  const parts = feeFacts(m.fees, today)
    .map(feeFactText)
    .filter((x): x is string => Boolean(x));
  const upcoming = upcomingFees(m.fees, today)
    .filter((f) => f.amountVnd !== undefined && f.validFrom)
    .map((f) => `từ ${formatIsoDate(f.validFrom as string)}: ${formatVnd(f.amountVnd as number)}`);
  const all = [...new Set([...parts, ...upcoming])];
  return all.length > 0 ? all.join('; ') : undefined;
}

/** Fee notes that explain an amount (exemptions, the legal basis), once each, for the amounts in force today. */
function feeNotes(m: SubmissionMethod, today: string): string[] {
  return feeFacts(m.fees, today)
    .filter((f) => f.amount !== undefined && f.note)
    .map((f) => cleanPortalText(f.note));
}

function methodLabels(methods: SubmissionMethod['method'][]): string {
  return [...new Set(methods)].map((m, i) => (i === 0 ? METHOD_LABEL[m] : METHOD_LABEL[m].toLowerCase())).join(', ');
}

interface MethodFacts {
  method: SubmissionMethod['method'];
  time?: string;
  fee?: string;
  /** The method's own note (often the case its time applies to), cleaned. */
  note?: string;
  feeNotes: string[];
}

function methodFacts(m: SubmissionMethod, today: string): MethodFacts {
  const durations = methodDurations(m);
  return {
    method: m.method,
    time: processingTime(m) ?? (durations.length > 0 ? durations.map(durationText).join(' hoặc ') : undefined),
    fee: feeText(m, today),
    note: m.note ? cleanPortalText(m.note) : undefined,
    feeNotes: feeNotes(m, today),
  };
}

/** Each note once, in order, as paragraphs. */
function notesOnce(notes: (string | undefined)[], seen: Set<string>): Paragraph[] {
  const out: Paragraph[] = [];
  for (const note of notes) {
    if (!note || seen.has(note)) continue;
    seen.add(note);
    out.push(...lines(note));
  }
  return out;
}

/**
 * Fees and times per submission method. When every method charges the same, the fee is said once and the times
 * follow by case; otherwise methods with the same time and fee are said together ("Nộp trực tuyến, qua bưu
 * chính: …"). Every note is said once.
 */
function feesParagraphs(p: Procedure, now: Date): Paragraph[] {
  if (p.submissionMethods.length === 0) return unknown(p, 'về lệ phí và thời hạn giải quyết');
  const today = vietnamDate(now);
  const facts = p.submissionMethods.map((m) => methodFacts(m, today));
  const seen = new Set<string>();
  const allKinds = new Set(facts.map((f) => f.method));
  const fees = new Set(facts.map((f) => f.fee ?? ''));
  const times = new Set(facts.map((f) => f.time ?? ''));
  if (fees.size === 1 && times.size > 1) {
    const fee = facts[0]?.fee;
    const paragraphs: Paragraph[] = [
      [bold('Lệ phí: '), text(sentence(fee?.replace(/^lệ phí:? /u, '') ?? 'chưa ghi rõ'))],
      ...notesOnce(
        facts.flatMap((f) => f.feeNotes),
        seen,
      ),
      [bold('Thời hạn giải quyết:')],
    ];
    const byTime = new Map<string, MethodFacts[]>();
    for (const f of facts) byTime.set(f.time ?? 'chưa ghi rõ', [...(byTime.get(f.time ?? 'chưa ghi rõ') ?? []), f]);
    for (const [time, group] of byTime) {
      const kinds = new Set(group.map((f) => f.method));
      const who = kinds.size === allKinds.size ? '' : ` (${methodLabels([...kinds]).toLowerCase()})`;
      const cases = [...new Set(group.map((f) => f.note).filter((n): n is string => Boolean(n)))];
      const [firstCase, ...otherCases] = cases.filter((c) => !seen.has(c));
      cases.forEach((c) => {
        seen.add(c);
      });
      paragraphs.push([text(`• ${time}${who}${firstCase ? `: ${firstCase.split('\n')[0]}` : ''}`)]);
      const rest = [...(firstCase ? firstCase.split('\n').slice(1) : []), ...otherCases];
      paragraphs.push(...rest.flatMap((r) => lines(r)));
    }
    return paragraphs;
  }
  const groups = new Map<string, MethodFacts[]>();
  for (const f of facts) {
    const key = sentence(`thời hạn ${f.time ?? 'chưa ghi rõ'}; ${f.fee ?? 'lệ phí chưa ghi rõ'}`);
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  const paragraphs: Paragraph[] = [[bold('Lệ phí và thời hạn theo cách nộp:')]];
  for (const [line, group] of groups) {
    paragraphs.push([bold(`${methodLabels(group.map((f) => f.method))}: `), text(line)]);
    paragraphs.push(...notesOnce([...group.map((f) => f.note), ...group.flatMap((f) => f.feeNotes)], seen));
  }
  return paragraphs;
}

/** "Mất bao lâu": the summary first, the per-method detail after. */
function timeParagraphs(p: Procedure, now: Date): Paragraph[] {
  const summary = timeSummary(p);
  const head: Paragraph = summary
    ? [bold('Thời hạn giải quyết: '), text(`${summary}.`)]
    : [bold('Thời hạn giải quyết: '), ...timeLine(p)];
  if (p.submissionMethods.length === 0) return [head];
  return [head, ...feesParagraphs(p, now)];
}

// ---- where, online, lists, conditions -----------------------------------------------------------------------

function whereParagraphs(p: Procedure): Paragraph[] {
  const paragraphs: Paragraph[] = [];
  const place = placeLine(p);
  if (place) paragraphs.push(place);
  if (p.implementingAgencies.length > 0)
    paragraphs.push([bold('Nơi giải quyết: '), text(shortenAtWord(summariseAgencies(p.implementingAgencies, 3), 400))]);
  if (p.levels.length > 0)
    paragraphs.push([bold('Cấp thực hiện: '), text(p.levels.map((l) => LEVEL_LABEL[l]).join(', '))]);
  if (p.submissionMethods.length > 0) {
    const kinds = [...new Set(p.submissionMethods.map((m) => METHOD_LABEL[m.method].toLowerCase()))];
    paragraphs.push([bold('Cách nộp: '), text(kinds.join(', '))]);
  }
  if (p.links.submitOnline)
    paragraphs.push([text('Nộp trực tuyến tại: '), link('Cổng Dịch vụ công quốc gia', p.links.submitOnline)]);
  return paragraphs.length > 0 ? paragraphs : unknown(p, 'về nơi nộp hồ sơ');
}

function onlineParagraphs(p: Procedure): Paragraph[] {
  if (p.links.submitOnline) {
    return [
      [
        text('Thủ tục này nộp trực tuyến được. Bạn đăng nhập bằng tài khoản định danh điện tử (VNeID) và nộp tại: '),
        link('Nộp hồ sơ trực tuyến', p.links.submitOnline),
      ],
    ];
  }
  if (p.submissionMethods.length === 0) return unknown(p, 'về việc nộp trực tuyến');
  const kinds = [...new Set(p.submissionMethods.map((m) => METHOD_LABEL[m.method].toLowerCase()))];
  return [[text(`Theo dữ liệu của Cổng, thủ tục này chưa có hình thức nộp trực tuyến; bạn ${kinds.join(' hoặc ')}.`)]];
}

/** Longest list shown in one message; the rest is on the portal page. */
export const LIST_ITEMS = 12;

/** The rest of a long text or list is on the portal: say so rather than cut it silently. */
function restOnPortal(p: Procedure, what: string): Paragraph {
  return [text(`${what} Bạn xem đầy đủ trên `), link('Cổng Dịch vụ công', p.links.procedure), text('.')];
}

function listParagraphs(p: Procedure, title: string, items: string[], what: string): Paragraph[] {
  if (items.length === 0) return unknown(p, what);
  const clean = [...new Set(items.map((i) => cleanPortalText(i).replace(/\n/g, ' ')))];
  return [[bold(title)], ...clean.map((i): Paragraph => [text(`• ${shortenAtWord(i, 300)}`)])];
}

function conditionsParagraphs(p: Procedure): Paragraph[] {
  const paragraphs: Paragraph[] = [];
  if (p.targetGroups.length > 0)
    paragraphs.push([bold('Ai thực hiện: '), text(shortenAtWord(p.targetGroups.join('; '), 300))]);
  if (p.conditions) {
    const [first = '', ...rest] = cleanPortalText(p.conditions).split('\n');
    paragraphs.push([bold('Điều kiện: '), text(first)], ...lines(rest.join('\n')));
  }
  return paragraphs.length > 0 ? paragraphs : unknown(p, 'về điều kiện thực hiện');
}

// ---- the views as the engine calls them today (first page, with a pointer to the rest) ------------------------

export function feesView(p: Procedure, now: Date = new Date()): Paragraph[] {
  return firstPage(p, 'fees', now);
}

/** "Mất bao lâu": the processing time summary, then the per-method detail. */
export function timeView(p: Procedure, now: Date = new Date()): Paragraph[] {
  return firstPage(p, 'time', now);
}

export function whereView(p: Procedure): Paragraph[] {
  return firstPage(p, 'where', new Date());
}

export function onlineView(p: Procedure): Paragraph[] {
  return firstPage(p, 'online', new Date());
}

export function listView(p: Procedure, title: string, items: string[], what: string): Paragraph[] {
  if (items.length === 0) return unknown(p, what);
  const shown = paginate(listParagraphs(p, title, items.slice(0, LIST_ITEMS), what))[0] ?? [];
  const rest = items.length - (shown.length - 1);
  return [...shown, ...(rest > 0 ? [restOnPortal(p, `Còn ${rest} mục nữa.`)] : [])];
}

export function conditionsView(p: Procedure): Paragraph[] {
  return firstPage(p, 'conditions', new Date());
}
