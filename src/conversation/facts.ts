// Headline facts of a procedure as they stand today (Vietnam time): the fee in force (a time-bound rate with
// the normal rate in brackets), the processing time summarised across submission methods and cases, where the
// procedure applies (the issuing province on provincial records) and an honest provenance line.
import type { Fee, Procedure, SubmissionMethod } from '../knowledge/schema.ts';
import { link, type Paragraph, type Span, text } from './types.ts';

const VIETNAM_OFFSET_MS = 7 * 3_600_000;

/** Today's date in Vietnam (UTC+7, no daylight saving) as YYYY-MM-DD. */
export function vietnamDate(now: Date): string {
  return new Date(now.getTime() + VIETNAM_OFFSET_MS).toISOString().slice(0, 10);
}

/** 2026-12-31 → 31/12/2026. */
export function formatIsoDate(iso: string): string {
  const [y, m, d] = iso.split('-');
  return `${d}/${m}/${y}`;
}

export function formatVnd(amount: number): string {
  return amount === 0 ? 'miễn phí' : `${amount.toLocaleString('vi-VN')} đồng`;
}

// ---- fees -----------------------------------------------------------------------------------------------

const isTimeBound = (f: Fee) => Boolean(f.validFrom || f.validUntil);
const inForce = (f: Fee, today: string) =>
  (!f.validFrom || f.validFrom <= today) && (!f.validUntil || today <= f.validUntil);

/** The fees of one method that apply today: expired and not-yet-valid rates are left out. */
export function feesInForce(fees: Fee[], today: string): Fee[] {
  return fees.filter((f) => inForce(f, today));
}

/** Rates of this method that start after today ("từ 01/01/2027: 70.000 đồng"). */
export function upcomingFees(fees: Fee[], today: string): Fee[] {
  return fees.filter((f) => f.validFrom !== undefined && f.validFrom > today);
}

export interface FeeFact {
  kind: Fee['kind'];
  /** Amount charged today, when the record gives one. */
  amount?: number;
  /** The time-bound rate's last day, when today's amount is such a rate. */
  until?: string;
  /** The normal rate, when today's amount is a time-bound one. */
  normal?: number;
  note?: string;
}

/** The fees charged today by one method, each time-bound rate paired with the normal rate it replaces. */
export function feeFacts(fees: Fee[], today: string): FeeFact[] {
  const current = feesInForce(fees, today);
  const timed = current.filter((f) => isTimeBound(f) && f.amountVnd !== undefined);
  const consumed = new Set<Fee>();
  const facts: FeeFact[] = [];
  for (const f of timed) {
    const normal = current.find(
      (n) => !isTimeBound(n) && n.kind === f.kind && n.amountVnd !== undefined && !consumed.has(n),
    );
    if (normal) consumed.add(normal);
    facts.push({ kind: f.kind, amount: f.amountVnd, until: f.validUntil, normal: normal?.amountVnd, note: f.note });
  }
  for (const f of current) {
    if (consumed.has(f) || timed.includes(f)) continue;
    facts.push({ kind: f.kind, amount: f.amountVnd, note: f.note });
  }
  return facts;
}

/** "35.000 đồng (đến hết 31/12/2026; mức thường 70.000 đồng)". */
export function amountText(fact: FeeFact): string | undefined {
  if (fact.amount === undefined) return undefined;
  const bracket = [
    fact.until ? `đến hết ${formatIsoDate(fact.until)}` : undefined,
    fact.normal !== undefined && fact.normal !== fact.amount ? `mức thường ${formatVnd(fact.normal)}` : undefined,
  ].filter(Boolean);
  return `${formatVnd(fact.amount)}${bracket.length > 0 ? ` (${bracket.join('; ')})` : ''}`;
}

