// Importing the operator's dossier records: CSV quirks, JSONL, rejected rows reported by line, upsert by code,
// personal-data columns never stored, and nothing half-imported when the file or the database fails.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseCsv } from '../src/dossier/csv.ts';
import { DossierImportError, importDossierRecords, parseDossierText, readDossierFile } from '../src/dossier/import.ts';
import { catalogueResolver } from '../src/dossier/procedure-ref.ts';
import { DossierStore } from '../src/dossier/store.ts';
import { mergeSources } from '../src/knowledge/loader.ts';
import { type Procedure, ProcedureSchema, portalLinks } from '../src/knowledge/schema.ts';
import { tempDirs } from './helpers/temp-dirs.ts';

const FIXTURES = join(import.meta.dirname, 'fixtures', 'dossiers');
const HEADER = 'code,procedure,status,received,due,returned,agency,note';

const temp = tempDirs('dossier-import-');
let dir: string;
let store: DossierStore;

beforeEach(() => {
  dir = temp.make();
  store = DossierStore.open(join(dir, 'dossiers.sqlite'));
});

afterEach(() => {
  store.close();
  temp.removeAll();
});

describe('CSV reading', () => {
  it('keeps quoted commas, doubled quotes and line breaks, and the line each row starts on', async () => {
    const rows = parseCsv('\uFEFFa,b\r\n"x, y","say ""hi"""\r\n"two\r\nlines",z\r\n\r\nlast,row');
    expect(rows).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 2, cells: ['x, y', 'say "hi"'] },
      { line: 3, cells: ['two\nlines', 'z'] },
      { line: 6, cells: ['last', 'row'] },
    ]);
  });

  it('reads semicolon-separated files as Excel writes them in Vietnamese locales', async () => {
    const parsed = parseDossierText('code;status;due\n000.00.14.H56-250310-0001;Đang xử lý;17/03/2025\n', 'csv');
    expect(parsed.rejected).toEqual([]);
    expect(parsed.records).toEqual([{ code: '000.00.14.H56-250310-0001', state: 'processing', dueOn: '2025-03-17' }]);
  });
});

describe('the CSV fixture', () => {
  it('imports the valid rows and reports every bad row with its line and reason', async () => {
    const parsed = readDossierFile(join(FIXTURES, 'records.csv'));
    expect(parsed.records.map((r) => r.code)).toEqual([
      '000.00.14.H56-250310-0001',
      '38.98.H29-250303-0012',
      '000.00.04.H40-250301-0002',
      '03706/2025/07906',
    ]);
    const reasons = new Map(parsed.rejected.map((r) => [r.line, r.reason]));
    expect([...reasons.keys()]).toEqual([7, 8, 9, 10, 11, 12, 13, 14]);
    expect(reasons.get(7)).toContain('ngày 250231 không hợp lệ');
    expect(reasons.get(8)).toContain('trạng thái "đang chờ phép màu" không nhận ra');
    expect(reasons.get(9)).toContain('ngày "31/02/2025" không hợp lệ');
    expect(reasons.get(10)).toContain('số thứ tự phải có 4 chữ số');
    expect(reasons.get(11)).toContain('ngày hẹn trả trước ngày tiếp nhận');
    expect(reasons.get(12)).toBe('mã hồ sơ trùng với dòng 2');
    expect(reasons.get(13)).toContain('ngoặc kép');
    expect(reasons.get(14)).toContain('thiếu mã hồ sơ');
    expect(parsed.ignoredColumns).toEqual(['ho_ten', 'dia_chi']);
  });

  it('stores statuses, Vietnamese and English state words, both date formats and multi-line notes', async () => {
    const report = await importDossierRecords(store, readDossierFile(join(FIXTURES, 'records.csv')));
    expect(report).toMatchObject({ inserted: 4, updated: 0, written: true });
    expect(await store.find('000.00.14.H56-250310-0001')).toEqual({
      code: '000.00.14.H56-250310-0001',
      state: 'processing',
      procedureCode: '1.001193',
      receivedOn: '2025-03-10',
      dueOn: '2025-03-17',
      agency: 'UBND xã Quảng Phú, tỉnh Thanh Hóa',
      note: 'Chờ lãnh đạo ký, dự kiến trả "đúng hẹn"',
    });
    expect(await store.find('38.98.H29-250303-0012')).toMatchObject({
      state: 'needs_supplement',
      procedureName: 'Đăng ký kết hôn',
      receivedOn: '2025-03-03',
      note: 'Thiếu bản sao giấy xác nhận tình trạng hôn nhân.\nNộp bổ sung tại bộ phận một cửa.',
    });
    expect(await store.find('000.00.04.H40-250301-0002')).toMatchObject({
      state: 'returned',
      returnedOn: '2025-03-10',
    });
    expect(await store.find('03706/2025/07906')).toMatchObject({ state: 'received', agency: 'Bảo hiểm xã hội cơ sở' });
  });

  it('never stores the personal-data columns', async () => {
    await importDossierRecords(store, readDossierFile(join(FIXTURES, 'records.csv')));
    store.close();
    const db = new Database(join(dir, 'dossiers.sqlite'), { readonly: true });
    const dump = JSON.stringify(db.prepare('SELECT * FROM dossiers').all());
    db.close();
    expect(dump).not.toContain('Nguyễn Văn An');
    expect(dump).not.toContain('Lê Lợi');
    expect(dump).not.toContain('Trần Thị Bình');
  });
});

