// The demo data set: a handful of made-up dossiers (agency "000.00.00.D00" does not exist), one per state,
// with dates relative to today so days left/overdue always show. Only used with --demo / DOSSIER_PROVIDER=demo;
// every status it returns carries demo: true.
import { addDays, vietnamDate } from './dates.ts';
import type { DossierSource } from './source.ts';
import type { DossierState, DossierStatus } from './types.ts';

interface DemoRecord {
  code: string;
  state: DossierState;
  procedureName: string;
  procedureCode?: string;
  /** Days relative to today. */
  received: number;
  due: number;
  returned?: number;
  note?: string;
}

const AGENCY = 'Cơ quan minh họa (không có thật)';

const RECORDS: DemoRecord[] = [
  {
    code: '000.00.00.D00-250701-0001',
    state: 'received',
    procedureName: 'Đăng ký khai sinh',
    procedureCode: '1.001193',
    received: 0,
    due: 3,
  },
  {
    code: '000.00.00.D00-250701-0002',
    state: 'processing',
    procedureName: 'Đăng ký thường trú',
    received: -3,
    due: 4,
  },
  {
    code: '000.00.00.D00-250701-0003',
    state: 'needs_supplement',
    procedureName: 'Đăng ký kết hôn',
    received: -5,
    due: 2,
    note: 'Hồ sơ minh họa: thiếu bản sao giấy tờ tùy thân, cần nộp bổ sung.',
  },
  {
    code: '000.00.00.D00-250701-0004',
    state: 'result_ready',
    procedureName: 'Cấp phiếu lý lịch tư pháp',
    received: -10,
    due: -1,
    note: 'Hồ sơ minh họa: kết quả đã sẵn sàng tại bộ phận một cửa.',
  },
  {
    code: '000.00.00.D00-250701-0005',
    state: 'returned',
    procedureName: 'Đăng ký khai tử',
    received: -20,
    due: -17,
    returned: -18,
  },
  {
    code: '000.00.00.D00-250701-0006',
    state: 'processing',
    procedureName: 'Chứng thực bản sao từ bản chính',
    received: -9,
    due: -2,
  },
];

/** The demo codes, for documentation and the "try one of these" hint. */
export const DEMO_CODES: readonly string[] = RECORDS.map((r) => r.code);

export class DemoDossierSource implements DossierSource {
  readonly kind = 'demo';

  constructor(private readonly now: () => Date) {}

  async find(code: string): Promise<DossierStatus | undefined> {
    const record = RECORDS.find((r) => r.code === code);
    if (!record) return undefined;
    const today = vietnamDate(this.now());
    return {
      code: record.code,
      state: record.state,
      procedureName: record.procedureName,
      ...(record.procedureCode ? { procedureCode: record.procedureCode } : {}),
      receivedOn: addDays(today, record.received),
      dueOn: addDays(today, record.due),
      ...(record.returned !== undefined ? { returnedOn: addDays(today, record.returned) } : {}),
      agency: AGENCY,
      ...(record.note ? { note: record.note } : {}),
      demo: true,
    };
  }

  close(): void {}
}
