// One contract for every store engine: the same suite runs against the in-process stores, embedded SQLite
// and a real PostgreSQL (started by test/helpers/postgres.ts), through openStores() exactly as the server
// opens them. Two bundles on one PostgreSQL database also share rate limits, seen ids and the order lock.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../src/config/config.ts';
import { createLogger } from '../src/log/logger.ts';
import { openStores, type StoreBundle } from '../src/store/open.ts';
import { findPostgresBin, POSTGRES_INSTALL_HINT, startPostgres, type TestPostgres } from './helpers/postgres.ts';
import { requireTool } from './helpers/required-tool.ts';
import { tempDirs } from './helpers/temp-dirs.ts';

const dirs = tempDirs('store-contract-');
const logger = createLogger('silent');
let clock = Date.now();
const now = () => clock;

function config(extra: Partial<Config> = {}) {
  return { dataDir: dirs.make(), SESSION_IDLE_MINUTES: 30, DATABASE_URL: undefined, DATABASE_POOL_SIZE: 4, ...extra };
}

type Engine = { name: string; open(): Promise<StoreBundle> };

function contract(engine: Engine): void {
  describe(`${engine.name} stores`, () => {
    let stores: StoreBundle;
    beforeAll(async () => {
      stores = await engine.open();
    });
    afterAll(async () => {
      await stores?.close();
    });
    const id = (name: string) => `${name}-${Math.random().toString(36).slice(2)}`;

    it('keeps a session as a copy, expires it after the idle time, deletes it', async () => {
      const c = id('conv');
      expect(await stores.sessions.load(c)).toBeUndefined();
      const session = { procedureId: 'p1', step: 2, nested: { list: [1, 2] } };
      await stores.sessions.save(c, session);
      session.step = 9;
      expect(await stores.sessions.load(c)).toEqual({ procedureId: 'p1', step: 2, nested: { list: [1, 2] } });
      clock += 31 * 60_000;
      expect(await stores.sessions.load(c)).toBeUndefined();
      await stores.sessions.save(c, { step: 1 });
      await stores.sessions.delete(c);
      expect(await stores.sessions.load(c)).toBeUndefined();
    });

    it('records feedback and unanswered questions and summarises them', async () => {
      const since = clock;
      await stores.feedback.recordFeedback({
        answerId: 'a1',
        procedureId: 'khai-sinh',
        question: 'làm giấy khai sinh',
        helpful: false,
        channel: 'web',
        at: since + 1,
      });
      await stores.feedback.recordFeedback({
        answerId: 'a2',
        procedureId: 'khai-sinh',
        question: 'khai sinh',
        helpful: true,
        channel: 'web',
        at: since + 2,
      });
      for (let i = 0; i < 2; i++) {
        await stores.feedback.recordUnanswered({
          question: 'nuôi mèo',
          reason: 'no_match',
          channel: 'web',
          at: since + 3,
        });
      }
      const summary = await stores.feedback.summary({ since });
      expect(summary.totals).toEqual({ feedback: 2, helpful: 1, notHelpful: 1, unanswered: 2 });
      expect(summary.unanswered[0]).toMatchObject({ question: 'nuôi mèo', count: 2 });
      expect(summary.negative[0]).toMatchObject({ procedureId: 'khai-sinh', notHelpful: 1, helpful: 1 });
    });

    it('answers a delivery id once until its time to live has passed', async () => {
      const key = id('telegram:update');
      expect(await stores.seen.firstSighting(key, 60_000)).toBe(true);
      expect(await stores.seen.firstSighting(key, 60_000)).toBe(false);
      expect(await stores.seen.firstSighting(`${key}-other`, 60_000)).toBe(true);
      clock += 61_000;
      expect(await stores.seen.firstSighting(key, 60_000)).toBe(true);
    });

    it('allows a burst, then refuses with a wait, then refills', async () => {
      const user = id('user');
      const answers = [];
      for (let i = 0; i < 6; i++) answers.push(await stores.rateLimits.take(user, 60, 5));
      expect(answers.filter((a) => a.allowed)).toHaveLength(5);
      expect(answers[5]).toEqual({ allowed: false, retryAfterSeconds: 1 });
      expect((await stores.rateLimits.take(`${user}-other`, 60, 5)).allowed).toBe(true);
      clock += 1_000;
      expect((await stores.rateLimits.take(user, 60, 5)).allowed).toBe(true);
      expect((await stores.rateLimits.take(user, 60, 5)).allowed).toBe(false);
    });

    it('runs one conversation in order, failures included, and others alongside', async () => {
      const order: string[] = [];
      const slow = stores.conversationLock.run('c1', async () => {
        await new Promise((r) => setTimeout(r, 50));
        order.push('c1 first');
        throw new Error('engine failed');
      });
      const second = stores.conversationLock.run('c1', async () => {
        order.push('c1 second');
        return 2;
      });
      const other = stores.conversationLock.run('c2', async () => {
        order.push('c2');
      });
      await expect(slow).rejects.toThrow('engine failed');
      expect(await second).toBe(2);
      await other;
      expect(order).toEqual(['c2', 'c1 first', 'c1 second']);
    });

    it('keeps named state and overwrites it', async () => {
      const name = id('zalo_oa_refresh_token');
      expect(await stores.state.get(name)).toBeUndefined();
      await stores.state.set(name, 'abc');
      await stores.state.set(name, 'def');
      expect(await stores.state.get(name)).toBe('def');
    });

    it('imports dossier records in one go, updating existing ones', async () => {
      const code = id('000.00.14.H56-250301');
      const before = await stores.dossiers.count();
      expect(await stores.dossiers.upsertAll([{ code, state: 'received', agency: 'UBND xã' }], new Date())).toEqual({
        inserted: 1,
        updated: 0,
      });
      expect(
        await stores.dossiers.upsertAll([{ code, state: 'result_ready', note: 'Mời nhận kết quả' }], new Date()),
      ).toEqual({ inserted: 0, updated: 1 });
      expect(await stores.dossiers.find(code)).toEqual({ code, state: 'result_ready', note: 'Mời nhận kết quả' });
      expect(await stores.dossiers.find(`${code}-none`)).toBeUndefined();
      expect(await stores.dossiers.count()).toBe(before + 1);
    });

    it('reports itself healthy', async () => {
      expect(await stores.health()).toMatchObject({ ok: true });
    });
  });
}

