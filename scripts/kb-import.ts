// `npm run kb:import -- --catalog <jsonl> [--details <dir>] [--page-texts <jsonl>] [--former-names <csv>] --out <dir>`:
// imports the portal's own catalogue (list API lines + detail API files) into `<out>/procedures.jsonl` for
// loadCatalogue, with an import report; --page-texts adds scraped page text to the matching records, and
// --former-names the names they had on the old portal, as index-only search text.
import { createReadStream, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { IMPORT_REPORT_FILE, writeCatalogue } from '../src/knowledge/catalog-writer.ts';
import { CATALOG_FILE } from '../src/knowledge/loader.ts';
import {
  type FormerNameReport,
  type ImportReport,
  type PageTextReport,
  PortalImport,
  portalDate,
  type ReasonGroup,
} from '../src/knowledge/portal-import.ts';
import { addFormerNameFile, addPageTextFile, crawlDate } from '../src/knowledge/sources.ts';
import { parseOptions, type Streams, UsageError, usageExitCode } from './lib/cli.ts';
import { createProgress, type ProgressStream } from './lib/progress.ts';

const USAGE = `Cách dùng: npm run kb:import -- --catalog <catalog.jsonl> [--details <thư mục>] [--page-texts <tệp.jsonl>] [--former-names <tệp.csv>] --out <thư mục>

  --catalog <tệp>     danh sách thủ tục của cổng, mỗi dòng một bản ghi JSON (API list-all-public-formality-by-citizen)
  --details <thư mục> (tuỳ chọn) các tệp *.json của API get-formality-by-citizen ({code, data, message})
  --page-texts <tệp>  (tuỳ chọn) văn bản trang thủ tục đã thu thập, mỗi dòng một JSON có ma_thu_tuc, ten_thu_tuc,
                      trinh_tu_thuc_hien, thanh_phan_ho_so, can_cu_phap_ly, yeu_cau_dieu_kien, ket_qua_xu_ly.
                      Được làm sạch và thêm vào bản ghi cùng mã và cùng tên, chỉ phần bản ghi còn thiếu, làm văn bản
                      để tìm kiếm (không hiển thị cho người dân)
  --former-names <tệp> (tuỳ chọn) tên cũ của thủ tục trên cổng cũ, CSV có cột Tên và Link (…?ma_thu_tuc=<mã>).
                      Tên cũ nói thêm điều tên hiện nay không có được thêm vào mọi bản ghi cùng mã, chỉ để tìm
                      kiếm (không hiển thị cho người dân)
  --out <thư mục>     nơi ghi ${CATALOG_FILE} và ${IMPORT_REPORT_FILE}
`;

/** Unreadable input or unwritable output: one clear line, exit code 1. */
class InputError extends Error {}

interface Options {
  catalog: string;
  details?: string;
  pageTexts?: string;
  formerNames?: string;
  out: string;
}

function readOptions(argv: string[]): Options {
  const values = parseOptions(argv, {
    catalog: { type: 'string' },
    details: { type: 'string' },
    'page-texts': { type: 'string' },
    'former-names': { type: 'string' },
    out: { type: 'string' },
  });
  const missing = (['catalog', 'out'] as const).filter((name) => !values[name]);
  if (missing.length > 0) throw new UsageError(`Thiếu ${missing.map((name) => `--${name}`).join(', ')}`);
  return {
    catalog: values.catalog as string,
    details: values.details,
    pageTexts: values['page-texts'],
    formerNames: values['former-names'],
    out: values.out as string,
  };
}

function requireFile(path: string, what = 'tệp danh mục'): void {
  let isFile = false;
  try {
    isFile = statSync(path).isFile();
  } catch (error) {
    throw new InputError(`Không đọc được ${what} ${path}: ${(error as Error).message}`);
  }
  if (!isFile) throw new InputError(`${path} không phải là một tệp`);
}

function readPageTexts(path: string, importer: PortalImport): void {
  try {
    addPageTextFile(importer, path);
  } catch (error) {
    throw new InputError(`Không đọc được tệp văn bản trang ${path}: ${(error as Error).message}`);
  }
}

function readFormerNames(path: string, importer: PortalImport): void {
  try {
    addFormerNameFile(importer, path);
  } catch (error) {
    throw new InputError(`Không đọc được tệp tên cũ ${path}: ${(error as Error).message}`);
  }
}

function formerNameLines(report: FormerNameReport | undefined): string[] {
  if (!report) return [];
  const c = report.counts;
  return [
    `  Tên cũ (${c.file}): ${c.rowsRead} dòng`,
    `    - thêm tên cũ để tìm kiếm cho: ${c.recordsGained} bản ghi`,
    `    - bản ghi có tên cũ không khác tên hiện nay: ${c.sameName}`,
    `    - mã không có trong danh mục: ${c.noRecord}`,
    `    - dòng không dùng được (bỏ qua): ${c.malformed}${report.malformed
      .slice(0, 5)
      .map((m) => `\n        dòng ${m.line}: ${m.reason}`)
      .join('')}`,
  ];
}

function pageTextLines(report: PageTextReport | undefined): string[] {
  if (!report) return [];
  const c = report.counts;
  return [
    `  Văn bản trang (${c.file}): ${c.linesRead} dòng`,
    `    - thêm văn bản tìm kiếm cho: ${c.enriched} bản ghi`,
    `    - cùng mã nhưng khác tên (bỏ qua): ${c.nameMismatch}${report.nameMismatches
      .slice(0, 3)
      .map((m) => `\n        ${m.code}: "${m.pageName.slice(0, 60)}" ≠ "${m.name.slice(0, 60)}"`)
      .join('')}`,
    `    - mã không có trong danh mục: ${c.noRecord}`,
    `    - bản ghi đã đủ chi tiết: ${c.nothingMissing}`,
    ...(c.duplicates > 0 ? [`    - mã lặp lại (giữ dòng đầu): ${c.duplicates}`] : []),
    `    - dòng hỏng (bỏ qua): ${c.malformed}${report.malformed
      .slice(0, 5)
      .map((m) => `\n        dòng ${m.line}: ${m.reason}`)
      .join('')}`,
  ];
}

function listDetailFiles(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((name) => name.endsWith('.json'))
      .sort();
  } catch (error) {
    throw new InputError(`Không đọc được thư mục chi tiết ${dir}: ${(error as Error).message}`);
  }
}

