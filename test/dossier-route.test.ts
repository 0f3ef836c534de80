// GET /api/dossiers/:code through fastify's inject: the JSON a client receives and the status codes for
// malformed (400), unknown (404), source down (503) and rate-limited (429) lookups.
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/config.ts';
import { DEMO_CODES } from '../src/dossier/demo-source.ts';
import { importDossierRecords, parseDossierText } from '../src/dossier/import.ts';
import { createDossierService, type DossierLookupService } from '../src/dossier/service.ts';
import { DossierStore, dossierDbPath } from '../src/dossier/store.ts';
import { createLogger } from '../src/log/logger.ts';
import { registerDossierRoutes } from '../src/server/routes/dossiers.ts';
import { type LocalServer, listenLocally } from './helpers/local-server.ts';
import { tempDirs } from './helpers/temp-dirs.ts';

const CSV = `code,procedure,status,received,due,returned,agency,note,ho_ten
000.00.14.H56-250310-0001,1.001193,đang xử lý,2025-03-10,2025-03-17,,UBND xã Quảng Phú,Chờ ký,Nguyễn Văn An
03706/2025/07906,,đã tiếp nhận,2025-03-12,2025-03-12,,BHXH cơ sở,,
`;
const TODAY = new Date('2025-03-14T10:00:00+07:00');
const logger = createLogger('silent');

const temp = tempDirs('dossier-route-');
let dir: string;
let apps: FastifyInstance[];
let services: DossierLookupService[];
let downApi: LocalServer;
let downUrl: string;

beforeAll(async () => {
  downApi = await listenLocally((_req, res) => {
    res.writeHead(500);
    res.end('boom');
  });
  downUrl = `${downApi.url}/hoso`;
});

afterAll(async () => {
  await downApi.close();
});

beforeEach(async () => {
  dir = temp.make();
  apps = [];
  services = [];
  const store = DossierStore.open(dossierDbPath(dir));
  await importDossierRecords(store, parseDossierText(CSV, 'csv'));
  store.close();
});

afterEach(async () => {
  for (const app of apps) await app.close();
  for (const s of services) s.close();
  temp.removeAll();
});

async function app(env: Record<string, string> = {}): Promise<FastifyInstance> {
  const service = createDossierService({
    config: loadConfig({ DATA_DIR: dir, ...env }),
    logger,
    now: () => TODAY,
  });
  services.push(service);
  const instance = Fastify();
  registerDossierRoutes(instance, service, { now: () => TODAY });
  await instance.ready();
  apps.push(instance);
  return instance;
}

const get = (instance: FastifyInstance, code: string, remoteAddress = '203.0.113.7') =>
  instance.inject({ method: 'GET', url: `/api/dossiers/${encodeURIComponent(code)}`, remoteAddress });

describe('GET /api/dossiers/:code', () => {
  it('returns the status fields with the plain label and days left, and nothing personal', async () => {
    const response = await get(await app(), '000.00.14.H56-250310-0001');
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.json()).toEqual({
      code: '000.00.14.H56-250310-0001',
      state: 'processing',
      stateLabel: 'đang xử lý',
      procedureName: null,
      procedureId: null,
      procedureCode: '1.001193',
      receivedOn: '2025-03-10',
      dueOn: '2025-03-17',
      returnedOn: null,
      daysLeft: 3,
      daysOverdue: null,
      agency: 'UBND xã Quảng Phú',
      note: 'Chờ ký',
      demo: false,
    });
    expect(response.body).not.toContain('Nguyễn Văn An');
  });

  it('accepts a code pasted with spaces and lower case, and codes of other shapes', async () => {
    const instance = await app();
    expect((await get(instance, '000.00.14.h56 - 250310 - 0001')).statusCode).toBe(200);
    const other = await get(instance, '03706/2025/07906');
    expect(other.statusCode).toBe(200);
    expect(other.json()).toMatchObject({ state: 'received', daysOverdue: 2 });
  });

  it('answers 400 with the reason for a malformed code, and for text that is no code at all', async () => {
    const instance = await app();
    const malformed = await get(instance, '000.00.14.H56-200231-0118');
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().reason).toContain('ngày 200231 không hợp lệ');
    const sequence = await get(instance, '000.00.14.H56-200203-118');
    expect(sequence.json().reason).toContain('số thứ tự phải có 4 chữ số');
    expect((await get(instance, 'xin chào')).statusCode).toBe(400);
  });

  it('answers 404 for an unknown dossier, with the portal lookup link', async () => {
    const response = await get(await app(), '000.00.14.H56-250310-0999');
    expect(response.statusCode).toBe(404);
    expect(response.json().lookupUrl).toBe('https://dichvucong.gov.vn/tra-cuu-ho-so');
  });

  it('answers 503 with the portal lookup link when the source is down', async () => {
    const instance = await app({ DOSSIER_PROVIDER: 'http', DOSSIER_HTTP_BASE_URL: downUrl, DOSSIER_HTTP_RETRIES: '0' });
    const response = await get(instance, '000.00.14.H56-250310-0001');
    expect(response.statusCode).toBe(503);
    expect(response.json().lookupUrl).toBe('https://dichvucong.gov.vn/tra-cuu-ho-so');
    expect(response.body).not.toContain('processing');
  });

  it('answers 429 with Retry-After once a client IP has used its lookups', async () => {
    const instance = await app({ DOSSIER_LOOKUPS_PER_MINUTE: '2' });
    expect((await get(instance, '000.00.14.H56-250310-0001')).statusCode).toBe(200);
    expect((await get(instance, '000.00.14.H56-250310-0001')).statusCode).toBe(200);
    const limited = await get(instance, '000.00.14.H56-250310-0001');
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await get(instance, '000.00.14.H56-250310-0001', '198.51.100.9')).statusCode).toBe(200);
  });

  it('marks demo records as demo', async () => {
    const response = await get(await app({ DOSSIER_PROVIDER: 'demo' }), DEMO_CODES[1] ?? '');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ demo: true, stateLabel: 'đang xử lý' });
  });
});
