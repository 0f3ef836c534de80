// Looking up dossiers through the service (local SQLite provider and the demo set) and the replies a citizen
// reads: plain-Vietnamese states, DD/MM/YYYY dates, days left or overdue, demo banner, privacy, rate limits.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/config.ts';
import { describeCodeMatch, describeLookup } from '../src/conversation/screens/dossier.ts';
import { replyPlainText } from '../src/conversation/types.ts';
import { DEMO_CODES } from '../src/dossier/demo-source.ts';
import { importDossierRecords, parseDossierText } from '../src/dossier/import.ts';
import { createDossierService, type DossierLookupService } from '../src/dossier/service.ts';
import { DossierStore, dossierDbPath } from '../src/dossier/store.ts';
import type { DossierLookup } from '../src/dossier/types.ts';
import { type CapturedLogs, captureLogs } from './helpers/logs.ts';
import { tempDirs } from './helpers/temp-dirs.ts';

const CSV = `code,procedure,status,received,due,returned,agency,note
000.00.14.H56-250310-0001,Đăng ký khai sinh,đang xử lý,2025-03-10,2025-03-17,,UBND xã Quảng Phú,Chờ lãnh đạo ký
000.00.14.H56-250310-0002,1.001193,received,2025-03-10,2025-03-14,,,
000.00.14.H56-250303-0003,Đăng ký kết hôn,cần bổ sung,2025-03-03,2025-03-12,,,Thiếu bản sao giấy tờ
000.00.14.H56-250301-0004,,result_ready,2025-03-01,2025-03-08,,,
000.00.14.H56-250301-0005,,đã trả kết quả,2025-03-01,2025-03-08,2025-03-07,,
000.00.14.H56-250301-0006,,quá hạn,2025-03-01,2025-03-05,,,
`;

/** 14/03/2025 10:00 in Vietnam. */
const TODAY = Date.parse('2025-03-14T10:00:00+07:00');

const temp = tempDirs('dossier-lookup-');
let dir: string;
let nowMs: number;
let logs: CapturedLogs;
let services: DossierLookupService[];

function service(env: Record<string, string> = {}): DossierLookupService {
  const config = loadConfig({ DATA_DIR: dir, LOG_LEVEL: 'info', ...env });
  const created = createDossierService({ config, logger: logs.logger, now: () => new Date(nowMs) });
  services.push(created);
  return created;
}

const at = (ms: number) => new Date(ms);
const textOf = (lookup: DossierLookup, today = at(nowMs)) => replyPlainText(describeLookup(lookup, today));

beforeEach(async () => {
  dir = temp.make();
  nowMs = TODAY;
  logs = captureLogs('info');
  services = [];
  const store = DossierStore.open(dossierDbPath(dir));
  await importDossierRecords(store, parseDossierText(CSV, 'csv'));
  store.close();
});

afterEach(() => {
  for (const s of services) s.close();
  temp.removeAll();
});

