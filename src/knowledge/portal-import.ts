// Turns the portal's own list/detail records into procedure records (src/knowledge/schema.ts).
// `mapPortalRecord` maps one procedure; `PortalImport` collects catalogue lines and detail files, matches
// them by UUID, de-duplicates, validates every result and keeps the counts for the import report.
// No file access here: scripts/kb-import.ts reads the inputs and writes the outputs.

import { feeWindowFromNote } from './fee-dates.ts';
import { type FormerName, formerNameAdds } from './former-names.ts';
import { MIN_NAME_SIMILARITY, nameSimilarity, PageTextLine, pageTextExtras } from './page-text.ts';
import {
  type PortalDetail,
  PortalDetailEnvelope,
  type PortalExecutionMethod,
  PortalListRecord,
  type PortalType,
} from './portal-format.ts';
import {
  type Fee,
  type Procedure,
  type ProcedureInput,
  ProcedureSchema,
  portalLinks,
  type Step,
  type SubmissionMethod,
  UUID_PATTERN,
} from './schema.ts';
import { realSteps } from './steps.ts';

/** NFC, every run of whitespace (newlines included) collapsed to one space, trimmed; empty → undefined. */
export function cleanLabel(value: string | null | undefined): string | undefined {
  const text = value?.normalize('NFC').replace(/\s+/g, ' ').trim();
  return text ? text : undefined;
}