/** Number of lines, counted on the raw bytes, so the progress bar knows its total. */
async function countLines(path: string): Promise<number> {
  let lines = 0;
  let last = 0x0a;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    for (let i = chunk.indexOf(0x0a); i !== -1; i = chunk.indexOf(0x0a, i + 1)) lines++;
    if (chunk.length > 0) last = chunk[chunk.length - 1] ?? last;
  }
  return last === 0x0a ? lines : lines + 1;
}

async function readCatalogue(path: string, importer: PortalImport, stderr: ProgressStream): Promise<void> {
  const progress = createProgress('Danh mục ', await countLines(path), stderr);
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Number.POSITIVE_INFINITY });
  let line = 0;
  try {
    for await (const text of lines) {
      importer.addListLine(++line, text);
      progress.tick();
    }
  } catch (error) {
    throw new InputError(`Không đọc được tệp danh mục ${path}: ${(error as Error).message}`);
  } finally {
    progress.done();
  }
}

function readDetails(dir: string, importer: PortalImport, stderr: ProgressStream): void {
  const files = listDetailFiles(dir);
  const progress = createProgress('Chi tiết ', files.length, stderr);
  try {
    for (const name of files) {
      let text: string;
      try {
        text = readFileSync(join(dir, name), 'utf8');
      } catch (error) {
        throw new InputError(`Không đọc được tệp chi tiết ${join(dir, name)}: ${(error as Error).message}`);
      }
      importer.addDetail(name, text);
      progress.tick();
    }
  } finally {
    progress.done();
  }
}