describe('local records', () => {
  it('answers with the state in plain Vietnamese, dates as DD/MM/YYYY and the days left', async () => {
    const lookup = await service().lookup('000.00.14.H56-250310-0001', 'web:a');
    expect(lookup.kind).toBe('found');
    const reply = textOf(lookup);
    expect(reply).toContain('Hồ sơ 000.00.14.H56-250310-0001: đang xử lý.');
    expect(reply).toContain('Thủ tục: Đăng ký khai sinh');
    expect(reply).toContain('Ngày tiếp nhận: 10/03/2025');
    expect(reply).toContain('Ngày hẹn trả kết quả: 17/03/2025 (còn 3 ngày)');
    expect(reply).toContain('Cơ quan giải quyết: UBND xã Quảng Phú');
    expect(reply).toContain('Ghi chú: Chờ lãnh đạo ký');
    expect(reply).toContain('Vì lý do bảo mật, mình chỉ hiển thị tình trạng hồ sơ');
    expect(reply).not.toContain('DỮ LIỆU MINH HỌA');
  });

  it('finds a code typed in lower case with spaces, as pasted from an SMS', async () => {
    const lookup = await service().lookup('000.00.14.h56 - 250310 - 0001', 'web:a');
    expect(lookup).toMatchObject({ kind: 'found', status: { code: '000.00.14.H56-250310-0001' } });
  });

  it('counts days overdue, and "today" is the calendar day in Vietnam', async () => {
    const lookup = await service().lookup('000.00.14.H56-250310-0001', 'web:a');
    expect(textOf(lookup, at(Date.parse('2025-03-20T09:00:00+07:00')))).toContain('(đã quá hạn 3 ngày)');
    // 16/03 18:00 UTC is already 17/03 in Vietnam: the due day.
    expect(textOf(lookup, at(Date.parse('2025-03-16T18:00:00Z')))).toContain('(đến hạn hôm nay)');
    expect(textOf(lookup, at(Date.parse('2025-03-16T16:00:00Z')))).toContain('(còn 1 ngày)');
  });

  it('labels every state and only counts days while the dossier is with the agency', async () => {
    const s = service();
    const reply = async (code: string) => textOf(await s.lookup(code, 'web:a'));
    expect(await reply('000.00.14.H56-250310-0002')).toContain(': đã tiếp nhận.');
    expect(await reply('000.00.14.H56-250310-0002')).toContain('Thủ tục: mã thủ tục 1.001193');
    expect(await reply('000.00.14.H56-250310-0002')).toContain('(đến hạn hôm nay)');
    const supplement = await reply('000.00.14.H56-250303-0003');
    expect(supplement).toContain(': cần bổ sung hồ sơ.');
    expect(supplement).toContain('(đã quá hạn 2 ngày)');
    expect(supplement).toContain('nộp bổ sung');
    const ready = await reply('000.00.14.H56-250301-0004');
    expect(ready).toContain(': đã có kết quả.');
    expect(ready).not.toMatch(/quá hạn|còn \d+ ngày/);
    const returned = await reply('000.00.14.H56-250301-0005');
    expect(returned).toContain(': đã trả kết quả.');
    expect(returned).toContain('Ngày trả kết quả: 07/03/2025');
    expect(returned).not.toMatch(/quá hạn|còn \d+ ngày/);
    const overdue = await reply('000.00.14.H56-250301-0006');
    expect(overdue).toContain(': quá hạn.');
    expect(overdue).toContain('(đã quá hạn 9 ngày)');
  });

  it('says honestly when a dossier is not found and gives the portal lookup link', async () => {
    const lookup = await service().lookup('000.00.14.H56-250310-0999', 'web:a');
    expect(lookup).toEqual({ kind: 'not_found', code: '000.00.14.H56-250310-0999' });
    const reply = describeLookup(lookup, at(nowMs));
    expect(replyPlainText(reply)).toContain('Mình chưa tìm thấy hồ sơ 000.00.14.H56-250310-0999');
    expect(JSON.stringify(reply)).toContain('https://dichvucong.gov.vn/tra-cuu-ho-so');
  });

  it('does not know the demo records unless the demo provider is chosen', async () => {
    expect((await service().lookup(DEMO_CODES[0] ?? '', 'web:a')).kind).toBe('not_found');
  });
});

describe('replies that need no lookup result', () => {
  it('tells the citizen the source is down, with the portal link, and invents no status', () => {
    const reply = describeLookup(
      { kind: 'unavailable', code: '000.00.14.H56-250310-0001', reason: 'timeout' },
      at(nowMs),
    );
    const plain = replyPlainText(reply);
    expect(plain).toContain('hệ thống tra cứu đang gián đoạn');
    expect(plain).not.toMatch(/đang xử lý|đã tiếp nhận|còn \d+ ngày/);
    expect(JSON.stringify(reply)).toContain('https://dichvucong.gov.vn/tra-cuu-ho-so');
  });

  it('asks the citizen to wait when rate limited', () => {
    expect(textOf({ kind: 'rate_limited', retryAfterSeconds: 42 })).toContain('thử lại sau 42 giây');
    expect(textOf({ kind: 'rate_limited', retryAfterSeconds: 125 })).toContain('thử lại sau 3 phút');
  });

  it('explains which part of a malformed code is wrong and asks before looking up a "maybe" code', () => {
    const malformed = describeCodeMatch({
      kind: 'malformed',
      code: '000.00.14.H56-200231-0118',
      problem: 'ngày 200231 không hợp lệ',
    });
    expect(replyPlainText(malformed)).toContain('có vẻ chưa đúng: ngày 200231 không hợp lệ');
    expect(replyPlainText(malformed)).toContain('000.00.14.H56-200203-0118');
    const maybe = describeCodeMatch({ kind: 'maybe', candidate: '03706/2026/07906' });
    expect(replyPlainText(maybe)).toContain('03706/2026/07906 có phải là mã hồ sơ');
    expect(maybe.menu?.options.map((o) => o.id)).toEqual(['yes', 'no']);
  });
});

