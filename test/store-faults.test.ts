// Database faults degrade the service instead of ending it (issue 10 item 2): with a damaged SQLite file or
// PostgreSQL gone, chat answers "hệ thống đang bận" with the hotline (503 store_unavailable), /healthz answers
// 503 naming the reason, search and procedure pages keep working, and service comes back by itself.
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { type Started, start } from '../src/main.ts';
import { classifyStoreError, StoreUnavailableError } from '../src/store/errors.ts';
import { guard, StoreHealth } from '../src/store/health.ts';
import { captureLogs } from './helpers/logs.ts';
import { findPostgresBin, POSTGRES_INSTALL_HINT, startPostgres, type TestPostgres } from './helpers/postgres.ts';
import { requireTool } from './helpers/required-tool.ts';
import { tempDirs } from './helpers/temp-dirs.ts';

const dirs = tempDirs('store-faults-');
const servers: Started[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});
afterAll(() => dirs.removeAll());

async function serve(env: Record<string, string>) {
  const logs = captureLogs('info');
  const server = await start({ env: { LOG_LEVEL: 'info', ...env }, port: 0, host: '127.0.0.1', logger: logs.logger });
  servers.push(server);
  return { ...server, logs };
}

/** Polls until `condition` holds (the service noticing by itself that the database is back). */
async function until(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`not recovered after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const chat = (url: string, text = 'làm giấy khai sinh') =>
  fetch(`${url}/api/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ conversationId: `faults-${Math.floor(Math.random() * 1e9)}`, text }),
  });

async function expectDegraded(url: string, reason: string | RegExp): Promise<void> {
  const health = await fetch(`${url}/healthz`);
  expect(health.status).toBe(503);
  expect(await health.json()).toMatchObject({
    status: 'degraded',
    store: { ok: false, reason: typeof reason === 'string' ? reason : expect.stringMatching(reason) },
  });
  const answer = await chat(url);
  expect(answer.status).toBe(503);
  const body = (await answer.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe('store_unavailable');
  expect(body.error.message).toMatch(/Hệ thống đang bận, bạn thử lại sau ít phút/);
  expect(body.error.message).toContain('18001096');
  // What does not write keeps working.
  const search = await fetch(`${url}/api/search?q=${encodeURIComponent('khai sinh')}`);
  expect(search.status).toBe(200);
  const hits = (await search.json()) as { hits: { id: string }[] };
  expect(hits.hits.length).toBeGreaterThan(0);
  const id = hits.hits[0]?.id as string;
  expect((await fetch(`${url}/api/procedures/${encodeURIComponent(id)}`)).status).toBe(200);
}

describe('a damaged SQLite file', () => {
  it('gives one readable line at startup, serves search, and recovers once the file is moved aside', async () => {
    const dataDir = dirs.make();
    const file = join(dataDir, 'assistant.sqlite');
    const first = await serve({ DATA_DIR: dataDir });
    expect((await chat(first.url)).status).toBe(200);
    await first.close();
    servers.length = 0;
    const fd = openSync(file, 'r+');
    writeSync(fd, Buffer.alloc(3 * 4096, 0x5a), 0, 3 * 4096, 4096);
    closeSync(fd);

    const second = await serve({ DATA_DIR: dataDir });
    const lines = second.logs.records().filter((r) => String(r.msg).includes(file));
    expect(lines).toHaveLength(1);
    expect(String(lines[0]?.msg)).toMatch(/hỏng/);
    expect(String(lines[0]?.msg)).toMatch(/chuyển tệp này .* sang chỗ khác|khôi phục từ bản sao lưu/);
    expect(second.logs.text()).not.toMatch(/\n\s+at /);
    await expectDegraded(second.url, 'corrupt');
    expect(existsSync(file)).toBe(true);

    // The operator moves the damaged file aside: the server opens a fresh one by itself.
    renameSync(file, `${file}.broken`);
    await until(async () => (await fetch(`${second.url}/healthz`)).status === 200, 10_000);
    expect((await chat(second.url)).status).toBe(200);
    expect(readdirSync(dataDir)).toContain('assistant.sqlite.broken');
  });

  it('starts on a file that is not a database at all, and deletes nothing', async () => {
    const dataDir = dirs.make();
    writeFileSync(join(dataDir, 'assistant.sqlite'), 'this is not a database, but someone wrote over it '.repeat(200));
    writeFileSync(join(dataDir, 'dossiers.sqlite'), 'not a database either '.repeat(200));
    const server = await serve({ DATA_DIR: dataDir });
    const named = server.logs.records().filter((r) => /Không dùng được cơ sở dữ liệu/.test(String(r.msg)));
    expect(named.map((r) => String(r.msg).split(':')[0])).toHaveLength(2);
    await expectDegraded(server.url, 'corrupt');
    expect(readdirSync(dataDir).sort()).toEqual(expect.arrayContaining(['assistant.sqlite', 'dossiers.sqlite']));
  });
});

/** A tiny tmpfs (needs root): the data directory on a disk that can be filled. */
function tinyDisk(): { dir: string; unmount(): void } | string {
  if (process.getuid?.() !== 0) return 'needs root to mount a tiny tmpfs';
  const dir = dirs.make('tiny-disk-');
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=3m', 'tmpfs', dir], { stdio: 'pipe' });
  } catch (error) {
    return `cannot mount a tmpfs here (${(error as Error).message.split('\n')[0]})`;
  }
  return { dir, unmount: () => execFileSync('umount', ['-l', dir], { stdio: 'pipe' }) };
}

