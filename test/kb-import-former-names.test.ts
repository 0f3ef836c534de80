// kb:import --former-names: the name a procedure had on the old portal (CSV: Tên, Link …?ma_thu_tuc=<code>) becomes
// search-only text of the records with that code when it says more than today's name; citizens who use the old
// name find the procedure, and the old name is never shown. Hand-made fixture: test/fixtures/portal/former-names.csv.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../scripts/kb-import.ts';
import { card, viewPage } from '../src/conversation/guidance.ts';
import { type Catalogue, loadCatalogue } from '../src/knowledge/loader.ts';
import { type Procedure, shownProcedure } from '../src/knowledge/schema.ts';
import { importPortalMirror } from '../src/knowledge/sources.ts';
import { buildRetrievalEngine } from '../src/retrieval/build.ts';
import { captureStreams } from './helpers/cli-streams.ts';
import { BEES, CATALOG, FIXTURES, FOREST_THANH_HOA, ROOT } from './helpers/portal-fixtures.ts';
import { importFixtures } from './helpers/portal-import-run.ts';
import { tempDirs } from './helpers/temp-dirs.ts';

const FORMER_NAMES = join(FIXTURES, 'former-names.csv');
const OLD_WORDING = 'nghề côn trùng thụ phấn';

const temp = tempDirs('kb-former-names-');
afterAll(temp.removeAll);

describe('kb:import --former-names', () => {
  const out = temp.make();
  let exitCode: number;
  let stdout: string;
  let catalogue: Catalogue;
  const record = (id: string) => catalogue.byId.get(id) as Procedure;

  beforeAll(async () => {
    ({ exitCode, stdout, catalogue } = await importFixtures(['--former-names', FORMER_NAMES], out, temp.make()));
  });

  it('says how many records gained a former name and which rows it could not use', () => {
    expect(exitCode).toBe(0);
    expect(stdout).toMatch(/Tên cũ \(former-names\.csv\): 5 dòng/);
    expect(stdout).toMatch(/thêm tên cũ để tìm kiếm cho: 1 bản ghi/);
    expect(stdout).toMatch(
      /dòng không dùng được \(bỏ qua\): 2\n\s+dòng 4: không có mã thủ tục.*\n\s+dòng 6: thiếu tên/,
    );
    const report = JSON.parse(readFileSync(join(out, 'import-report.json'), 'utf8'));
    expect(report.formerNames.counts).toEqual({
      file: 'former-names.csv',
      rowsRead: 5,
      recordsGained: 1,
      sameName: 2,
      noRecord: 1,
      malformed: 2,
    });
    expect(report.inputs.formerNames).toBe(FORMER_NAMES);
  });

  it('keeps a former name only where it says more than the name of today', () => {
    expect(record(BEES).indexExtras?.formerNames).toEqual(['Đăng ký nghề nuôi côn trùng thụ phấn lấy mật']);
    expect(record(BEES).source.formerNamesFrom).toBe('former-names.csv');
    // "Thủ tục hỗ trợ kinh phí trồng rừng gỗ lớn" is today's name with "Thủ tục" in front: nothing to add.
    expect(record(FOREST_THANH_HOA).indexExtras).toBeUndefined();
  });

  it('finds the renamed procedure by its former name, which nothing else in the catalogue says', async () => {
    const engine = buildRetrievalEngine({ knowledgeDir: join(ROOT, 'knowledge') }, { catalogue });
    const result = await engine.search(OLD_WORDING);
    expect(result.hits[0]?.id).toBe(BEES);
    expect(result.abstain).toBe(false);
    const plain = loadCatalogue({ knowledgeDir: temp.make(), catalogDir: out });
    for (const p of plain.procedures) delete p.indexExtras;
    const without = buildRetrievalEngine({ knowledgeDir: join(ROOT, 'knowledge') }, { catalogue: plain });
    // Without it the assistant can only say it found nothing sure.
    expect((await without.search(OLD_WORDING)).abstain).toBe(true);
  });

  it('never shows the former name: not on the card, the pages, nor GET /api/procedures/:id', () => {
    const bees = record(BEES);
    const shown = [
      card(bees, []),
      ...(['result', 'legal', 'conditions'] as const).map((k) => viewPage(bees, k).paragraphs),
    ]
      .flat(2)
      .map((span) => span.text)
      .join(' ');
    expect(shown).toContain('nuôi ong mật');
    expect(shown).not.toContain('côn trùng');
    expect(JSON.stringify(shownProcedure(bees))).not.toContain('côn trùng');
  });

  it('applies the same former names to an in-memory import of a raw mirror (eval --kb <mirror> --former-names)', () => {
    const mirror = temp.make();
    writeFileSync(join(mirror, 'catalog.jsonl'), readFileSync(CATALOG, 'utf8'));
    const imported = importPortalMirror(mirror, '2026-11-30', undefined, FORMER_NAMES);
    expect(imported.find((p) => p.id === BEES)?.indexExtras?.formerNames).toHaveLength(1);
  });

  it('fails clearly when the former-names file cannot be read, leaving the output alone', async () => {
    const capture = captureStreams();
    const code = await main(
      ['--catalog', CATALOG, '--former-names', join(FIXTURES, 'missing.csv'), '--out', temp.make()],
      capture.streams,
    );
    expect(code).toBe(1);
    expect(capture.err()).toMatch(/Không đọc được tệp tên cũ .*missing\.csv/);
  });
});
