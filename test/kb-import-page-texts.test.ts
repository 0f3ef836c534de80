// kb:import --page-texts: scraped portal page text becomes index-only search text of the matching imported records
// (same code and name), cleaned of page boilerplate; it is found by search and never shown on cards. Hand-made
// fixtures in test/fixtures/portal (page-texts.jsonl is invented text in the scrape's shape).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../scripts/kb-import.ts';
import { card, documentsView, stepView, viewPage } from '../src/conversation/guidance.ts';
import { type Catalogue, loadCatalogue } from '../src/knowledge/loader.ts';
import { pageDocuments, pageLegalBasis, pageResults, splitGluedWords } from '../src/knowledge/page-text.ts';
import { PortalImport } from '../src/knowledge/portal-import.ts';
import type { Procedure } from '../src/knowledge/schema.ts';
import { importPortalMirror } from '../src/knowledge/sources.ts';
import { buildRetrievalEngine } from '../src/retrieval/build.ts';
import { LexicalIndex } from '../src/retrieval/lexical-index.ts';
import { captureStreams } from './helpers/cli-streams.ts';
import {
  BEES,
  CATALOG,
  FESTIVAL,
  FIXTURES,
  FOREST_LANG_SON,
  FOREST_THANH_HOA,
  ROOT,
} from './helpers/portal-fixtures.ts';
import { importFixtures } from './helpers/portal-import-run.ts';
import { catalogueOf, procedure } from './helpers/procedures.ts';
import { tempDirs } from './helpers/temp-dirs.ts';

const PAGE_TEXTS = join(FIXTURES, 'page-texts.jsonl');

const temp = tempDirs('kb-page-texts-');
afterAll(temp.removeAll);

