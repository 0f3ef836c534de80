// Knowledge-base check behind `npm run kb:check`: the loader's schema/duplicate checks plus link, related-UUID,
// source and alias checks on curated entries, and a cross-check of every curated entry against the portal's own
// records (list catalogue and detail envelopes) when a crawl or a kb:sync output is at hand.
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { PROJECT_ROOT } from '../paths.ts';
import { normalizeText } from '../text/normalize.ts';
import { displayPath, readCheckedJson, readJsonLinesLeniently, readJsonOrUndefined } from './json-files.ts';
import { CATALOG_FILE, KnowledgeError, type KnowledgeProblem, loadCatalogue, readCuratedRecords } from './loader.ts';
import {
  MIRROR_CATALOG_FILE,
  MIRROR_DETAILS_SUBDIR,
  PortalDetailEnvelope,
  PortalListRecord,
  type PortalListRecord as PortalListRecordType,
} from './portal-format.ts';
import { cleanLabel, mapPortalRecord } from './portal-import.ts';
import { type Procedure, ProcedureSchema, portalLinks, type SubmissionMethod, Uuid } from './schema.ts';

export type Severity = 'error' | 'warning';

export interface CheckIssue {
  severity: Severity;
  file: string;
  /** `[2]` = array index inside a JSON file, `line 12` inside a JSONL file. */
  location: string;
  /** Procedure code of the entry, when known. */
  code?: string;
  /** Field path inside the entry, e.g. `links.procedure`, `submissionMethods.online.fees`. */
  field: string;
  reason: string;
  ours?: string;
  portal?: string;
}

export interface CheckOptions {
  /** Directory holding `procedures/*.json`. */
  knowledgeDir: string;
  /** Imported catalogue (`procedures.jsonl`) whose UUIDs `related` may point to. */
  catalogDir?: string;
  /**
   * Portal records to cross-check against: the shared datasets folder, a crawl folder (`crawl/catalog.jsonl`),
   * or a kb:sync output (`catalog.jsonl` + `details/`). Undefined = `../shared/datasets` beside the project when
   * present; `null` = skip the cross-check.
   */
  datasetsDir?: string | null;
}

export interface PortalCheckSummary {
  /** The folder holding the catalog file that was used. */
  source: string;
  catalogRecords: number;
  /** Curated entries compared with a list record. */
  compared: number;
  /** Curated entries whose detail record was also compared (fees, processing time). */
  detailsCompared: number;
}

export interface CheckReport {
  /** Curated entries that passed the schema. */
  entries: number;
  errors: CheckIssue[];
  warnings: CheckIssue[];
  /** Portal cross-check summary, or why it was skipped. */
  portal: PortalCheckSummary | { skipped: string };
}

interface CuratedEntry {
  file: string;
  location: string;
  procedure: Procedure;
}

/** The shared public crawls, read by path and never copied into the project. */
export const DEFAULT_DATASETS_DIR = resolve(PROJECT_ROOT, '../shared/datasets');

/** Runs every check; never throws on bad knowledge (it reports it), only on unreadable folders. */
export function checkKnowledge(options: CheckOptions): CheckReport {
  const issues: CheckIssue[] = [];
  const { entries, rawCodes } = readCuratedEntries(options.knowledgeDir);

  let knownIds: Set<string>;
  try {
    const catalogue = loadCatalogue({ knowledgeDir: options.knowledgeDir, catalogDir: options.catalogDir });
    knownIds = new Set(catalogue.byId.keys());
  } catch (error) {
    if (!(error instanceof KnowledgeError)) throw error;
    for (const problem of error.problems) issues.push(fromLoaderProblem(problem, rawCodes));
    knownIds = new Set([...entries.map((e) => e.procedure.id), ...rawImportedIds(options.catalogDir)]);
  }

  for (const entry of entries) issues.push(...checkLinks(entry), ...checkRelated(entry, knownIds));
  issues.push(...checkAliases(entries));

  const portal = crossCheckPortal(options.knowledgeDir, entries, options.datasetsDir, issues);
  return {
    entries: entries.length,
    errors: issues.filter((i) => i.severity === 'error'),
    warnings: issues.filter((i) => i.severity === 'warning'),
    portal,
  };
}

