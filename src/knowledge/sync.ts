// kb:sync: mirrors the portal's public catalogue into a folder that kb:import reads — `catalog.jsonl` (list
// records, one per line) and `details/<UUID>.json` (raw detail envelopes) — fetching details only for new or
// changed records. Progress is checkpointed in `sync-state.json` after every page and every detail, so an
// interrupted run resumes where it stopped; each finished run writes a change report (see change-report.ts).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from './catalog-writer.ts';
import {
  type ChangeReport,
  type CuratedFlag,
  canonicalJson,
  type DetailError,
  detailFieldChanges,
  listFieldChanges,
  type ProcedureRef,
  type StopReason,
  writeChangeReport,
} from './change-report.ts';
import { readJsonLinesLeniently, readJsonOrUndefined } from './json-files.ts';
import { KnowledgeError, loadCatalogue } from './loader.ts';
import { PORTAL_BASE_URL, PortalClient, type PortalClientOptions, PortalError } from './portal-client.ts';
import { MIRROR_CATALOG_FILE, MIRROR_DETAILS_SUBDIR, PortalListRecord } from './portal-format.ts';

export const SYNC_STATE_FILE = 'sync-state.json';
/** Details of withdrawn procedures are moved here, out of kb:import's way. */
export const WITHDRAWN_SUBDIR = 'withdrawn';
/** List pages of the run in progress (removed when the run finishes). */
const PAGES_SUBDIR = '.sync-pages';

export interface ProgressBar {
  tick(n?: number): void;
  done(): void;
}

export interface SyncOptions {
  outDir: string;
  /** Default https://dichvucong.gov.vn. */
  baseUrl?: string;
  /** Skip details whose last known update (from an earlier detail) is older than this date. */
  since?: Date;
  /** Stop after this many list records (trial runs); withdrawals are then not declared. */
  limit?: number;
  /** Records asked per list page (default 100). */
  pageSize?: number;
  /** Fetch every detail again, changed or not (the portal can change a detail without touching its list record). */
  allDetails?: boolean;
  /** Knowledge dir whose curated entries are flagged when their portal record changes. */
  knowledgeDir?: string;
  /** Timeout, retries, backoff and rate limit of the HTTP client. */
  client?: Omit<PortalClientOptions, 'baseUrl' | 'signal'>;
  /** Abort (Ctrl+C): the run stops after checkpointing and resumes next time. */
  signal?: AbortSignal;
  progress?: (label: string, total: number) => ProgressBar;
  onWarning?: (message: string) => void;
  now?: () => Date;
}

export interface SyncResult {
  report: ChangeReport;
  reportFile: string;
  /** This run continued an interrupted one. */
  resumed: boolean;
}

/** The run was stopped on request; its progress is saved. */
export class SyncInterrupted extends Error {
  constructor() {
    super('đồng bộ đã dừng theo yêu cầu; chạy lại lệnh để tiếp tục');
    this.name = 'SyncInterrupted';
  }
}

const RecordState = z.object({
  /** Hash of the list record as last listed. */
  listHash: z.string(),
  /** The list record hash the stored detail was fetched for; a different current hash means "fetch again". */
  detailForHash: z.string().optional(),
  detailHash: z.string().optional(),
  /** The detail's updatedAt (epoch ms), for --since. */
  detailUpdatedAt: z.number().optional(),
});

const RunState = z.object({
  startedAt: z.string(),
  baseUrl: z.string(),
  phase: z.enum(['list', 'details']),
  /** Cursor for the next list page. */
  lastId: z.string(),
  /** Cursors already sent in this run (a repeat means the portal is looping). */
  usedLastIds: z.array(z.string()),
  pages: z.number().int(),
  listed: z.number().int(),
  limit: z.number().int().optional(),
  stoppedBy: z.enum(['end', 'limit', 'repeat']).optional(),
  detailsFetched: z.number().int(),
  detailsSkippedBySince: z.number().int(),
  /** Detail fields changed per id, found when a detail was replaced. */
  detailChanges: z.record(z.string(), z.array(z.string())),
  detailErrors: z.array(z.object({ id: z.string(), code: z.string(), name: z.string(), reason: z.string() })),
  warnings: z.array(z.string()),
});
type RunState = z.infer<typeof RunState>;