/** The fee line of the card: one amount, a range across methods, or a pointer to the fees view. */
export function cardFee(p: Procedure, today: string): string | undefined {
  const perMethod = p.submissionMethods.map((m) => feeFacts(m.fees, today));
  const facts = perMethod.flat();
  if (facts.length === 0) return undefined;
  const priced = facts.filter((f) => f.amount !== undefined && f.kind === 'fee');
  const anyAmount = priced.length > 0 ? priced : facts.filter((f) => f.amount !== undefined);
  // "0 đồng" next to real amounts is an exemption for some people, not the rate: said apart.
  const exempt = anyAmount.some((f) => f.amount === 0) && anyAmount.some((f) => (f.amount ?? 0) > 0);
  const withAmount = exempt ? anyAmount.filter((f) => (f.amount ?? 0) > 0) : anyAmount;
  if (withAmount.length === 0) return 'theo quy định, xem mục "Lệ phí & thời gian"';
  const texts = [...new Set(withAmount.map((f) => amountText(f) as string))];
  const inWords = facts.some((f) => f.amount === undefined && f.note);
  const extra = exempt ? ', có trường hợp được miễn' : '';
  if (texts.length === 1) {
    if (inWords) return `${texts[0]} (có trường hợp khác${extra}, xem mục "Lệ phí & thời gian")`;
    return `${texts[0]}${exempt ? ' (có trường hợp được miễn)' : ''}`;
  }
  const amounts = withAmount.map((f) => f.amount as number);
  const min = Math.min(...amounts);
  const max = Math.max(...amounts);
  const timed = withAmount.find((f) => f.until);
  const timedNote = timed?.until ? ` (mức giảm đến hết ${formatIsoDate(timed.until)})` : '';
  if (min === max) return `${formatVnd(min)}${timedNote}`;
  const differsByMethod = perMethod.every(
    (m) => new Set(m.filter((f) => f.amount !== undefined).map((f) => f.amount)).size <= 1,
  );
  return `từ ${min.toLocaleString('vi-VN')} đến ${formatVnd(max)}${timedNote} tùy ${differsByMethod ? 'cách nộp' : 'trường hợp'}${extra}`;
}

// ---- processing time --------------------------------------------------------------------------------------

type Unit = 'working_day' | 'day' | 'hour' | 'month';
export interface Duration {
  value: number;
  unit: Unit;
}
const UNIT_LABEL: Record<Unit, string> = { working_day: 'ngày làm việc', day: 'ngày', hour: 'giờ', month: 'tháng' };
/** Rough hours, only to order durations of different units. */
const UNIT_HOURS: Record<Unit, number> = { hour: 1, working_day: 24, day: 24, month: 24 * 30 };

export function durationText(d: Duration): string {
  return d.value === 0 ? 'trong ngày' : `${d.value.toLocaleString('vi-VN')} ${UNIT_LABEL[d.unit]}`;
}

const TIME_IN_TEXT = /(\d{1,3}(?:[.,]\d)?)\s*(ngày làm việc|ngày|giờ|tháng)(?!\s*\/)/giu;

/**
 * Durations the portal writes in words ("Không quá 08 ngày làm việc…", "7 ngày làm việc với nhà ở riêng lẻ").
 * Extra time ("tăng thêm không quá 10 ngày"), deadlines counted from an event and clock times are left out.
 */
export function durationsInText(value: string | undefined): Duration[] {
  if (!value) return [];
  const found: Duration[] = [];
  for (const m of value.matchAll(TIME_IN_TEXT)) {
    const at = m.index ?? 0;
    // Part of a longer number or a date ("1.000", "01/7"): not a duration.
    if (at > 0 && /[\d.,/]/.test(value[at - 1] ?? '')) continue;
    const before = value
      .slice(Math.max(0, at - 24), at)
      .toLowerCase()
      .trim();
    if (/(thêm|trước|sau|quá hạn|lúc|vào)\s*(không quá\s*)?$/u.test(before)) continue;
    const unitWord = (m[2] ?? '').toLowerCase();
    const unit: Unit =
      unitWord === 'ngày làm việc'
        ? 'working_day'
        : unitWord === 'giờ'
          ? 'hour'
          : unitWord === 'tháng'
            ? 'month'
            : 'day';
    const v = Number((m[1] ?? '').replace(',', '.'));
    if (!Number.isFinite(v) || (unit === 'hour' && v > 72) || (unit !== 'hour' && v > 365)) continue;
    found.push({ value: v, unit });
  }
  return found;
}

/** The durations one method states: its structured time, or the numbers in its note. */
export function methodDurations(m: SubmissionMethod): Duration[] {
  const t = m.processingTime;
  const structured: Duration[] = t && t.unit !== 'other' ? [{ value: t.value, unit: t.unit }] : [];
  return [...structured, ...durationsInText(m.note)];
}

