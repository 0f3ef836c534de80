// The change report of a kb:sync run: procedures added, changed (with the fields that changed, from the list
// record and from the detail) and withdrawn, plus curated entries affected, written as `changes-<time>.json` and
// summarised for the maintainer who decides what to reindex and which curated entries to review.
import { join } from 'node:path';
import { writeFileAtomic } from './catalog-writer.ts';
import { PortalDetailEnvelope, type PortalListRecord } from './portal-format.ts';
import { mapPortalRecord } from './portal-import.ts';
import type { ProcedureInput, SubmissionMethod } from './schema.ts';

export interface ProcedureRef {
  id: string;
  code: string;
  name: string;
}

export interface ChangedProcedure extends ProcedureRef {
  /** List record keys (name, departments, categories, state, type, …) and detail fields (fees, steps, …). */
  fields: string[];
}

export interface CuratedFlag extends ProcedureRef {
  /** changed = the portal changed it; withdrawn = gone from the portal; replaced = its code now has another UUID. */
  status: 'changed' | 'withdrawn' | 'replaced';
  fields?: string[];
  replacedBy?: string[];
}

export interface DetailError extends ProcedureRef {
  reason: string;
}

export type StopReason = 'end' | 'limit' | 'repeat';

export interface ChangeReport {
  generatedAt: string;
  baseUrl: string;
  /** The list was read to its end in this run (only then are withdrawals declared). */
  complete: boolean;
  stoppedBy: StopReason;
  listRecords: number;
  detailsFetched: number;
  /** Details not fetched because the list record was unchanged since the detail was fetched. */
  detailsUnchanged: number;
  /** Details not fetched because their last known update is older than --since. */
  detailsSkippedBySince: number;
  detailErrors: DetailError[];
  added: ProcedureRef[];
  changed: ChangedProcedure[];
  withdrawn: ProcedureRef[];
  /** Curated entries (knowledge/procedures) whose portal record changed, was withdrawn or got another UUID. */
  curated: CuratedFlag[];
  warnings: string[];
}

/** JSON with object keys sorted at every level, so equal content gives equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );
}

/** Top-level keys of two list records whose values differ (name, departments, state, …). */
export function listFieldChanges(previous: Record<string, unknown>, next: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(previous), ...Object.keys(next)]);
  return [...keys].filter((key) => canonicalJson(previous[key]) !== canonicalJson(next[key])).sort();
}

/** Procedure fields compared between two details; identity, links and source dates are left out. */
const DETAIL_FIELDS = [
  'steps',
  'documents',
  'results',
  'conditions',
  'legalBasis',
  'levels',
  'fields',
  'implementingAgencies',
  'targetGroups',
  'promulgatingAgency',
] as const;

/**
 * What changed between two detail envelopes of one procedure, in procedure terms (fees, processingTime,
 * submissionMethods, documents, steps, …), read through the importer's mapping. When only fields the mapping
 * ignores changed, they are named as `detail.<portal key>`.
 */
export function detailFieldChanges(list: PortalListRecord | undefined, previous: unknown, next: unknown): string[] {
  const before = PortalDetailEnvelope.safeParse(previous);
  const after = PortalDetailEnvelope.safeParse(next);
  if (!before.success || !after.success || !before.data.data || !after.data.data) {
    return canonicalJson(previous) === canonicalJson(next) ? [] : ['detail'];
  }
  const a = mapPortalRecord(list, before.data.data, '1970-01-01');
  const b = mapPortalRecord(list, after.data.data, '1970-01-01');
  const changed: string[] = [...methodChanges(a.submissionMethods ?? [], b.submissionMethods ?? [])];
  for (const field of DETAIL_FIELDS) {
    if (canonicalJson(a[field]) !== canonicalJson(b[field])) changed.push(field);
  }
  if (changed.length > 0) return changed.sort();
  const rawBefore = before.data.data as Record<string, unknown>;
  const rawAfter = after.data.data as Record<string, unknown>;
  return listFieldChanges(rawBefore, rawAfter).map((key) => `detail.${key}`);
}

