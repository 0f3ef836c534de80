// `npm run kb:check [-- --kb <dir>] [--catalog <dir>] [--datasets <dir>] [--no-portal]`: validates the knowledge
// base (schema, links, UUIDs, related entries, aliases) and cross-checks curated entries against the portal's
// records. Prints every problem with file, entry and field; exits 1 when there are errors (warnings do not fail).
import { pathToFileURL } from 'node:url';
import { ConfigError, loadConfig } from '../src/config/config.ts';
import {
  type CheckIssue,
  type CheckReport,
  checkKnowledge,
  DEVIATIONS_FILE,
  formatIssue,
} from '../src/knowledge/check.ts';
import { parseOptions, type Streams, usageExitCode } from './lib/cli.ts';

const USAGE = `Cách dùng: npm run kb:check -- [--kb <thư mục>] [--catalog <thư mục>] [--datasets <thư mục>] [--no-portal]

  --kb <thư mục>        kho tri thức có procedures/*.json (mặc định KNOWLEDGE_DIR hoặc ./knowledge)
  --catalog <thư mục>   danh mục đã nhập (procedures.jsonl) mà "related" được phép trỏ tới (mặc định CATALOG_DIR)
  --datasets <thư mục>  dữ liệu của cổng để đối chiếu: ../shared/datasets, một thư mục crawl/ hoặc thư mục --out
                        của kb:sync (mặc định ../shared/datasets nếu có)
  --no-portal           không đối chiếu với dữ liệu của cổng
`;

const MAX_SHOWN_WARNINGS = 200;

function section(title: string, issues: CheckIssue[], limit = Number.POSITIVE_INFINITY): string[] {
  if (issues.length === 0) return [];
  const shown = issues.slice(0, limit).map((issue) => `  - ${formatIssue(issue)}`);
  const rest = issues.length > limit ? [`  … và ${issues.length - limit} mục khác`] : [];
  return [`${title} (${issues.length}):`, ...shown, ...rest];
}

export function formatReport(report: CheckReport): string {
  const portal =
    'skipped' in report.portal
      ? `Đối chiếu với cổng: bỏ qua (${report.portal.skipped})`
      : `Đối chiếu với cổng (${report.portal.source}, ${report.portal.catalogRecords} bản ghi): ${report.portal.compared} thủ tục so với danh mục, ${report.portal.detailsCompared} so cả phí và thời hạn`;
  const verdict =
    report.errors.length === 0
      ? `Kho tri thức hợp lệ: ${report.entries} thủ tục, ${report.warnings.length} cảnh báo.`
      : `Kho tri thức có ${report.errors.length} lỗi và ${report.warnings.length} cảnh báo (${report.entries} thủ tục hợp lệ về cấu trúc).`;
  const hint = report.errors.some((e) => e.portal !== undefined)
    ? [
        `Nếu giá trị của kho đúng mà cổng sai, ghi ngoại lệ đã kiểm tra vào <kho>/${DEVIATIONS_FILE}:`,
        '  [{ "id": "<UUID>", "field": "<trường như trên>", "portal": "<giá trị sau cổng:>", "reason": "<vì sao, nguồn>" }]',
      ]
    : [];
  return `${[
    ...section('LỖI', report.errors),
    ...hint,
    ...section('Cảnh báo', report.warnings, MAX_SHOWN_WARNINGS),
    portal,
    verdict,
  ].join('\n')}\n`;
}

/** Returns the exit code: 0 clean (warnings allowed), 1 errors, 2 bad usage or configuration. */
export function main(argv: string[], streams: Streams = process): number {
  try {
    const values = parseOptions(argv, {
      kb: { type: 'string' },
      catalog: { type: 'string' },
      datasets: { type: 'string' },
      'no-portal': { type: 'boolean' },
    });
    const defaults = loadConfig();
    const report = checkKnowledge({
      knowledgeDir: values.kb ?? defaults.knowledgeDir,
      catalogDir: values.catalog ?? defaults.catalogDir,
      datasetsDir: values['no-portal'] ? null : values.datasets,
    });
    (report.errors.length > 0 ? streams.stderr : streams.stdout).write(formatReport(report));
    return report.errors.length > 0 ? 1 : 0;
  } catch (error) {
    const usage = usageExitCode(error, USAGE, streams);
    if (usage !== undefined) return usage;
    if (!(error instanceof ConfigError)) throw error;
    streams.stderr.write(`${error.message}\n`);
    return 2;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = main(process.argv.slice(2));
}
