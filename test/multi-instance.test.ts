// Three real server processes on one PostgreSQL database behave as one assistant: a conversation that moves
// between instances keeps its state, a burst split across instances is handled one message at a time, rate
// limits are shared, killing the polling leader moves Telegram polling to another instance within 30 s, a
// rolling restart loses no conversation, and a reindex through one instance is served by all.
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeTelegram, startFakeTelegram } from './fixtures/fake-telegram.ts';
import { findPostgresBin, POSTGRES_INSTALL_HINT, startPostgres, type TestPostgres } from './helpers/postgres.ts';
import { procedure } from './helpers/procedures.ts';
import { requireTool } from './helpers/required-tool.ts';
import { type ServerProcess, startServerProcess } from './helpers/server-process.ts';
import { tempDirs } from './helpers/temp-dirs.ts';

const dirs = tempDirs('multi-instance-');
const ADMIN_TOKEN = 'multi-instance-admin-token-0123456789abcdef';

type Reply = { paragraphs: { text: string }[][]; menu?: { id: string; options: { id: string; label: string }[] } };
type ChatAnswer = { status: number; replies: Reply[]; text: string };

async function chat(
  server: ServerProcess,
  conversationId: string,
  input: string | { menuId: string; optionId: string },
) {
  const body = typeof input === 'string' ? { conversationId, text: input } : { conversationId, choice: input };
  const response = await fetch(`${server.url}/api/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as { replies?: Reply[] };
  const replies = json.replies ?? [];
  const text = replies.map((r) => r.paragraphs.map((p) => p.map((s) => s.text).join('')).join('\n')).join('\n');
  return { status: response.status, replies, text } satisfies ChatAnswer;
}

const menuOf = (answer: ChatAnswer) => answer.replies.find((r) => r.menu)?.menu;
const stepOf = (answer: ChatAnswer) => Number(/Bước (\d+)\//.exec(answer.text)?.[1] ?? Number.NaN);
const health = async (server: ServerProcess) =>
  (await (await fetch(`${server.url}/healthz`)).json()) as { knowledgeVersion: string; pollingLeader?: boolean };

async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read().catch(() => undefined);
    if (value !== undefined && ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const pgBin = findPostgresBin();
describe('several instances on one PostgreSQL', () => {
  if (!requireTool(Boolean(pgBin), 'several instances on one PostgreSQL', POSTGRES_INSTALL_HINT)) return;
  let pg: TestPostgres;
  let telegram: FakeTelegram;
  let env: Record<string, string>;
  let knowledgeDir: string;
  const servers: ServerProcess[] = [];

  const startInstance = () => startServerProcess({ ...env, DATA_DIR: dirs.make('instance-') });

  beforeAll(async () => {
    pg = await startPostgres(pgBin);
    telegram = await startFakeTelegram();
    knowledgeDir = join(dirs.make('knowledge-'), 'knowledge');
    cpSync('knowledge', knowledgeDir, { recursive: true });
    env = {
      DATABASE_URL: await pg.createDatabase('multi'),
      KNOWLEDGE_DIR: knowledgeDir,
      ADMIN_TOKEN,
      TELEGRAM_BOT_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: telegram.url,
      CHAT_RATE_PER_MINUTE: '30',
      CHAT_RATE_BURST: '8',
    };
    // Started together: the migrations must be applied once, without a race.
    servers.push(...(await Promise.all([startInstance(), startInstance(), startInstance()])));
  }, 240_000);

  afterAll(async () => {
    await Promise.allSettled(servers.map((s) => s.kill()));
    await telegram?.close();
    await pg?.stop();
    dirs.removeAll();
  });

  it('keeps a conversation that alternates between instances', async () => {
    const [a, b, c] = servers as [ServerProcess, ServerProcess, ServerProcess];
    const first = await chat(a, 'alternate', 'làm giấy khai sinh');
    expect(first.text).toContain('khai sinh');
    const menu = menuOf(first);
    expect(menu).toBeDefined();
    const steps = await chat(b, 'alternate', { menuId: menu?.id as string, optionId: 'steps' });
    expect(steps.text).toMatch(/Bước 1\//);
    const docs = await chat(c, 'alternate', 'cần giấy tờ gì');
    expect(docs.text).toMatch(/Giấy tờ cần chuẩn bị/);
  });

  it('handles a burst split across two instances one message at a time', async () => {
    const [a, b] = servers as [ServerProcess, ServerProcess];
    const opened = await chat(a, 'burst', 'làm giấy khai sinh');
    const steps = await chat(b, 'burst', { menuId: menuOf(opened)?.id as string, optionId: 'steps' });
    expect(stepOf(steps)).toBe(1);
    const total = Number(/Bước 1\/(\d+)/.exec(steps.text)?.[1]);
    expect(total).toBeGreaterThanOrEqual(4);
    // Every "tiếp" moves one step on: handled one at a time, the burst shows each step exactly once.
    const burst = await Promise.all(Array.from({ length: total - 1 }, (_v, i) => chat(i % 2 ? b : a, 'burst', 'tiếp')));
    expect(burst.map((x) => x.status)).toEqual(burst.map(() => 200));
    expect(burst.map(stepOf).sort((x, y) => x - y)).toEqual(Array.from({ length: total - 1 }, (_v, i) => i + 2));
  });

  it('shares one rate limit per conversation across instances', async () => {
    const answers = [];
    for (let i = 0; i < 9; i++)
      answers.push((await chat(servers[i % 3] as ServerProcess, 'flood', 'khai sinh')).status);
    expect(answers.slice(0, 8)).toEqual(Array(8).fill(200));
    expect(answers[8]).toBe(429);
  });

  it('moves Telegram polling to another instance within 30 s when the leader is killed', async () => {
    const leaders = await eventually(
      () => Promise.all(servers.map(health)),
      (all) => all.filter((h) => h.pollingLeader).length === 1,
      20_000,
    );
    const leaderIndex = leaders.findIndex((h) => h.pollingLeader);
    const message = (id: number, text: string) => ({
      message: {
        message_id: id,
        date: Math.floor(Date.now() / 1000),
        chat: { id: 4242, type: 'private' },
        from: { id: 4242, is_bot: false, first_name: 'An' },
        text,
      },
    });
    const sentBefore = telegram.callsOf('sendMessage').length;
    telegram.pushUpdate(message(1, 'làm giấy khai sinh'));
    await telegram.waitForCalls('sendMessage', sentBefore + 1, 20_000);

    const leader = servers[leaderIndex] as ServerProcess;
    await leader.kill();
    const killedAt = Date.now();
    servers.splice(leaderIndex, 1);
    const sent = telegram.callsOf('sendMessage').length;
    telegram.pushUpdate(message(2, 'cần giấy tờ gì'));
    const calls = await telegram.waitForCalls('sendMessage', sent + 1, 30_000);
    expect(Date.now() - killedAt).toBeLessThan(30_000);
    // The new leader continues the same conversation (its state is in the shared database).
    expect(String(calls[sent]?.body.text)).toMatch(/Giấy tờ cần chuẩn bị/);
    expect((await Promise.all(servers.map(health))).filter((h) => h.pollingLeader)).toHaveLength(1);
    servers.push(await startInstance());
  });

  it('loses no conversation in a rolling restart', async () => {
    const opened = await chat(servers[0] as ServerProcess, 'rolling', 'làm giấy khai sinh');
    expect(opened.text).toContain('khai sinh');
    for (let i = 0; i < servers.length; i++) {
      const old = servers[i] as ServerProcess;
      await old.stop();
      // While one instance restarts, the others answer the same conversation.
      const other = servers[(i + 1) % servers.length] as ServerProcess;
      expect((await chat(other, 'rolling', 'lệ phí bao nhiêu')).status).toBe(200);
      servers[i] = await startInstance();
    }
    const docs = await chat(servers[0] as ServerProcess, 'rolling', 'cần giấy tờ gì');
    expect(docs.text).toMatch(/Giấy tờ cần chuẩn bị/);
  });

  it('serves a reindex done through one instance on every instance', async () => {
    const added = procedure({ name: 'Cấp giấy phép nuôi chim yến trong khu dân cư', aliases: ['nuôi yến'] });
    writeFileSync(join(knowledgeDir, 'procedures', 'zz-multi.json'), JSON.stringify([added]));
    const before = (await health(servers[0] as ServerProcess)).knowledgeVersion;
    const response = await fetch(`${(servers[1] as ServerProcess).url}/admin/reindex`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(response.status).toBe(200);
    const { version } = (await response.json()) as { version: string };
    expect(version).not.toBe(before);
    for (const server of servers) {
      await eventually(
        () => health(server),
        (h) => h.knowledgeVersion === version,
        20_000,
      );
      const search = await fetch(`${server.url}/api/search?q=${encodeURIComponent('giấy phép nuôi chim yến')}`);
      expect(((await search.json()) as { hits: { id: string }[] }).hits[0]?.id).toBe(added.id);
    }
  });
});