describe('the JSONL fixture', () => {
  it('imports valid lines and reports bad JSON, non-objects and wrong types by line', async () => {
    const parsed = readDossierFile(join(FIXTURES, 'records.jsonl'));
    expect(parsed.records.map((r) => [r.code, r.state])).toEqual([
      ['000.17.22.H56-250305-0001', 'processing'],
      ['000.17.22.H56-250306-0002', 'result_ready'],
      ['000.17.22.H56-250307-0003', 'overdue'],
    ]);
    expect(parsed.records[1]).toMatchObject({
      procedureId: '019d2bfd-3fe0-70ac-b9d6-5e9e20d6eef7',
      dueOn: '2025-03-13',
    });
    const reasons = new Map(parsed.rejected.map((r) => [r.line, r.reason]));
    expect([...reasons.keys()]).toEqual([5, 6, 7, 8]);
    expect(reasons.get(5)).toBe('không phải JSON hợp lệ');
    expect(reasons.get(6)).toContain('đối tượng JSON');
    expect(reasons.get(7)).toContain('due');
    expect(reasons.get(8)).toContain('thiếu mã hồ sơ');
    expect(parsed.ignoredColumns).toEqual(['so_dien_thoai']);
  });
});

describe('upserting by code', () => {
  it('updates an existing dossier instead of adding a second one', async () => {
    const first = parseDossierText(`${HEADER}\n000.00.14.H56-250310-0001,,received,2025-03-10,2025-03-17,,,\n`, 'csv');
    expect(await importDossierRecords(store, first)).toMatchObject({ inserted: 1, updated: 0 });
    const second = parseDossierText(
      `${HEADER}\n000.00.14.h56-250310-0001,,đã có kết quả,2025-03-10,2025-03-17,,,Mời nhận kết quả\n`,
      'csv',
    );
    expect(await importDossierRecords(store, second)).toMatchObject({ inserted: 0, updated: 1 });
    expect(await store.count()).toBe(1);
    expect(await store.find('000.00.14.H56-250310-0001')).toMatchObject({
      state: 'result_ready',
      note: 'Mời nhận kết quả',
    });
  });

  it('completes a procedure code or UUID from the knowledge catalogue', async () => {
    const procedure: Procedure = ProcedureSchema.parse({
      id: '019d2bfd-3fe0-70ac-b9d6-5e9e20d6eef7',
      code: '1.001193',
      name: 'Đăng ký khai sinh',
      type: 'national',
      links: portalLinks('019d2bfd-3fe0-70ac-b9d6-5e9e20d6eef7', true),
      source: { url: 'https://dichvucong.gov.vn/', checkedAt: '2025-03-01' },
    });
    const resolve = catalogueResolver(mergeSources([procedure], []));
    const parsed = parseDossierText(
      `${HEADER}\n000.00.14.H56-250310-0001,1.001193,processing,,,,,\n000.00.14.H56-250310-0002,đăng ký khai sinh,processing,,,,,\n`,
      'csv',
      resolve,
    );
    for (const record of parsed.records) {
      expect(record).toMatchObject({
        procedureId: '019d2bfd-3fe0-70ac-b9d6-5e9e20d6eef7',
        procedureCode: '1.001193',
      });
    }
    expect(parsed.records[0]?.procedureName).toBe('Đăng ký khai sinh');
  });
});