/** One line per issue: `file [0] (1.001193) field: reason (của mình: …; cổng: …)`. */
export function formatIssue(issue: CheckIssue): string {
  const where = [issue.file, issue.location, issue.code ? `(${issue.code})` : ''].filter(Boolean).join(' ');
  const values =
    issue.ours !== undefined || issue.portal !== undefined
      ? ` [kho: ${issue.ours ?? '—'} | cổng: ${issue.portal ?? '—'}]`
      : '';
  return `${where}${issue.field ? ` ${issue.field}` : ''}: ${issue.reason}${values}`;
}

/** Curated entries that pass the schema, with where they live; invalid ones are reported by the loader. */
function readCuratedEntries(knowledgeDir: string): { entries: CuratedEntry[]; rawCodes: Map<string, string> } {
  const entries: CuratedEntry[] = [];
  const rawCodes = new Map<string, string>();
  // Broken files are reported by loadCatalogue; here only the records that parse are checked further.
  for (const { file, location, value } of readCuratedRecords(knowledgeDir).records) {
    const code = (value as { code?: unknown } | null)?.code;
    if (typeof code === 'string') rawCodes.set(`${file} ${location}`, code.trim());
    const result = ProcedureSchema.safeParse(value);
    if (result.success) entries.push({ file, location, procedure: result.data });
  }
  return { entries, rawCodes };
}

const FEE_AMOUNT_FIELD = /(^|\.)fees\.\d+\.amountVnd$/;

function fromLoaderProblem(problem: KnowledgeProblem, rawCodes: Map<string, string>): CheckIssue {
  const reason = FEE_AMOUNT_FIELD.test(problem.field)
    ? `lệ phí (amountVnd) phải là một số nguyên VND không âm, ví dụ 50000 (0 = miễn phí); không viết "50.000 đồng" hay chữ — phần chữ ghi vào "note" (${problem.reason})`
    : problem.reason;
  return {
    severity: 'error',
    file: problem.file,
    location: problem.location,
    code: rawCodes.get(`${problem.file} ${problem.location}`),
    field: problem.field,
    reason,
  };
}

/** UUIDs in the imported catalogue, read leniently when the loader refused it (so `related` can still resolve). */
function rawImportedIds(catalogDir: string | undefined): string[] {
  if (!catalogDir) return [];
  // Broken lines are reported by the loader.
  return readJsonLinesLeniently(join(catalogDir, CATALOG_FILE)).flatMap((value) => {
    const id = (value as { id?: unknown } | null)?.id;
    return typeof id === 'string' ? [id] : [];
  });
}

function issueFor(entry: CuratedEntry, severity: Severity, field: string, reason: string, extra = {}): CheckIssue {
  return {
    severity,
    file: entry.file,
    location: entry.location,
    code: entry.procedure.code,
    field,
    reason,
    ...extra,
  };
}

function checkLinks(entry: CuratedEntry): CheckIssue[] {
  const p = entry.procedure;
  const expected = portalLinks(p.id, true);
  const issues: CheckIssue[] = [];
  if (p.links.procedure !== expected.procedure) {
    issues.push(
      issueFor(entry, 'error', 'links.procedure', `phải là trang thủ tục trên cổng: ${expected.procedure}`, {
        ours: p.links.procedure,
      }),
    );
  }
  if (p.links.submitOnline !== undefined && p.links.submitOnline !== expected.submitOnline) {
    issues.push(
      issueFor(entry, 'error', 'links.submitOnline', `phải là trang nộp hồ sơ trực tuyến: ${expected.submitOnline}`, {
        ours: p.links.submitOnline,
      }),
    );
  }
  if (p.source.url !== expected.procedure) {
    issues.push(
      issueFor(entry, 'error', 'source.url', `phải là trang thủ tục trên cổng: ${expected.procedure}`, {
        ours: p.source.url,
      }),
    );
  }
  const methods = new Set(p.submissionMethods.map((m) => m.method));
  if (p.links.submitOnline && methods.size > 0 && !methods.has('online')) {
    issues.push(
      issueFor(
        entry,
        'warning',
        'links.submitOnline',
        'có đường dẫn nộp trực tuyến nhưng submissionMethods không có cách nộp "online"',
      ),
    );
  }
  if (!p.links.submitOnline && methods.has('online')) {
    issues.push(
      issueFor(entry, 'warning', 'links.submitOnline', 'thủ tục nộp được trực tuyến nhưng thiếu links.submitOnline'),
    );
  }
  return issues;
}

