// Dossier code guessing cannot be walked around: lookups are charged to the client (the IP on the web, the
// user on a chat channel) as well as to the conversation, so a client that sends every guess from a fresh
// conversation id — or through a percent-encoded path — still meets the documented limits, while other
// clients keep their own budget. Real assistant (demo dossiers) behind the real HTTP server.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { type Assistant, createAssistant } from '../src/assistant.ts';
import { replyPlainText } from '../src/conversation/types.ts';
import { DEMO_CODES } from '../src/dossier/demo-source.ts';
import { createLogger } from '../src/log/logger.ts';
import { buildServer } from '../src/server/app.ts';
import { testConfig } from './helpers/conversation.ts';

const KNOWN = DEMO_CODES[1] as string;
const unknown = (i: number) => `000.00.00.D00-250701-09${String(i).padStart(2, '0')}`;
const LIMITED = /tra cứu hơi nhiều/;

let dataDir: string | undefined;
let assistant: Assistant | undefined;
let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  await assistant?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  app = assistant = dataDir = undefined;
});

async function server(env: Record<string, string>) {
  dataDir = mkdtempSync(join(tmpdir(), 'dossier-guessing-'));
  const config = testConfig(dataDir, {
    DOSSIER_PROVIDER: 'demo',
    NEW_CONVERSATIONS_PER_MINUTE: '1000',
    CHAT_RATE_PER_MINUTE: '1000',
    ...env,
  });
  assistant = await createAssistant(config, createLogger('silent'), { inMemory: true });
  app = await buildServer({ assistant, config, logger: createLogger('silent'), ipRatePerMinute: 10_000 });
  return app;
}

async function chat(app: FastifyInstance, conversationId: string, text: string, remoteAddress = '127.0.0.1') {
  const res = await app.inject({ method: 'POST', url: '/api/chat', payload: { conversationId, text }, remoteAddress });
  expect(res.statusCode).toBe(200);
  return (res.json().replies as Parameters<typeof replyPlainText>[0][]).map(replyPlainText).join('\n');
}

describe('dossier guessing per client', () => {
  it('slows a client down after DOSSIER_NOT_FOUND_LIMIT unknown codes, whatever conversation ids it sends', async () => {
    const app = await server({ DOSSIER_NOT_FOUND_LIMIT: '3', DOSSIER_LOOKUPS_PER_MINUTE: '100' });
    for (let i = 0; i < 3; i++) {
      expect(await chat(app, `fresh-${i}`, `tra hồ sơ ${unknown(i)}`)).not.toMatch(LIMITED);
    }
    // A real code from yet another fresh conversation is refused now, and so is the JSON API, however spelled.
    expect(await chat(app, 'fresh-new', `tra hồ sơ ${KNOWN}`)).toMatch(LIMITED);
    const api = await app.inject({ method: 'GET', url: `/%61pi/dossiers/${KNOWN}` });
    expect(api.statusCode).toBe(429);
    expect(api.json().error.code).toBe('rate_limited');
    // Another citizen is not affected.
    expect(await chat(app, 'someone-else', `tra hồ sơ ${KNOWN}`, '10.0.0.7')).toContain(KNOWN);
    const theirs = await app.inject({ method: 'GET', url: `/api/dossiers/${KNOWN}`, remoteAddress: '10.0.0.7' });
    expect(theirs.statusCode).toBe(200);
  });

  it('holds a client to DOSSIER_LOOKUPS_PER_MINUTE across fresh conversations and the API together', async () => {
    const app = await server({ DOSSIER_LOOKUPS_PER_MINUTE: '4' });
    for (let i = 0; i < 3; i++) expect(await chat(app, `c-${i}`, `tra hồ sơ ${KNOWN}`)).toContain(KNOWN);
    expect((await app.inject({ method: 'GET', url: `/api/dossiers/${KNOWN}` })).statusCode).toBe(200);
    expect(await chat(app, 'c-new', `tra hồ sơ ${KNOWN}`)).toMatch(LIMITED);
    expect((await app.inject({ method: 'GET', url: `/api/dossiers/${KNOWN}` })).statusCode).toBe(429);
  });

  it('charges a chat channel user, not the group they write from', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'dossier-guessing-'));
    const config = testConfig(dataDir, {
      DOSSIER_PROVIDER: 'demo',
      DOSSIER_NOT_FOUND_LIMIT: '2',
    });
    assistant = await createAssistant(config, createLogger('silent'), { inMemory: true });
    const send = (conversationId: string, userId: string, text: string) =>
      assistant?.engine
        .handle({ channel: 'telegram', conversationId, userId, text, receivedAt: Date.now() })
        .then((replies) => replies.map(replyPlainText).join('\n'));
    await send('telegram:-100', '42', `tra hồ sơ ${unknown(1)}`);
    await send('telegram:-200', '42', `tra hồ sơ ${unknown(2)}`);
    expect(await send('telegram:-300', '42', `tra hồ sơ ${KNOWN}`)).toMatch(LIMITED);
    expect(await send('telegram:-100', '43', `tra hồ sơ ${KNOWN}`)).not.toMatch(LIMITED);
  });
});
