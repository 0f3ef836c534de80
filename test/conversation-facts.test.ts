// What a card says as of today: the fee in force (a reduced rate with its end date and the normal rate in
// brackets, switching back after the end date), the processing time always shown and summarised across cases,
// methods with the same time and fee said once, the issuing province on provincial cards, and honest provenance.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAssistant } from '../src/assistant.ts';
import {
  CARD_MAX,
  card,
  feesView,
  MESSAGE_MAX,
  sourceLine,
  stepView,
  timeView,
  titleLine,
  viewPage,
  whereView,
} from '../src/conversation/guidance.ts';
import { type Paragraph, replyPlainText } from '../src/conversation/types.ts';
import { feeWindowFromNote } from '../src/knowledge/fee-dates.ts';
import { loadCatalogue } from '../src/knowledge/loader.ts';
import { PortalImport } from '../src/knowledge/portal-import.ts';
import type { Procedure } from '../src/knowledge/schema.ts';
import { createLogger } from '../src/log/logger.ts';
import { testConfig } from './helpers/conversation.ts';
import { catalogueOf, procedure } from './helpers/procedures.ts';

const curated = loadCatalogue({ knowledgeDir: 'knowledge' });
const byCode = (code: string): Procedure => {
  const found = curated.procedures.find((p) => p.code === code);
  if (!found) throw new Error(`knowledge/ has no ${code}`);
  return found;
};
const plain = (paragraphs: Paragraph[]) => replyPlainText({ paragraphs });
/** A moment given in Vietnam time (UTC+7). */
const vn = (isoLocal: string) => new Date(`${isoLocal}+07:00`);

describe('fees in force today', () => {
  const lost = byCode('1.014064'); // Cấp lại thẻ căn cước

  it('shows the reduced căn cước fee until 31/12/2026 with the normal rate in brackets', () => {
    const text = plain(card(lost, [], vn('2026-11-30T09:00:00')));
    expect(text).toContain('Lệ phí: 35.000 đồng (đến hết 31/12/2026; mức thường 70.000 đồng)');
  });

  it('switches to the normal rate when the reduction has ended (Vietnam time)', () => {
    expect(plain(card(lost, [], vn('2026-12-31T23:59:00')))).toContain('35.000 đồng');
    const after = plain(card(lost, [], vn('2027-01-01T00:00:00')));
    expect(after).toContain('Lệ phí: 70.000 đồng');
    expect(after).not.toContain('35.000');
    expect(plain(feesView(lost, vn('2027-01-01T00:00:00')))).not.toContain('35.000');
  });

  it('does not show a passport rate that ended on 31/12/2023', () => {
    const text = plain(card(byCode('1.001456'), [], vn('2026-11-30T09:00:00')));
    expect(text).toContain('Lệ phí: 200.000 đồng');
    expect(text).not.toContain('160.000');
    expect(plain(feesView(byCode('1.001456'), vn('2026-11-30T09:00:00')))).not.toContain('160.000');
  });

  it('says an exemption apart from the rates (đăng ký tạm trú)', () => {
    const text = plain(card(byCode('1.004194'), []));
    expect(text).toContain('Lệ phí: từ 5.000 đến 15.000 đồng');
    expect(text).toContain('có trường hợp được miễn');
    expect(text).not.toMatch(/từ 0 |miễn phí/);
  });

  it('shows a rate dated to start later only from its first day', () => {
    const p = procedure({
      name: 'Cấp giấy phép thử nghiệm',
      submissionMethods: [
        {
          method: 'direct',
          fees: [
            { amountVnd: 100000, validUntil: '2026-12-31' },
            { amountVnd: 150000, validFrom: '2027-01-01' },
          ],
        },
      ],
    });
    expect(plain(card(p, [], vn('2026-06-01T08:00:00')))).toContain('Lệ phí: 100.000 đồng (đến hết 31/12/2026)');
    expect(plain(feesView(p, vn('2026-06-01T08:00:00')))).toContain('từ 01/01/2027: 150.000 đồng');
    expect(plain(card(p, [], vn('2027-02-01T08:00:00')))).toContain('Lệ phí: 150.000 đồng');
  });

  it('reads the dates of a time-bound rate from the portal wording, only where they qualify the whole fee', () => {
    expect(feeWindowFromNote('Từ ngày 01/7/2025 đến hết ngày 31/12/2026 áp dụng theo Thông tư 64/2025/TT-BTC')).toEqual(
      { validFrom: '2025-07-01', validUntil: '2026-12-31' },
    );
    expect(feeWindowFromNote('Trường hợp nộp trực tuyến (kể từ 01/01/2024 đến hết ngày 31/12/2025)')).toEqual({
      validFrom: '2024-01-01',
      validUntil: '2025-12-31',
    });
    expect(feeWindowFromNote('Từ ngày 01/01/2026 áp dụng theo Thông tư 156/2025/TT-BTC')).toEqual({
      validFrom: '2026-01-01',
    });
    expect(
      feeWindowFromNote('135.000 đồng. Nộp trực tuyến từ 01/12/2023 đến hết 31/12/2025 áp dụng mức 115.000'),
    ).toEqual({});
  });
});

