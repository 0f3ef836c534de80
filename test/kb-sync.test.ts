// kb:sync against a fake portal on 127.0.0.1: a full sync feeds kb:import, injected failures are retried, an
// interrupted or limited run resumes without refetching details, changes and withdrawals are reported exactly,
// and a repeating page ends the run instead of looping.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkKnowledge } from '../src/knowledge/check.ts';
import { loadCatalogue } from '../src/knowledge/loader.ts';
import { PortalError } from '../src/knowledge/portal-client.ts';
import { portalLinks } from '../src/knowledge/schema.ts';
import { SyncInterrupted, type SyncOptions, syncPortal } from '../src/knowledge/sync.ts';
import { FakePortal } from './fixtures/fake-portal.ts';
import { fakeId, makePortalRecords } from './fixtures/sync/portal-records.ts';
import { tempDirs } from './helpers/temp-dirs.ts';

const ROOT = resolve(import.meta.dirname, '..');
const run = promisify(execFile);

let portal: FakePortal;
let baseUrl: string;
let out: string;
const temp = tempDirs('kb-sync-');

beforeEach(async () => {
  portal = new FakePortal(makePortalRecords());
  baseUrl = await portal.listen();
  out = temp.make('kb-sync-');
});

afterEach(async () => {
  await portal.close();
  temp.removeAll();
});

/** Tiny timeouts and backoff so injected failures cost milliseconds, not seconds. */
function sync(extra: Partial<SyncOptions> = {}) {
  const retries: string[] = [];
  const promise = syncPortal({
    outDir: out,
    baseUrl,
    pageSize: 3,
    ...extra,
    client: {
      timeoutMs: 300,
      backoffMs: 1,
      maxBackoffMs: 5,
      requestsPerSecond: 1000,
      maxAttempts: 3,
      onRetry: (info) => retries.push(info.reason),
      ...extra.client,
    },
  });
  return { promise, retries };
}

