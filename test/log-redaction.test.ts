// What an operator reads in the log: dossier codes are hidden wherever they are carried (by path), while
// error codes from platforms and the system — Telegram 429/403, Zalo close codes, errno names — stay visible.
import { describe, expect, it } from 'vitest';
import { captureLogs } from './helpers/logs.ts';

const CODE = '000.00.14.H56-250310-0001';

describe('log redaction', () => {
  it('keeps platform and system error codes readable', () => {
    const logs = captureLogs('info');
    logs.logger.warn({ code: 429, description: 'Too Many Requests: retry after 3' }, 'Telegram reply failed');
    logs.logger.warn({ code: 403, description: 'Forbidden: bot was blocked by the user' }, 'Telegram reply failed');
    logs.logger.warn({ code: 1006, reason: 'abnormal closure' }, 'Zalo connection closed');
    logs.logger.error({ err: { code: 'ECONNRESET' } }, 'request failed');
    const records = logs.records();
    expect(records.map((r) => r.code)).toEqual([429, 403, 1006, undefined]);
    expect(logs.text()).toContain('ECONNRESET');
    expect(logs.text()).not.toContain('[redacted]');
  });

  it('hides dossier codes wherever they are carried', () => {
    const logs = captureLogs('info');
    logs.logger.info({ dossierCode: CODE }, 'a');
    logs.logger.info({ lookup: { kind: 'not_found', code: CODE } }, 'b');
    logs.logger.info({ status: { code: CODE, state: 'processing' } }, 'c');
    logs.logger.info({ req: { params: { code: CODE } } }, 'd');
    logs.logger.info({ params: { code: CODE } }, 'e');
    logs.logger.info({ dossier: { code: CODE } }, 'f');
    logs.logger.info({ event: { dossierCode: CODE } }, 'g');
    expect(logs.lines()).toHaveLength(7);
    expect(logs.text()).not.toContain('H56');
    expect(logs.records()[2]).toMatchObject({ status: { code: '[redacted]', state: 'processing' } });
  });

  it('still hides message texts and secrets', () => {
    const logs = captureLogs('info');
    logs.logger.info(
      { text: 'tôi tên Nguyễn Văn An', token: 'bot123:ABC', req: { headers: { authorization: 'Bearer x' } } },
      'in',
    );
    expect(logs.text()).not.toMatch(/Nguyễn|bot123|Bearer/);
  });
});