/**
 * Each duration once, shortest first. "9 ngày" (the portal's unit) and "9 ngày làm việc" (its own words) are the
 * same time: the working days are kept.
 */
function distinct(durations: Duration[]): Duration[] {
  const seen = new Map<string, Duration>();
  for (const d of durations) seen.set(`${d.value} ${d.unit}`, d);
  for (const d of [...seen.values()]) {
    if (d.unit === 'day' && seen.has(`${d.value} working_day`)) seen.delete(`${d.value} day`);
  }
  return [...seen.values()].sort((a, b) => a.value * UNIT_HOURS[a.unit] - b.value * UNIT_HOURS[b.unit]);
}

/** "7 ngày làm việc", "7–10 ngày làm việc tùy trường hợp", or undefined when the record gives no time. */
export function timeSummary(p: Procedure): string | undefined {
  const all = distinct(p.submissionMethods.flatMap(methodDurations));
  const first = all[0];
  const last = all.at(-1);
  if (!first || !last) return undefined;
  if (all.length === 1) return durationText(first);
  // "tùy cách nộp" only when each way of submitting has one time of its own; otherwise it depends on the case.
  const perKind = new Map<string, Duration[]>();
  for (const m of p.submissionMethods) perKind.set(m.method, [...(perKind.get(m.method) ?? []), ...methodDurations(m)]);
  const byMethod = [...perKind.values()].every((d) => distinct(d).length <= 1);
  const why = byMethod ? 'tùy cách nộp' : 'tùy trường hợp';
  if (first.value === 0) return `trong ngày đến ${durationText(last)} ${why}`;
  if (first.unit === last.unit) return `${first.value.toLocaleString('vi-VN')}–${durationText(last)} ${why}`;
  return `từ ${durationText(first)} đến ${durationText(last)} ${why}`;
}

/** The processing-time line every card shows; when the record has none, it says so and links the portal. */
export function timeLine(p: Procedure): Span[] {
  const summary = timeSummary(p);
  if (summary) return [text(summary)];
  return [text('Cổng chưa ghi rõ; bạn xem trên '), link('Cổng Dịch vụ công', p.links.procedure)];
}

// ---- place and provenance -----------------------------------------------------------------------------------

/** "tỉnh Lạng Sơn", "Thành phố Huế" out of "UBND tỉnh Lạng Sơn", "Sở Xây dựng - tỉnh Quảng Ngãi". */
export function issuingProvince(p: Procedure): string | undefined {
  const issuer = p.promulgatingAgency ?? '';
  const match = /(?:^|\s)((?:tỉnh|thành phố)\s+[^,;()\-–]+?)\s*$/iu.exec(issuer);
  return match?.[1]?.trim();
}

/** Where the procedure applies: only national records say "cả nước"; provincial ones name their province. */
export function placeLine(p: Procedure): Paragraph | undefined {
  if (p.type === 'national') return [text('Áp dụng chung trên cả nước.')];
  if (p.type !== 'provincial') return undefined;
  const province = issuingProvince(p);
  return [
    text(
      province
        ? `Thủ tục riêng của ${province}; tỉnh, thành phố khác có thể làm khác.`
        : 'Thủ tục riêng của một tỉnh, thành phố (Cổng không ghi rõ tỉnh nào).',
    ),
  ];
}

/** Whether a person compared this entry with the portal on its checkedAt date (curated entries). */
export function personChecked(p: Procedure): boolean {
  return p.source.checkedBy !== 'importer';
}

/**
 * "Nguồn: Cổng DVCQG, dữ liệu ngày 17/07/2026." for imported records (the portal record's own date, or the
 * crawl date); curated entries add "kiểm tra ngày …", the day a person checked the facts.
 */
export function sourceLine(p: Procedure): Paragraph {
  const dataDate = p.source.updatedAt ?? (personChecked(p) ? undefined : p.source.crawledAt);
  const parts = [
    dataDate ? `dữ liệu ngày ${formatIsoDate(dataDate)}` : undefined,
    personChecked(p) ? `kiểm tra ngày ${formatIsoDate(p.source.checkedAt)}` : undefined,
  ].filter(Boolean);
  return [
    text('Nguồn: '),
    link('Cổng DVCQG', p.source.url),
    text(`${parts.length > 0 ? `, ${parts.join(', ')}` : ''}.`),
  ];
}
