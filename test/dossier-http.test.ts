// The HTTP provider against a local fake agency API (node:http on 127.0.0.1): field mapping, personal data
// dropped, retries, timeouts, 500s and malformed JSON reported as unavailable, circuit breaker, short cache.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config/config.ts';
import { describeLookup } from '../src/conversation/screens/dossier.ts';
import { replyPlainText } from '../src/conversation/types.ts';
import { CircuitBreaker } from '../src/dossier/circuit-breaker.ts';
import { dossierUrl, HttpDossierSource, parseFieldMap } from '../src/dossier/http-source.ts';
import { createDossierService } from '../src/dossier/service.ts';
import { SourceUnavailableError } from '../src/dossier/source.ts';
import { type LocalServer, listenLocally } from './helpers/local-server.ts';
import { captureLogs } from './helpers/logs.ts';

const OK = '000.00.14.H56-250310-0001';
const FLAKY = '000.00.14.H56-250310-0002';
const EMPTY = '000.00.14.H56-250310-0003';
const ODD_STATE = '000.00.14.H56-250310-0004';
const CODES = {
  notFound: '000.00.14.H56-250310-0404',
  slow: '000.00.14.H56-250310-0408',
  error: '000.00.14.H56-250310-0500',
  malformed: '000.00.14.H56-250310-0999',
};
const API_KEY = 'secret-key-123';

const FIELD_MAP = JSON.stringify({
  state: 'data.trangThai',
  procedureName: 'data.tenThuTuc',
  receivedOn: 'data.ngayTiepNhan',
  dueOn: 'data.ngayHenTra',
  agency: 'data.coQuanXuLy',
  note: 'data.ghiChu',
  stateValues: { '1': 'received', '2': 'processing', '3': 'needs_supplement' },
});

let server: LocalServer;
let base: string;
/** When true every request fails with 500 (the agency's system is down). */
let down = false;
const hits = new Map<string, number>();
let lastAuth: string | undefined;

function record(code: string) {
  return {
    data: {
      maHoSo: code,
      trangThai: '2',
      tenThuTuc: 'Đăng ký khai sinh',
      ngayTiepNhan: '10/03/2025 08:30',
      ngayHenTra: '2025-03-17T17:00:00+07:00',
      coQuanXuLy: 'UBND xã Quảng Phú',
      ghiChu: 'Chờ ký duyệt',
      hoTen: 'Nguyễn Văn An',
      diaChi: '12 Lê Lợi, Thanh Hóa',
      soDienThoai: '0912345678',
    },
  };
}

function handle(req: IncomingMessage, res: ServerResponse) {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const code = decodeURIComponent(url.searchParams.get('ma') ?? url.pathname.split('/').pop() ?? '');
  hits.set(code, (hits.get(code) ?? 0) + 1);
  lastAuth = req.headers['x-api-key'] as string | undefined;
  const json = (status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  if (req.headers['x-api-key'] !== API_KEY) return json(401, { error: 'unauthorized' });
  if (down) return json(500, { error: 'down' });
  switch (code) {
    case OK:
    case '03706/2026/07906':
      return json(200, record(code));
    case FLAKY:
      return (hits.get(code) ?? 0) === 1 ? json(503, { error: 'busy' }) : json(200, record(code));
    case EMPTY:
      return json(200, { data: null, message: 'Không tìm thấy hồ sơ' });
    case ODD_STATE:
      return json(200, { data: { trangThai: 'XYZ' } });
    case CODES.notFound:
      return json(404, { error: 'not found' });
    case CODES.slow:
      return; // never answers
    case CODES.error:
      return json(500, { error: 'internal' });
    case CODES.malformed:
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end('{"data": {"trangThai": ');
    default:
      return json(404, {});
  }
}

beforeAll(async () => {
  server = await listenLocally(handle);
  base = `${server.url}/api/hoso`;
});

afterAll(async () => {
  await server.close();
});

let nowMs: number;
const logs = captureLogs('debug');
const logger = logs.logger;

beforeEach(() => {
  nowMs = Date.parse('2025-03-14T03:00:00Z');
  down = false;
  hits.clear();
});

function source(overrides: Partial<ConstructorParameters<typeof HttpDossierSource>[0]> = {}) {
  return new HttpDossierSource({
    baseUrl: base,
    authHeader: { name: 'X-Api-Key', value: API_KEY },
    fieldMap: parseFieldMap(FIELD_MAP),
    timeoutMs: 150,
    retries: 2,
    backoffMs: 1,
    breaker: new CircuitBreaker(3, 30_000),
    cacheTtlMs: 60_000,
    logger,
    now: () => nowMs,
    ...overrides,
  });
}

async function failure(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SourceUnavailableError) return error.reason;
    throw error;
  }
  throw new Error('expected the source to be unavailable');
}

describe('answers from the API', () => {
  it('maps the configured fields, the API state values and its date formats', async () => {
    const status = await source().find(OK);
    expect(status).toEqual({
      code: OK,
      state: 'processing',
      procedureName: 'Đăng ký khai sinh',
      receivedOn: '2025-03-10',
      dueOn: '2025-03-17',
      agency: 'UBND xã Quảng Phú',
      note: 'Chờ ký duyệt',
    });
    expect(lastAuth).toBe(API_KEY);
  });

  it('drops names, addresses and phone numbers the API sends along', async () => {
    const dump = JSON.stringify(await source().find(OK));
    expect(dump).not.toContain('Nguyễn Văn An');
    expect(dump).not.toContain('Lê Lợi');
    expect(dump).not.toContain('0912345678');
  });

  it('treats 404 and an empty record as not found', async () => {
    expect(await source().find(CODES.notFound)).toBeUndefined();
    expect(await source().find(EMPTY)).toBeUndefined();
  });

  it('puts the code into a {code} placeholder, encoded', async () => {
    expect(dossierUrl('https://api.example.vn/hs?ma={code}', '03706/2026/07906')).toBe(
      'https://api.example.vn/hs?ma=03706%2F2026%2F07906',
    );
    expect(dossierUrl('https://api.example.vn/hs/', OK)).toBe(`https://api.example.vn/hs/${OK}`);
    const status = await source({ baseUrl: `${base}?ma={code}` }).find('03706/2026/07906');
    expect(status?.state).toBe('processing');
  });
});