describe('demo data (DOSSIER_PROVIDER=demo)', () => {
  it('marks every status and every reply as demo data', async () => {
    const s = service({ DOSSIER_PROVIDER: 'demo' });
    for (const code of DEMO_CODES) {
      const lookup = await s.lookup(code, 'web:demo');
      expect(lookup.kind === 'found' && lookup.status.demo).toBe(true);
      expect(textOf(lookup)).toContain('DỮ LIỆU MINH HỌA');
    }
    const missing = await s.lookup('000.00.14.H56-250310-0001', 'web:demo');
    expect(missing).toMatchObject({ kind: 'not_found', demo: true });
    expect(textOf(missing)).toContain('DỮ LIỆU MINH HỌA');
  });

  it('keeps its dates relative to today so days left and overdue always show', async () => {
    const s = service({ DOSSIER_PROVIDER: 'demo' });
    const texts = await Promise.all(DEMO_CODES.map(async (code) => textOf(await s.lookup(code, 'web:demo'))));
    expect(texts.some((t) => /còn \d+ ngày/.test(t))).toBe(true);
    expect(texts.some((t) => /đã quá hạn \d+ ngày/.test(t))).toBe(true);
  });
});

describe('rate limits', () => {
  it('limits lookups per conversation without slowing down other conversations', async () => {
    const s = service({ DOSSIER_LOOKUPS_PER_MINUTE: '3' });
    for (let i = 0; i < 3; i++) expect((await s.lookup('000.00.14.H56-250310-0001', 'tg:1')).kind).toBe('found');
    const limited = await s.lookup('000.00.14.H56-250310-0001', 'tg:1');
    expect(limited.kind).toBe('rate_limited');
    expect(limited.kind === 'rate_limited' && limited.retryAfterSeconds).toBeGreaterThan(0);
    expect((await s.lookup('000.00.14.H56-250310-0001', 'tg:2')).kind).toBe('found');
    nowMs += 20_000;
    expect((await s.lookup('000.00.14.H56-250310-0001', 'tg:1')).kind).toBe('found');
  });

  it('limits all lookups together', async () => {
    const s = service({ DOSSIER_LOOKUPS_PER_MINUTE: '10', DOSSIER_GLOBAL_LOOKUPS_PER_MINUTE: '4' });
    for (let i = 0; i < 4; i++) expect((await s.lookup('000.00.14.H56-250310-0001', `web:${i}`)).kind).toBe('found');
    expect((await s.lookup('000.00.14.H56-250310-0001', 'web:new')).kind).toBe('rate_limited');
  });

  it('slows down a conversation that tries many unknown codes, and logs it by fingerprint only', async () => {
    const s = service({ DOSSIER_LOOKUPS_PER_MINUTE: '100', DOSSIER_NOT_FOUND_LIMIT: '3' });
    const guesser = 'zalo:guesser-4711';
    // The same unknown code tried again is a typo being retried, not guessing.
    for (let i = 0; i < 4; i++) await s.lookup('000.00.14.H56-250310-0100', guesser);
    await s.lookup('000.00.14.H56-250310-0101', guesser);
    expect((await s.lookup('000.00.14.H56-250310-0001', guesser)).kind).toBe('found');
    await s.lookup('000.00.14.H56-250310-0102', guesser);
    const blocked = await s.lookup('000.00.14.H56-250310-0001', guesser);
    expect(blocked.kind).toBe('rate_limited');
    expect(blocked.kind === 'rate_limited' && blocked.retryAfterSeconds).toBeGreaterThanOrEqual(60);
    expect((await s.lookup('000.00.14.H56-250310-0001', 'zalo:someone-else')).kind).toBe('found');
    const warning = logs.lines().find((l) => l.includes('guessing'));
    expect(warning).toBeDefined();
    expect(warning).toContain('"conversation"');
    expect(warning).not.toContain('guesser-4711');
    // A further unknown code after the penalty doubles it.
    nowMs += 61_000;
    await s.lookup('000.00.14.H56-250310-0103', guesser);
    const again = await s.lookup('000.00.14.H56-250310-0001', guesser);
    expect(again.kind === 'rate_limited' && again.retryAfterSeconds).toBeGreaterThanOrEqual(120);
  });

  it('never writes codes or conversation ids to the log', async () => {
    const s = service();
    await s.lookup('000.00.14.H56-250310-0001', 'telegram:123456789');
    await s.lookup('000.00.14.H56-250310-0999', 'telegram:123456789');
    await s.lookup('03706/2026/07906', 'telegram:123456789');
    const log = logs.text();
    expect(logs.lines().length).toBeGreaterThan(2);
    expect(log).not.toMatch(/H56|03706|123456789/);
  });
});
