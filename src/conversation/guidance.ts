// Turns a procedure into short, readable replies: the answer card, one step at a time, the document
// checklist, fees and processing time per submission method, where to submit, results, legal basis.
// Unknown facts are said to be unknown, with the portal link, never guessed.
import type { Fee, Level, Procedure, SubmissionMethod } from '../knowledge/schema.ts';
import { bold, link, type Paragraph, type QuickLink, text } from './types.ts';

export const METHOD_LABEL: Record<SubmissionMethod['method'], string> = {
  online: 'Nộp trực tuyến',
  postal: 'Qua bưu chính',
  direct: 'Nộp trực tiếp',
};
const LEVEL_LABEL: Record<Level, string> = { xa: 'cấp xã', tinh: 'cấp tỉnh', trung_uong: 'cấp trung ương' };
const UNIT_LABEL = { working_day: 'ngày làm việc', day: 'ngày', hour: 'giờ', month: 'tháng' } as const;

/** Longest text shown in one message part before "Xem thêm". */
export const PAGE_CHARS = 900;
const DOCUMENTS_PER_PAGE = 8;

export function formatVnd(amount: number): string {
  return amount === 0 ? 'miễn phí' : `${amount.toLocaleString('vi-VN')} đồng`;
}

function formatIsoDate(iso: string | undefined): string | undefined {
  if (!iso) return undefined;
  const [y, m, d] = iso.split('-');
  return `${d}/${m}/${y}`;
}

export function quickLinks(p: Procedure): QuickLink[] {
  const links: QuickLink[] = [{ label: 'Xem trên Cổng Dịch vụ công', url: p.links.procedure }];
  if (p.links.submitOnline) links.push({ label: 'Nộp hồ sơ trực tuyến', url: p.links.submitOnline });
  return links;
}