function checkRelated(entry: CuratedEntry, knownIds: Set<string>): CheckIssue[] {
  const issues: CheckIssue[] = [];
  entry.procedure.related.forEach((id, index) => {
    if (id === entry.procedure.id) {
      issues.push(issueFor(entry, 'warning', `related.${index}`, 'thủ tục tự liên kết tới chính nó', { ours: id }));
    } else if (!knownIds.has(id)) {
      issues.push(
        issueFor(entry, 'error', `related.${index}`, 'UUID liên quan không có trong kho tri thức đã nạp', { ours: id }),
      );
    }
  });
  return issues;
}

/** Aliases repeated inside one entry, or identical (after normalisation) in several entries, are ambiguous. */
function checkAliases(entries: CuratedEntry[]): CheckIssue[] {
  const issues: CheckIssue[] = [];
  const owners = new Map<string, CuratedEntry[]>();
  for (const entry of entries) {
    const seen = new Set<string>();
    entry.procedure.aliases.forEach((alias, index) => {
      const key = normalizeText(alias);
      if (seen.has(key)) {
        issues.push(
          issueFor(entry, 'warning', `aliases.${index}`, 'bí danh lặp lại trong cùng thủ tục', { ours: alias }),
        );
        return;
      }
      seen.add(key);
      const list = owners.get(key) ?? [];
      list.push(entry);
      owners.set(key, list);
    });
  }
  for (const [alias, list] of owners) {
    if (list.length < 2) continue;
    for (const entry of list) {
      const others = list
        .filter((o) => o !== entry)
        .map((o) => `${o.procedure.code} (${o.file} ${o.location})`)
        .join(', ');
      issues.push(
        issueFor(entry, 'warning', 'aliases', `bí danh "${alias}" giống hệt bí danh của ${others}`, { ours: alias }),
      );
    }
  }
  return issues;
}

/**
 * Differences from the portal that curators checked and accepted (e.g. an obvious data-entry slip on the portal),
 * in `<knowledge>/portal-deviations.json`. One applies only while the portal still shows the same value.
 */
export const DEVIATIONS_FILE = 'portal-deviations.json';
const Deviation = z.strictObject({
  /** UUID of the curated entry. */
  id: Uuid,
  /** The field as kb:check prints it, e.g. `submissionMethods.online.fees`. */
  field: z.string().trim().min(1),
  /** The portal's value exactly as kb:check prints it after "cổng:". */
  portal: z.string(),
  /** Why our value is right (source, date checked). */
  reason: z.string().trim().min(10, 'ghi rõ lý do (ít nhất 10 ký tự)'),
});
type Deviation = z.infer<typeof Deviation>;

function readDeviations(knowledgeDir: string, issues: CheckIssue[]): Deviation[] {
  const path = join(knowledgeDir, DEVIATIONS_FILE);
  if (!existsSync(path)) return [];
  const read = readCheckedJson(path, z.array(Deviation));
  if (read.ok) return read.value;
  for (const problem of read.problems) issues.push({ severity: 'error', ...problem });
  return [];
}

function crossCheckPortal(
  knowledgeDir: string,
  entries: CuratedEntry[],
  datasetsDir: string | null | undefined,
  issues: CheckIssue[],
): PortalCheckSummary | { skipped: string } {
  if (datasetsDir === null) return { skipped: 'đã tắt đối chiếu với cổng' };
  const root = datasetsDir ?? DEFAULT_DATASETS_DIR;
  const records = readPortalRecords(root);
  if (!records) {
    if (datasetsDir !== undefined) {
      issues.push({
        severity: 'error',
        file: root,
        location: '',
        field: '',
        reason: 'không tìm thấy catalog.jsonl của cổng (cần <dir>/catalog.jsonl hoặc <dir>/crawl/catalog.jsonl)',
      });
    }
    return { skipped: `không có dữ liệu cổng tại ${root}` };
  }
  const deviations = readDeviations(knowledgeDir, issues);
  const used = new Set<Deviation>();
  let compared = 0;
  let detailsCompared = 0;
  for (const entry of entries) {
    const result = comparePortalFacts(entry.procedure, records);
    if (result.listCompared) compared++;
    if (result.detailCompared) detailsCompared++;
    for (const d of result.disagreements) {
      const accepted = deviations.find(
        (x) => x.id === entry.procedure.id && x.field === d.field && x.portal === (d.portal ?? ''),
      );
      if (accepted) used.add(accepted);
      const reason = accepted ? `${d.reason} — đã chấp nhận (${DEVIATIONS_FILE}): ${accepted.reason}` : d.reason;
      issues.push(
        issueFor(entry, accepted ? 'warning' : d.severity, d.field, reason, { ours: d.ours, portal: d.portal }),
      );
    }
  }
  for (const deviation of deviations) {
    if (used.has(deviation)) continue;
    issues.push({
      severity: 'warning',
      file: displayPath(join(knowledgeDir, DEVIATIONS_FILE)),
      location: '',
      code: deviation.id,
      field: deviation.field,
      reason: 'ngoại lệ không còn khớp khác biệt nào với cổng (cổng đã đổi hoặc kho đã sửa): xoá hoặc cập nhật',
      portal: deviation.portal,
    });
  }
  return { source: records.dir, catalogRecords: records.byId.size, compared, detailsCompared };
}

