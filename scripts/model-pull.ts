// `npm run model:pull [-- --model <id>] [--dir <folder>]`: downloads an embedding model's files from the Hugging
// Face hub into <dir>/<model id>/ (the layout the server loads with EMBEDDING_MODEL_DIR), then checks the model
// runs. Needs internet; without it, it stops within the timeout with a clear message instead of hanging.
import { closeSync, existsSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  DEFAULT_MODEL_DIR,
  findLocalModel,
  ONNX_VARIANTS,
  REQUIRED_MODEL_FILES,
} from '../src/retrieval/dense/model-files.ts';
import { TransformersEmbedder } from '../src/retrieval/dense/transformers-embedder.ts';
import { parseOptions, type Streams, UsageError, usageExitCode } from './lib/cli.ts';
import { createProgress } from './lib/progress.ts';

const DEFAULT_MODEL = 'Xenova/multilingual-e5-small';
const DEFAULT_HOST = 'https://huggingface.co';
const DEFAULT_TIMEOUT_MS = 20_000;

const USAGE = `Cách dùng: npm run model:pull -- [--model <id>] [--dir <thư mục>] [--dtype q8|fp32]

  --model <id>        mô hình trên Hugging Face (mặc định: EMBEDDING_MODEL hoặc ${DEFAULT_MODEL})
  --dir <thư mục>     nơi lưu, thành <dir>/<id>/ (mặc định: EMBEDDING_MODEL_DIR hoặc ./${DEFAULT_MODEL_DIR})
  --dtype q8|fp32     bản ONNX: q8 = onnx/model_quantized.onnx (nhỏ, nhanh; mặc định), fp32 = onnx/model.onnx
  --host <url>        máy chủ hub hoặc bản sao (mặc định: HF_ENDPOINT hoặc ${DEFAULT_HOST})
  --revision <nhánh>  phiên bản trên hub (mặc định: main)
  --timeout-ms <ms>   chờ tối đa mỗi lần kết nối / mỗi đoạn dữ liệu (mặc định: ${DEFAULT_TIMEOUT_MS})
  --force             tải lại cả những tệp đã có
  --no-verify         không chạy thử mô hình sau khi tải
`;

/** The hub cannot be reached, answers with an error, or stops sending: one clear message, exit code 1. */
class DownloadError extends Error {}

interface Options {
  model: string;
  dir: string;
  dtype: 'q8' | 'fp32';
  host: string;
  revision: string;
  timeoutMs: number;
  force: boolean;
  verify: boolean;
}

function readOptions(argv: string[], env: Record<string, string | undefined>): Options {
  const values = parseOptions(argv, {
    model: { type: 'string' },
    dir: { type: 'string' },
    dtype: { type: 'string' },
    host: { type: 'string' },
    revision: { type: 'string' },
    'timeout-ms': { type: 'string' },
    force: { type: 'boolean' },
    'no-verify': { type: 'boolean' },
  });
  const dtype = values.dtype ?? 'q8';
  if (dtype !== 'q8' && dtype !== 'fp32') throw new UsageError(`--dtype phải là q8 hoặc fp32, không phải "${dtype}"`);
  const timeoutMs = Number(values['timeout-ms'] ?? DEFAULT_TIMEOUT_MS);
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) throw new UsageError('--timeout-ms phải là số nguyên dương');
  const model = values.model ?? env.EMBEDDING_MODEL ?? DEFAULT_MODEL;
  if (!/^[\w.-]+\/[\w.-]+$/.test(model) || model.includes('..')) {
    throw new UsageError(`--model phải có dạng <tổ chức>/<tên>, ví dụ ${DEFAULT_MODEL}`);
  }
  return {
    model,
    dir: resolve(values.dir ?? env.EMBEDDING_MODEL_DIR ?? DEFAULT_MODEL_DIR),
    dtype,
    host: (values.host ?? env.HF_ENDPOINT ?? DEFAULT_HOST).replace(/\/+$/, ''),
    revision: values.revision ?? 'main',
    timeoutMs,
    force: Boolean(values.force),
    verify: !values['no-verify'],
  };
}

function megabytes(bytes: number): string {
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

/** Why a request failed, in words a maintainer can act on. */
function describeFailure(error: unknown, host: string, timeoutMs: number): string {
  const name = (error as Error)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return `${host} không trả lời trong ${timeoutMs} ms`;
  }
  const cause = (error as { cause?: { code?: string } })?.cause;
  const code = cause?.code ?? (error as NodeJS.ErrnoException)?.code;
  return `không kết nối được tới ${host}${code ? ` (${code})` : ''}: ${(error as Error)?.message ?? String(error)}`;
}