/** "Nguồn: Cổng DVC quốc gia, cập nhật 15/04/2026, kiểm tra 28/11/2026" — on every answer about a procedure. */
export function sourceLine(p: Procedure): Paragraph {
  const updated = formatIsoDate(p.source.updatedAt);
  const checked = formatIsoDate(p.source.checkedAt);
  return [
    text('Nguồn: '),
    link('Cổng Dịch vụ công quốc gia', p.source.url),
    text(`${updated ? `, dữ liệu cập nhật ${updated}` : ''}, kiểm tra ngày ${checked}.`),
  ];
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

export function processingTime(m: SubmissionMethod): string | undefined {
  const t = m.processingTime;
  if (!t || t.unit === 'other') return undefined;
  if (t.value === 0) return 'trong ngày';
  return `${t.value.toLocaleString('vi-VN')} ${UNIT_LABEL[t.unit]}`;
}

function feeText(fees: Fee[]): string | undefined {
  const parts = fees.map((f) => {
    const kind = f.kind === 'price' ? 'giá dịch vụ' : 'lệ phí';
    if (f.amountVnd !== undefined) return `${kind} ${formatVnd(f.amountVnd)}${f.note ? ` (${f.note})` : ''}`;
    return f.note ? `${kind}: ${f.note}` : undefined;
  });
  const known = parts.filter((x): x is string => Boolean(x));
  return known.length > 0 ? [...new Set(known)].join('; ') : undefined;
}

/** A one-line summary of time and fee across methods, for the card. */
function cardFacts(p: Procedure): Paragraph[] {
  const lines: Paragraph[] = [];
  if (p.implementingAgencies.length > 0)
    lines.push([bold('Cơ quan thực hiện: '), text(p.implementingAgencies.join('; '))]);
  if (p.levels.length > 0) lines.push([bold('Cấp thực hiện: '), text(p.levels.map((l) => LEVEL_LABEL[l]).join(', '))]);
  const times = [...new Set(p.submissionMethods.map(processingTime).filter((x): x is string => Boolean(x)))];
  if (times.length > 0) lines.push([bold('Thời hạn giải quyết: '), text(times.join(' hoặc '))]);
  const amounts = p.submissionMethods
    .flatMap((m) => m.fees.map((f) => f.amountVnd))
    .filter((a): a is number => a !== undefined);
  if (amounts.length > 0) {
    const min = Math.min(...amounts);
    const max = Math.max(...amounts);
    lines.push([bold('Lệ phí: '), text(min === max ? formatVnd(min) : `từ ${formatVnd(min)} đến ${formatVnd(max)}`)]);
  } else if (p.submissionMethods.some((m) => m.fees.some((f) => f.note))) {
    lines.push([bold('Lệ phí: '), text('xem chi tiết ở mục "Lệ phí & thời gian"')]);
  }
  if (p.submissionMethods.length > 0) {
    const online = p.submissionMethods.some((m) => m.method === 'online');
    lines.push([bold('Nộp trực tuyến: '), text(online ? 'có' : 'chưa có (nộp trực tiếp hoặc qua bưu chính)')]);
  }
  return lines;
}

/** The answer card: name, what it is for, key facts, source. */
export function card(p: Procedure, alsoAt: Level[]): Paragraph[] {
  const paragraphs: Paragraph[] = [[bold(p.name)]];
  if (p.summary) paragraphs.push([text(p.summary)]);
  paragraphs.push(...cardFacts(p));
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
}

/** Splits long text into parts of at most `max` characters at line or sentence boundaries. */
export function splitText(value: string, max = PAGE_CHARS): string[] {
  const parts: string[] = [];
  let current = '';
  const pieces = value.split(/(?<=\n)|(?<=[.;:!?])\s+/);
  for (const piece of pieces) {
    if (current.length + piece.length > max && current.length > 0) {
      parts.push(current.trim());
      current = '';
    }
    if (piece.length > max) {
      for (let i = 0; i < piece.length; i += max) parts.push(piece.slice(i, i + max).trim());
      continue;
    }
    current += current && !current.endsWith('\n') ? ` ${piece}` : piece;
  }
  if (current.trim()) parts.push(current.trim());
  return parts.length > 0 ? parts : [''];
}

/** One step (and one part of it when the step text is long). */
export function stepView(p: Procedure, index: number, part: number): { paragraphs: Paragraph[]; parts: number } {
  const step = p.steps[index];
  if (!step) return { paragraphs: unknown(p, 'về các bước thực hiện'), parts: 1 };
  const parts = splitText(step.description);
  const shown = parts[Math.min(part, parts.length - 1)] ?? '';
  const heading: Paragraph = [
    bold(`Bước ${index + 1}/${p.steps.length}`),
    ...(step.title ? [text(` — ${step.title}`)] : []),
  ];
  const lines = shown
    .split('\n')
    .filter((l) => l.trim())
    .map((l): Paragraph => [text(l.trim())]);
  const more: Paragraph[] =
    parts.length > 1 ? [[text(`(phần ${Math.min(part, parts.length - 1) + 1}/${parts.length})`)]] : [];
  return { paragraphs: [heading, ...lines, ...more], parts: parts.length };
}

function documentLine(d: Procedure['documents'][number]): Paragraph {
  const counts: string[] = [];
  if (d.originals) counts.push(`${d.originals} bản chính`);
  if (d.copies) counts.push(`${d.copies} bản sao`);
  const extra = [d.form ? `mẫu ${d.form.replace(/^mẫu\s+/i, '')}` : undefined, counts.join(', ') || undefined]
    .filter(Boolean)
    .join('; ');
  return [text(`☐ ${d.name}`), ...(extra ? [text(` (${extra})`)] : []), ...(d.note ? [text(` — ${d.note}`)] : [])];
}

/** The document checklist, a page at a time, grouped by case. */
export function documentsView(p: Procedure, page: number): { paragraphs: Paragraph[]; hasMore: boolean } {
  if (p.documents.length === 0) return { paragraphs: unknown(p, 'về thành phần hồ sơ'), hasMore: false };
  const start = page * DOCUMENTS_PER_PAGE;
  const slice = p.documents.slice(start, start + DOCUMENTS_PER_PAGE);
  const paragraphs: Paragraph[] = page === 0 ? [[bold(`Giấy tờ cần chuẩn bị (${p.documents.length} mục):`)]] : [];
  let lastCase: string | undefined = start > 0 ? p.documents[start - 1]?.case : undefined;
  for (const d of slice) {
    if (d.case && d.case !== lastCase) paragraphs.push([bold(d.case)]);
    lastCase = d.case;
    paragraphs.push(documentLine(d));
  }
  const hasMore = start + DOCUMENTS_PER_PAGE < p.documents.length;
  if (hasMore) paragraphs.push([text(`Còn ${p.documents.length - start - DOCUMENTS_PER_PAGE} mục nữa.`)]);
  return { paragraphs, hasMore };
}

/** Ends a sentence with a full stop unless it already ends with punctuation. */
function sentence(value: string): string {
  return /[.!?…:;)]$/.test(value.trim()) ? value.trim() : `${value.trim()}.`;
}