/** Portal list records from a catalog file, and the detail folder beside it (read on demand). */
interface PortalRecords {
  dir: string;
  byId: Map<string, PortalListRecordType>;
  byCode: Map<string, PortalListRecordType[]>;
  detailsDir: string;
  /** data.id → file, built only when a detail is not found under its UUID or code. */
  detailIndex?: Map<string, string>;
}

/** Finds `catalog.jsonl` in `root`, `root/crawl` or `root/opengov-dvc-catalog-2026/crawl`. */
function readPortalRecords(root: string): PortalRecords | undefined {
  const dir = [root, join(root, 'crawl'), join(root, 'opengov-dvc-catalog-2026', 'crawl')].find((d) =>
    existsSync(join(d, MIRROR_CATALOG_FILE)),
  );
  if (!dir) return undefined;
  const byId = new Map<string, PortalListRecordType>();
  const byCode = new Map<string, PortalListRecordType[]>();
  // kb:import reports broken lines; here a missing record shows up as a disagreement.
  for (const value of readJsonLinesLeniently(join(dir, MIRROR_CATALOG_FILE))) {
    const parsed = PortalListRecord.safeParse(value);
    if (!parsed.success) continue;
    const record = parsed.data;
    byId.set(record.id.trim(), record);
    const code = record.code.trim();
    byCode.set(code, [...(byCode.get(code) ?? []), record]);
  }
  return { dir, byId, byCode, detailsDir: join(dir, MIRROR_DETAILS_SUBDIR) };
}

/** The detail envelope whose `data.id` is `id`: tried as `<id>.json` (kb:sync), `<code>.json` (crawl), then any. */
function findDetail(records: PortalRecords, id: string, code: string) {
  if (!existsSync(records.detailsDir)) return undefined;
  const read = (file: string) => {
    const parsed = PortalDetailEnvelope.safeParse(readJsonOrUndefined(join(records.detailsDir, file)));
    return parsed.success ? parsed.data.data : undefined;
  };
  for (const file of [`${id}.json`, `${code}.json`]) {
    if (!existsSync(join(records.detailsDir, file))) continue;
    const data = read(file);
    if (data?.id?.trim() === id) return data;
  }
  if (!records.detailIndex) {
    records.detailIndex = new Map();
    for (const file of readdirSync(records.detailsDir)) {
      if (!file.endsWith('.json')) continue;
      const dataId = read(file)?.id?.trim();
      if (dataId) records.detailIndex.set(dataId, file);
    }
  }
  const file = records.detailIndex.get(id);
  return file ? read(file) : undefined;
}

interface Disagreement {
  /** error = we state something the portal does not; warning = the portal states something we leave out. */
  severity: Severity;
  field: string;
  reason: string;
  ours?: string;
  portal?: string;
}

/** Code, UUID and name against the list record; fees and processing time per method against the detail. */
function comparePortalFacts(
  p: Procedure,
  records: PortalRecords,
): { listCompared: boolean; detailCompared: boolean; disagreements: Disagreement[] } {
  const disagreements: Disagreement[] = [];
  const list = records.byId.get(p.id);
  if (!list) {
    const sameCode = records.byCode.get(p.code) ?? [];
    disagreements.push(
      sameCode.length > 0
        ? {
            severity: 'error',
            field: 'id',
            reason: 'UUID khác với bản ghi của cổng cùng mã thủ tục',
            ours: p.id,
            portal: sameCode.map((r) => r.id).join(', '),
          }
        : {
            severity: 'error',
            field: 'id',
            reason: 'không có thủ tục nào với UUID hay mã này trong danh mục của cổng',
            ours: p.id,
          },
    );
    return { listCompared: false, detailCompared: false, disagreements };
  }
  if (list.code.trim() !== p.code) {
    disagreements.push({
      severity: 'error',
      field: 'code',
      reason: 'mã thủ tục khác với cổng',
      ours: p.code,
      portal: list.code.trim(),
    });
  }
  if (cleanLabel(list.name) !== cleanLabel(p.name)) {
    disagreements.push({
      severity: 'error',
      field: 'name',
      reason: 'tên thủ tục khác với cổng',
      ours: p.name,
      portal: cleanLabel(list.name),
    });
  }
  const detail = findDetail(records, p.id, p.code);
  if (!detail) return { listCompared: true, detailCompared: false, disagreements };
  const mapped = ProcedureSchema.safeParse(mapPortalRecord(list, detail, p.source.checkedAt));
  if (!mapped.success) return { listCompared: true, detailCompared: false, disagreements };
  disagreements.push(...compareMethods(p.submissionMethods, mapped.data.submissionMethods));
  return { listCompared: true, detailCompared: true, disagreements };
}