type Methods = NonNullable<ProcedureInput['submissionMethods']>;

/** fees and processingTime are named on their own; anything else about the methods is `submissionMethods`. */
function methodChanges(before: Methods, after: Methods): string[] {
  const pick = (methods: Methods, part: (m: Methods[number]) => unknown) =>
    canonicalJson(methods.map((m) => [m.method, part(m)]));
  const changed: string[] = [];
  if (pick(before, (m) => m.fees) !== pick(after, (m) => m.fees)) changed.push('fees');
  if (pick(before, (m) => m.processingTime) !== pick(after, (m) => m.processingTime)) changed.push('processingTime');
  const rest = (m: Methods[number]): Partial<SubmissionMethod> => ({ method: m.method, note: m.note });
  if (canonicalJson(before.map(rest)) !== canonicalJson(after.map(rest))) changed.push('submissionMethods');
  return changed;
}

/** `changes-2026-07-20T09-13-46-123Z.json`: sortable and safe on every file system. */
export function changeReportFileName(at: Date): string {
  return `changes-${at.toISOString().replace(/[:.]/g, '-')}.json`;
}

export function writeChangeReport(outDir: string, report: ChangeReport): string {
  const path = join(outDir, changeReportFileName(new Date(report.generatedAt)));
  writeFileAtomic(path, `${JSON.stringify(report, null, 2)}\n`);
  return path;
}

const SHOWN = 20;

function refLine(ref: ProcedureRef): string {
  return `${ref.code} ${ref.name} (${ref.id})`;
}

function listed<T>(title: string, items: T[], line: (item: T) => string): string[] {
  if (items.length === 0) return [`${title}: 0`];
  const shown = items.slice(0, SHOWN).map((item) => `    - ${line(item)}`);
  return [
    `${title}: ${items.length}`,
    ...shown,
    ...(items.length > SHOWN ? [`    … và ${items.length - SHOWN} thủ tục khác (xem tệp báo cáo)`] : []),
  ];
}

const STOPPED: Record<StopReason, string> = {
  end: 'đã đọc hết danh sách',
  limit: 'dừng theo --limit (không xét thủ tục bị bãi bỏ)',
  repeat: 'cổng trả trang lặp lại, đã dừng (không xét thủ tục bị bãi bỏ)',
};

/** A few lines for the console; the JSON file has everything. */
export function formatChangeSummary(report: ChangeReport, reportFile?: string): string {
  const lines = [
    `Đồng bộ với ${report.baseUrl}: ${report.listRecords} thủ tục trong danh sách, ${STOPPED[report.stoppedBy]}.`,
    `  Chi tiết đã tải: ${report.detailsFetched}; không đổi (bỏ qua): ${report.detailsUnchanged}${
      report.detailsSkippedBySince > 0 ? `; bỏ qua do --since: ${report.detailsSkippedBySince}` : ''
    }`,
    ...listed('  Thêm mới', report.added, refLine),
    ...listed('  Thay đổi', report.changed, (c) => `${refLine(c)}: ${c.fields.join(', ')}`),
    ...(report.complete
      ? listed('  Bị bãi bỏ / không còn trên cổng', report.withdrawn, refLine)
      : ['  Bị bãi bỏ: chưa xét (lượt đồng bộ chưa đọc hết danh sách)']),
    ...listed('  Thủ tục biên soạn cần xem lại', report.curated, (f) =>
      [
        `${refLine(f)}: ${f.status}`,
        f.fields ? ` (${f.fields.join(', ')})` : '',
        f.replacedBy ? ` → ${f.replacedBy.join(', ')}` : '',
      ].join(''),
    ),
  ];
  if (report.detailErrors.length > 0) {
    lines.push(...listed('  Không tải được chi tiết', report.detailErrors, (e) => `${refLine(e)}: ${e.reason}`));
  }
  if (report.warnings.length > 0) lines.push('  Cảnh báo:', ...report.warnings.map((w) => `    - ${w}`));
  if (reportFile) lines.push(`  Báo cáo: ${reportFile}`);
  return `${lines.join('\n')}\n`;
}
