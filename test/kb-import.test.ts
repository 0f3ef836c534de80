// The portal importer (npm run kb:import): what a maintainer sees in the output catalogue and the summary,
// on hand-made fixtures (test/fixtures/portal) and, when present, on the real crawl in ../shared/datasets.
import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../scripts/kb-import.ts';
import { createProgress } from '../scripts/lib/progress.ts';
import { loadCatalogue } from '../src/knowledge/loader.ts';
import { mapPortalRecord, PortalImport } from '../src/knowledge/portal-import.ts';
import type { Procedure } from '../src/knowledge/schema.ts';
import { captureStreams } from './helpers/cli-streams.ts';
import {
  BEES,
  CATALOG,
  DETAILS,
  FESTIVAL,
  FOREST_LANG_SON,
  FOREST_THANH_HOA,
  ROOT,
} from './helpers/portal-fixtures.ts';
import { tempDirs } from './helpers/temp-dirs.ts';

const REAL_CRAWL = join(ROOT, '../shared/datasets/opengov-dvc-catalog-2026/crawl');

const temp = tempDirs('kb-import-');
afterAll(temp.removeAll);

function readReport(dir: string) {
  return JSON.parse(readFileSync(join(dir, 'import-report.json'), 'utf8'));
}

function load(dir: string) {
  return loadCatalogue({ knowledgeDir: temp.make(), catalogDir: dir });
}