describe('through the engine', () => {
  /** The card and the fees answer for "làm lại căn cước bị mất", with the engine's clock or the message's time. */
  async function askFee(options: { engineNow?: number; receivedAt: number }): Promise<string> {
    const dir = mkdtempSync(join(tmpdir(), 'facts-engine-'));
    const assistant = await createAssistant(testConfig(dir), createLogger('silent'), {
      inMemory: true,
      ...(options.engineNow ? { now: () => options.engineNow as number } : {}),
    });
    try {
      const ask = (text: string) =>
        assistant.engine.handle({
          channel: 'web',
          conversationId: 'web:facts',
          userId: 'u',
          text,
          receivedAt: options.receivedAt,
        });
      const replies = [...(await ask('làm lại căn cước bị mất')), ...(await ask('lệ phí bao nhiêu'))];
      return replies.map(replyPlainText).join('\n');
    } finally {
      await assistant.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it('tells the fee in force on the day of the message, or of the injected clock', async () => {
    const before = await askFee({ receivedAt: vn('2026-11-30T09:00:00').getTime() });
    expect(before).toContain('35.000 đồng (đến hết 31/12/2026; mức thường 70.000 đồng)');
    const after = await askFee({ receivedAt: vn('2027-01-02T09:00:00').getTime() });
    expect(after).toContain('Lệ phí: 70.000 đồng');
    expect(after).not.toContain('35.000');
    const clock = await askFee({ engineNow: vn('2027-01-02T09:00:00').getTime(), receivedAt: Date.now() });
    expect(clock).not.toContain('35.000');
  });
});

describe('imported from the portal', () => {
  /** One hand-made portal record: a list line and its detail, as the portal's APIs return them. */
  function importOne(detail: Record<string, unknown>) {
    const id = '0190bbbb-0000-7000-8000-000000000001';
    const importer = new PortalImport();
    importer.addListLine(
      1,
      JSON.stringify({
        id,
        code: '1.999101',
        name: 'Cấp phép thử',
        type: 'SPECIFIC',
        departmentPromulgate: 'UBND tỉnh Lạng Sơn',
      }),
    );
    importer.addDetail(
      '1.999101.json',
      JSON.stringify({
        code: 'OK',
        message: 'OK',
        data: { id, code: '1.999101', name: 'Cấp phép thử', type: 'SPECIFIC', ...detail },
      }),
    );
    const [p] = importer.finish('2026-11-30', '2026-07-18').procedures;
    return catalogueOf([], [p as Procedure]).procedures[0] as Procedure;
  }

  it('records a dated reduction, splits "Bước 1 … Bước 2 …" into steps, and says the province and the data date', () => {
    const p = importOne({
      executionSteps: [{ name: '', description: 'Bước 1: Nộp hồ sơ tại Trung tâm. Bước 2: Nhận kết quả.' }],
      executionMethods: [
        {
          submissionMethod: 'DIRECT',
          processingTime: 5,
          processingTimeUnit: 'WORKING_DAY',
          fees: [
            { type: 'FEE', value: 100000, description: '' },
            { type: 'FEE', value: 50000, description: 'Từ ngày 01/7/2025 đến hết ngày 31/12/2026 áp dụng mức 50%.' },
          ],
        },
      ],
    });
    expect(p.steps.map((s) => s.description)).toEqual(['Nộp hồ sơ tại Trung tâm.', 'Nhận kết quả.']);
    const today = plain(card(p, [], vn('2026-11-30T10:00:00')));
    expect(today).toContain('Lệ phí: 50.000 đồng (đến hết 31/12/2026; mức thường 100.000 đồng)');
    expect(today).toContain('Thủ tục riêng của tỉnh Lạng Sơn');
    expect(today).toContain('Nguồn: Cổng DVCQG, dữ liệu ngày 18/07/2026.');
    expect(today).not.toContain('kiểm tra');
    expect(plain(card(p, [], vn('2027-01-01T10:00:00')))).toContain('Lệ phí: 100.000 đồng');
  });
});

describe('raw portal text', () => {
  it("drops the portal's own step numbers, checkbox prefixes and runs a) b) c) on one line", () => {
    const p = procedure({
      name: 'Cấp phép thử',
      steps: [
        { title: 'Bước 3:', description: 'Tiếp nhận hồ sơ' },
        { title: 'Bước 2: Thẩm định', description: '☐ - Cán bộ kiểm tra:  a) đơn; b) bản vẽ; c) giấy tờ đất.' },
      ],
    });
    expect(plain(stepView(p, 0, 0).paragraphs)).toBe('Bước 1/2\nTiếp nhận hồ sơ');
    expect(plain(stepView(p, 1, 0).paragraphs)).toBe(
      'Bước 2/2 — Thẩm định\nCán bộ kiểm tra:\na) đơn;\nb) bản vẽ;\nc) giấy tờ đất.',
    );
  });
});

describe('processing time', () => {
  it('is on every card: the birth-registration card gives its one working day', () => {
    expect(plain(card(byCode('1.001193'), []))).toContain('Thời hạn giải quyết: 1 ngày làm việc');
  });

  it('says when the record has no time and links the portal', () => {
    const p = procedure({ name: 'Đăng ký thuyền thúng' });
    const paragraphs = card(p, []);
    expect(plain(paragraphs)).toContain('Thời hạn giải quyết: Cổng chưa ghi rõ; bạn xem trên Cổng Dịch vụ công');
    expect(paragraphs.flat()).toContainEqual({ kind: 'link', text: 'Cổng Dịch vụ công', url: p.links.procedure });
  });

  it('summarises times that vary by case, and gives the cases one view away', () => {
    const note =
      'a) Không quá 08 ngày làm việc đối với trường hợp thỏa thuận; tăng thêm không quá 10 ngày làm việc ở xã miền núi. b) Không quá 15 ngày làm việc đối với công trình ngầm. c) Không quá 10 ngày làm việc đối với tài sản công.';
    const p = procedure({
      name: 'Đăng ký biến động đất đai',
      submissionMethods: [
        { method: 'direct', note, fees: [] },
        { method: 'online', note, fees: [] },
      ],
    });
    expect(plain(card(p, []))).toContain('Thời hạn giải quyết: 8–15 ngày làm việc tùy trường hợp');
    const detail = plain(timeView(p));
    expect(detail).toContain('\na) Không quá 08 ngày làm việc');
    expect(detail).toContain('\nb) Không quá 15 ngày làm việc');
  });

  it('says "2–7 ngày làm việc" once instead of listing every method\'s time', () => {
    const p = procedure({
      name: 'Đăng ký xe',
      submissionMethods: [
        { method: 'online', processingTime: { value: 2, unit: 'working_day' }, fees: [{ amountVnd: 50000 }] },
        { method: 'direct', processingTime: { value: 7, unit: 'working_day' }, fees: [{ amountVnd: 50000 }] },
        { method: 'postal', processingTime: { value: 7, unit: 'working_day' }, fees: [{ amountVnd: 50000 }] },
      ],
    });
    const text = plain(card(p, []));
    expect(text).toContain('Thời hạn giải quyết: 2–7 ngày làm việc tùy cách nộp');
    expect(text).toContain('Lệ phí: 50.000 đồng');
    expect(text).not.toContain(' hoặc ');
  });
});

describe('methods said once', () => {
  it('merges methods with the same time and fee, and says each phrase once', () => {
    const fee = { amountVnd: 30000, note: 'Theo Nghị quyết của HĐND tỉnh.' };
    const p = procedure({
      name: 'Cấp giấy phép kinh doanh',
      submissionMethods: [
        {
          method: 'direct',
          processingTime: { value: 5, unit: 'working_day' },
          note: 'Nộp tại Trung tâm.',
          fees: [fee],
        },
        {
          method: 'direct',
          processingTime: { value: 5, unit: 'working_day' },
          note: 'Nộp tại Trung tâm.',
          fees: [fee],
        },
        { method: 'online', processingTime: { value: 5, unit: 'working_day' }, fees: [fee] },
        { method: 'online', processingTime: { value: 5, unit: 'working_day' }, fees: [fee] },
      ],
    });
    const fees = plain(feesView(p));
    expect(fees.match(/thời hạn 5 ngày làm việc/g)).toHaveLength(1);
    expect(fees.match(/Theo Nghị quyết của HĐND tỉnh/g)).toHaveLength(1);
    expect(fees).toContain('Nộp trực tiếp, nộp trực tuyến: thời hạn 5 ngày làm việc; lệ phí 30.000 đồng');
    const where = plain(whereView(p));
    expect(where.match(/nộp trực tuyến/gi)).toHaveLength(1);
    expect(where.match(/nộp trực tiếp/gi)).toHaveLength(1);
  });
});

describe('times that depend on the case', () => {
  it('says a fee shared by every case once, then each case with its time', () => {
    const fee = { note: 'Lệ phí đăng ký, cấp biển số theo Thông tư 60/2023/TT-BTC.' };
    const cases = [
      { value: 2, note: 'Cấp chứng nhận đăng ký xe.' },
      { value: 7, note: 'Cấp lại biển số định danh.' },
    ];
    const p = procedure({
      name: 'Đăng ký sang tên xe',
      submissionMethods: (['online', 'direct'] as const).flatMap((method) =>
        cases.map((c) => ({
          method,
          processingTime: { value: c.value, unit: 'working_day' as const },
          note: c.note,
          fees: [fee],
        })),
      ),
    });
    expect(plain(card(p, []))).toContain('Thời hạn giải quyết: 2–7 ngày làm việc tùy trường hợp');
    const fees = plain(feesView(p));
    expect(fees.match(/Thông tư 60\/2023/g)).toHaveLength(1);
    expect(fees).toContain('• 2 ngày làm việc: Cấp chứng nhận đăng ký xe.');
    expect(fees).toContain('• 7 ngày làm việc: Cấp lại biển số định danh.');
  });
});

describe('place and provenance', () => {
  const provincial = procedure({
    name: 'Cấp giấy phép xây dựng có thời hạn',
    type: 'provincial',
    promulgatingAgency: 'UBND Thành phố Đà Nẵng',
    source: { url: 'https://dichvucong.gov.vn/thu-tuc-hanh-chinh/x', updatedAt: '2026-07-17', checkedAt: '2026-11-30' },
  });

  it('names the province on a provincial card and says "cả nước" only on national ones', () => {
    const text = plain(card(provincial, []));
    expect(text).toContain('Thủ tục riêng của Thành phố Đà Nẵng');
    expect(text).not.toContain('cả nước');
    expect(plain(card(byCode('1.014064'), []))).toContain('Áp dụng chung trên cả nước');
  });

  it('says "dữ liệu ngày" with the record\'s own date on imported records, never "kiểm tra"', () => {
    const { byId } = catalogueOf([], [provincial]);
    const imported = byId.get(provincial.id) as Procedure;
    const text = plain(card(imported, []));
    expect(text).toContain('Nguồn: Cổng DVCQG, dữ liệu ngày 17/07/2026.');
    expect(text).not.toContain('kiểm tra');
    const crawled = procedure({
      name: 'Thủ tục chỉ có trong danh mục',
      source: {
        url: 'https://dichvucong.gov.vn/',
        crawledAt: '2026-07-18',
        checkedAt: '2026-11-30',
        checkedBy: 'importer',
      },
    });
    expect(plain(card(crawled, []))).toContain('Nguồn: Cổng DVCQG, dữ liệu ngày 18/07/2026.');
  });

  it('says "kiểm tra ngày" on curated entries, the day a person checked them', () => {
    expect(plain(card(byCode('1.001193'), []))).toContain('dữ liệu ngày 15/04/2026, kiểm tra ngày 28/11/2026');
  });
});

describe('sized for a phone, on every curated record', () => {
  it('keeps cards within 700 characters and every page of every view within 1,200', () => {
    const over: string[] = [];
    for (const p of curated.procedures) {
      if (plain(card(p, [])).length > CARD_MAX) over.push(`${p.code} card`);
      for (const kind of ['fees', 'time', 'where', 'online', 'result', 'legal', 'conditions'] as const) {
        const pages = viewPage(p, kind).pages;
        for (let page = 0; page < pages; page++) {
          const message = [titleLine(p), ...viewPage(p, kind, page).paragraphs, sourceLine(p)];
          if (plain(message).length > MESSAGE_MAX) over.push(`${p.code} ${kind} ${page}`);
        }
      }
    }
    expect(over).toEqual([]);
  });
});
