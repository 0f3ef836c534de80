// `npm run kb:sync -- --out <dir> [--base-url <url>] [--since <YYYY-MM-DD>] [--limit N] …`: fetches the portal's
// public catalogue (list + changed details) into <dir> for kb:import, politely and resumably, and prints a change
// report (also written to <dir>/changes-<time>.json). Ctrl+C stops after saving progress; rerun to continue.
import { pathToFileURL } from 'node:url';
import { ConfigError, loadConfig } from '../src/config/config.ts';
import { formatChangeSummary } from '../src/knowledge/change-report.ts';
import { PORTAL_BASE_URL, PortalError } from '../src/knowledge/portal-client.ts';
import { SyncInterrupted, syncPortal } from '../src/knowledge/sync.ts';
import { parseOptions, type Streams, UsageError, usageExitCode } from './lib/cli.ts';
import { createProgress } from './lib/progress.ts';

const USAGE = `Cách dùng: npm run kb:sync -- --out <thư mục> [tuỳ chọn]

  --out <thư mục>       nơi ghi catalog.jsonl, details/<UUID>.json, sync-state.json và changes-<thời điểm>.json
  --base-url <url>      địa chỉ cổng (mặc định ${PORTAL_BASE_URL})
  --since <YYYY-MM-DD>  không tải chi tiết của thủ tục có lần cập nhật đã biết trước ngày này
  --limit <N>           dừng sau N thủ tục trong danh sách (chạy thử; không xét thủ tục bị bãi bỏ)
  --all-details         tải lại mọi chi tiết, kể cả khi danh sách không đổi
  --page-size <N>       số thủ tục mỗi trang danh sách (mặc định 100)
  --rate <N>            số yêu cầu mỗi giây (mặc định 2)
  --timeout <giây>      thời gian chờ mỗi yêu cầu (mặc định 30)
  --attempts <N>        số lần thử mỗi yêu cầu (mặc định 5)
  --kb <thư mục>        kho tri thức để đánh dấu thủ tục biên soạn bị ảnh hưởng (mặc định KNOWLEDGE_DIR)

Sau khi đồng bộ: npm run kb:import -- --catalog <out>/catalog.jsonl --details <out>/details --out <thư mục danh mục>
`;

function positive(name: string, value: string | undefined, integer = true): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new UsageError(`--${name} phải là số ${integer ? 'nguyên ' : ''}dương (nhận được "${value}")`);
  }
  return n;
}

function parseSince(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00+07:00` : value);
  if (Number.isNaN(date.getTime())) throw new UsageError(`--since phải là ngày dạng YYYY-MM-DD (nhận được "${value}")`);
  return date;
}

/** Runs a sync; returns the exit code (0 done, 1 portal failure, 2 usage, 130 interrupted). */
export async function main(argv: string[], streams: Streams = process, signal?: AbortSignal): Promise<number> {
  try {
    const values = parseOptions(argv, {
      out: { type: 'string' },
      'base-url': { type: 'string' },
      since: { type: 'string' },
      limit: { type: 'string' },
      'all-details': { type: 'boolean' },
      'page-size': { type: 'string' },
      rate: { type: 'string' },
      timeout: { type: 'string' },
      attempts: { type: 'string' },
      kb: { type: 'string' },
    });
    if (!values.out) throw new UsageError('Thiếu --out');
    const baseUrl = values['base-url'] ?? PORTAL_BASE_URL;
    if (!URL.canParse(baseUrl)) throw new UsageError(`--base-url không phải là URL: ${baseUrl}`);
    const timeout = positive('timeout', values.timeout, false);
    const options = {
      outDir: values.out,
      baseUrl,
      since: parseSince(values.since),
      limit: positive('limit', values.limit),
      pageSize: positive('page-size', values['page-size']),
      allDetails: values['all-details'] ?? false,
      knowledgeDir: values.kb ?? loadConfig().knowledgeDir,
      client: {
        requestsPerSecond: positive('rate', values.rate, false),
        timeoutMs: timeout === undefined ? undefined : timeout * 1000,
        maxAttempts: positive('attempts', values.attempts),
        onRetry: (info: { endpoint: string; attempt: number; reason: string; delayMs: number }) =>
          streams.stderr.write(
            `\n  thử lại ${info.endpoint.split('/').at(-1)} sau ${(info.delayMs / 1000).toFixed(1)} s (lần ${info.attempt}: ${info.reason})\n`,
          ),
      },
      signal,
      progress: (label: string, total: number) => createProgress(label, total, streams.stderr),
      onWarning: (message: string) => streams.stderr.write(`\n  cảnh báo: ${message}\n`),
    };
    const { report, reportFile } = await syncPortal(options);
    streams.stdout.write(formatChangeSummary(report, reportFile));
    return 0;
  } catch (error) {
    const usage = usageExitCode(error, USAGE, streams);
    if (usage !== undefined) return usage;
    if (error instanceof ConfigError) {
      streams.stderr.write(`${error.message}\n`);
      return 2;
    }
    if (error instanceof SyncInterrupted) {
      streams.stderr.write(`\n${error.message}\n`);
      return 130;
    }
    if (error instanceof PortalError) {
      streams.stderr.write(`\nĐồng bộ dừng: ${error.message}. Tiến độ đã được lưu; chạy lại lệnh để tiếp tục.\n`);
      return 1;
    }
    throw error;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const controller = new AbortController();
  process.once('SIGINT', () => {
    process.stderr.write('\nĐang dừng sau khi lưu tiến độ… (Ctrl+C lần nữa để thoát ngay)\n');
    controller.abort();
    process.once('SIGINT', () => process.exit(130));
  });
  process.exitCode = await main(process.argv.slice(2), process, controller.signal);
}