afterAll(() => dirs.removeAll());

contract({ name: 'in-process', open: () => openStores(config(), logger, { inMemory: true, now }) });
contract({ name: 'SQLite', open: () => openStores(config(), logger, { now }) });

const pgBin = findPostgresBin();
if (requireTool(Boolean(pgBin), 'PostgreSQL store contract', POSTGRES_INSTALL_HINT)) {
  let server: TestPostgres;
  let url = '';
  beforeAll(async () => {
    server = await startPostgres(pgBin);
    url = await server.createDatabase('contract');
  });
  afterAll(async () => {
    await server?.stop();
  });
  contract({ name: 'PostgreSQL', open: () => openStores(config({ DATABASE_URL: url }), logger, { now }) });

  describe('two instances on one PostgreSQL', () => {
    let a: StoreBundle;
    let b: StoreBundle;
    beforeAll(async () => {
      [a, b] = await Promise.all([
        openStores(config({ DATABASE_URL: url }), logger, { now }),
        openStores(config({ DATABASE_URL: url }), logger, { now }),
      ]);
    });
    afterAll(async () => {
      await Promise.all([a?.close(), b?.close()]);
    });

    it('share rate limits, seen ids, state and sessions', async () => {
      const answers = [];
      for (let i = 0; i < 6; i++) answers.push(await (i % 2 ? a : b).rateLimits.take('shared-user', 60, 5));
      expect(answers.map((x) => x.allowed)).toEqual([true, true, true, true, true, false]);
      expect(await a.seen.firstSighting('zalo:msg:1', 60_000)).toBe(true);
      expect(await b.seen.firstSighting('zalo:msg:1', 60_000)).toBe(false);
      await a.state.set('zalo_oa_refresh_token', 'rotated-1');
      expect(await b.state.get('zalo_oa_refresh_token')).toBe('rotated-1');
      await a.sessions.save('web:shared', { step: 3 });
      expect(await b.sessions.load('web:shared')).toEqual({ step: 3 });
    });

    it('run one conversation one message at a time across instances', async () => {
      const events: string[] = [];
      const work = (who: string, ms: number) => async () => {
        events.push(`${who} start`);
        await new Promise((r) => setTimeout(r, ms));
        events.push(`${who} end`);
      };
      const first = a.conversationLock.run('telegram:42', work('a', 150));
      await new Promise((r) => setTimeout(r, 30));
      const second = b.conversationLock.run('telegram:42', work('b', 10));
      const elsewhere = b.conversationLock.run('telegram:43', work('c', 10));
      await Promise.all([first, second, elsewhere]);
      expect(events.indexOf('b start')).toBeGreaterThan(events.indexOf('a end'));
      expect(events.indexOf('c end')).toBeLessThan(events.indexOf('a end'));
    });

    it('see the records `npm run dossiers:import` wrote with DATABASE_URL set', async () => {
      const result = spawnSync(
        process.execPath,
        [
          '--import',
          'tsx',
          'scripts/dossiers-import.ts',
          join(import.meta.dirname, 'fixtures', 'dossiers', 'records.csv'),
        ],
        {
          env: { ...process.env, DATA_DIR: dirs.make(), DATABASE_URL: url, LOG_LEVEL: 'silent' },
          encoding: 'utf8',
        },
      );
      expect(result.stdout).toContain('4 mới');
      expect(result.stdout).not.toContain('dossiers.sqlite');
      expect(await b.dossiers.find('38.98.H29-250303-0012')).toMatchObject({ code: '38.98.H29-250303-0012' });
    });

    it('apply migrations once when started together', async () => {
      const { default: pg } = await import('pg');
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      const { rows } = await client.query('SELECT version, count(*)::int AS n FROM schema_migrations GROUP BY version');
      await client.end();
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) expect(row.n).toBe(1);
    });
  });
}