describe('kb:import --page-texts', () => {
  const out = temp.make();
  let exitCode: number;
  let stdout: string;
  let catalogue: Catalogue;
  const record = (id: string) => catalogue.byId.get(id) as Procedure;

  beforeAll(async () => {
    ({ exitCode, stdout, catalogue } = await importFixtures(['--page-texts', PAGE_TEXTS], out, temp.make()));
  });

  it('imports everything despite malformed page-text lines, and says which lines it skipped and why', () => {
    expect(exitCode).toBe(0);
    expect(catalogue.procedures).toHaveLength(4);
    expect(stdout).toMatch(/Văn bản trang \(page-texts\.jsonl\): 6 dòng/);
    expect(stdout).toMatch(/thêm văn bản tìm kiếm cho: 2 bản ghi/);
    expect(stdout).toMatch(/dòng hỏng \(bỏ qua\): 2\n\s+dòng 5: JSON không hợp lệ\n\s+dòng 6: ma_thu_tuc: /);
    const report = JSON.parse(readFileSync(join(out, 'import-report.json'), 'utf8'));
    expect(report.pageTexts.counts).toEqual({
      file: 'page-texts.jsonl',
      linesRead: 6,
      enriched: 2,
      nameMismatch: 1,
      noRecord: 1,
      nothingMissing: 1,
      duplicates: 0,
      malformed: 2,
    });
    expect(report.inputs.pageTexts).toBe(PAGE_TEXTS);
  });

  it('gives every record with the code and name the cleaned text, without page boilerplate or table headers', () => {
    for (const id of [FOREST_THANH_HOA, FOREST_LANG_SON]) {
      const extras = record(id).indexExtras;
      expect(extras?.results).toEqual(['Quyết định phê duyệt hỗ trợ trồng rừng', 'Văn bản từ chối hỗ trợ']);
      expect(extras?.documents).toEqual(['Đơn đề nghị hỗ trợ trồng rừng', 'Sơ đồ lô rừng vẽ tay']);
      expect(extras?.legalBasis).toEqual([
        'Luật Thử nghiệm Rừng trồng năm 2099 99/2099/QH99',
        'Nghị định hướng dẫn chính sách rừng gỗ lớn 98/2099/NĐ-CP',
      ]);
      expect(extras?.conditions).toBe('Lô rừng rộng từ một héc-ta trở lên');
      const all = JSON.stringify(extras);
      for (const boilerplate of ['Không có thông tin', 'Chọn', 'Mã:', 'KQ.G99', 'Tên giấy tờ', 'bản chính', '.docx'])
        expect(all).not.toContain(boilerplate);
      expect(record(id).source.indexTextFrom).toEqual({
        file: 'page-texts.jsonl',
        url: `https://dichvucong.gov.vn/thu-tuc-hanh-chinh/${FOREST_THANH_HOA}`,
      });
    }
  });

  it('leaves a record alone when the page with its code names another procedure', () => {
    expect(record(FESTIVAL).indexExtras).toBeUndefined();
    expect(record(FESTIVAL).source.indexTextFrom).toBeUndefined();
    expect(stdout).toMatch(/cùng mã nhưng khác tên \(bỏ qua\): 1\n\s+1\.999009: "Cấp phép khai thác cát sỏi/);
  });

  it('keeps the portal API details of a record that has them, and adds nothing it already has', () => {
    const bees = record(BEES);
    expect(bees.indexExtras).toBeUndefined();
    expect(bees.steps[0]?.description).toMatch(/^Người nuôi ong điền tờ khai/);
    expect(JSON.stringify(bees)).not.toContain('sáp ong');
  });

  it('finds a thin record by words that only its page text holds', async () => {
    const engine = buildRetrievalEngine({ knowledgeDir: join(ROOT, 'knowledge') }, { catalogue });
    const result = await engine.search('cây keo lai giâm hom');
    expect(result.hits[0]?.id).toBeDefined();
    expect([FOREST_THANH_HOA, FOREST_LANG_SON]).toContain(result.hits[0]?.id);
    // Without the page text, nothing in the catalogue mentions those words.
    const plain = loadCatalogue({ knowledgeDir: temp.make(), catalogDir: out });
    for (const p of plain.procedures) delete p.indexExtras;
    const without = buildRetrievalEngine({ knowledgeDir: join(ROOT, 'knowledge') }, { catalogue: plain });
    expect((await without.search('cây keo lai giâm hom')).hits).toEqual([]);
  });

  it('never shows the page text to citizens: card, steps, documents, results, legal basis, conditions', () => {
    const forest = record(FOREST_THANH_HOA);
    const shown = [
      card(forest, []),
      stepView(forest, 0, 0).paragraphs,
      documentsView(forest, 0).paragraphs,
      ...(['result', 'legal', 'conditions'] as const).map((kind) => viewPage(forest, kind).paragraphs),
    ]
      .flat(2)
      .map((span) => span.text)
      .join(' ');
    expect(shown).toContain('hỗ trợ kinh phí trồng rừng gỗ lớn');
    for (const pageOnly of ['keo lai', 'Quyết định phê duyệt', 'Sơ đồ lô rừng', 'Thử nghiệm Rừng trồng', 'héc-ta'])
      expect(shown).not.toContain(pageOnly);
  });

  it('fails clearly when the page-text file cannot be read, leaving the output alone', async () => {
    const capture = captureStreams();
    const code = await main(
      ['--catalog', CATALOG, '--page-texts', join(FIXTURES, 'missing.jsonl'), '--out', temp.make()],
      capture.streams,
    );
    expect(code).toBe(1);
    expect(capture.err()).toMatch(/Không đọc được tệp văn bản trang .*missing\.jsonl/);
  });
});

describe('page-text cleaning and matching', () => {
  it('splits glued words but keeps mixed-case names whole', () => {
    expect(splitGluedWords('bản chínhQuyết định')).toBe('bản chính Quyết định');
    expect(splitGluedWords('16/2017/QH14Luật TT-BCAThông tư')).toBe('16/2017/QH14 Luật TT-BCA Thông tư');
    expect(splitGluedWords('tài khoản VNeID trên iPhone')).toBe('tài khoản VNeID trên iPhone');
    expect(splitGluedWords('Quyết định 12/2020/QĐ-TTg')).toBe('Quyết định 12/2020/QĐ-TTg');
  });

  it('reads result names, document names and legal titles out of flattened tables', () => {
    expect(pageResults('Giấy phép AMã: 000.00.00.G04-KQ12Giấy phép BMã: 7Từ khóaTrồng rừngMô tảdài')).toEqual([
      'Giấy phép A',
      'Giấy phép B',
      'Trồng rừng',
    ]);
    expect(pageDocuments('Tờ khai0 bản chính,1 bản saoẢnh 4x6Anh.pdf2 bản chính')).toEqual(['Tờ khai', 'Ảnh 4x6']);
    expect(
      pageLegalBasis('Tên văn bản pháp lýMã văn bảnNghị định 01/2099/NĐ-CP01/2099/NĐ-CPLuật X02/2098/QH99'),
    ).toEqual(['Nghị định 01/2099/NĐ-CP', 'Luật X 02/2098/QH99']);
  });

  it('fills only the parts a portal detail leaves empty', () => {
    const importer = new PortalImport();
    importer.addListLine(
      1,
      JSON.stringify({ id: FOREST_THANH_HOA, code: '2.999002', name: 'Hỗ trợ trồng rừng', type: 'SPECIFIC' }),
    );
    importer.addDetail(
      'd.json',
      JSON.stringify({
        code: 'OK',
        data: { id: FOREST_THANH_HOA, executionSteps: [{ name: 'Bước 1', description: 'Nộp đơn tại Sở.' }] },
      }),
    );
    importer.addPageTextLine(
      'p.jsonl',
      1,
      JSON.stringify({
        ma_thu_tuc: '2.999002',
        ten_thu_tuc: 'Thủ tục hỗ trợ trồng rừng',
        trinh_tu_thuc_hien: 'Bước 1: Đi thực địa.',
        thanh_phan_ho_so: '--Tên giấy tờMẫu đơn, tờ khaiSố lượngĐơn đề nghị1 bản chính',
      }),
    );
    const [p] = importer.finish('2026-11-30').procedures;
    expect(p?.steps).toEqual([{ title: 'Bước 1', description: 'Nộp đơn tại Sở.' }]);
    expect(p?.indexExtras?.steps).toEqual([]);
    expect(p?.indexExtras?.documents).toEqual(['Đơn đề nghị']);
  });

  it('applies the same page texts to an in-memory import of a raw mirror (eval --kb <mirror> --page-texts)', () => {
    const mirror = temp.make();
    const catalog = readFileSync(CATALOG, 'utf8');
    writeFileSync(join(mirror, 'catalog.jsonl'), catalog);
    const imported = importPortalMirror(mirror, '2026-11-30', PAGE_TEXTS);
    expect(imported.find((p) => p.id === FOREST_LANG_SON)?.indexExtras?.results).toContain('Văn bản từ chối hỗ trợ');
  });
});

describe('searching index-only page text', () => {
  it('lets a short record whose name answers the question win over a long page that mentions every word', async () => {
    const short = procedure({ name: 'Cấp giấy phép nuôi chim yến', fields: ['Chăn nuôi'] });
    const story = Array.from(
      { length: 12 },
      (_, i) => `Bước ${i + 1}: Chủ cơ sở nuôi chim yến trong nhà phố nộp giấy phép cũ và bản đồ vùng nuôi.`,
    );
    const long = procedure({
      name: 'Cấp giấy phép môi trường',
      fields: ['Môi trường'],
      indexExtras: { steps: story, documents: ['Giấy phép nuôi chim yến đã cấp'], results: [], legalBasis: [] },
    });
    const engine = buildRetrievalEngine(
      { knowledgeDir: join(ROOT, 'knowledge') },
      { catalogue: catalogueOf([], [long, short]) },
    );
    const result = await engine.search('xin cấp giấy phép nuôi chim yến trong nhà phố');
    expect(result.hits.map((h) => h.id)).toEqual([short.id, long.id]);
  });

  it('scores a non-covering field, but its words neither count as held nor become commoner', () => {
    const specs = { name: { weight: 1, b: 0 }, page: { weight: 1, b: 0, covers: false } };
    const named = { fields: { name: { terms: ['yến'], length: 1 } } };
    const paged = { fields: { name: { terms: ['môi'], length: 1 }, page: { terms: ['yến'], length: 1 } } };
    const index = new LexicalIndex([named, paged], specs);
    expect([...(index.documentsWith('yến') ?? [])]).toEqual([0]);
    expect([...(index.documentsWith('yến', true) ?? [])]).toEqual([0, 1]);
    const scores = new Float32Array(2);
    index.accumulate(new Map([['yến', 1]]), scores);
    expect(scores[1]).toBeGreaterThan(0);
    const without = new LexicalIndex([named, { fields: { name: { terms: ['môi'], length: 1 } } }], specs);
    expect(index.idf('yến')).toBe(without.idf('yến'));
  });
});
