// Session stores (memory and SQLite) behave the same: a saved session comes back as a copy, expires after
// the idle time counted from the last save, can be deleted; the SQLite one also survives reopening the file,
// drops an unreadable row, and sweeps out other expired sessions.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MemorySessionStore } from '../src/store/memory.ts';
import { openDatabase, type SqliteDatabase, SqliteSessionStore } from '../src/store/sqlite.ts';
import type { SessionStore } from '../src/store/types.ts';

const IDLE_MS = 30 * 60_000;
const cleanups: (() => void)[] = [];

afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

function tempDatabase(): { db: SqliteDatabase; path: string } {
  const dir = mkdtempSync(join(tmpdir(), 'store-session-'));
  const path = join(dir, 'nested', 'assistant.sqlite');
  const db = openDatabase(path);
  cleanups.push(() => {
    if (db.open) db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { db, path };
}

type Session = { procedureId?: string; step?: number };

const kinds: [string, (now: () => number) => SessionStore<Session>][] = [
  ['memory', (now) => new MemorySessionStore<Session>(IDLE_MS, now)],
  ['SQLite', (now) => new SqliteSessionStore<Session>(tempDatabase().db, IDLE_MS, now)],
];

describe.each(kinds)('%s session store', (_name, create) => {
  it('returns nothing for an unknown conversation', async () => {
    const store = create(() => 0);
    expect(await store.load('nobody')).toBeUndefined();
  });

  it('gives back what was saved, as a copy', async () => {
    const store = create(() => 0);
    const session: Session = { procedureId: 'p1', step: 2 };
    await store.save('c', session);
    session.step = 9;
    const loaded = await store.load('c');
    expect(loaded).toEqual({ procedureId: 'p1', step: 2 });
    if (loaded) loaded.step = 5;
    expect(await store.load('c')).toEqual({ procedureId: 'p1', step: 2 });
  });

  it('expires a session after the idle time since the last save, for good', async () => {
    let now = 1_000_000;
    const store = create(() => now);
    await store.save('c', { step: 1 });
    now += IDLE_MS - 1;
    expect(await store.load('c')).toEqual({ step: 1 });
    await store.save('c', { step: 2 });
    now += IDLE_MS - 1;
    expect(await store.load('c')).toEqual({ step: 2 });
    now += 2;
    expect(await store.load('c')).toBeUndefined();
    now -= IDLE_MS;
    expect(await store.load('c')).toBeUndefined();
  });

  it('deletes one conversation and keeps the others', async () => {
    const store = create(() => 0);
    await store.save('a', { step: 1 });
    await store.save('b', { step: 2 });
    await store.delete('a');
    expect(await store.load('a')).toBeUndefined();
    expect(await store.load('b')).toEqual({ step: 2 });
  });
});

describe('SQLite session store', () => {
  it('keeps sessions when the database file is closed and opened again', async () => {
    const { db, path } = tempDatabase();
    await new SqliteSessionStore<Session>(db, IDLE_MS, () => 0).save('c', { procedureId: 'p', step: 3 });
    db.close();
    const reopened = openDatabase(path);
    cleanups.push(() => reopened.close());
    expect(await new SqliteSessionStore<Session>(reopened, IDLE_MS, () => 0).load('c')).toEqual({
      procedureId: 'p',
      step: 3,
    });
  });

  it('treats an unreadable row as no session and removes it', async () => {
    const { db } = tempDatabase();
    db.prepare('INSERT INTO sessions (conversation_id, data, updated_at) VALUES (?, ?, ?)').run('c', '{broken', 0);
    const store = new SqliteSessionStore<Session>(db, IDLE_MS, () => 0);
    expect(await store.load('c')).toBeUndefined();
    expect(db.prepare('SELECT COUNT(*) AS n FROM sessions').get()).toEqual({ n: 0 });
  });

  it('sweeps out expired sessions of other conversations when saving', async () => {
    const { db } = tempDatabase();
    let now = 10_000_000;
    const store = new SqliteSessionStore<Session>(db, IDLE_MS, () => now);
    await store.save('old', { step: 1 });
    now += IDLE_MS + 120_000;
    await store.save('new', { step: 1 });
    const ids = db.prepare('SELECT conversation_id AS id FROM sessions').all();
    expect(ids).toEqual([{ id: 'new' }]);
  });
});
