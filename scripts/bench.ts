// `npm run bench [-- --kb <catalog dir>] [--skip-chat] [--reindex-only]`: speed and memory figures, each against a baseline run
// in the same process so noisy machines still give comparable ratios.
//  1. Retrieval over the whole catalogue: index build time, query latency p50/p95, throughput and RSS of our
//     engine (lexical path) vs a plain BM25 library (MiniSearch with default settings over names and fields).
//  2. POST /api/chat under load: the real server in child processes, autocannon from this process on
//     loopback; requests/s, p50/p95 latency and the servers' RSS, for three set-ups in the same run: one
//     instance on SQLite, one on PostgreSQL, two on PostgreSQL (a throw-away local PostgreSQL server).
//  3. Reindex under load: one server answers paced chat and /healthz requests while POST /admin/reindex
//     rebuilds the whole catalogue (target: p95 ≤ 100 ms for both), against the same load without a reindex.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import MiniSearch from 'minisearch';
import { loadConfig } from '../src/config/config.ts';
import { kbKind, loadSearchCatalogue } from '../src/knowledge/sources.ts';
import { buildRetrievalEngine } from '../src/retrieval/build.ts';
import { type EvalQuestion, evaluate, percentile, readQuestions } from '../src/retrieval/evaluate.ts';
import { findPostgresBin, POSTGRES_INSTALL_HINT, startPostgres } from '../test/helpers/postgres.ts';

const SHARED = resolve('../shared/datasets');
const DEV_QUESTIONS = join(SHARED, 'dvc-faq-questions-project3-hust/dev-eval.jsonl');
const OWN_QUESTIONS = ['test/fixtures/retrieval/colloquial.jsonl', 'test/fixtures/retrieval/oos.jsonl'];