function groupLines(groups: ReasonGroup[]): string[] {
  const shown = groups
    .slice(0, 10)
    .map((group) => `    - ${group.reason} (${group.count}; đầu tiên: ${group.first.join(', ')})`);
  return groups.length > 10 ? [...shown, `    - … và ${groups.length - 10} lý do khác (xem báo cáo)`] : shown;
}

export function formatSummary(report: ImportReport, seconds: number, outFile: string): string {
  const c = report.counts;
  const lines = [
    `Nhập danh mục từ cổng: xong trong ${seconds.toFixed(1)} s`,
    `  Dòng danh mục đã đọc:      ${c.linesRead}`,
    `  Tệp chi tiết đã đọc:       ${c.detailFilesRead}`,
    `  Đã nhập:                   ${c.imported} → ${outFile}`,
    `  Có ghép chi tiết:          ${c.mergedWithDetails}`,
    `  Chỉ có chi tiết (nhập riêng): ${c.detailsOnly}`,
    `  Bị loại:                   ${c.rejected}`,
    ...groupLines(report.rejected),
    `  Dòng hỏng (JSON lỗi):      ${c.malformedLines}${
      c.malformedLines > 0
        ? ` (dòng ${report.malformedLines.slice(0, 10).join(', ')}${c.malformedLines > 10 ? ', …' : ''})`
        : ''
    }`,
    `  Trùng UUID (giữ bản đầu):  ${c.duplicates}`,
    ...report.duplicates.slice(0, 5).map((d) => `    - ${d.id}: ${d.dropped} trùng ${d.kept}`),
    ...pageTextLines(report.pageTexts),
    ...formerNameLines(report.formerNames),
  ];
  if (c.detailsIgnored > 0) {
    lines.push(`  Tệp chi tiết không dùng được: ${c.detailsIgnored}`, ...groupLines(report.detailsIgnored));
  }
  return `${lines.join('\n')}\n`;
}

/** Runs the import; returns the exit code: 0 ok (even with rejected records), 1 unreadable input, unwritable
 * output or nothing importable, 2 bad arguments. */
export async function main(argv: string[], streams: Streams = process): Promise<number> {
  const started = Date.now();
  try {
    const options = readOptions(argv);
    requireFile(options.catalog);
    if (options.pageTexts) requireFile(options.pageTexts, 'tệp văn bản trang');
    if (options.formerNames) requireFile(options.formerNames, 'tệp tên cũ');
    const importer = new PortalImport();
    await readCatalogue(options.catalog, importer, streams.stderr);
    if (options.details) readDetails(options.details, importer, streams.stderr);
    if (options.pageTexts) readPageTexts(options.pageTexts, importer);
    if (options.formerNames) readFormerNames(options.formerNames, importer);
    const checkedAt = portalDate(Date.now()) as string;
    const { procedures, report } = importer.finish(checkedAt, crawlDate(options.catalog));
    const outFile = join(options.out, CATALOG_FILE);
    if (procedures.length === 0) {
      streams.stdout.write(formatSummary(report, (Date.now() - started) / 1000, outFile));
      streams.stderr.write(`Không có bản ghi hợp lệ nào: giữ nguyên ${outFile}.\n`);
      return 1;
    }
    try {
      writeCatalogue(options.out, procedures, {
        generatedAt: new Date().toISOString(),
        inputs: {
          catalog: options.catalog,
          details: options.details ?? null,
          pageTexts: options.pageTexts ?? null,
          formerNames: options.formerNames ?? null,
        },
        durationMs: Date.now() - started,
        ...report,
      });
    } catch (error) {
      throw new InputError(`Không ghi được vào ${options.out}: ${(error as Error).message}`);
    }
    streams.stdout.write(formatSummary(report, (Date.now() - started) / 1000, outFile));
    return 0;
  } catch (error) {
    const usage = usageExitCode(error, USAGE, streams);
    if (usage !== undefined) return usage;
    if (error instanceof InputError) {
      streams.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
