// The server as `npm start` runs it, in its own process: a failure while handling one message (a damaged
// database, a malformed Telegram update) is answered or dropped, and the process keeps serving others.
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { type FakeTelegram, startFakeTelegram } from './fixtures/fake-telegram.ts';
import { tempDirs } from './helpers/temp-dirs.ts';

const dirs = tempDirs('survives-');
const children: ChildProcess[] = [];
let telegram: FakeTelegram | undefined;
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  await telegram?.close();
  telegram = undefined;
});
afterAll(() => dirs.removeAll());

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Starts `src/main.ts` like `npm start` does and resolves with its URL once it answers /healthz. */
async function startServer(env: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { ...process.env, LOG_LEVEL: 'warn', HOST: '127.0.0.1', PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += String(chunk);
  });
  child.stderr?.on('data', (chunk) => {
    output += String(chunk);
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}: ${output.slice(-2000)}`);
    const ok = await fetch(`${url}/healthz`).then(
      () => true,
      () => false,
    );
    if (ok) return { url, child };
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`server did not start: ${output.slice(-2000)}`);
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

const chat = (url: string, text: string) =>
  fetch(`${url}/api/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ conversationId: `survive-${Math.floor(Math.random() * 1e9)}`, text }),
  });

describe('one failure never ends the process', () => {
  it('keeps serving after chat requests hit a damaged database file', async () => {
    const dataDir = dirs.make();
    const first = await startServer({ DATA_DIR: dataDir });
    expect((await chat(first.url, 'làm giấy khai sinh')).status).toBe(200);
    await stopServer(first.child);

    // Damage a few pages in the middle of the file, as a failing disk would.
    const fd = openSync(join(dataDir, 'assistant.sqlite'), 'r+');
    writeSync(fd, Buffer.alloc(3 * 4096, 0x5a), 0, 3 * 4096, 4096);
    closeSync(fd);

    const second = await startServer({ DATA_DIR: dataDir });
    for (let i = 0; i < 5; i++) {
      const response = await chat(second.url, 'làm lại căn cước bị mất');
      expect(response.status).toBeLessThan(600);
    }
    await new Promise((r) => setTimeout(r, 500));
    expect(second.child.exitCode).toBeNull();
    expect((await fetch(`${second.url}/api/search?q=khai%20sinh`)).status).toBe(200);
  }, 120_000);

  it('drops a Telegram webhook update whose text is a number and keeps answering', async () => {
    telegram = await startFakeTelegram();
    const { url, child } = await startServer({
      DATA_DIR: dirs.make(),
      TELEGRAM_BOT_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: telegram.url,
      TELEGRAM_WEBHOOK_URL: 'https://bot.example.org/telegram/hook',
      TELEGRAM_WEBHOOK_SECRET: 'secret_for_the_test',
    });
    const post = (update: Record<string, unknown>) =>
      fetch(`${url}/telegram/hook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': 'secret_for_the_test' },
        body: JSON.stringify(update),
      });
    const message = (text: unknown, id: number) => ({
      update_id: id,
      message: {
        message_id: id,
        date: 1,
        chat: { id: 42, type: 'private' },
        from: { id: 42, is_bot: false, first_name: 'A' },
        text,
      },
    });
    await post(message(12345, 1));
    await new Promise((r) => setTimeout(r, 500));
    expect(child.exitCode).toBeNull();
    await post(message('làm giấy khai sinh', 2));
    const sent = await telegram.waitForCalls('sendMessage', 1, 10_000);
    expect(String(sent[0]?.body.text)).toMatch(/khai sinh/i);
    expect(child.exitCode).toBeNull();
  }, 120_000);
});