/** NFC, line breaks kept (at most one blank line in a row), spaces and tabs collapsed; empty → undefined. */
export function cleanParagraph(value: string | null | undefined): string | undefined {
  const text = value
    ?.normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.replace(/[^\S\n]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return text ? text : undefined;
}

/** Cleaned labels, empty ones dropped, first occurrence kept. */
function labels(values: readonly (string | null | undefined)[] | null | undefined): string[] {
  const out = new Set<string>();
  for (const value of values ?? []) {
    const label = cleanLabel(value);
    if (label) out.add(label);
  }
  return [...out];
}

function names(items: readonly { name?: string | null }[] | null | undefined): string[] {
  return labels((items ?? []).map((item) => item.name));
}

function firstNonEmpty(...lists: string[][]): string[] {
  return lists.find((list) => list.length > 0) ?? [];
}

const PROCEDURE_TYPES: Record<PortalType, ProcedureInput['type']> = {
  STANDARD: 'national',
  SPECIFIC: 'provincial',
  STANDARD_INTERNAL: 'internal',
};

const TIME_UNITS = {
  WORKING_DAY: 'working_day',
  DAY: 'day',
  HOUR: 'hour',
  MONTH: 'month',
  OTHER: 'other',
} as const;

const METHODS = { ONLINE: 'online', POSTAL: 'postal', DIRECT: 'direct' } as const;

/** The portal's epoch-millisecond timestamp as a date in Vietnam (UTC+7, no daylight saving). */
export function portalDate(epochMs: number | null | undefined): string | undefined {
  if (typeof epochMs !== 'number' || !Number.isFinite(epochMs)) return undefined;
  const date = new Date(epochMs + 7 * 3_600_000);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString().slice(0, 10);
}

type PortalFee = NonNullable<PortalExecutionMethod['fees']>[number];

export function mapFee(fee: PortalFee): Fee | undefined {
  const note = cleanParagraph(fee.description);
  const amount =
    typeof fee.value === 'number' && Number.isSafeInteger(fee.value) && fee.value >= 0 ? fee.value : undefined;
  // The portal stores 0 as a placeholder when the real amounts are written out in the description
  // ("Phí thẩm định: … 150.000 đồng/hồ sơ"), so 0 only means "free" when there is no description.
  const amountVnd = amount === 0 && note ? undefined : amount;
  if (amountVnd === undefined && !note) return undefined;
  // A rate the portal dates itself ("Từ ngày 01/7/2025 đến hết ngày 31/12/2026 …") is a time-bound rate.
  return { kind: fee.type === 'PRICE_LEVEL' ? 'price' : 'fee', amountVnd, note, ...feeWindowFromNote(note) };
}

/** A number, or a numeric string ("1", "7,5"); anything else is the portal's wording, kept as a note. */
function processingTime(method: PortalExecutionMethod): { value?: number; text?: string } {
  const raw = method.processingTime;
  if (typeof raw === 'number') return Number.isFinite(raw) && raw >= 0 ? { value: raw } : {};
  const text = cleanParagraph(raw);
  if (text && /^\d+(?:[.,]\d+)?$/.test(text)) return { value: Number(text.replace(',', '.')) };
  return { text };
}

export function mapSubmissionMethod(method: PortalExecutionMethod): SubmissionMethod {
  const time = processingTime(method);
  const note = [time.text, cleanParagraph(method.description)].filter(Boolean).join('\n');
  return {
    method: METHODS[method.submissionMethod],
    processingTime:
      time.value === undefined
        ? undefined
        : { value: time.value, unit: TIME_UNITS[method.processingTimeUnit ?? 'OTHER'] },
    note: note || undefined,
    fees: (method.fees ?? []).map(mapFee).filter((fee): fee is Fee => fee !== undefined),
  };
}

function mapSteps(detail: PortalDetail | undefined): Step[] {
  const steps: Step[] = [];
  for (const step of detail?.executionSteps ?? []) {
    const title = cleanLabel(step.name);
    const description = cleanParagraph(step.description);
    if (description) steps.push({ title, description });
    else if (title) steps.push({ description: title });
  }
  return realSteps(steps);
}

function mapDocuments(detail: PortalDetail | undefined): NonNullable<ProcedureInput['documents']> {
  const documents: NonNullable<ProcedureInput['documents']> = [];
  for (const executionCase of detail?.executionCases ?? []) {
    const caseName = cleanLabel(executionCase.name);
    for (const component of executionCase.profileComponents ?? []) {
      const name = cleanLabel(component.name);
      if (!name) continue;
      const originals = count(component.originalQty);
      const copies = count(component.copyQty);
      // 0 originals and 0 copies is how the portal marks an explanatory line, not a number of papers.
      const unspecified = !originals && !copies;
      documents.push({
        name,
        originals: unspecified ? undefined : originals,
        copies: unspecified ? undefined : copies,
        case: caseName,
      });
    }
  }
  return documents;
}

function count(value: number | null | undefined): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

function mapLevels(detail: PortalDetail | undefined): NonNullable<ProcedureInput['levels']> {
  if (!detail) return [];
  return [
    ...(detail.isMinistry ? (['trung_uong'] as const) : []),
    ...(detail.isProvince ? (['tinh'] as const) : []),
    ...(detail.isWard ? (['xa'] as const) : []),
  ];
}

/**
 * Maps a list record and/or a detail of the same procedure to a procedure record. The list record wins for
 * identity (UUID, code, name, type) and the detail fills what the list does not carry. Missing required facts
 * are left missing: ProcedureSchema rejects the record with the reason.
 */
export function mapPortalRecord(
  list: PortalListRecord | undefined,
  detail: PortalDetail | undefined,
  checkedAt: string,
  crawledAt?: string,
): ProcedureInput {
  const id = (list?.id ?? detail?.id ?? '').trim();
  const portalType = list?.type ?? detail?.type ?? undefined;
  const submissionMethods = (detail?.executionMethods ?? []).map(mapSubmissionMethod);
  return {
    id,
    code: (list?.code ?? detail?.code ?? '').trim(),
    name: cleanLabel(list?.name) ?? cleanLabel(detail?.name) ?? '',
    fields: firstNonEmpty(labels(list?.categories), names(detail?.categoriesDetails)),
    implementingAgencies: firstNonEmpty(
      labels(list?.departments),
      names(detail?.departmentsExecuting),
      names(detail?.unitGroupsExecuting),
    ),
    promulgatingAgency: cleanLabel(list?.departmentPromulgate) ?? cleanLabel(detail?.departmentPromulgateName),
    levels: mapLevels(detail),
    targetGroups: firstNonEmpty(labels(list?.formalityTargetType), names(detail?.subjectTypesDetails)),
    // An unknown type stays undefined on purpose so that validation rejects the record.
    type: (portalType ? PROCEDURE_TYPES[portalType] : undefined) as ProcedureInput['type'],
    steps: mapSteps(detail),
    documents: mapDocuments(detail),
    submissionMethods,
    results: names(detail?.resultsDetails),
    conditions: cleanParagraph(detail?.requirementsAndConditions),
    legalBasis: (detail?.legalBasisesDetails ?? []).flatMap((basis) => {
      const name = cleanLabel(basis.name);
      return name ? [{ code: cleanLabel(basis.code), name }] : [];
    }),
    links: portalLinks(
      id,
      submissionMethods.some((method) => method.method === 'online'),
    ),
    source: {
      url: portalLinks(id, false).procedure,
      updatedAt: portalDate(detail?.updatedAt),
      crawledAt,
      checkedAt,
      // Copied by the importer on checkedAt: nobody compared the facts, so cards do not say "kiểm tra".
      checkedBy: 'importer',
    },
  };
}

/** A reason with how often it occurred and where it occurred first. */
export interface ReasonGroup {
  reason: string;
  count: number;
  /** First locations, e.g. `dòng 12` or `1.001193.json`. */
  first: string[];
}

export interface Duplicate {
  id: string;
  /** Where the copy that was kept came from. */
  kept: string;
  /** Where the dropped copy came from. */
  dropped: string;
}

export interface ImportCounts {
  /** Non-empty lines in the catalogue file. */
  linesRead: number;
  detailFilesRead: number;
  imported: number;
  mergedWithDetails: number;
  /** Imported from a detail file with no list record. */
  detailsOnly: number;
  rejected: number;
  malformedLines: number;
  duplicates: number;
  /** Detail files that could not be used (bad JSON, wrong shape, no way to match them). */
  detailsIgnored: number;
}

/** What `--page-texts` did: lines read, records given index-only text, and why other lines were not used. */
export interface PageTextCounts {
  file: string;
  linesRead: number;
  /** Imported records that received index-only text. */
  enriched: number;
  /** Lines whose code is in the catalogue but whose name is another procedure's (another version of the page). */
  nameMismatch: number;
  /** Lines whose code no imported record has. */
  noRecord: number;
  /** Lines matched to a record that already had everything the page could add. */
  nothingMissing: number;
  /** The same code on a second line: the first is kept. */
  duplicates: number;
  malformed: number;
}

export interface PageTextReport {
  counts: PageTextCounts;
  /** First malformed lines with the reason. */
  malformed: { line: number; reason: string }[];
  /** First name mismatches: the code, our name and the page's name. */
  nameMismatches: { code: string; name: string; pageName: string }[];
}

/** What `--former-names` did: rows read, records given a former name, and why other rows were not used. */
export interface FormerNameCounts {
  file: string;
  rowsRead: number;
  /** Imported records that received a former name (every record of the code). */
  recordsGained: number;
  /** Records whose code has a former name that says nothing today's name does not. */
  sameName: number;
  /** Codes in the file that no imported record has. */
  noRecord: number;
  malformed: number;
}

export interface FormerNameReport {
  counts: FormerNameCounts;
  /** First unusable rows with the reason. */
  malformed: { line: number; reason: string }[];
}

export interface ImportReport {
  counts: ImportCounts;
  rejected: ReasonGroup[];
  detailsIgnored: ReasonGroup[];
  malformedLines: number[];
  duplicates: Duplicate[];
  /** Only when page texts were given. */
  pageTexts?: PageTextReport;
  /** Only when former names were given. */
  formerNames?: FormerNameReport;
}

export interface ImportResult {
  procedures: Procedure[];
  report: ImportReport;
}

const FIRST_LOCATIONS = 5;
const MAX_LISTED = 1000;

class ReasonTally {
  private readonly groups = new Map<string, ReasonGroup>();
  total = 0;

  add(reason: string, location: string): void {
    this.total++;
    const group = this.groups.get(reason) ?? { reason, count: 0, first: [] };
    group.count++;
    if (group.first.length < FIRST_LOCATIONS) group.first.push(location);
    this.groups.set(reason, group);
  }

  /** Most frequent first. */
  list(): ReasonGroup[] {
    return [...this.groups.values()].sort((a, b) => b.count - a.count);
  }
}

function newPageTextReport(file: string): PageTextReport {
  return {
    counts: {
      file,
      linesRead: 0,
      enriched: 0,
      nameMismatch: 0,
      noRecord: 0,
      nothingMissing: 0,
      duplicates: 0,
      malformed: 0,
    },
    malformed: [],
    nameMismatches: [],
  };
}

function issuesReason(prefix: string, issues: readonly { path: PropertyKey[]; message: string }[]): string {
  return issues
    .map((issue) => {
      const path = issue.path.map(String).join('.');
      return `${prefix}${path ? `${path}: ` : ''}${issue.message}`;
    })
    .join('; ');
}

interface ListEntry {
  record: PortalListRecord;
  location: string;
  detail?: { data: PortalDetail; location: string };
}

/**
 * Collects one import: feed catalogue lines with `addListLine`, detail files with `addDetail`, then `finish`.
 * The first copy of a UUID is kept; later copies are counted as duplicates.
 */
export class PortalImport {
  private linesRead = 0;
  private detailFilesRead = 0;
  private readonly malformed: number[] = [];
  private malformedCount = 0;
  private readonly duplicates: Duplicate[] = [];
  private duplicateCount = 0;
  private readonly rejected = new ReasonTally();
  private readonly ignored = new ReasonTally();
  private readonly list = new Map<string, ListEntry>();
  private readonly byCode = new Map<string, ListEntry[]>();
  private readonly detailOnly = new Map<string, { data: PortalDetail; location: string }>();
  private readonly pendingByCode: { data: PortalDetail; location: string }[] = [];
  private readonly pageTexts = new Map<string, { page: PageTextLine; used: boolean }>();
  private pageTextReport: PageTextReport | undefined;
  private readonly formerNames = new Map<string, { names: string[]; used: boolean }>();
  private formerNameReport: FormerNameReport | undefined;
  private finished = false;

  /**
   * The rows of a former-names file (`--former-names`, parsed by src/knowledge/former-names.ts) and its unusable
   * rows; `file` names the input in the report and in each record's `source.formerNamesFrom`.
   */
  addFormerNames(file: string, rows: FormerName[], malformed: { line: number; reason: string }[]): void {
    const report = this.formerNameReport ?? {
      counts: { file, rowsRead: 0, recordsGained: 0, sameName: 0, noRecord: 0, malformed: 0 },
      malformed: [],
    };
    this.formerNameReport = report;
    report.counts.rowsRead += rows.length + malformed.length;
    report.counts.malformed += malformed.length;
    report.malformed.push(...malformed.slice(0, MAX_LISTED - report.malformed.length));
    for (const { code, name } of rows) {
      const entry = this.formerNames.get(code) ?? { names: [], used: false };
      if (!entry.names.includes(name)) entry.names.push(name);
      this.formerNames.set(code, entry);
    }
  }

  /** Adds the former names of the record's code that say more than its name, as index-only text. */
  private withFormerNames(input: ProcedureInput): ProcedureInput {
    const entry = this.formerNames.get(input.code);
    const report = this.formerNameReport;
    if (!entry || !report) return input;
    entry.used = true;
    const adding = entry.names.filter((name) => formerNameAdds(input.name, name));
    if (adding.length === 0) {
      report.counts.sameName++;
      return input;
    }
    report.counts.recordsGained++;
    return {
      ...input,
      indexExtras: { ...(input.indexExtras ?? {}), formerNames: adding },
      source: { ...input.source, formerNamesFrom: report.counts.file },
    };
  }

  /**
   * One line of a page-text file (`--page-texts`, one scraped portal page per line, keyed by `ma_thu_tuc`);
   * `file` names the input in the report and in each enriched record's `source.indexTextFrom`. A malformed line
   * is reported with its number and reason and skipped.
   */
  addPageTextLine(file: string, line: number, text: string): void {
    if (text.trim() === '') return;
    const report = this.pageTextReport ?? newPageTextReport(file);
    this.pageTextReport = report;
    report.counts.linesRead++;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      this.pageTextMalformed(line, 'JSON không hợp lệ');
      return;
    }
    const parsed = PageTextLine.safeParse(value);
    if (!parsed.success) {
      this.pageTextMalformed(line, issuesReason('', parsed.error.issues));
      return;
    }
    const code = parsed.data.ma_thu_tuc;
    if (this.pageTexts.has(code)) report.counts.duplicates++;
    else this.pageTexts.set(code, { page: parsed.data, used: false });
  }

  private pageTextMalformed(line: number, reason: string): void {
    const report = this.pageTextReport as PageTextReport;
    report.counts.malformed++;
    if (report.malformed.length < MAX_LISTED) report.malformed.push({ line, reason });
  }

  /**
   * Adds the page text of the record's code as index-only text, for the parts the record lacks, when the page is
   * about the same procedure (its name is close enough to the record's).
   */
  private withPageText(input: ProcedureInput): ProcedureInput {
    const entry = this.pageTexts.get(input.code);
    const report = this.pageTextReport;
    if (!entry || !report) return input;
    entry.used = true;
    const { page } = entry;
    if (nameSimilarity(input.name, page.ten_thu_tuc) < MIN_NAME_SIMILARITY) {
      report.counts.nameMismatch++;
      if (report.nameMismatches.length < MAX_LISTED)
        report.nameMismatches.push({
          code: input.code,
          name: input.name,
          pageName: cleanLabel(page.ten_thu_tuc) ?? '',
        });
      return input;
    }
    const extras = pageTextExtras(page, {
      results: !input.results?.length,
      legalBasis: !input.legalBasis?.length,
      conditions: !input.conditions,
      steps: !input.steps?.length,
      documents: !input.documents?.length,
    });
    if (!extras) {
      report.counts.nothingMissing++;
      return input;
    }
    report.counts.enriched++;
    const url = page.detail_url?.trim();
    return {
      ...input,
      indexExtras: extras,
      source: {
        ...input.source,
        indexTextFrom: { file: report.counts.file, ...(url && /^https?:\/\//.test(url) ? { url } : {}) },
      },
    };
  }

  /** One line of catalog.jsonl; `line` is 1-based. Blank lines are skipped. */
  addListLine(line: number, text: string): void {
    if (text.trim() === '') return;
    this.linesRead++;
    const location = `dòng ${line}`;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      this.malformedCount++;
      if (this.malformed.length < MAX_LISTED) this.malformed.push(line);
      return;
    }
    const parsed = PortalListRecord.safeParse(value);
    if (!parsed.success) {
      this.rejected.add(issuesReason('danh mục: ', parsed.error.issues), location);
      return;
    }
    const id = parsed.data.id.trim();
    const previous = this.list.get(id);
    if (previous) {
      this.addDuplicate(id, previous.location, location);
      return;
    }
    const entry: ListEntry = { record: parsed.data, location };
    this.list.set(id, entry);
    const code = parsed.data.code.trim();
    this.byCode.set(code, [...(this.byCode.get(code) ?? []), entry]);
  }

  /**
   * One detail file: its name (for the report) and its text. Matched to a list record by `data.id`;
   * a detail without a usable UUID falls back to its code when exactly one list record has that code.
   */
  addDetail(location: string, text: string): void {
    this.detailFilesRead++;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      this.ignored.add('JSON không hợp lệ', location);
      return;
    }
    const parsed = PortalDetailEnvelope.safeParse(value);
    if (!parsed.success) {
      this.ignored.add(issuesReason('chi tiết: ', parsed.error.issues), location);
      return;
    }
    const { code, data } = parsed.data;
    if (!data || (code && code !== 'OK')) {
      this.ignored.add(`cổng trả về ${code ?? 'không có mã'}${data ? '' : ', không có data'}`, location);
      return;
    }
    const id = data.id?.trim() ?? '';
    const entry = this.list.get(id);
    if (entry) this.attach(entry, id, data, location);
    else if (UUID_PATTERN.test(id)) {
      const previous = this.detailOnly.get(id);
      if (previous) this.addDuplicate(id, previous.location, location);
      else this.detailOnly.set(id, { data, location });
    } else this.pendingByCode.push({ data, location });
  }

  private attach(entry: ListEntry, id: string, data: PortalDetail, location: string): void {
    if (entry.detail) this.addDuplicate(id, entry.detail.location, location);
    else entry.detail = { data, location };
  }

  private addDuplicate(id: string, kept: string, dropped: string): void {
    this.duplicateCount++;
    if (this.duplicates.length < MAX_LISTED) this.duplicates.push({ id, kept, dropped });
  }

  /**
   * Maps and validates everything collected; list order first, then detail-only records. Call once.
   * `crawledAt` is the day the portal data was read, said on cards of records without their own date.
   */
  finish(checkedAt: string, crawledAt?: string): ImportResult {
    if (this.finished) throw new Error('PortalImport.finish() was already called');
    this.finished = true;
    for (const { data, location } of this.pendingByCode) {
      const code = data.code?.trim() ?? '';
      const candidates = this.byCode.get(code) ?? [];
      const [only] = candidates;
      if (candidates.length === 1 && only) this.attach(only, only.record.id.trim(), data, location);
      else
        this.ignored.add(
          candidates.length === 0
            ? 'không có UUID và mã thủ tục không có trong danh mục'
            : 'không có UUID và mã thủ tục trùng nhiều bản ghi danh mục',
          location,
        );
    }
    const procedures: Procedure[] = [];
    let merged = 0;
    let detailsOnly = 0;
    const accept = (input: ProcedureInput, location: string): boolean => {
      const result = ProcedureSchema.safeParse(input);
      if (result.success) procedures.push(result.data);
      else this.rejected.add(issuesReason('', result.error.issues), location);
      return result.success;
    };
    for (const entry of this.list.values()) {
      const mapped = mapPortalRecord(entry.record, entry.detail?.data, checkedAt, crawledAt);
      const accepted = accept(this.withFormerNames(this.withPageText(mapped)), entry.location);
      if (accepted && entry.detail) merged++;
    }
    for (const { data, location } of this.detailOnly.values()) {
      const mapped = mapPortalRecord(undefined, data, checkedAt, crawledAt);
      if (accept(this.withFormerNames(this.withPageText(mapped)), location)) detailsOnly++;
    }
    if (this.pageTextReport) {
      for (const { used } of this.pageTexts.values()) if (!used) this.pageTextReport.counts.noRecord++;
    }
    if (this.formerNameReport) {
      for (const { used } of this.formerNames.values()) if (!used) this.formerNameReport.counts.noRecord++;
    }
    return {
      procedures,
      report: {
        counts: {
          linesRead: this.linesRead,
          detailFilesRead: this.detailFilesRead,
          imported: procedures.length,
          mergedWithDetails: merged,
          detailsOnly,
          rejected: this.rejected.total,
          malformedLines: this.malformedCount,
          duplicates: this.duplicateCount,
          detailsIgnored: this.ignored.total,
        },
        rejected: this.rejected.list(),
        detailsIgnored: this.ignored.list(),
        malformedLines: this.malformed,
        duplicates: this.duplicates,
        ...(this.pageTextReport ? { pageTexts: this.pageTextReport } : {}),
        ...(this.formerNameReport ? { formerNames: this.formerNameReport } : {}),
      },
    };
  }
}