describe('kb:import on hand-made portal fixtures', () => {
  const out = temp.make();
  let run: SpawnSyncReturns<string>;
  beforeAll(() => {
    // Run exactly as a maintainer does, as a separate process.
    run = spawnSync(
      join(ROOT, 'node_modules/.bin/tsx'),
      ['scripts/kb-import.ts', '--catalog', CATALOG, '--details', DETAILS, '--out', out],
      { cwd: ROOT, encoding: 'utf8' },
    );
  });

  it('succeeds and writes a catalogue that loadCatalogue accepts', () => {
    expect(run.stderr).not.toMatch(/Error|at .*\.ts:/);
    expect(run.status).toBe(0);
    const catalogue = load(out);
    expect([...catalogue.byId.keys()].sort()).toEqual([BEES, FOREST_THANH_HOA, FOREST_LANG_SON, FESTIVAL].sort());
    expect(readdirSync(out).sort()).toEqual(['import-report.json', 'procedures.jsonl']);
  });

  it('prints a summary with every count and where the problems are', () => {
    const summary = run.stdout;
    expect(summary).toMatch(/Dòng danh mục đã đọc:\s+7\n/);
    expect(summary).toMatch(/Tệp chi tiết đã đọc:\s+2\n/);
    expect(summary).toMatch(/Đã nhập:\s+4 → .*procedures\.jsonl/);
    expect(summary).toMatch(/Có ghép chi tiết:\s+1\n/);
    expect(summary).toMatch(/Chỉ có chi tiết \(nhập riêng\): 1\n/);
    expect(summary).toMatch(/Bị loại:\s+2\n/);
    expect(summary).toMatch(/Dòng hỏng \(JSON lỗi\):\s+1 \(dòng 6\)/);
    expect(summary).toMatch(/Trùng UUID \(giữ bản đầu\):\s+1\n/);
    expect(summary).toContain(`${BEES}: dòng 4 trùng dòng 1`);
    expect(summary).toMatch(/phải là UUID.*dòng 8/);
    expect(summary).toMatch(/danh mục: code: .*dòng 7/);
  });

  it('writes the same facts to import-report.json', () => {
    const report = readReport(out);
    expect(report.counts).toEqual({
      linesRead: 7,
      detailFilesRead: 2,
      imported: 4,
      mergedWithDetails: 1,
      detailsOnly: 1,
      rejected: 2,
      malformedLines: 1,
      duplicates: 1,
      detailsIgnored: 0,
    });
    expect(report.malformedLines).toEqual([6]);
    expect(report.duplicates).toEqual([{ id: BEES, kept: 'dòng 1', dropped: 'dòng 4' }]);
    expect(report.rejected.map((group: { first: string[] }) => group.first).sort()).toEqual([['dòng 7'], ['dòng 8']]);
    expect(report.inputs).toEqual({ catalog: CATALOG, details: DETAILS, pageTexts: null, formerNames: null });
  });

  describe('the merged record (list line 1 + its detail file)', () => {
    const bees = (): Procedure => load(out).byId.get(BEES) as Procedure;

    it('cleans identity: NFC name without stray whitespace, trimmed code, first copy of the UUID kept', () => {
      const p = bees();
      expect(p.name).toBe('Thủ tục đăng ký hoạt động nuôi ong mật');
      expect(p.name).toBe(p.name.normalize('NFC'));
      expect(p.code).toBe('1.999001');
      expect(p.type).toBe('national');
    });

    it('takes agency, field, target groups from the list and the levels from the detail', () => {
      const p = bees();
      expect(p.implementingAgencies).toEqual(['Ủy ban nhân dân cấp xã']);
      expect(p.fields).toEqual(['Chăn nuôi']);
      expect(p.promulgatingAgency).toBe('Bộ Nông nghiệp và Môi trường');
      expect(p.targetGroups).toEqual(['Công dân Việt Nam', 'Hộ kinh doanh']);
      expect(p.levels).toEqual(['tinh', 'xa']);
    });

    it('keeps the portal steps, dropping empty ones', () => {
      expect(bees().steps).toEqual([
        {
          title: 'Bước 1:',
          description:
            'Người nuôi ong điền tờ khai và gửi hồ sơ tới bộ phận một cửa của xã.\n\nCó thể gửi qua mạng hoặc qua bưu điện.',
        },
        { description: 'Bước 2: Xã xem xét hồ sơ và trả kết quả' },
      ]);
    });

    it('lists documents per case with originals and copies', () => {
      expect(bees().documents).toEqual([
        { name: 'Tờ khai đăng ký nuôi ong (Mẫu số 01)', originals: 1, copies: 1 },
        { name: 'Giấy ủy quyền có chứng thực', originals: 1, copies: 0, case: 'Trường hợp nộp thay' },
        { name: 'Người nộp thay mang theo thẻ căn cước để đối chiếu.', case: 'Trường hợp nộp thay' },
      ]);
    });

    it('maps submission methods, processing times and fees', () => {
      expect(bees().submissionMethods).toEqual([
        {
          method: 'online',
          processingTime: { value: 5, unit: 'working_day' },
          fees: [
            { kind: 'fee', amountVnd: 50000, note: 'Miễn cho hộ nghèo.' },
            { kind: 'fee', amountVnd: 0 },
          ],
        },
        {
          method: 'direct',
          note: 'Không quá 07 ngày làm việc\nNộp tại bộ phận một cửa của xã.',
          fees: [
            // A 0 next to a description is the portal's placeholder, not "free".
            { kind: 'fee', note: 'Mức thu do Hội đồng nhân dân tỉnh quyết định.' },
            { kind: 'price', note: 'Theo bảng giá dịch vụ của tỉnh.' },
          ],
        },
        { method: 'postal', processingTime: { value: 7.5, unit: 'day' }, fees: [] },
      ]);
    });

    it('carries results, conditions, legal basis, links and the source dates', () => {
      const p = bees();
      expect(p.results).toEqual(['Giấy xác nhận đăng ký nuôi ong']);
      expect(p.conditions).toBe('Có địa điểm đặt thùng ong cách khu dân cư tối thiểu 100 mét.');
      expect(p.legalBasis).toEqual([
        { code: '99/2099/TT-TEST', name: 'Thông tư số 99/2099/TT-TEST ngày 01/01/2099' },
        { name: 'Luật Chăn nuôi (bản thử nghiệm)' },
      ]);
      expect(p.links).toEqual({
        procedure: `https://dichvucong.gov.vn/thu-tuc-hanh-chinh/${BEES}`,
        submitOnline: `https://dichvucong.gov.vn/nop-ho-so?formalityId=${BEES}`,
      });
      expect(p.source.url).toBe(p.links.procedure);
      // 1784480400000 is 2026-07-19 17:00 UTC, already 20 July in Vietnam.
      expect(p.source.updatedAt).toBe('2026-07-20');
      expect(p.source.checkedAt).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    });
  });

  it('keeps both procedures that share a code on different UUIDs', () => {
    const catalogue = load(out);
    const forests = catalogue.procedures.filter((p) => p.code === '2.999002');
    expect(forests.map((p) => p.promulgatingAgency).sort()).toEqual(['UBND tỉnh Lạng Sơn', 'UBND tỉnh Thanh Hóa']);
    for (const p of forests) {
      expect(p.type).toBe('provincial');
      expect(p.steps).toEqual([]);
      expect(p.levels).toEqual([]);
      expect(p.links.submitOnline).toBeUndefined();
    }
  });

  it('imports a detail that has no list record on its own', () => {
    const p = load(out).byId.get(FESTIVAL) as Procedure;
    expect(p).toMatchObject({
      code: '1.999009',
      name: 'Thủ tục cấp phép tổ chức lễ hội truyền thống',
      type: 'provincial',
      levels: ['tinh'],
      fields: ['Văn hóa'],
      implementingAgencies: ['Sở Văn hóa, Thể thao và Du lịch tỉnh Lạng Sơn'],
      promulgatingAgency: 'UBND tỉnh Lạng Sơn',
      targetGroups: ['Tổ chức'],
      results: ['Văn bản cho phép tổ chức lễ hội'],
      documents: [{ name: 'Văn bản đề nghị cấp phép', originals: 1, copies: 0, case: 'Giấy tờ phải nộp' }],
    });
    expect(p.submissionMethods.map((m) => m.method)).toEqual(['direct']);
    expect(p.links.submitOnline).toBeUndefined();
    expect(p.conditions).toBeUndefined();
    expect(p.source.updatedAt).toBeUndefined();
  });
});