const ids = (n: number[]) => n.map(fakeId);
const catalogIds = () =>
  readFileSync(join(out, 'catalog.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => (JSON.parse(line) as { id: string }).id);
const detailFiles = () => readdirSync(join(out, 'details')).sort();

describe('kb:sync', () => {
  it('mirrors the whole catalogue with details named by UUID, and kb:import imports it', async () => {
    const { report, reportFile } = await sync().promise;
    expect(report).toMatchObject({ complete: true, stoppedBy: 'end', listRecords: 8, detailsFetched: 8 });
    expect(report.added.map((a) => a.id)).toEqual(ids([1, 2, 3, 4, 5, 6, 7, 8]));
    expect(catalogIds()).toEqual(ids([1, 2, 3, 4, 5, 6, 7, 8]));
    expect(detailFiles()).toEqual(ids([1, 2, 3, 4, 5, 6, 7, 8]).map((id) => `${id}.json`));
    expect(JSON.parse(readFileSync(reportFile, 'utf8'))).toEqual(report);

    const catalogDir = temp.make('kb-sync-import-');
    await run(
      process.execPath,
      [
        '--import',
        'tsx',
        'scripts/kb-import.ts',
        '--catalog',
        join(out, 'catalog.jsonl'),
        '--details',
        join(out, 'details'),
        '--out',
        catalogDir,
      ],
      { cwd: ROOT },
    );
    const catalogue = loadCatalogue({ knowledgeDir: temp.make('kb-sync-empty-kb-'), catalogDir });
    expect(catalogue.procedures).toHaveLength(8);
    const third = catalogue.byId.get(fakeId(3));
    // Facts from the detail reached the imported procedure: fee per method, time, documents, online link.
    expect(third?.submissionMethods.map((m) => [m.method, m.fees[0]?.amountVnd, m.processingTime?.value])).toEqual([
      ['direct', 30000, 8],
      ['online', 15000, 8],
    ]);
    expect(third?.documents.map((d) => d.name)).toEqual(['Tờ khai theo mẫu', 'Bản sao giấy tờ tùy thân']);
    expect(third?.links).toEqual(portalLinks(fakeId(3), true));
  });

  it('recovers from a timeout, a 500, malformed JSON and a dropped connection', async () => {
    portal.inject({ endpoint: 'list', failure: { kind: 'timeout' }, times: 1 });
    portal.inject({
      endpoint: 'list',
      match: (b) => b.lastId === fakeId(3),
      failure: { kind: 'status', status: 500 },
      times: 1,
    });
    portal.inject({ endpoint: 'list', match: (b) => b.lastId === fakeId(6), failure: { kind: 'malformed' }, times: 2 });
    portal.inject({ endpoint: 'detail', match: (b) => b.id === fakeId(2), failure: { kind: 'reset' }, times: 1 });
    portal.inject({
      endpoint: 'detail',
      match: (b) => b.id === fakeId(5),
      failure: { kind: 'status', status: 503 },
      times: 2,
    });

    const { promise, retries } = sync();
    const { report } = await promise;
    expect(report).toMatchObject({ complete: true, listRecords: 8, detailsFetched: 8, detailErrors: [] });
    expect(catalogIds()).toEqual(ids([1, 2, 3, 4, 5, 6, 7, 8]));
    expect(detailFiles()).toHaveLength(8);
    expect(portal.requests.filter((r) => r.failed).map((r) => r.failed)).toEqual([
      'timeout',
      'status',
      'malformed',
      'malformed',
      'reset',
      'status',
      'status',
    ]);
    expect(retries).toHaveLength(7);
    expect(retries).toContain('hết thời gian chờ');
    expect(retries).toContain('cổng trả JSON không hợp lệ');
  });

  it('gives up after the attempt limit and resumes the list where it stopped', async () => {
    portal.inject({
      endpoint: 'list',
      match: (b) => b.lastId === fakeId(3),
      failure: { kind: 'status', status: 502 },
      times: Infinity,
    });
    await expect(sync().promise).rejects.toBeInstanceOf(PortalError);
    expect(existsSync(join(out, 'catalog.jsonl'))).toBe(false);

    portal.clearFailures();
    portal.resetLog();
    const { report } = await sync().promise;
    // Page 1 is not asked again: the run continues from the saved cursor.
    expect(portal.listRequests().map((r) => r.body.lastId)).toEqual([fakeId(3), fakeId(6)]);
    expect(report).toMatchObject({ complete: true, listRecords: 8, detailsFetched: 8 });
    expect(catalogIds()).toEqual(ids([1, 2, 3, 4, 5, 6, 7, 8]));
  });

  it('resumes an interrupted detail phase without refetching finished details', async () => {
    portal.inject({
      endpoint: 'detail',
      match: (b) => b.id === fakeId(5),
      failure: { kind: 'status', status: 500 },
      times: Infinity,
    });
    await expect(sync().promise).rejects.toBeInstanceOf(PortalError);
    expect(portal.servedDetails()).toEqual(ids([1, 2, 3, 4]));

    portal.clearFailures();
    portal.resetLog();
    const { report, resumed } = await sync().promise;
    expect(resumed).toBe(true);
    expect(portal.listRequests()).toHaveLength(0);
    expect(portal.servedDetails()).toEqual(ids([5, 6, 7, 8]));
    expect(report).toMatchObject({ complete: true, listRecords: 8 });
    expect(report.added).toHaveLength(8);
    expect(detailFiles()).toHaveLength(8);
  });

  it('stops on Ctrl+C (abort) after saving progress, and the rerun finishes the rest', async () => {
    const controller = new AbortController();
    let ticks = 0;
    const progress = (label: string) => ({
      tick: () => {
        if (label.startsWith('Chi tiết') && ++ticks === 3) controller.abort();
      },
      done: () => {},
    });
    await expect(sync({ signal: controller.signal, progress }).promise).rejects.toBeInstanceOf(SyncInterrupted);
    expect(portal.servedDetails()).toEqual(ids([1, 2, 3]));
    portal.resetLog();
    await sync().promise;
    expect(portal.servedDetails()).toEqual(ids([4, 5, 6, 7, 8]));
  });

  it('a --limit trial run declares no withdrawals, and the next full run reuses its details', async () => {
    await sync().promise;
    portal.records = portal.records.filter((r) => r.list.id !== fakeId(2));
    portal.resetLog();
    const limited = await sync({ limit: 4 }).promise;
    expect(limited.report).toMatchObject({ complete: false, stoppedBy: 'limit', listRecords: 4, withdrawn: [] });
    // The catalogue still holds every known record after a partial run.
    expect(catalogIds()).toHaveLength(8);

    rmSync(out, { recursive: true });
    out = temp.make('kb-sync-limit-');
    portal.records = makePortalRecords();
    portal.resetLog();
    await sync({ limit: 4 }).promise;
    expect(portal.servedDetails()).toEqual(ids([1, 2, 3, 4]));
    portal.resetLog();
    const full = await sync().promise;
    expect(portal.servedDetails()).toEqual(ids([5, 6, 7, 8]));
    expect(full.report.added.map((a) => a.id)).toEqual(ids([5, 6, 7, 8]));
  });

  it('reports exactly the changed record (with fields) and the withdrawn one, refetching only that detail', async () => {
    const knowledgeDir = temp.make('kb-sync-kb-');
    mkdirSync(join(knowledgeDir, 'procedures'));
    const curated = [2, 7, 8].map((n) => {
      const { list } = portal.records[n - 1] ?? { list: { id: '', code: '', name: '' } };
      return {
        id: list.id,
        code: list.code,
        name: list.name,
        type: 'national',
        links: portalLinks(list.id, false),
        source: { url: portalLinks(list.id, false).procedure, checkedAt: '2026-07-20' },
      };
    });
    writeFileSync(join(knowledgeDir, 'procedures', 'curated.json'), JSON.stringify(curated));
    await sync({ knowledgeDir }).promise;

    const second = portal.records[1];
    if (!second) throw new Error('fixture has no second record');
    second.list.departments = ['Ủy ban nhân dân phường'];
    const methods = second.detail.executionMethods as { fees: { value: number }[] }[];
    (methods[0]?.fees[0] as { value: number }).value = 99000;
    portal.records = portal.records.filter((r) => r.list.id !== fakeId(7));
    portal.resetLog();

    const { report } = await sync({ knowledgeDir }).promise;
    expect(portal.servedDetails()).toEqual([fakeId(2)]);
    expect(report.added).toEqual([]);
    expect(report.changed).toEqual([expect.objectContaining({ id: fakeId(2), fields: ['departments', 'fees'] })]);
    expect(report.withdrawn.map((w) => w.id)).toEqual([fakeId(7)]);
    expect(report.curated.map((c) => [c.id, c.status])).toEqual([
      [fakeId(2), 'changed'],
      [fakeId(7), 'withdrawn'],
    ]);
    expect(catalogIds()).not.toContain(fakeId(7));
    expect(existsSync(join(out, 'details', `${fakeId(7)}.json`))).toBe(false);
    expect(existsSync(join(out, 'withdrawn', `${fakeId(7)}.json`))).toBe(true);
  });

  it('flags a curated entry whose code now belongs to another UUID', async () => {
    const knowledgeDir = temp.make('kb-sync-kb-');
    mkdirSync(join(knowledgeDir, 'procedures'));
    const old = portal.records[3]?.list;
    if (!old) throw new Error('fixture has no fourth record');
    writeFileSync(
      join(knowledgeDir, 'procedures', 'curated.json'),
      JSON.stringify({
        id: old.id,
        code: old.code,
        name: old.name,
        type: 'national',
        links: portalLinks(old.id, false),
        source: { url: portalLinks(old.id, false).procedure, checkedAt: '2026-07-20' },
      }),
    );
    await sync({ knowledgeDir }).promise;
    const replacement = makePortalRecords()[3];
    if (!replacement) throw new Error('fixture has no fourth record');
    replacement.list.id = fakeId(44);
    replacement.detail.id = fakeId(44);
    portal.records = portal.records.map((r) => (r.list.id === old.id ? replacement : r));
    const { report } = await sync({ knowledgeDir }).promise;
    expect(report.withdrawn.map((w) => w.id)).toEqual([old.id]);
    expect(report.added.map((a) => a.id)).toEqual([fakeId(44)]);
    expect(report.curated).toEqual([
      expect.objectContaining({ id: old.id, status: 'withdrawn' }),
      expect.objectContaining({ id: old.id, status: 'replaced', replacedBy: [fakeId(44)] }),
    ]);
  });

  it('kb:check can cross-check curated entries against a fresh sync output', async () => {
    await sync().promise;
    const knowledgeDir = temp.make('kb-sync-kb-');
    mkdirSync(join(knowledgeDir, 'procedures'));
    const third = portal.records[2]?.list;
    if (!third) throw new Error('fixture has no third record');
    const methods = [
      { method: 'direct', processingTime: { value: 8, unit: 'working_day' }, fees: [{ amountVnd: 30000 }] },
      { method: 'online', processingTime: { value: 8, unit: 'working_day' }, fees: [{ amountVnd: 12000 }] },
    ];
    writeFileSync(
      join(knowledgeDir, 'procedures', 'curated.json'),
      JSON.stringify({
        id: third.id,
        code: third.code,
        name: third.name,
        type: 'national',
        submissionMethods: methods,
        links: portalLinks(third.id, true),
        source: { url: portalLinks(third.id, false).procedure, checkedAt: '2026-07-20' },
      }),
    );
    const report = checkKnowledge({ knowledgeDir, datasetsDir: out });
    expect(report.portal).toMatchObject({ compared: 1, detailsCompared: 1 });
    expect(report.errors.map((e) => [e.field, e.ours, e.portal])).toEqual([
      ['submissionMethods.online.fees', '12000', '15000'],
    ]);
  });

  it('--since skips details whose known update is older than the date', async () => {
    await sync().promise;
    // Without its state file every detail looks due; the stored details still tell when each was updated.
    rmSync(join(out, 'sync-state.json'));
    portal.resetLog();
    const day4 = makePortalRecords()[3]?.detail.updatedAt as number;
    const { report } = await sync({ since: new Date(day4 + 1) }).promise;
    expect(portal.servedDetails()).toEqual(ids([5, 6, 7, 8]));
    expect(report).toMatchObject({ detailsFetched: 4, detailsSkippedBySince: 4, added: [], changed: [] });
  });

  it('stops paging when the portal repeats a page, and then declares no withdrawals', async () => {
    await sync().promise;
    portal.inject({ endpoint: 'list', failure: { kind: 'repeat' }, times: Infinity });
    portal.resetLog();
    const { report } = await sync().promise;
    expect(report).toMatchObject({ complete: false, stoppedBy: 'repeat', listRecords: 3, withdrawn: [] });
    expect(report.warnings.join('\n')).toMatch(/lặp/);
    expect(portal.listRequests()).toHaveLength(2);
    expect(catalogIds()).toHaveLength(8);
  });
});