/** Streams one file to `<dest>.part`, then renames it; aborts when the server is silent for `timeoutMs`. */
async function downloadFile(
  url: string,
  dest: string,
  options: Options,
  streams: Streams,
  label: string,
  token?: string,
) {
  const controller = new AbortController();
  let timer = setTimeout(() => controller.abort(new DOMException('timeout', 'TimeoutError')), options.timeoutMs);
  const rearm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(new DOMException('timeout', 'TimeoutError')), options.timeoutMs);
  };
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  const part = `${dest}.part`;
  try {
    let response: Response;
    try {
      response = await fetch(url, { headers, signal: controller.signal, redirect: 'follow' });
    } catch (error) {
      throw new DownloadError(describeFailure(error, options.host, options.timeoutMs));
    }
    rearm();
    if (!response.ok || !response.body) {
      throw new DownloadError(
        response.status === 404
          ? `${label}: không có trên hub (${url} trả về 404); kiểm tra --model và --dtype`
          : `${label}: ${url} trả về HTTP ${response.status}`,
      );
    }
    const total = Number(response.headers.get('content-length') ?? 0);
    const progress = createProgress(`↓ ${label}`, total, streams.stderr);
    mkdirSync(dirname(dest), { recursive: true });
    const fd = openSync(part, 'w');
    let received = 0;
    try {
      const reader = response.body.getReader();
      for (;;) {
        let chunk: ReadableStreamReadResult<Uint8Array>;
        try {
          chunk = await reader.read();
        } catch (error) {
          throw new DownloadError(`${label}: ${describeFailure(error, options.host, options.timeoutMs)}`);
        }
        if (chunk.done) break;
        rearm();
        writeSync(fd, chunk.value);
        received += chunk.value.length;
        progress.tick(chunk.value.length);
      }
    } finally {
      closeSync(fd);
      progress.done();
    }
    if (total > 0 && received !== total) {
      throw new DownloadError(`${label}: nhận ${received} byte, máy chủ báo ${total}`);
    }
    renameSync(part, dest);
    return received;
  } finally {
    clearTimeout(timer);
    rmSync(part, { force: true });
  }
}

export async function main(
  argv: string[],
  streams: Streams = { stdout: process.stdout, stderr: process.stderr },
  env: Record<string, string | undefined> = process.env,
): Promise<number> {
  try {
    const options = readOptions(argv, env);
    const modelDir = join(options.dir, options.model);
    const onnxFile = ONNX_VARIANTS.find((v) => v.dtype === options.dtype)?.file as string;
    const files = [...REQUIRED_MODEL_FILES, onnxFile];
    streams.stdout.write(`Tải ${options.model} (${options.dtype}) từ ${options.host} vào ${modelDir}\n`);
    for (const file of files) {
      const dest = join(modelDir, file);
      if (!options.force && existsSync(dest)) {
        streams.stdout.write(`  ${file}: đã có, bỏ qua\n`);
        continue;
      }
      const url = `${options.host}/${options.model}/resolve/${encodeURIComponent(options.revision)}/${file}`;
      const bytes = await downloadFile(url, dest, options, streams, file, env.HF_TOKEN);
      streams.stdout.write(`  ${file}: ${megabytes(bytes)}\n`);
    }
    if (options.verify) {
      const local = findLocalModel(options.model, [options.dir], options.dtype);
      if (!local) throw new DownloadError(`thiếu tệp trong ${modelDir} sau khi tải`);
      try {
        const embedder = await TransformersEmbedder.load(local);
        streams.stdout.write(`Đã chạy thử: vector ${embedder.dimension} chiều.\n`);
        await embedder.dispose();
      } catch (error) {
        throw new DownloadError(`mô hình đã tải nhưng không chạy được: ${(error as Error).message}`);
      }
    }
    const envLine =
      options.model === DEFAULT_MODEL
        ? `EMBEDDING_MODEL_DIR=${options.dir}`
        : `EMBEDDING_MODEL=${options.model} EMBEDDING_MODEL_DIR=${options.dir}`;
    streams.stdout.write(`Xong. Đặt ${envLine} rồi chạy npm run reindex (hoặc khởi động lại trợ lý).\n`);
    return 0;
  } catch (error) {
    const usage = usageExitCode(error, USAGE, streams);
    if (usage !== undefined) return usage;
    if (error instanceof DownloadError) {
      streams.stderr.write(
        `Không tải được mô hình: ${error.message}\n` +
          'Lệnh này cần internet. Hãy chạy trên máy có mạng rồi chép thư mục sang, hoặc dùng --host / HF_ENDPOINT ' +
          'trỏ tới một bản sao. Trợ lý vẫn chạy được khi không có mô hình (chỉ tìm kiếm theo từ khoá).\n',
      );
      return 1;
    }
    throw error;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
