// The channel states an operator sees, on the real server from src/main.ts with the built-in knowledge and the
// fake Bot API on 127.0.0.1: while Telegram answers 409 Conflict, /healthz says "degraded" with telegram
// "retrying" and why (still HTTP 200) and /metrics has channel_up 0; when the episode ends it is "running"
// again and a citizen's question is answered by the real engine.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as pause } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { type Started, start } from '../src/main.ts';
import { type FakeTelegram, startFakeTelegram, textUpdate } from './fixtures/fake-telegram.ts';

interface Health {
  status: string;
  channels: Record<string, { state: string; since: string; reason?: string }>;
}

let fake: FakeTelegram | undefined;
let started: Started | undefined;
let dataDir: string | undefined;

afterEach(async () => {
  await started?.close();
  await fake?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  started = undefined;
  fake = undefined;
});

/** Polls /healthz until `wanted` holds (or fails naming what never happened). */
async function healthWhen(wanted: (health: Health) => boolean, what: string): Promise<{ code: number; body: Health }> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const response = await fetch(`${started?.url}/healthz`);
    const body = (await response.json()) as Health;
    if (wanted(body)) return { code: response.status, body };
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(body.channels)}`);
    await pause(20);
  }
}

describe('channel health', () => {
  it('shows a Telegram 409 episode in /healthz and /metrics, and recovers by itself', async () => {
    fake = await startFakeTelegram();
    fake.failNext(
      'getUpdates',
      { error_code: 409, description: 'Conflict: terminated by other getUpdates request' },
      3,
    );
    dataDir = mkdtempSync(join(tmpdir(), 'channel-health-'));
    started = await start({
      env: {
        LOG_LEVEL: 'silent',
        KNOWLEDGE_DIR: 'knowledge',
        EMBEDDING_MODEL_DIR: dataDir,
        ZALO_CREDENTIALS_FILE: join(dataDir, 'no-zalo-credentials.json'),
        TELEGRAM_BOT_TOKEN: fake.token,
        TELEGRAM_API_ROOT: fake.url,
      },
      port: 0,
      host: '127.0.0.1',
      dataDir,
    });

    let seen = await healthWhen((h) => h.channels.telegram?.state === 'retrying', 'telegram retrying');
    expect(seen.code).toBe(200);
    expect(seen.body.status).toBe('degraded');
    expect(seen.body.channels.telegram?.reason).toMatch(/409 Conflict/);
    expect(Number.isNaN(Date.parse(seen.body.channels.telegram?.since ?? ''))).toBe(false);
    const during = await (await fetch(`${started.url}/metrics`)).text();
    expect(during).toContain('channel_up{channel="telegram"} 0');

    seen = await healthWhen((h) => h.channels.telegram?.state === 'running', 'telegram running again');
    expect(seen.body).toMatchObject({ status: 'ok', channels: { telegram: { state: 'running' } } });
    expect(await (await fetch(`${started.url}/metrics`)).text()).toContain('channel_up{channel="telegram"} 1');

    fake.pushUpdate(textUpdate(42, 'làm lại căn cước bị mất'));
    const [answer] = await fake.waitForCalls('sendMessage', 1, 10_000);
    expect(String(answer?.body.text)).toMatch(/căn cước/i);
  });
});
