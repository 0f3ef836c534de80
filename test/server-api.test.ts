// HTTP edge of the server with a scripted assistant: request validation, size limits, text capping,
// rate limits, error bodies, search/procedure/health/metrics/admin routes, security headers, and logs
// that never contain what citizens typed.
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../src/config/config.ts';
import type { InboundEvent, Reply } from '../src/conversation/types.ts';
import { type Procedure, ProcedureSchema, portalLinks } from '../src/knowledge/schema.ts';
import type { SearchOptions, SearchResult } from '../src/retrieval/types.ts';
import { buildServer, type ServerAssistant } from '../src/server/app.ts';
import { captureLogs } from './helpers/logs.ts';

const PROCEDURE_ID = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

const procedure: Procedure = ProcedureSchema.parse({
  id: PROCEDURE_ID,
  code: '1.000001',
  name: 'Thủ tục thử nghiệm',
  type: 'national',
  links: portalLinks(PROCEDURE_ID, true),
  source: { url: `https://dichvucong.gov.vn/thu-tuc-hanh-chinh/${PROCEDURE_ID}`, checkedAt: '2026-01-01' },
  // Search-only text from a page scrape and the old portal's name (kb:import --page-texts, --former-names): never
  // served as the procedure's facts.
  indexExtras: { steps: ['Bước 1: văn bản trang chỉ để tìm kiếm'], formerNames: ['Tên cũ trên cổng cũ'] },
});

/** Echoes what it received so each test can see exactly what reached the engine. */
function scriptedAssistant() {
  const events: InboundEvent[] = [];
  const searches: { query: string; options?: SearchOptions }[] = [];
  let reindexCalls = 0;
  let releaseReindex: (() => void) | undefined;
  const assistant: ServerAssistant = {
    engine: {
      async handle(event) {
        events.push(event);
        if (event.text === 'hỏng') throw new Error(`engine failed on ${event.text}`);
        const said = event.text ?? `${event.choice?.menuId}/${event.choice?.optionId}`;
        return [{ paragraphs: [[{ kind: 'text', text: `Bạn nói: ${said}` }]] } satisfies Reply];
      },
      async endConversation() {},
    },
    retriever: {
      async search(query, options): Promise<SearchResult> {
        searches.push({ query, options });
        return {
          hits: [{ id: PROCEDURE_ID, code: '1.000001', name: 'Thủ tục thử nghiệm', score: 1, family: 'f1' }],
          groups: [{ family: 'f1', name: 'Thủ tục thử nghiệm', ids: [PROCEDURE_ID] }],
          confidence: 0.9,
          abstain: false,
          ambiguous: false,
          path: 'lexical',
        };
      },
    },
    getProcedure: (id) => (id === PROCEDURE_ID ? procedure : undefined),
    dossiers: {
      detect: () => undefined,
      lookup: async (code) => ({ kind: 'not_found', code }),
    },
    async reindex() {
      reindexCalls++;
      await new Promise<void>((resolve) => {
        releaseReindex = resolve;
      });
      return { version: 'v2', procedures: 1 };
    },
    status: () => ({ knowledgeVersion: 'v1', procedures: 1, retrievalPath: 'lexical' }),
    engineOutcomes: () => ({ answered: 7, abstained: 2 }),
  };
  return {
    assistant,
    events,
    searches,
    reindexCalls: () => reindexCalls,
    releaseReindex: () => releaseReindex?.(),
  };
}

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function setup(env: Record<string, string> = {}, ipRatePerMinute?: number) {
  const script = scriptedAssistant();
  const logs = captureLogs('debug');
  const config = loadConfig({ LOG_LEVEL: 'debug', ...env });
  app = await buildServer({ assistant: script.assistant, config, logger: logs.logger, ipRatePerMinute });
  return { ...script, app, logs: logs.text };
}