const SyncState = z.object({
  version: z.literal(1),
  records: z.record(z.string(), RecordState),
  run: RunState.nullable(),
  lastSync: z
    .object({ finishedAt: z.string(), complete: z.boolean(), listRecords: z.number(), reportFile: z.string() })
    .nullable(),
});
type SyncState = z.infer<typeof SyncState>;

type RawRecord = Record<string, unknown> & { id: string };

const noProgress = (): ProgressBar => ({ tick() {}, done() {} });

export function contentHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, 16);
}

function ref(record: Record<string, unknown>): ProcedureRef {
  const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
  return { id: text(record.id), code: text(record.code), name: text(record.name) };
}

/** Runs one sync (or finishes an interrupted one). Throws PortalError when the portal keeps failing. */
export async function syncPortal(options: SyncOptions): Promise<SyncResult> {
  const out = options.outDir;
  const baseUrl = (options.baseUrl ?? PORTAL_BASE_URL).replace(/\/+$/, '');
  const now = options.now ?? (() => new Date());
  const progress = options.progress ?? noProgress;
  const warnings: string[] = [];
  const warn = (message: string) => {
    warnings.push(message);
    options.onWarning?.(message);
  };
  mkdirSync(join(out, MIRROR_DETAILS_SUBDIR), { recursive: true });

  const state = readState(out, warn);
  const previous = readCatalog(join(out, MIRROR_CATALOG_FILE));
  let resumed = false;
  if (state.run && state.run.baseUrl !== baseUrl) {
    warn(`bỏ lượt đồng bộ dở dang với ${state.run.baseUrl} (lần này là ${baseUrl})`);
    state.run = null;
  }
  if (state.run) {
    resumed = true;
    warn(
      `tiếp tục lượt đồng bộ bắt đầu lúc ${state.run.startedAt} (đã có ${state.run.listed} thủ tục trong danh sách)`,
    );
  } else {
    rmSync(join(out, PAGES_SUBDIR), { recursive: true, force: true });
    state.run = newRun(baseUrl, now(), options.limit);
    // Forgetting which list version each detail belongs to makes every detail due again (resumable as usual).
    if (options.allDetails) for (const entry of Object.values(state.records)) entry.detailForHash = undefined;
  }
  const run = state.run;
  const save = () => writeState(out, state);
  save();

  const client = new PortalClient({ ...options.client, baseUrl, signal: options.signal });
  const checkAbort = () => {
    if (options.signal?.aborted) throw new SyncInterrupted();
  };
  try {
    if (run.phase === 'list') {
      await listAll(client, out, run, state, options, previous.size, progress, warn, save, checkAbort);
      run.phase = 'details';
      save();
    }
    const records = readPages(out, run.pages);
    await fetchDetails(client, out, run, state, records, options, progress, save, checkAbort);
    return finish(out, state, run, records, previous, options, baseUrl, now(), [...run.warnings, ...warnings], resumed);
  } catch (error) {
    run.warnings.push(...warnings.filter((w) => !run.warnings.includes(w)));
    save();
    if (error instanceof PortalError && options.signal?.aborted) throw new SyncInterrupted();
    throw error;
  }
}

function newRun(baseUrl: string, at: Date, limit: number | undefined): RunState {
  return {
    startedAt: at.toISOString(),
    baseUrl,
    phase: 'list',
    lastId: '',
    usedLastIds: [],
    pages: 0,
    listed: 0,
    limit,
    detailsFetched: 0,
    detailsSkippedBySince: 0,
    detailChanges: {},
    detailErrors: [],
    warnings: [],
  };
}