/** The target load for POST /api/chat: at least this many requests per second with p95 ≤ 50 ms. */
const TARGET_RATE = 300;
/** Reindex under load: p95 of chat and /healthz must stay at or below this while the catalogue is rebuilt. */
const REINDEX_TARGET_P95_MS = 100;
const BENCH_ADMIN_TOKEN = 'bench-admin-token-0123456789abcdefghijklmnop';
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`;
const ms = (value: number) => `${value.toFixed(2)} ms`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      kb: { type: 'string' },
      'skip-chat': { type: 'boolean', default: false },
      'reindex-only': { type: 'boolean', default: false },
    },
  });
  const config = loadConfig();
  // The chat server can only be pointed at an imported catalogue; eval-style --kb layouts work for retrieval.
  const catalogDir = values.kb && kbKind(values.kb) === 'catalog' ? values.kb : config.catalogDir;
  if (!values.kb && !catalogDir) {
    console.log(
      'Chưa có danh mục đầy đủ: chạy `npm run kb:import -- --catalog ../shared/datasets/opengov-dvc-catalog-2026/crawl/catalog.jsonl --details ../shared/datasets/opengov-dvc-catalog-2026/crawl/details --page-texts ../shared/datasets/chatbot-tthc-7bo-2026/procedures.jsonl --former-names ../shared/datasets/tiennhat-faq-qa-and-oldportal-list/TTHC_old_portal_name_link.csv --out data/catalog` (như README) rồi chạy lại (đang đo trên kho biên soạn).',
    );
  }
  const sources = {
    knowledgeDir: config.knowledgeDir,
    ...(catalogDir ? { catalogDir } : {}),
    ...(values.kb ? { kb: values.kb } : {}),
  };
  if (values['reindex-only']) {
    await benchReindex(catalogDir);
    return;
  }
  const questions: EvalQuestion[] = [
    ...(existsSync(DEV_QUESTIONS) ? readQuestions(DEV_QUESTIONS) : []),
    ...OWN_QUESTIONS.flatMap((f) => readQuestions(f)),
  ];

  console.log('== Tìm kiếm thủ tục (đường từ vựng) ==');
  const rssStart = process.memoryUsage().rss;
  let t = performance.now();
  const { catalogue, knowledgeDir } = loadSearchCatalogue(sources);
  const loadMs = performance.now() - t;
  t = performance.now();
  const engine = buildRetrievalEngine({ knowledgeDir }, { catalogue });
  const buildMs = performance.now() - t;
  const rssOurs = process.memoryUsage().rss;

  t = performance.now();
  const mini = new MiniSearch<{ id: number; name: string; fields: string }>({ fields: ['name', 'fields'] });
  mini.addAll(catalogue.procedures.map((p, id) => ({ id, name: p.name, fields: p.fields.join(' ') })));
  const miniBuildMs = performance.now() - t;
  const rssBoth = process.memoryUsage().rss;

  const rounds = 3;
  const ours: number[] = [];
  const base: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const q of questions) {
      let s = performance.now();
      await engine.search(q.question);
      ours.push(performance.now() - s);
      s = performance.now();
      mini.search(q.question);
      base.push(performance.now() - s);
    }
  }
  const total = (list: number[]) => list.reduce((a, b) => a + b, 0);
  console.log(`Thủ tục: ${catalogue.procedures.length}; câu hỏi: ${questions.length} × ${rounds} lượt`);
  console.log(`Nạp kho tri thức: ${ms(loadMs)}`);
  console.log(
    `Dựng chỉ mục: ours ${ms(buildMs)} | MiniSearch ${ms(miniBuildMs)} | tỉ lệ ${(buildMs / miniBuildMs).toFixed(2)}×`,
  );
  console.log(
    `Độ trễ p50: ours ${ms(percentile(ours, 50))} | MiniSearch ${ms(percentile(base, 50))} | tỉ lệ ${(percentile(ours, 50) / percentile(base, 50)).toFixed(2)}×`,
  );
  console.log(
    `Độ trễ p95: ours ${ms(percentile(ours, 95))} | MiniSearch ${ms(percentile(base, 95))} | tỉ lệ ${(percentile(ours, 95) / percentile(base, 95)).toFixed(2)}×`,
  );
  console.log(
    `Thông lượng (1 luồng): ours ${(ours.length / (total(ours) / 1000)).toFixed(0)} câu/s | MiniSearch ${(base.length / (total(base) / 1000)).toFixed(0)} câu/s`,
  );
  console.log(`RSS: lúc đầu ${mb(rssStart)}, sau chỉ mục của mình ${mb(rssOurs)}, sau cả MiniSearch ${mb(rssBoth)}`);
  if (existsSync(DEV_QUESTIONS)) {
    const dev = readQuestions(DEV_QUESTIONS);
    const oursQuality = (await evaluate(engine, dev, (id) => engine.get(id)?.code)).report;
    const codes = catalogue.procedures.map((p) => p.code);
    let hit1 = 0;
    let hit3 = 0;
    for (const q of dev) {
      const top = mini
        .search(q.question)
        .slice(0, 3)
        .map((h) => codes[h.id as number]);
      if (q.gold.includes(top[0] ?? '')) hit1++;
      if (top.some((c) => q.gold.includes(c ?? ''))) hit3++;
    }
    console.log(
      `Chất lượng (FAQ dev): ours hit@1 ${oursQuality.hit1} hit@3 ${oursQuality.hit3} | MiniSearch hit@1 ${(hit1 / dev.length).toFixed(3)} hit@3 ${(hit3 / dev.length).toFixed(3)}`,
    );
  }
  if (!values['skip-chat']) {
    await benchChat(catalogDir);
    await benchReindex(catalogDir);
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** CPU time (user + system, ms) used so far by these processes; ones that exited count as 0. */
function cpuMsOf(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // gone
    }
  }
  return ticks * 10; // USER_HZ is 100 on Linux
}

function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /VmRSS:\s+(\d+)/.exec(status)?.[1];
  return kb ? Number(kb) * 1024 : 0;
}

interface Setup {
  label: string;
  instances: number;
  databaseUrl?: string;
}

/** Starts one server process (src/main.ts) on a free port and resolves once /healthz answers 200. */
async function startServer(catalogDir: string | undefined, databaseUrl: string | undefined) {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'tldvc-bench-'));
  const env = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    // The load comes from one address with many conversations: lift the per-conversation limit for the bench.
    CHAT_RATE_PER_MINUTE: '1000000',
    CHAT_RATE_BURST: '1000000',
    NEW_CONVERSATIONS_PER_MINUTE: '1000000',
    ADMIN_TOKEN: BENCH_ADMIN_TOKEN,
    DATABASE_URL: databaseUrl ?? '',
    ...(catalogDir ? { CATALOG_DIR: catalogDir } : {}),
  };
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const ok = await fetch(`${url}/healthz`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url,
    pid: child.pid as number,
    rss: () => rssOf(child.pid as number),
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const MESSAGES = [
  'làm lại căn cước bị mất',
  'lam giay khai sinh cho con',
  'sang tên xe máy',
  'lệ phí bao nhiêu',
  'đăng ký tạm trú',
  'tiếp',
  'thời tiết mai thế nào',
];

/**
 * POST /api/chat under load for three set-ups in the same run: one instance on SQLite, one on PostgreSQL, two on
 * PostgreSQL (each instance gets half the connections and half the paced rate; figures are summed).
 */
async function benchChat(catalogDir: string | undefined): Promise<void> {
  const setups: Setup[] = [{ label: '1 tiến trình, SQLite', instances: 1 }];
  const pgBin = findPostgresBin();
  let pg: Awaited<ReturnType<typeof startPostgres>> | undefined;
  if (pgBin) {
    pg = await startPostgres(pgBin);
    setups.push(
      { label: '1 tiến trình, PostgreSQL', instances: 1, databaseUrl: await pg.createDatabase('bench_one') },
      { label: '2 tiến trình, PostgreSQL', instances: 2, databaseUrl: await pg.createDatabase('bench_two') },
    );
  } else {
    console.log(`(Bỏ qua các cấu hình PostgreSQL: ${POSTGRES_INSTALL_HINT})`);
  }
  try {
    for (const setup of setups)
      await benchSetup(setup, catalogDir, setup.databaseUrl ? () => pg?.pids() ?? [] : () => []);
  } finally {
    await pg?.stop();
  }
}

async function benchSetup(setup: Setup, catalogDir: string | undefined, databasePids: () => number[]): Promise<void> {
  console.log(`\n== POST /api/chat dưới tải: ${setup.label} (autocannon trên loopback) ==`);
  const servers: Awaited<ReturnType<typeof startServer>>[] = [];
  for (let i = 0; i < setup.instances; i++) servers.push(await startServer(catalogDir, setup.databaseUrl));
  try {
    for (const server of servers) {
      const probe = await fetch(`${server.url}/api/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ conversationId: 'bench-probe', text: 'làm giấy khai sinh' }),
      });
      if (probe.status !== 200)
        throw new Error(`the server answers ${probe.status} before any load: ${await probe.text()}`);
    }
    let counter = 0;
    const latencies: number[] = [];
    const one = (url: string, duration: number, connections: number, overallRate?: number) =>
      autocannon({
        url,
        connections,
        duration,
        ...(overallRate ? { overallRate } : {}),
        requests: [
          {
            method: 'POST',
            path: '/api/chat',
            headers: { 'content-type': 'application/json' },
            setupRequest: (request) => {
              counter++;
              return {
                ...request,
                body: JSON.stringify({
                  conversationId: `bench-${counter % 500}`,
                  text: MESSAGES[counter % MESSAGES.length],
                }),
              };
            },
          },
        ],
        setupClient: (client) => client.on('response', (_status, _bytes, responseMs) => latencies.push(responseMs)),
      });
    // The load is split evenly over the instances (as a round-robin proxy would); the figures are summed.
    const run = async (duration: number, connections: number, overallRate?: number) => {
      const n = servers.length;
      const results = await Promise.all(
        servers.map((s) =>
          one(s.url, duration, Math.max(1, connections / n), overallRate ? overallRate / n : undefined),
        ),
      );
      return {
        average: results.reduce((sum, r) => sum + r.requests.average, 0),
        total: results.reduce((sum, r) => sum + r.requests.total, 0),
        errors: results.reduce((sum, r) => sum + r.errors, 0),
        non2xx: results.reduce((sum, r) => sum + r.non2xx, 0),
        timeouts: results.reduce((sum, r) => sum + r.timeouts, 0),
      };
    };
    await run(3, 16); // warm-up
    latencies.length = 0;
    // CPU used per request (server + PostgreSQL): a figure that does not depend on what else the machine runs.
    const serverPids = servers.map((s) => s.pid);
    const cpuBefore = { server: cpuMsOf(serverPids), database: cpuMsOf(databasePids()) };
    const result = await run(10, 16);
    const cpu = {
      server: (cpuMsOf(serverPids) - cpuBefore.server) / result.total,
      database: (cpuMsOf(databasePids()) - cpuBefore.database) / result.total,
    };
    const errors = (r: typeof result) => `lỗi ${r.errors}, non-2xx ${r.non2xx}, timeout ${r.timeouts}`;
    const spread = () =>
      `p50 ${ms(percentile(latencies, 50))}, p95 ${ms(percentile(latencies, 95))}, p99 ${ms(percentile(latencies, 99))}`;
    console.log(
      `Bão hòa (16 kết nối): ${result.average.toFixed(0)} yêu cầu/giây (${errors(result)}); độ trễ ${spread()}`,
    );
    console.log(
      `CPU mỗi yêu cầu: máy chủ ${ms(cpu.server)} + PostgreSQL ${ms(cpu.database)} ⇒ trần ước tính trên 2 lõi rảnh ≈ ${(2000 / (cpu.server + cpu.database)).toFixed(0)} yêu cầu/giây`,
    );
    latencies.length = 0;
    // Paced load: 8 connections sharing the target rate, as independent citizens would arrive.
    const target = await run(10, 8, TARGET_RATE);
    console.log(
      `Ở tải mục tiêu ${TARGET_RATE} yêu cầu/giây: đạt ${target.average.toFixed(0)}/giây (${errors(target)}); độ trễ ${spread()}`,
    );
    console.log(`RSS máy chủ sau tải: ${servers.map((s) => mb(s.rss())).join(' + ')}`);
  } finally {
    for (const server of servers) await server.stop();
  }
}