const chat = (server: FastifyInstance, body: unknown, headers: Record<string, string> = {}) =>
  server.inject({
    method: 'POST',
    url: '/api/chat',
    headers: { 'content-type': 'application/json', ...headers },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('POST /api/chat', () => {
  it('passes a typed message to the engine under a web-namespaced conversation id, the client address as user', async () => {
    const { app, events } = await setup();
    const res = await chat(app, { conversationId: 'abc_1-2', text: 'làm lại căn cước' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ replies: [{ paragraphs: [[{ kind: 'text', text: 'Bạn nói: làm lại căn cước' }]] }] });
    expect(events[0]).toMatchObject({
      channel: 'web',
      conversationId: 'web:abc_1-2',
      userId: 'web-ip:127.0.0.1',
      text: 'làm lại căn cước',
    });
    expect(events[0]?.choice).toBeUndefined();
  });

  it('passes a button press as a choice', async () => {
    const { app, events } = await setup();
    const res = await chat(app, { conversationId: 'c1', choice: { menuId: 'm7', optionId: 'steps' } });
    expect(res.statusCode).toBe(200);
    expect(events[0]?.choice).toEqual({ menuId: 'm7', optionId: 'steps' });
    expect(events[0]?.text).toBeUndefined();
  });

  it('rejects a body with both text and choice, or neither, in Vietnamese', async () => {
    const { app, events } = await setup();
    const both = await chat(app, { conversationId: 'c1', text: 'a', choice: { menuId: 'm', optionId: 'o' } });
    const neither = await chat(app, { conversationId: 'c1' });
    for (const res of [both, neither]) {
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('invalid_request');
      expect(res.json().error.message).toContain('text hoặc choice');
    }
    expect(events).toHaveLength(0);
  });

  it.each([
    ['a space', 'a b'],
    ['too long', 'x'.repeat(101)],
    ['empty', ''],
    ['a colon', 'web:abc'],
  ])('rejects a conversation id with %s', async (_label, conversationId) => {
    const { app, events } = await setup();
    const res = await chat(app, { conversationId, text: 'xin chào' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toContain('conversationId');
    expect(events).toHaveLength(0);
  });

  it('answers malformed JSON with a Vietnamese and English reason, without echoing the body', async () => {
    const { app } = await setup();
    const res = await chat(app, '{"conversationId": "c1", "text": "<script>alert(1)</script>"');
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/json');
    const body = res.json();
    expect(body.error.code).toBe('malformed_json');
    expect(body.error.message).toMatch(/JSON hợp lệ/);
    expect(body.error.message).toMatch(/Malformed JSON/);
    expect(res.body).not.toContain('<script>');
  });

  it('refuses bodies over 16 kB with 413 and a reason', async () => {
    const { app, events } = await setup();
    const res = await chat(app, { conversationId: 'c1', text: 'a'.repeat(17 * 1024) });
    expect(res.statusCode).toBe(413);
    expect(res.json().error).toMatchObject({ code: 'body_too_large' });
    expect(res.json().error.message).toContain('16 kB');
    expect(events).toHaveLength(0);
  });

  it('passes a long text whole to the engine, which decides how much to read', async () => {
    const { app, events } = await setup();
    const long = `${'đăng ký khai sinh '.repeat(80)}`.trim(); // 1439 characters, within the 16 kB body limit
    const res = await chat(app, { conversationId: 'c1', text: long });
    expect(res.statusCode).toBe(200);
    expect(events[0]?.text).toBe(long);
    expect(res.json().replies).toHaveLength(1);
  });

  it('strips control and invisible formatting characters before the engine', async () => {
    const { app, events } = await setup();
    const res = await chat(app, { conversationId: 'c1', text: '\u0000lệ\u0007 phí\u202e\u200b bao\tnhiêu\u009b' });
    expect(res.statusCode).toBe(200);
    expect(events[0]?.text).toBe('lệ phí bao nhiêu');
  });

  it('normalises decomposed Vietnamese to NFC', async () => {
    const { app, events } = await setup();
    await chat(app, { conversationId: 'c1', text: 'căn cước'.normalize('NFD') });
    expect(events[0]?.text).toBe('căn cước'.normalize('NFC'));
  });

  it('refuses a message that is empty once cleaned', async () => {
    const { app, events } = await setup();
    const res = await chat(app, { conversationId: 'c1', text: ' \u0000\u0001 \n ' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('empty_text');
    expect(events).toHaveLength(0);
  });

  it('limits each conversation to CHAT_RATE_PER_MINUTE and tells the user when to retry', async () => {
    const { app, events } = await setup({ CHAT_RATE_PER_MINUTE: '3' });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await chat(app, { conversationId: 'busy', text: `câu ${i}` })).statusCode);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await chat(app, { conversationId: 'busy', text: 'nữa' });
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(limited.json().error.code).toBe('rate_limited');
    expect(limited.json().error.message).toMatch(/giây/);
    // Another conversation is not affected.
    expect((await chat(app, { conversationId: 'calm', text: 'xin chào' })).statusCode).toBe(200);
    expect(events).toHaveLength(4);
  });

  it('caps requests per client IP across conversations', async () => {
    const { app } = await setup({ CHAT_RATE_PER_MINUTE: '100' }, 5);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++)
      statuses.push((await chat(app, { conversationId: `conv${i}`, text: 'chào' })).statusCode);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    const other = await chat(app, { conversationId: 'x', text: 'chào' }, { 'x-forwarded-for': '1.2.3.4' });
    // Without trustProxy a forwarded header does not create a new identity.
    expect(other.statusCode).toBe(429);
  });

  it('behind a trusted reverse proxy, caps each forwarded client separately', async () => {
    const { app } = await setup({ CHAT_RATE_PER_MINUTE: '100', TRUST_PROXY: '127.0.0.1' }, 2);
    const from = (ip: string) => ({ 'x-forwarded-for': ip });
    const first = [];
    for (let i = 0; i < 3; i++)
      first.push((await chat(app, { conversationId: `a${i}`, text: 'chào' }, from('1.2.3.4'))).statusCode);
    expect(first).toEqual([200, 200, 429]);
    expect((await chat(app, { conversationId: 'b', text: 'chào' }, from('5.6.7.8'))).statusCode).toBe(200);
  });

  it('answers an engine failure with a polite 500 that reveals nothing', async () => {
    const { app, logs } = await setup();
    const res = await chat(app, { conversationId: 'c1', text: 'hỏng' });
    expect(res.statusCode).toBe(500);
    expect(res.json().error.code).toBe('internal');
    expect(res.json().error.message).toMatch(/thử lại/);
    expect(res.body).not.toContain('engine failed');
    expect(logs()).not.toContain('hỏng');
  });
});

describe('GET /api/search', () => {
  it('returns hits, groups, confidence and abstain, passing the limit', async () => {
    const { app, searches } = await setup();
    const res = await app.inject({ url: `/api/search?q=${encodeURIComponent('căn cước')}&limit=3` });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.hits[0].id).toBe(PROCEDURE_ID);
    expect(body.groups[0].ids).toEqual([PROCEDURE_ID]);
    expect(body.confidence).toBe(0.9);
    expect(body.abstain).toBe(false);
    expect(searches).toEqual([{ query: 'căn cước', options: { limit: 3 } }]);
  });

  it.each([
    ['missing q', '/api/search'],
    ['blank q', '/api/search?q=%20%20'],
    ['q over 500 characters', `/api/search?q=${'a'.repeat(501)}`],
    ['limit 0', '/api/search?q=abc&limit=0'],
    ['limit not a number', '/api/search?q=abc&limit=many'],
  ])('rejects %s with 400', async (_label, url) => {
    const { app, searches } = await setup();
    const res = await app.inject({ url });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toBeTruthy();
    expect(searches).toHaveLength(0);
  });
});

describe('GET /api/procedures/:id', () => {
  it('returns a known procedure, 404 for an unknown UUID and 400 for a non-UUID', async () => {
    const { app } = await setup();
    const known = await app.inject({ url: `/api/procedures/${PROCEDURE_ID}` });
    expect(known.statusCode).toBe(200);
    expect(known.json()).toMatchObject({ id: PROCEDURE_ID, code: '1.000001', name: 'Thủ tục thử nghiệm' });
    expect(known.body).not.toContain('văn bản trang chỉ để tìm kiếm');
    expect(known.body).not.toContain('Tên cũ trên cổng cũ');
    const unknown = await app.inject({ url: '/api/procedures/11111111-2222-4333-8444-555555555555' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('procedure_not_found');
    const invalid = await app.inject({ url: '/api/procedures/1.000001' });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().error.code).toBe('invalid_id');
  });
});

describe('health and metrics', () => {
  it('reports status, knowledge version, procedure count, retrieval path and uptime', async () => {
    const { app } = await setup();
    const res = await app.inject({ url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok', knowledgeVersion: 'v1', procedures: 1, retrievalPath: 'lexical' });
    expect(typeof res.json().uptime).toBe('number');
  });

  it('exports request counts, chat latency, engine outcomes and memory in Prometheus format', async () => {
    const { app } = await setup();
    await chat(app, { conversationId: 'c1', text: 'xin chào' });
    await chat(app, { conversationId: 'c1', text: 'lần hai' });
    await chat(app, { conversationId: 'c1' });
    const res = await app.inject({ url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain; version=0.0.4');
    const text = res.body;
    expect(text).toContain('# TYPE http_requests_total counter');
    expect(text).toContain('http_requests_total{route="/api/chat",method="POST",status="200"} 2');
    expect(text).toContain('http_requests_total{route="/api/chat",method="POST",status="400"} 1');
    expect(text).toContain('chat_latency_seconds_count{outcome="ok"} 2');
    expect(text).toContain('chat_latency_seconds_bucket{outcome="ok",le="+Inf"} 2');
    expect(text).toContain('rejected_requests_total{route="/api/chat",reason="invalid"} 1');
    expect(text).toContain('assistant_engine_outcomes{outcome="answered"} 7');
    expect(text).toMatch(/process_resident_memory_bytes [1-9]\d+/);
  });
});

describe('POST /admin/reindex', () => {
  it('does not exist when ADMIN_TOKEN is unset', async () => {
    const { app, reindexCalls } = await setup();
    const res = await app.inject({ method: 'POST', url: '/admin/reindex', headers: { authorization: 'Bearer x' } });
    expect(res.statusCode).toBe(404);
    expect(reindexCalls()).toBe(0);
  });

  it('needs the right bearer token, and runs one reindex at a time', async () => {
    const { app, reindexCalls, releaseReindex } = await setup({
      ADMIN_TOKEN: 'correct-horse-battery-staple-and-more-words',
    });
    const missing = await app.inject({ method: 'POST', url: '/admin/reindex' });
    const wrong = await app.inject({
      method: 'POST',
      url: '/admin/reindex',
      headers: { authorization: 'Bearer correct-horse' },
    });
    for (const res of [missing, wrong]) {
      expect(res.statusCode).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer');
    }
    expect(reindexCalls()).toBe(0);

    const auth = { authorization: 'Bearer correct-horse-battery-staple-and-more-words' };
    const first = app.inject({ method: 'POST', url: '/admin/reindex', headers: auth });
    await vi.waitFor(() => expect(reindexCalls()).toBe(1));
    const second = await app.inject({ method: 'POST', url: '/admin/reindex', headers: auth });
    expect(second.statusCode).toBe(409);
    releaseReindex();
    const done = await first;
    expect(done.statusCode).toBe(200);
    expect(done.json()).toMatchObject({ version: 'v2', procedures: 1 });
    expect(reindexCalls()).toBe(1);
  });
});

describe('page, headers and logs', () => {
  it('serves the chat page with a same-origin CSP and versioned, cacheable assets', async () => {
    const { app } = await setup();
    const page = await app.inject({ url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('Trợ lý Dịch vụ công');
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['x-frame-options']).toBe('DENY');

    const script = page.body.match(/src="(\/app\.js\?v=[0-9a-f]+)"/)?.[1];
    expect(script).toBeDefined();
    const asset = await app.inject({ url: script as string });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['content-type']).toContain('text/javascript');
    expect(asset.headers['cache-control']).toContain('immutable');

    const again = await app.inject({ url: '/', headers: { 'if-none-match': String(page.headers.etag) } });
    expect(again.statusCode).toBe(304);
  });

  it('answers unknown routes with a JSON 404 that does not echo the path', async () => {
    const { app } = await setup();
    const res = await app.inject({ url: '/%3Cscript%3Ealert(1)%3C%2Fscript%3E' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('not_found');
    expect(res.body).not.toMatch(/script/i);
  });

  it('never writes message texts, search queries, dossier codes or conversation ids to the log', async () => {
    const { app, logs } = await setup();
    await chat(app, { conversationId: 'secretconv42', text: 'số căn cước của tôi là 001099012345' });
    await app.inject({ url: `/api/search?q=${encodeURIComponent('bí mật riêng')}` });
    await app.inject({ url: '/api/search?q=' }); // a 400 is logged too
    const dossier = await app.inject({ url: '/api/dossiers/000.00.14.H56-200203-0118' });
    expect(dossier.statusCode).toBe(404); // mounted, answered by the dossier service
    const output = logs();
    expect(output).toContain('"route":"/api/chat"'); // the log is written…
    expect(output).toContain('"route":"/api/search"');
    expect(output).toContain('"route":"/api/dossiers/:code"');
    expect(output).not.toContain('H56-200203');
    expect(output).not.toContain('001099012345'); // …without what was said
    expect(output).not.toContain('secretconv42');
    expect(output).not.toContain('bí mật');
    expect(output).not.toContain(encodeURIComponent('bí mật riêng'));
  });
});