describe('kb:import arguments and failures', () => {
  it('prints usage and exits 2 on bad arguments', async () => {
    for (const argv of [
      [],
      ['--catalog', CATALOG],
      ['--out', temp.make()],
      ['--catalog', CATALOG, '--out', 'x', '--bogus'],
    ]) {
      const io = captureStreams();
      expect(await main(argv, io.streams)).toBe(2);
      expect(io.err()).toContain('Cách dùng: npm run kb:import -- --catalog');
    }
  });

  it('prints usage and exits 0 on --help', async () => {
    const io = captureStreams();
    expect(await main(['--help'], io.streams)).toBe(0);
    expect(io.out()).toContain('--details <thư mục>');
  });

  it('exits 1 with a clear message when the catalogue or the details folder cannot be read', async () => {
    const out = temp.make();
    const missing = captureStreams();
    expect(await main(['--catalog', join(out, 'nope.jsonl'), '--out', out], missing.streams)).toBe(1);
    expect(missing.err()).toContain('Không đọc được tệp danh mục');
    const noDetails = captureStreams();
    expect(await main(['--catalog', CATALOG, '--details', join(out, 'nope'), '--out', out], noDetails.streams)).toBe(1);
    expect(noDetails.err()).toContain('Không đọc được thư mục chi tiết');
    expect(readdirSync(out)).toEqual([]);
  });

  it('exits 1 with a clear message when the output folder cannot be written', async () => {
    const blocker = join(temp.make(), 'a-file');
    writeFileSync(blocker, '');
    const io = captureStreams();
    expect(await main(['--catalog', CATALOG, '--out', join(blocker, 'out')], io.streams)).toBe(1);
    expect(io.err()).toContain('Không ghi được vào');
  });

  it('replaces an existing catalogue in one step and leaves no temporary file', async () => {
    const out = temp.make();
    writeFileSync(join(out, 'procedures.jsonl'), 'old content\n');
    const io = captureStreams();
    expect(await main(['--catalog', CATALOG, '--out', out], io.streams)).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['import-report.json', 'procedures.jsonl']);
    expect(load(out).procedures).toHaveLength(3);
    expect(readReport(out).counts).toMatchObject({ detailFilesRead: 0, mergedWithDetails: 0, imported: 3 });
  });

  it('keeps the previous catalogue when nothing in the input is importable', async () => {
    const out = temp.make();
    const input = join(temp.make(), 'broken.jsonl');
    writeFileSync(input, 'not json\n{"id":"x"}\n');
    writeFileSync(join(out, 'procedures.jsonl'), 'previous\n');
    const io = captureStreams();
    expect(await main(['--catalog', input, '--out', out], io.streams)).toBe(1);
    expect(io.err()).toContain('Không có bản ghi hợp lệ');
    expect(readFileSync(join(out, 'procedures.jsonl'), 'utf8')).toBe('previous\n');
  });
});