export function feesView(p: Procedure): Paragraph[] {
  if (p.submissionMethods.length === 0) return unknown(p, 'về lệ phí và thời hạn giải quyết');
  // Methods with the same time, fee and note are said once ("Nộp trực tuyến, qua bưu chính: …").
  const groups = new Map<string, { methods: SubmissionMethod['method'][]; line: Paragraph }>();
  for (const m of p.submissionMethods) {
    const time = processingTime(m);
    const fee = feeText(m.fees);
    const body = sentence(`thời hạn ${time ?? 'theo quy định (xem ghi chú)'}; ${fee ?? 'lệ phí chưa rõ'}`);
    const note = m.note ? ` Ghi chú: ${sentence(m.note)}` : '';
    const key = body + note;
    const group = groups.get(key) ?? { methods: [], line: [text(body), ...(note ? [text(note)] : [])] };
    group.methods.push(m.method);
    groups.set(key, group);
  }
  const paragraphs: Paragraph[] = [[bold('Lệ phí và thời hạn theo cách nộp:')]];
  for (const { methods, line } of groups.values()) {
    const label = methods.map((m, i) => (i === 0 ? METHOD_LABEL[m] : METHOD_LABEL[m].toLowerCase())).join(', ');
    paragraphs.push([bold(`${label}: `), ...line]);
  }
  return paragraphs;
}

export function whereView(p: Procedure): Paragraph[] {
  const paragraphs: Paragraph[] = [];
  if (p.implementingAgencies.length > 0)
    paragraphs.push([bold('Nơi giải quyết: '), text(p.implementingAgencies.join('; '))]);
  if (p.levels.length > 0)
    paragraphs.push([bold('Cấp thực hiện: '), text(p.levels.map((l) => LEVEL_LABEL[l]).join(', '))]);
  if (p.submissionMethods.length > 0) {
    paragraphs.push([
      bold('Cách nộp: '),
      text(p.submissionMethods.map((m) => METHOD_LABEL[m.method].toLowerCase()).join(', ')),
    ]);
  }
  if (p.links.submitOnline)
    paragraphs.push([text('Nộp trực tuyến tại: '), link('Cổng Dịch vụ công quốc gia', p.links.submitOnline)]);
  return paragraphs.length > 0 ? paragraphs : unknown(p, 'về nơi nộp hồ sơ');
}

export function onlineView(p: Procedure): Paragraph[] {
  if (p.links.submitOnline) {
    return [
      [
        text('Thủ tục này nộp trực tuyến được. Bạn đăng nhập bằng tài khoản định danh điện tử (VNeID) và nộp tại: '),
        link('Nộp hồ sơ trực tuyến', p.links.submitOnline),
      ],
    ];
  }
  if (p.submissionMethods.length === 0) return unknown(p, 'về việc nộp trực tuyến');
  return [
    [
      text('Theo dữ liệu của Cổng, thủ tục này chưa có hình thức nộp trực tuyến; bạn nộp '),
      text(p.submissionMethods.map((m) => METHOD_LABEL[m.method].toLowerCase()).join(' hoặc ')),
      text('.'),
    ],
  ];
}

/** Longest list shown in one message; the rest is on the portal page. */
export const LIST_ITEMS = 12;

/** The rest of a long text or list is on the portal: say so rather than cut it silently. */
function restOnPortal(p: Procedure, what: string): Paragraph {
  return [text(`${what} Bạn xem đầy đủ trên `), link('Cổng Dịch vụ công', p.links.procedure), text('.')];
}

export function listView(p: Procedure, title: string, items: string[], what: string): Paragraph[] {
  if (items.length === 0) return unknown(p, what);
  const shown = items.slice(0, LIST_ITEMS).map((i): Paragraph => [text(`• ${i}`)]);
  const rest = items.length - LIST_ITEMS;
  return [[bold(title)], ...shown, ...(rest > 0 ? [restOnPortal(p, `Còn ${rest} mục nữa.`)] : [])];
}

export function conditionsView(p: Procedure): Paragraph[] {
  const paragraphs: Paragraph[] = [];
  if (p.targetGroups.length > 0) paragraphs.push([bold('Ai thực hiện: '), text(p.targetGroups.join('; '))]);
  if (p.conditions) {
    const parts = splitText(p.conditions);
    paragraphs.push([bold('Điều kiện: '), text(parts[0] ?? '')]);
    if (parts.length > 1) paragraphs.push(restOnPortal(p, 'Điều kiện còn tiếp.'));
  }
  return paragraphs.length > 0 ? paragraphs : unknown(p, 'về điều kiện thực hiện');
}