describe('a full disk', () => {
  const disk = tinyDisk();
  if (typeof disk === 'string') {
    it.skip(`disk full — SKIPPED: ${disk}`, () => {});
    return;
  }
  afterAll(() => disk.unmount());

  it('answers "hệ thống đang bận" while the disk is full and recovers once space is freed', async () => {
    const server = await serve({ DATA_DIR: disk.dir });
    expect((await chat(server.url)).status).toBe(200);
    const filler = join(disk.dir, 'filler');
    const fd = openSync(filler, 'w');
    try {
      for (;;) writeSync(fd, Buffer.alloc(64 * 1024, 1));
    } catch {
      // ENOSPC: the disk is full now.
    } finally {
      closeSync(fd);
    }
    let status = 200;
    for (let i = 0; i < 200 && status === 200; i++) status = (await chat(server.url)).status;
    expect(status).toBe(503);
    await expectDegraded(server.url, 'disk_full');
    expect(server.logs.text()).not.toMatch(/\n\s+at /);

    rmSync(filler);
    await until(async () => (await fetch(`${server.url}/healthz`)).status === 200, 10_000);
    expect((await chat(server.url)).status).toBe(200);
  });

  it('serves search from a read-only data directory, and chat once it is writable again', async () => {
    const source = dirs.make('writable-');
    const first = await serve({ DATA_DIR: source });
    expect((await chat(first.url)).status).toBe(200);
    await first.close();
    servers.length = 0;
    const target = dirs.make('read-only-');
    execFileSync('mount', ['--bind', source, target], { stdio: 'pipe' });
    try {
      execFileSync('mount', ['-o', 'remount,ro,bind', target], { stdio: 'pipe' });
      const server = await serve({ DATA_DIR: target });
      await expectDegraded(server.url, /^(read_only|io_error)$/);
      const named = server.logs.records().filter((r) => String(r.msg).includes(join(target, 'assistant.sqlite')));
      expect(named).toHaveLength(1);
      execFileSync('mount', ['-o', 'remount,rw,bind', target], { stdio: 'pipe' });
      await until(async () => (await fetch(`${server.url}/healthz`)).status === 200, 10_000);
      expect((await chat(server.url)).status).toBe(200);
      await server.close();
      servers.length = 0;
    } finally {
      execFileSync('umount', ['-l', target], { stdio: 'pipe' });
    }
  });
});