/** Pages through the list by lastId until an empty or short page, the limit, or a repeating page. */
async function listAll(
  client: PortalClient,
  out: string,
  run: RunState,
  state: SyncState,
  options: SyncOptions,
  expected: number,
  progress: NonNullable<SyncOptions['progress']>,
  warn: (message: string) => void,
  save: () => void,
  checkAbort: () => void,
): Promise<void> {
  const pageSize = options.pageSize ?? 100;
  const limit = options.limit ?? run.limit;
  const seen = new Set(readPages(out, run.pages).map((r) => r.id));
  // Created on the first answer, when the portal's own total (if it sends one) is known.
  let bar: ProgressBar | undefined;
  try {
    for (;;) {
      checkAbort();
      if (limit !== undefined && run.listed >= limit) {
        run.stoppedBy = 'limit';
        return;
      }
      const asked = limit === undefined ? pageSize : Math.min(pageSize, limit - run.listed);
      const page = await client.listPage({ limit: asked, lastId: run.lastId });
      if (!bar) {
        bar = progress('Danh sách', limit ?? page.total ?? Math.max(expected, run.listed));
        bar.tick(run.listed);
      }
      if (page.records.length === 0) {
        run.stoppedBy = 'end';
        return;
      }
      const fresh: RawRecord[] = [];
      for (const [index, record] of page.records.entries()) {
        if (typeof record.id !== 'string' || record.id.trim() === '') {
          warn(`trang ${run.pages + 1}, bản ghi ${index + 1}: không có id, đã bỏ qua`);
          continue;
        }
        if (seen.has(record.id)) continue;
        if (!PortalListRecord.safeParse(record).success) {
          warn(`thủ tục ${record.id}: bản ghi danh sách khác dạng mong đợi (kb:import có thể loại nó)`);
        }
        seen.add(record.id);
        fresh.push(record as RawRecord);
      }
      if (fresh.length === 0) {
        warn(
          `trang sau lastId "${run.lastId}" chỉ gồm thủ tục đã thấy: cổng đang trả trang lặp lại, dừng đọc danh sách`,
        );
        run.stoppedBy = 'repeat';
        return;
      }
      const lastRecord = page.records.at(-1);
      const next = page.lastId || (typeof lastRecord?.id === 'string' ? lastRecord.id : '');
      writeFileAtomic(pagePath(out, run.pages + 1), JSON.stringify(fresh));
      run.pages++;
      run.listed += fresh.length;
      for (const record of fresh) {
        const entry = state.records[record.id];
        state.records[record.id] = { ...entry, listHash: contentHash(record) };
      }
      bar.tick(fresh.length);
      if (page.records.length < asked) {
        run.stoppedBy = 'end';
        return;
      }
      if (next === '' || next === run.lastId || run.usedLastIds.includes(next)) {
        warn(`cổng trả lại con trỏ lastId "${next}" đã dùng: dừng đọc danh sách để tránh lặp vô hạn`);
        run.stoppedBy = 'repeat';
        return;
      }
      run.usedLastIds.push(run.lastId);
      run.lastId = next;
      save();
    }
  } finally {
    save();
    bar?.done();
  }
}

/** Fetches the details of new or changed records (all with allDetails), one at a time, checkpointing each. */
async function fetchDetails(
  client: PortalClient,
  out: string,
  run: RunState,
  state: SyncState,
  records: RawRecord[],
  options: SyncOptions,
  progress: NonNullable<SyncOptions['progress']>,
  save: () => void,
  checkAbort: () => void,
): Promise<void> {
  let skippedBySince = 0;
  const pending = records.filter((record) => {
    const entry = state.records[record.id];
    const fetched = entry?.detailForHash === contentHash(record) && existsSync(detailPath(out, record.id));
    if (fetched) return false;
    if (options.since) {
      const updatedAt = entry?.detailUpdatedAt ?? storedUpdatedAt(out, record.id);
      if (updatedAt !== undefined && updatedAt < options.since.getTime()) {
        skippedBySince++;
        return false;
      }
    }
    return true;
  });
  run.detailsSkippedBySince = skippedBySince;
  const bar = progress('Chi tiết ', pending.length);
  try {
    for (const record of pending) {
      checkAbort();
      const path = detailPath(out, record.id);
      let envelope: Record<string, unknown>;
      try {
        envelope = await client.detail(record.id);
      } catch (error) {
        if (!(error instanceof PortalError) || error.retryable || options.signal?.aborted) throw error;
        run.detailErrors = run.detailErrors.filter((e) => e.id !== record.id);
        run.detailErrors.push({ ...ref(record), reason: error.message } satisfies DetailError);
        save();
        bar.tick();
        continue;
      }
      const old = readJsonOrUndefined(path);
      if (old !== undefined) {
        const changes = detailFieldChanges(listRecord(record), old, envelope);
        if (changes.length > 0) {
          // Saved before the old detail is replaced, so an interruption here cannot lose the difference.
          run.detailChanges[record.id] = changes;
          save();
        }
      }
      writeFileAtomic(path, `${JSON.stringify(envelope)}\n`);
      const data = envelope.data as { updatedAt?: unknown };
      const hash = contentHash(record);
      state.records[record.id] = {
        listHash: hash,
        detailForHash: hash,
        detailHash: contentHash(envelope.data),
        detailUpdatedAt: typeof data.updatedAt === 'number' ? data.updatedAt : undefined,
      };
      run.detailErrors = run.detailErrors.filter((e) => e.id !== record.id);
      run.detailsFetched++;
      save();
      bar.tick();
    }
  } finally {
    bar.done();
  }
}

