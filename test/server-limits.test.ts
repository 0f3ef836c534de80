// Limits that cannot be walked around: per-IP caps decided on the route fastify matched (percent-encoded
// spellings of a path count the same), admin token guessing, the cap on new web conversations per client,
// and idle or never-speaking sockets that cannot crowd out real users (raw sockets against a real server).
import { connect, type Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/config.ts';
import { createLogger } from '../src/log/logger.ts';
import { ADMIN_RATE_PER_MINUTE, buildServer } from '../src/server/app.ts';
import { guardConnections } from '../src/server/connections.ts';
import { stubAssistant } from './helpers/assistant.ts';
import { listenLocally } from './helpers/local-server.ts';
import { until } from './helpers/until.ts';

const ADMIN_TOKEN = 'a-long-admin-token-of-more-than-32-characters';

let app: FastifyInstance | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await app?.close();
  app = undefined;
});

async function server(env: Record<string, string> = {}, ipRatePerMinute?: number) {
  const config = loadConfig({
    ADMIN_TOKEN,
    CHAT_RATE_PER_MINUTE: '1000',
    NEW_CONVERSATIONS_PER_MINUTE: '1000',
    ...env,
  });
  app = await buildServer({ assistant: stubAssistant(), config, logger: createLogger('silent'), ipRatePerMinute });
  return app;
}

const statuses = async (n: number, request: (i: number) => Promise<{ statusCode: number }>) => {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await request(i)).statusCode);
  return out;
};

describe('per-IP limits on the matched route', () => {
  it.each([
    ['/%61pi/chat', 'POST'],
    ['/api/%63hat', 'POST'],
    ['/%61pi/search?q=x', 'GET'],
    ['/%61pi/dossiers/G12.345-260101-0001', 'GET'],
  ])('counts %s exactly like the plain path', async (url, method) => {
    const app = await server({}, 5);
    const codes = await statuses(7, (i) =>
      app.inject({ method: method as 'GET' | 'POST', url, payload: { conversationId: `c${i}`, text: 'chào' } }),
    );
    expect(codes.slice(5)).toEqual([429, 429]);
    expect(codes.slice(0, 5)).not.toContain(429);
    // The plain spelling shares the same exhausted bucket.
    const plain = await app.inject({ method: 'GET', url: '/api/search?q=x' });
    expect(plain.statusCode).toBe(429);
    expect(plain.json().error.code).toBe('rate_limited');
    expect(Number(plain.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('limits admin token guessing per IP, however the path is spelled', async () => {
    const app = await server();
    const guesses = await statuses(ADMIN_RATE_PER_MINUTE + 3, (i) =>
      app.inject({
        method: 'POST',
        url: i % 2 ? '/%61dmin/reindex' : '/admin/%72eindex',
        headers: { authorization: `Bearer guess-${i}` },
      }),
    );
    expect(guesses.slice(0, ADMIN_RATE_PER_MINUTE)).toEqual(Array(ADMIN_RATE_PER_MINUTE).fill(401));
    expect(guesses.slice(ADMIN_RATE_PER_MINUTE)).toEqual([429, 429, 429]);
    // Even the right token waits now: guessing cannot be interleaved with real calls to reset anything.
    const right = await app.inject({
      method: 'POST',
      url: '/admin/reindex',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(right.statusCode).toBe(429);
    // Other clients are not affected.
    const other = await app.inject({
      method: 'POST',
      url: '/admin/reindex',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      remoteAddress: '10.0.0.9',
    });
    expect(other.statusCode).toBe(200);
  });

  it('does not count the web page and health checks', async () => {
    const app = await server({}, 2);
    const codes = await statuses(10, (i) => app.inject({ method: 'GET', url: i % 2 ? '/healthz' : '/' }));
    expect(codes).not.toContain(429);
  });
});

describe('new web conversations per client', () => {
  it('caps fresh conversation ids from one client, lets known ones carry on, and spares other clients', async () => {
    const app = await server({ NEW_CONVERSATIONS_PER_MINUTE: '3' });
    const chat = (conversationId: string, remoteAddress = '127.0.0.1') =>
      app.inject({ method: 'POST', url: '/api/chat', payload: { conversationId, text: 'chào' }, remoteAddress });
    const codes = await statuses(5, (i) => chat(`fresh${i}`));
    expect(codes).toEqual([200, 200, 200, 429, 429]);
    const refused = await chat('fresh9');
    expect(refused.json().error.code).toBe('too_many_conversations');
    expect(refused.json().error.message).toMatch(/giây/);
    expect((await chat('fresh1')).statusCode).toBe(200);
    expect((await chat('other', '10.1.1.1')).statusCode).toBe(200);
  });
});

function openIdle(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.on('error', () => undefined);
    socket.once('error', reject);
    sockets.push(socket);
  });
}

describe('idle connections', () => {
  it('a few hundred idle sockets do not stop real users', async () => {
    const app = await server({ HTTP_MAX_CONNECTIONS: '100' });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as { port: number };
    await Promise.all(Array.from({ length: 300 }, () => openIdle(port)));
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.status)),
    );
    expect(answers).toEqual(Array(20).fill(200));
    const chat = await fetch(`http://127.0.0.1:${port}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ conversationId: 'real-user', text: 'chào' }),
    });
    expect(chat.status).toBe(200);
    // The idle ones were closed to make room; the server never held more than its cap.
    const closed = sockets.filter((s) => s.destroyed || s.readyState !== 'open').length;
    expect(closed).toBeGreaterThanOrEqual(200);
  });

  it('closes a connection that never sends a request, and keeps serving', async () => {
    const local = await listenLocally((_req, res) => res.end('ok'));
    local.server.headersTimeout = 300;
    const guard = guardConnections(local.server, {
      maxConnections: 50,
      firstRequestTimeoutMs: 300,
      checkIntervalMs: 50,
    });
    try {
      const port = Number(new URL(local.url).port);
      const silent = await openIdle(port);
      let silentClosed = false;
      silent.on('close', () => {
        silentClosed = true;
      });
      await until(() => silentClosed, 'the silent connection to be closed', 3000);
      expect(guard.size).toBe(0);
      const answered = await fetch(`${local.url}/`).then((r) => r.text());
      expect(answered).toBe('ok');
    } finally {
      guard.stop();
      await local.close();
    }
  });
});