/** What one submission method says: its processing times and fee amounts (a method may repeat per case). */
interface MethodFacts {
  times: Set<string>;
  amounts: Set<number>;
  /** The source gives a time only in words for some case. */
  timeInWords: boolean;
  /** The source gives a fee only in words (no amount) for some fee. */
  feeInWords: boolean;
}

function methodFacts(methods: SubmissionMethod[]): Map<string, MethodFacts> {
  const facts = new Map<string, MethodFacts>();
  for (const m of methods) {
    const entry = facts.get(m.method) ?? {
      times: new Set(),
      amounts: new Set(),
      timeInWords: false,
      feeInWords: false,
    };
    if (m.processingTime) entry.times.add(`${m.processingTime.value} ${m.processingTime.unit}`);
    else entry.timeInWords = true;
    for (const fee of m.fees) {
      // A time-bound rate (validFrom/validUntil) is read from dated wording, not compared with the portal's amounts.
      if (fee.validFrom || fee.validUntil) continue;
      if (fee.amountVnd === undefined) entry.feeInWords = true;
      else entry.amounts.add(fee.amountVnd);
    }
    facts.set(m.method, entry);
  }
  return facts;
}

const show = (values: Iterable<string | number>): string =>
  [...values]
    .map(String)
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
    .join(', ') || '—';

/**
 * Per method, processing times and fee amounts. Stating a value the portal does not have is an error; leaving out
 * a value the portal has is a warning (a curator may simplify, e.g. keep the usual time and explain the complex
 * case in a note). Where the portal gives a time or fee only in words, a number read out of them is accepted.
 */
function compareMethods(ours: SubmissionMethod[], portal: SubmissionMethod[]): Disagreement[] {
  const disagreements: Disagreement[] = [];
  const mine = methodFacts(ours);
  const theirs = methodFacts(portal);
  for (const method of new Set([...mine.keys(), ...theirs.keys()])) {
    const a = mine.get(method);
    const b = theirs.get(method);
    if (!a || !b) {
      disagreements.push(
        a
          ? {
              severity: 'error',
              field: `submissionMethods.${method}`,
              reason: 'cổng không có cách nộp này',
              ours: method,
            }
          : {
              severity: 'warning',
              field: `submissionMethods.${method}`,
              reason: 'cổng có cách nộp này mà kho không có',
              portal: method,
            },
      );
      continue;
    }
    const facts = [
      { field: 'processingTime', what: 'thời hạn giải quyết', ours: a.times, portal: b.times, words: b.timeInWords },
      { field: 'fees', what: 'mức phí, lệ phí (VND)', ours: a.amounts, portal: b.amounts, words: b.feeInWords },
    ] as const;
    for (const fact of facts) {
      const extra = [...fact.ours].filter((v) => !(fact.portal as Set<unknown>).has(v));
      const missing = [...fact.portal].filter((v) => !(fact.ours as Set<unknown>).has(v));
      const values = { ours: show(fact.ours), portal: show(fact.portal) };
      if (extra.length > 0 && !fact.words) {
        disagreements.push({
          severity: 'error',
          field: `submissionMethods.${method}.${fact.field}`,
          reason: `${fact.what} khác với cổng`,
          ...values,
        });
      } else if (missing.length > 0) {
        disagreements.push({
          severity: 'warning',
          field: `submissionMethods.${method}.${fact.field}`,
          reason: `kho không nêu ${fact.what} ${show(missing)} mà cổng có`,
          ...values,
        });
      }
    }
  }
  return disagreements;
}