function finish(
  out: string,
  state: SyncState,
  run: RunState,
  records: RawRecord[],
  previous: Map<string, Record<string, unknown>>,
  options: SyncOptions,
  baseUrl: string,
  at: Date,
  warnings: string[],
  resumed: boolean,
): SyncResult {
  const stoppedBy: StopReason = run.stoppedBy ?? 'end';
  const complete = stoppedBy === 'end';
  const current = new Map(records.map((r) => [r.id, r]));

  const added: ProcedureRef[] = [];
  const changed = new Map<string, { record: RawRecord; fields: Set<string> }>();
  for (const record of records) {
    const before = previous.get(record.id);
    if (!before) {
      added.push(ref(record));
      continue;
    }
    const fields = new Set([...listFieldChanges(before, record), ...(run.detailChanges[record.id] ?? [])]);
    if (fields.size > 0) changed.set(record.id, { record, fields });
  }
  const withdrawn = complete ? [...previous.values()].filter((r) => !current.has(String(r.id))).map(ref) : [];

  // The catalogue kb:import reads: this run's records; after a partial run, the earlier ones it did not reach.
  const catalog: Record<string, unknown>[] = [...records];
  if (!complete) for (const [id, record] of previous) if (!current.has(id)) catalog.push(record);
  writeFileAtomic(join(out, MIRROR_CATALOG_FILE), catalog.map((r) => `${JSON.stringify(r)}\n`).join(''));
  for (const gone of withdrawn) {
    const path = detailPath(out, gone.id);
    if (existsSync(path)) {
      mkdirSync(join(out, WITHDRAWN_SUBDIR), { recursive: true });
      renameSync(path, join(out, WITHDRAWN_SUBDIR, `${gone.id}.json`));
    }
    delete state.records[gone.id];
  }

  const changedList = [...changed.values()].map(({ record, fields }) => ({
    ...ref(record),
    fields: [...fields].sort(),
  }));
  const report: ChangeReport = {
    generatedAt: at.toISOString(),
    baseUrl,
    complete,
    stoppedBy,
    listRecords: records.length,
    detailsFetched: run.detailsFetched,
    detailsUnchanged: Math.max(
      0,
      records.length - run.detailsFetched - run.detailErrors.length - run.detailsSkippedBySince,
    ),
    detailsSkippedBySince: run.detailsSkippedBySince,
    detailErrors: run.detailErrors,
    added,
    changed: changedList,
    withdrawn,
    curated: flagCurated(options.knowledgeDir, changedList, withdrawn, records, complete, warnings),
    warnings: [...new Set(warnings)],
  };
  const reportFile = writeChangeReport(out, report);
  state.run = null;
  state.lastSync = { finishedAt: at.toISOString(), complete, listRecords: records.length, reportFile };
  writeState(out, state);
  rmSync(join(out, PAGES_SUBDIR), { recursive: true, force: true });
  return { report, reportFile, resumed };
}