describe('a database file another program keeps locked', () => {
  it('answers "hệ thống đang bận" while SQLite is busy and recovers when the lock is released', async () => {
    const dataDir = dirs.make();
    const server = await serve({ DATA_DIR: dataDir });
    expect((await chat(server.url)).status).toBe(200);
    const other = new Database(join(dataDir, 'assistant.sqlite'));
    other.exec('BEGIN IMMEDIATE');
    try {
      expect((await chat(server.url)).status).toBe(503);
      expect(await (await fetch(`${server.url}/healthz`)).json()).toMatchObject({ store: { reason: 'busy' } });
      const search = await fetch(`${server.url}/api/search?q=${encodeURIComponent('khai sinh')}`);
      expect(search.status).toBe(200);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    await until(async () => (await fetch(`${server.url}/healthz`)).status === 200, 10_000);
    expect((await chat(server.url)).status).toBe(200);
  });
});

describe('fault classification', () => {
  it('tells disk full, busy, damaged, read-only and unreachable apart from programming errors', () => {
    const coded = (code: string) => Object.assign(new Error(code), { code });
    expect(classifyStoreError(coded('SQLITE_FULL'))).toBe('disk_full');
    expect(classifyStoreError(coded('SQLITE_BUSY'))).toBe('busy');
    expect(classifyStoreError(coded('SQLITE_CORRUPT'))).toBe('corrupt');
    expect(classifyStoreError(coded('SQLITE_NOTADB'))).toBe('corrupt');
    expect(classifyStoreError(coded('SQLITE_READONLY_DBMOVED'))).toBe('read_only');
    expect(classifyStoreError(coded('SQLITE_IOERR_WRITE'))).toBe('io_error');
    expect(classifyStoreError(coded('ENOSPC'))).toBe('disk_full');
    expect(classifyStoreError(coded('ECONNREFUSED'))).toBe('unreachable');
    expect(classifyStoreError(coded('57P01'))).toBe('unreachable');
    expect(classifyStoreError(coded('53100'))).toBe('disk_full');
    expect(classifyStoreError(new Error('Connection terminated unexpectedly'))).toBe('unreachable');
    expect(classifyStoreError(coded('23505'))).toBeUndefined();
    expect(classifyStoreError(new TypeError('x is undefined'))).toBeUndefined();
  });

  it('a guarded store reports a fault, and a later successful write clears it', async () => {
    const health = new StoreHealth('sqlite', captureLogs('silent').logger);
    let full = true;
    const store = guard(
      () => ({
        async save() {
          if (full) throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
        },
        async load() {
          throw new TypeError('a bug, not a fault');
        },
      }),
      health,
    );
    await expect(store.save()).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(health.state()).toMatchObject({ ok: false, reason: 'disk_full' });
    await expect(store.load()).rejects.toBeInstanceOf(TypeError);
    full = false;
    await store.save();
    expect(health.state()).toMatchObject({ ok: true });
  });
});

const pgBin = findPostgresBin();
describe('PostgreSQL outage', () => {
  if (!requireTool(Boolean(pgBin), 'PostgreSQL outage', POSTGRES_INSTALL_HINT)) return;
  let pg: TestPostgres;
  afterAll(async () => {
    await pg?.stop();
  });

  it('answers "hệ thống đang bận" while the database is down and resumes by itself', async () => {
    pg = await startPostgres(pgBin);
    const url = await pg.createDatabase('outage');
    const server = await serve({ DATA_DIR: dirs.make(), DATABASE_URL: url });
    expect((await chat(server.url)).status).toBe(200);
    expect(await (await fetch(`${server.url}/healthz`)).json()).toMatchObject({
      store: { engine: 'postgres', ok: true },
    });

    await pg.pause();
    await until(async () => (await chat(server.url)).status === 503, 10_000);
    await expectDegraded(server.url, 'unreachable');

    await pg.resume();
    await until(async () => (await fetch(`${server.url}/healthz`)).status === 200, 15_000);
    expect((await chat(server.url)).status).toBe(200);
  });

  it('starts while the database is down, and connects once it is up', async () => {
    await pg.pause();
    const server = await serve({ DATA_DIR: dirs.make(), DATABASE_URL: pg.url.replace(/\/postgres$/, '/outage') });
    await expectDegraded(server.url, 'unreachable');
    await pg.resume();
    await until(async () => (await fetch(`${server.url}/healthz`)).status === 200, 15_000);
    expect((await chat(server.url)).status).toBe(200);
  });
});