/** Paced chat (40/s) and /healthz (10/s) requests from `fetch`, each latency kept with its kind. */
function pacedLoad(url: string) {
  const samples = { chat: [] as number[], health: [] as number[], failed: 0 };
  let tick = 0;
  const fire = (kind: 'chat' | 'health') => {
    const started = performance.now();
    const request =
      kind === 'chat'
        ? fetch(`${url}/api/chat`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ conversationId: `reindex-${tick % 200}`, text: MESSAGES[tick % MESSAGES.length] }),
          })
        : fetch(`${url}/healthz`);
    request.then(
      async (res) => {
        await res.arrayBuffer();
        if (!res.ok) samples.failed++;
        samples[kind].push(performance.now() - started);
      },
      () => samples.failed++,
    );
  };
  const timer = setInterval(() => {
    tick++;
    fire('chat');
    if (tick % 4 === 0) fire('health');
  }, 25);
  return {
    samples,
    stop: async () => {
      clearInterval(timer);
      await new Promise((r) => setTimeout(r, 1000));
    },
  };
}

/** Chat and /healthz p95 while POST /admin/reindex rebuilds the whole catalogue, against the same load without. */
async function benchReindex(catalogDir: string | undefined): Promise<void> {
  console.log('\n== Dựng lại chỉ mục dưới tải (40 chat/giây + 10 /healthz/giây) ==');
  const server = await startServer(catalogDir, undefined);
  const describe = (label: string, s: ReturnType<typeof pacedLoad>['samples']) =>
    console.log(
      `${label}: chat p50 ${ms(percentile(s.chat, 50))}, p95 ${ms(percentile(s.chat, 95))} (${s.chat.length}); /healthz p95 ${ms(percentile(s.health, 95))} (${s.health.length}); lỗi ${s.failed}`,
    );
  try {
    const warmUp = pacedLoad(server.url);
    await new Promise((r) => setTimeout(r, 5_000));
    await warmUp.stop();
    const baseline = pacedLoad(server.url);
    await new Promise((r) => setTimeout(r, 10_000));
    await baseline.stop();
    describe('Không dựng lại (đối chứng)', baseline.samples);

    const during = pacedLoad(server.url);
    const started = performance.now();
    // A connection of its own: a pooled one the server is just closing would fail the POST.
    const res = await fetch(`${server.url}/admin/reindex`, {
      method: 'POST',
      headers: { authorization: `Bearer ${BENCH_ADMIN_TOKEN}`, connection: 'close' },
    });
    const reindexMs = performance.now() - started;
    await during.stop();
    const body = (await res.json()) as { procedures?: number };
    console.log(`Dựng lại: HTTP ${res.status}, ${body.procedures ?? '?'} thủ tục, ${(reindexMs / 1000).toFixed(1)} s`);
    describe('Trong lúc dựng lại', during.samples);
    const worst = Math.max(percentile(during.samples.chat, 95), percentile(during.samples.health, 95));
    console.log(
      `Mục tiêu p95 ≤ ${REINDEX_TARGET_P95_MS} ms: ${worst <= REINDEX_TARGET_P95_MS ? 'ĐẠT' : 'CHƯA ĐẠT'} (${ms(worst)})`,
    );
  } finally {
    await server.stop();
  }
}

main().catch((error) => {
  console.error(`Lỗi: ${(error as Error).message}`);
  process.exit(1);
});
