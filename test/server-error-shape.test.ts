// Every error answer has the same shape `{ error: { code, message } }`, its code comes from the one catalogue
// with that code's status, nothing of the request is echoed, and a 413 names the limit of the route that
// refused the body. Also checks that docs/http-api.md lists exactly the catalogue.
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/config.ts';
import { createLogger } from '../src/log/logger.ts';
import { buildServer } from '../src/server/app.ts';
import { ERROR_CATALOGUE, type ErrorCode } from '../src/server/error-catalogue.ts';
import { stubAssistant } from './helpers/assistant.ts';

const ADMIN_TOKEN = 'error-shape-admin-token-0123456789abcdef';
let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function server() {
  app = await buildServer({
    assistant: stubAssistant(),
    config: loadConfig({ ADMIN_TOKEN }),
    logger: createLogger('silent'),
    ipRatePerMinute: 10_000,
  });
  app.post('/test/large', { bodyLimit: 64 * 1024 }, async () => ({ ok: true }));
  return app;
}

function expectCatalogueAnswer(res: { statusCode: number; body: string }, code: ErrorCode) {
  const body = JSON.parse(res.body);
  expect(body.error).toEqual({ code, message: expect.any(String) });
  expect(body.error.message.length).toBeGreaterThan(5);
  expect(res.statusCode).toBe(ERROR_CATALOGUE[code].status);
}

describe('error answers', () => {
  it.each<[string, InjectOptions, ErrorCode]>([
    [
      'malformed JSON',
      { method: 'POST', url: '/api/chat', payload: '{"a":', headers: { 'content-type': 'application/json' } },
      'malformed_json',
    ],
    [
      'a form post',
      {
        method: 'POST',
        url: '/api/chat',
        payload: 'a=1',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      },
      'unsupported_media_type',
    ],
    ['a missing field', { method: 'POST', url: '/api/chat', payload: { text: 'x' } }, 'invalid_request'],
    ['an unknown route', { method: 'GET', url: '/api/nothing<script>' }, 'not_found'],
    ['a broken percent-encoding', { method: 'GET', url: '/api/dossiers/%E0%A4%A<b>' }, 'bad_url'],
    ['a non-UUID procedure', { method: 'GET', url: '/api/procedures/abc' }, 'invalid_id'],
    ['an empty search', { method: 'GET', url: '/api/search?q=' }, 'invalid_query'],
    [
      'a wrong admin token',
      { method: 'POST', url: '/admin/reindex', headers: { authorization: 'Bearer nope' } },
      'unauthorized',
    ],
  ])('answers %s from the catalogue without echoing it', async (_label, request, code) => {
    const res = await (await server()).inject(request);
    expectCatalogueAnswer(res, code);
    expect(res.body).not.toMatch(/<script>|<b>|nope/);
  });

  it('states the limit of the route in a 413', async () => {
    const app = await server();
    const chat = await app.inject({
      method: 'POST',
      url: '/api/chat',
      payload: { conversationId: 'c', text: 'x'.repeat(20_000) },
    });
    expectCatalogueAnswer(chat, 'body_too_large');
    expect(chat.json().error.message).toContain('16 kB');
    const large = await app.inject({ method: 'POST', url: '/test/large', payload: { text: 'x'.repeat(70_000) } });
    expectCatalogueAnswer(large, 'body_too_large');
    expect(large.json().error.message).toContain('64 kB');
  });

  it('answers oversized headers on the raw socket in the same shape', async () => {
    const app = await server();
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as { port: number };
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.write(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
      });
      let data = '';
      socket.on('data', (chunk) => {
        data += chunk;
      });
      socket.on('close', () => resolve(data));
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 431 /);
    const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4));
    expect(body).toEqual({ error: { code: 'headers_too_large', message: expect.any(String) } });
  });

  it('docs/http-api.md lists exactly the catalogue, with each status', () => {
    const doc = readFileSync('docs/http-api.md', 'utf8');
    const rows = [...doc.matchAll(/^\| `([a-z_]+)` \| (\d{3}) \|/gm)].map((m) => [m[1], Number(m[2])]);
    const catalogue = Object.entries(ERROR_CATALOGUE).map(([code, entry]) => [code, entry.status]);
    expect(rows.sort()).toEqual(catalogue.sort());
  });
});