describe('matching details to list records', () => {
  const listLine = (id: string, code: string) =>
    JSON.stringify({ id, name: `Thủ tục ${code}`, code, type: 'STANDARD', departments: ['Sở Tư pháp'] });
  const detailFile = (data: Record<string, unknown>) => JSON.stringify({ code: 'OK', message: 'OK', data });
  const online = { submissionMethod: 'ONLINE', processingTime: 3, processingTimeUnit: 'WORKING_DAY', fees: [] };

  it('falls back to the code when a detail carries no UUID, but only when the code is unambiguous', () => {
    const importer = new PortalImport();
    importer.addListLine(1, listLine('0190aaaa-0000-7000-8000-00000000000a', '1.111111'));
    importer.addListLine(2, listLine('0190aaaa-0000-7000-8000-00000000000b', '1.222222'));
    importer.addListLine(3, listLine('0190aaaa-0000-7000-8000-00000000000c', '1.222222'));
    importer.addDetail('a.json', detailFile({ code: '1.111111', executionMethods: [online] }));
    importer.addDetail('b.json', detailFile({ code: '1.222222', executionMethods: [online] }));
    importer.addDetail('c.json', '{"code":"OK",');
    importer.addDetail('d.json', JSON.stringify({ code: 'NOT_FOUND', message: 'không tìm thấy', data: null }));
    const { procedures, report } = importer.finish('2026-07-20');
    const online1 = procedures.filter((p) => p.links.submitOnline).map((p) => p.code);
    expect(online1).toEqual(['1.111111']);
    expect(report.counts).toMatchObject({ imported: 3, mergedWithDetails: 1, detailsIgnored: 3 });
    expect(report.detailsIgnored.flatMap((group) => group.first).sort()).toEqual(['b.json', 'c.json', 'd.json']);
  });

  it('counts a second detail for the same UUID as a duplicate and keeps the first', () => {
    const importer = new PortalImport();
    const id = '0190aaaa-0000-7000-8000-00000000000d';
    importer.addListLine(1, listLine(id, '1.333333'));
    importer.addDetail('first.json', detailFile({ id, executionMethods: [online] }));
    importer.addDetail('second.json', detailFile({ id, executionMethods: [] }));
    const { procedures, report } = importer.finish('2026-07-20');
    expect(procedures[0]?.links.submitOnline).toBeDefined();
    expect(report.duplicates).toEqual([{ id, kept: 'first.json', dropped: 'second.json' }]);
  });

  it('maps a list record alone without guessing levels or online submission', () => {
    const input = mapPortalRecord(
      {
        id: '0190aaaa-0000-7000-8000-00000000000e',
        name: 'Thủ tục nội bộ',
        code: '2.444444',
        type: 'STANDARD_INTERNAL',
        departments: ['', ' '],
      },
      undefined,
      '2026-07-20',
    );
    expect(input).toMatchObject({ type: 'internal', levels: [], implementingAgencies: [], steps: [] });
    expect(input.links).toEqual({
      procedure: 'https://dichvucong.gov.vn/thu-tuc-hanh-chinh/0190aaaa-0000-7000-8000-00000000000e',
    });
  });
});

describe('progress bar', () => {
  it('prints only a final line when stderr is not a terminal', () => {
    let written = '';
    const progress = createProgress('Danh mục', 3, { write: (s: string) => (written += s), isTTY: false });
    progress.tick();
    progress.tick(2);
    expect(written).toBe('');
    progress.done();
    progress.done();
    expect(written).toMatch(/^Danh mục █+ 100% 3\/3 \d+\.\d s\n$/);
  });

  it('redraws one line in place on a terminal', () => {
    let written = '';
    const progress = createProgress('Chi tiết', 2, { write: (s: string) => (written += s), isTTY: true, columns: 80 });
    progress.tick();
    progress.tick();
    progress.done();
    expect(written.startsWith('\r')).toBe(true);
    expect(written).toContain(' 2/2 ');
    expect(written.endsWith('\n')).toBe(true);
    expect(written.split('\n')).toHaveLength(2);
  });
});

const haveCrawl = existsSync(join(REAL_CRAWL, 'catalog.jsonl'));
if (!haveCrawl) console.warn(`kb-import: bỏ qua kiểm tra trên dữ liệu thật (không có ${REAL_CRAWL})`);

describe.skipIf(!haveCrawl)('kb:import on the real portal crawl', () => {
  it('imports the whole catalogue with details, including Thủ tục đăng ký khai sinh', async () => {
    const out = temp.make();
    mkdirSync(out, { recursive: true });
    const io = captureStreams();
    const args = [
      '--catalog',
      join(REAL_CRAWL, 'catalog.jsonl'),
      '--details',
      join(REAL_CRAWL, 'details'),
      '--out',
      out,
    ];
    expect(await main(args, io.streams)).toBe(0);

    const lines = readFileSync(join(REAL_CRAWL, 'catalog.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l.trim());
    const detailFiles = readdirSync(join(REAL_CRAWL, 'details')).filter((f) => f.endsWith('.json'));
    const { counts } = readReport(out);
    expect(counts.linesRead).toBe(lines.length);
    expect(counts.detailFilesRead).toBe(detailFiles.length);
    expect(counts.malformedLines).toBe(0);
    expect(counts.mergedWithDetails + counts.detailsOnly).toBe(detailFiles.length);
    expect(counts.imported + counts.rejected + counts.duplicates).toBe(lines.length + counts.detailsOnly);
    expect(counts.imported).toBeGreaterThan(lines.length * 0.99);

    const catalogue = load(out);
    expect(catalogue.procedures).toHaveLength(counts.imported);
    const birth = catalogue.procedures.find((p) => p.code === '1.001193');
    expect(birth?.name).toBe('Thủ tục đăng ký khai sinh');
    expect(birth?.steps.length).toBeGreaterThan(0);
    expect(birth?.documents.length).toBeGreaterThan(0);
    expect(birth?.submissionMethods.map((m) => m.method)).toContain('online');
    expect(birth?.links.submitOnline).toContain(birth?.id);
    expect(birth?.levels).toEqual(['xa']);
  });
});