describe('nothing half-imported', () => {
  it('refuses a file with an unclosed quote, a missing column or an unknown extension', async () => {
    expect(() => parseDossierText(`${HEADER}\n000.00.14.H56-250310-0001,"unclosed,processing\n`, 'csv')).toThrow(
      DossierImportError,
    );
    expect(() => parseDossierText('code,procedure\n000.00.14.H56-250310-0001,x\n', 'csv')).toThrow(/thiếu cột.*status/);
    expect(() => readDossierFile(join(dir, 'records.xlsx'))).toThrow(DossierImportError);
  });

  it('rolls back every row when the database fails in the middle of an import', async () => {
    await importDossierRecords(store, parseDossierText(`${HEADER}\n000.00.14.H56-250301-0001,,received,,,,,\n`, 'csv'));
    const db = new Database(join(dir, 'dossiers.sqlite'));
    db.exec(`CREATE TRIGGER fail_third BEFORE INSERT ON dossiers WHEN NEW.code = '000.00.14.H56-250310-0003'
             BEGIN SELECT RAISE(ABORT, 'disk full'); END`);
    db.close();
    const parsed = parseDossierText(
      `${HEADER}\n000.00.14.H56-250301-0001,,processing,,,,,\n000.00.14.H56-250310-0002,,received,,,,,\n000.00.14.H56-250310-0003,,received,,,,,\n`,
      'csv',
    );
    await expect(importDossierRecords(store, parsed)).rejects.toThrow(/disk full/);
    expect(await store.count()).toBe(1);
    expect((await store.find('000.00.14.H56-250301-0001'))?.state).toBe('received');
    expect(await store.find('000.00.14.H56-250310-0002')).toBeUndefined();
  });

  it('writes nothing with --strict when a row is rejected, and nothing on a dry run', async () => {
    const parsed = readDossierFile(join(FIXTURES, 'records.csv'));
    expect((await importDossierRecords(store, parsed, { strict: true })).written).toBe(false);
    expect((await importDossierRecords(store, parsed, { dryRun: true })).written).toBe(false);
    expect(await store.count()).toBe(0);
  });
});

describe('npm run dossiers:import', () => {
  const run = (args: string[], env: Record<string, string>) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'scripts/dossiers-import.ts', ...args], {
      cwd: join(import.meta.dirname, '..'),
      env: { ...process.env, LOG_LEVEL: 'silent', ...env },
      encoding: 'utf8',
    });

  it('imports into <DATA_DIR>/dossiers.sqlite, lists rejected rows and exits 2', async () => {
    const dataDir = join(dir, 'data');
    const env = { DATA_DIR: dataDir, KNOWLEDGE_DIR: join(dir, 'no-knowledge') };
    const result = run([join(FIXTURES, 'records.csv')], env);
    expect(result.stdout).toContain('dòng 7: code: ngày 250231 không hợp lệ');
    expect(result.stdout).toContain('4 mới');
    expect(result.status).toBe(2);
    const imported = DossierStore.open(join(dataDir, 'dossiers.sqlite'));
    expect(await imported.count()).toBe(4);
    imported.close();
  });

  it('exits 1 and writes nothing for a broken file', async () => {
    const broken = join(dir, 'broken.csv');
    writeFileSync(broken, `${HEADER}\n000.00.14.H56-250310-0001,"oops,processing\n`);
    const dataDir = join(dir, 'data2');
    const result = run([broken], { DATA_DIR: dataDir, KNOWLEDGE_DIR: join(dir, 'no-knowledge') });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Chưa có hồ sơ nào được ghi');
  });
});