/** Curated entries whose portal record changed or was withdrawn, or whose code now belongs to another UUID. */
function flagCurated(
  knowledgeDir: string | undefined,
  changed: (ProcedureRef & { fields: string[] })[],
  withdrawn: ProcedureRef[],
  records: RawRecord[],
  complete: boolean,
  warnings: string[],
): CuratedFlag[] {
  if (!knowledgeDir) return [];
  let curated: { id: string; code: string; name: string }[];
  try {
    curated = loadCatalogue({ knowledgeDir }).procedures;
  } catch (error) {
    if (!(error instanceof KnowledgeError)) throw error;
    warnings.push(
      `kho tri thức ${knowledgeDir} đang có ${error.problems.length} lỗi: chưa đối chiếu thủ tục biên soạn`,
    );
    return [];
  }
  const changedById = new Map(changed.map((c) => [c.id, c]));
  const withdrawnIds = new Set(withdrawn.map((w) => w.id));
  const listedIds = new Set(records.map((r) => r.id));
  const idsByCode = new Map<string, string[]>();
  for (const record of records) {
    const { id, code } = ref(record);
    idsByCode.set(code, [...(idsByCode.get(code) ?? []), id]);
  }
  const flags: CuratedFlag[] = [];
  for (const p of curated) {
    const entry = { id: p.id, code: p.code, name: p.name };
    const change = changedById.get(p.id);
    if (change) flags.push({ ...entry, status: 'changed', fields: change.fields });
    else if (withdrawnIds.has(p.id)) flags.push({ ...entry, status: 'withdrawn' });
    if (complete && !listedIds.has(p.id)) {
      const others = (idsByCode.get(p.code) ?? []).filter((id) => id !== p.id);
      if (others.length > 0) flags.push({ ...entry, status: 'replaced', replacedBy: others });
    }
  }
  return flags;
}

function detailPath(out: string, id: string): string {
  return join(out, MIRROR_DETAILS_SUBDIR, `${id}.json`);
}

function listRecord(record: RawRecord) {
  const parsed = PortalListRecord.safeParse(record);
  return parsed.success ? parsed.data : undefined;
}

function storedUpdatedAt(out: string, id: string): number | undefined {
  const updatedAt = (readJsonOrUndefined(detailPath(out, id)) as { data?: { updatedAt?: unknown } } | undefined)?.data
    ?.updatedAt;
  return typeof updatedAt === 'number' ? updatedAt : undefined;
}

function readState(out: string, warn: (message: string) => void): SyncState {
  const fresh: SyncState = { version: 1, records: {}, run: null, lastSync: null };
  const path = join(out, SYNC_STATE_FILE);
  if (!existsSync(path)) return fresh;
  const parsed = SyncState.safeParse(readJsonOrUndefined(path));
  if (parsed.success) return parsed.data;
  warn(`${path} hỏng hoặc khác phiên bản: bắt đầu lại từ đầu (chi tiết sẽ được tải lại)`);
  return fresh;
}

function writeState(out: string, state: SyncState): void {
  writeFileAtomic(join(out, SYNC_STATE_FILE), `${JSON.stringify(state)}\n`);
}

/** The previous sync's list records by id (file order kept). */
function readCatalog(path: string): Map<string, Record<string, unknown>> {
  const records = new Map<string, Record<string, unknown>>();
  for (const value of readJsonLinesLeniently(path) as (Record<string, unknown> | null)[]) {
    if (typeof value?.id === 'string') records.set(value.id, value);
  }
  return records;
}

/**
 * This run's list records, in page order: the first `pages` page files, the ones the state file vouches for (a page
 * written just before an interruption, without its checkpoint, is fetched again).
 */
function readPages(out: string, pages: number): RawRecord[] {
  const records: RawRecord[] = [];
  for (let page = 1; page <= pages; page++) {
    const value = readJsonOrUndefined(pagePath(out, page));
    if (!Array.isArray(value))
      throw new Error(`thiếu hoặc hỏng ${pagePath(out, page)}: xoá ${SYNC_STATE_FILE} để đồng bộ lại`);
    records.push(...(value as RawRecord[]));
  }
  return records;
}

function pagePath(out: string, page: number): string {
  return join(out, PAGES_SUBDIR, `page-${String(page).padStart(6, '0')}.json`);
}
