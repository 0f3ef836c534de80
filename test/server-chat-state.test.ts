// GET /api/chat/state with the real assistant: what the web page checks before showing a kept transcript.
// Unknown (or expired) conversations are inactive; after a message the conversation is active at the menu of
// the last reply; "Trò chuyện mới" on another id does not make the first one inactive.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Assistant, createAssistant } from '../src/assistant.ts';
import { createLogger } from '../src/log/logger.ts';
import { buildServer } from '../src/server/app.ts';
import { testConfig } from './helpers/conversation.ts';

let dataDir: string;
let assistant: Assistant;
let app: FastifyInstance;
let clock = Date.parse('2026-11-30T02:00:00Z');

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'chat-state-'));
  const config = testConfig(dataDir);
  assistant = await createAssistant(config, createLogger('silent'), { inMemory: true, now: () => clock });
  app = await buildServer({ assistant, config, logger: createLogger('silent') });
});

afterAll(async () => {
  await app?.close();
  await assistant?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const state = async (id: string) => (await app.inject({ url: `/api/chat/state?conversationId=${id}` })).json();

describe('GET /api/chat/state', () => {
  it('says an unknown conversation is not active', async () => {
    expect(await state('never-seen')).toEqual({ active: false });
  });

  it('is active at the menu of the last reply after a message, and inactive once the session expired', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/chat',
      payload: { conversationId: 'page-1', text: 'làm lại căn cước bị mất' },
    });
    const menus = (res.json().replies as { menu?: { id: string } }[]).flatMap((r) => (r.menu ? [r.menu.id] : []));
    expect(await state('page-1')).toEqual({ active: true, menuId: menus.at(-1) });
    clock += 7 * 24 * 3_600_000;
    expect(await state('page-1')).toEqual({ active: false });
  });

  it('refuses a malformed conversation id', async () => {
    expect((await app.inject({ url: '/api/chat/state?conversationId=a%20b' })).statusCode).toBe(400);
  });
});