describe('when the API misbehaves', () => {
  it('retries a temporary failure and then answers', async () => {
    expect((await source().find(FLAKY))?.state).toBe('processing');
    expect(hits.get(FLAKY)).toBe(2);
  });

  it('reports 500s as unavailable after the retries', async () => {
    expect(await failure(source().find(CODES.error))).toBe('http 500');
    expect(hits.get(CODES.error)).toBe(3);
  });

  it('reports a timeout as unavailable', async () => {
    expect(await failure(source({ retries: 0 }).find(CODES.slow))).toBe('timeout');
  });

  it('reports malformed JSON and unknown states as unavailable without retrying', async () => {
    expect(await failure(source().find(CODES.malformed))).toBe('malformed json');
    expect(hits.get(CODES.malformed)).toBe(1);
    expect(await failure(source().find(ODD_STATE))).toBe('unknown state value');
  });

  it('reports a rejected API key as unavailable', async () => {
    expect(await failure(source({ authHeader: { name: 'X-Api-Key', value: 'wrong' } }).find(OK))).toBe('http 401');
  });
});

describe('circuit breaker', () => {
  it('opens after consecutive failures, stops calling the API, and recovers after the cool-down', async () => {
    const api = source({ retries: 0 });
    down = true;
    for (let i = 0; i < 3; i++) expect(await failure(api.find(OK))).toBe('http 500');
    expect(hits.get(OK)).toBe(3);
    expect(await failure(api.find(OK))).toBe('circuit open');
    expect(hits.get(OK)).toBe(3);

    nowMs += 30_000;
    down = false;
    expect((await api.find(OK))?.state).toBe('processing');
    expect(hits.get(OK)).toBe(4);
    expect((await api.find('03706/2026/07906'))?.state).toBe('processing');
  });

  it('re-opens when the trial request after the cool-down fails', async () => {
    const api = source({ retries: 0 });
    down = true;
    for (let i = 0; i < 3; i++) await failure(api.find(OK));
    nowMs += 30_000;
    expect(await failure(api.find(OK))).toBe('http 500');
    expect(hits.get(OK)).toBe(4);
    expect(await failure(api.find(OK))).toBe('circuit open');
    expect(hits.get(OK)).toBe(4);
  });
});

describe('cache', () => {
  it('reuses a found status for a short time, then asks again', async () => {
    const api = source();
    await api.find(OK);
    await api.find(OK);
    expect(hits.get(OK)).toBe(1);
    nowMs += 61_000;
    await api.find(OK);
    expect(hits.get(OK)).toBe(2);
  });

  it('does not cache unknown codes', async () => {
    const api = source();
    await api.find(CODES.notFound);
    await api.find(CODES.notFound);
    expect(hits.get(CODES.notFound)).toBe(2);
  });
});

describe('configured through the environment', () => {
  const env = () => ({
    DOSSIER_PROVIDER: 'http',
    DOSSIER_HTTP_BASE_URL: base,
    DOSSIER_HTTP_AUTH_HEADER: `X-Api-Key: ${API_KEY}`,
    DOSSIER_HTTP_FIELD_MAP: FIELD_MAP,
    DOSSIER_HTTP_RETRIES: '0',
    DOSSIER_HTTP_TIMEOUT_MS: '200',
  });

  it('answers citizens with the status only, and an honest message when the API is down', async () => {
    logs.clear();
    const service = createDossierService({ config: loadConfig(env()), logger, now: () => new Date(nowMs) });
    const found = await service.lookup(OK, 'web:x');
    const text = replyPlainText(describeLookup(found, new Date(nowMs)));
    expect(text).toContain('đang xử lý');
    expect(text).toContain('(còn 3 ngày)');
    expect(text).not.toMatch(/Nguyễn Văn An|Lê Lợi|0912345678/);

    const down = await service.lookup(CODES.error, 'web:x');
    expect(down).toMatchObject({ kind: 'unavailable', code: CODES.error });
    expect(replyPlainText(describeLookup(down, new Date(nowMs)))).toContain('hệ thống tra cứu đang gián đoạn');
    const log = logs.text();
    expect(log).not.toMatch(/H56|secret-key-123/);
    service.close();
  });

  it('refuses a malformed auth header or field map with a readable message', () => {
    const bad = (overrides: Record<string, string>) => () =>
      createDossierService({ config: loadConfig({ ...env(), ...overrides }), logger });
    expect(bad({ DOSSIER_HTTP_AUTH_HEADER: 'no-colon-here' })).toThrow(ConfigError);
    expect(bad({ DOSSIER_HTTP_AUTH_HEADER: 'no-colon-here' })).toThrow(/DOSSIER_HTTP_AUTH_HEADER/);
    expect(bad({ DOSSIER_HTTP_FIELD_MAP: '{state:' })).toThrow(/DOSSIER_HTTP_FIELD_MAP/);
    expect(bad({ DOSSIER_HTTP_FIELD_MAP: '{"agency":"x"}' })).toThrow(/state/);
    expect(bad({ DOSSIER_HTTP_FIELD_MAP: '{"state":"s","stateValues":{"1":"done"}}' })).toThrow(/stateValues/);
  });
});
