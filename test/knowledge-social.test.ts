// Curated business, tax, social-insurance, social-assistance, land and construction guidance: checks, through the
// loader, the facts a citizen relies on in a few key entries (level, where to go, cost, time, online or not).
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Catalogue } from '../src/knowledge/loader.ts';
import type { Procedure } from '../src/knowledge/schema.ts';
import { normalizeText } from '../src/text/normalize.ts';
import { curatedKnowledge, method } from './helpers/curated.ts';

const KNOWLEDGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../knowledge');
const SOCIAL_FILES = ['kinh-doanh-thue.json', 'bao-hiem-tro-giup.json', 'dat-dai-xay-dung.json'];

const HOUSEHOLD_BUSINESS = '019d2bfb-d76d-737f-81b9-69258b07240b';
const HOUSEHOLD_BUSINESS_PAUSE = '019d2bfb-d768-7446-bd77-3bb11051041c';
const HOUSEHOLD_BUSINESS_CLOSE = '019d2bfb-d748-72d1-848f-3607bc86e647';
const SOLE_PROPRIETORSHIP = '019d2bfc-d9eb-733f-80a1-8cd36b62e5cb';
const FIRST_LAND_CERTIFICATE = '019d2bfa-8678-770b-8917-1872078767cd';
const EXCHANGE_LAND_CERTIFICATE = '019d2bfa-6f3b-7238-9e41-307101b01795';
const LOST_LAND_CERTIFICATE = '019d2bfa-76c7-75db-b936-ff88fe49d880';
const MORTGAGE = '019d2bfd-7e5d-7318-a451-84198f210213';
const MORTGAGE_RELEASE = '019d2bfd-7e53-77ba-aa3f-086a9b9717ba';
const HOUSE_BUILDING_PERMIT = '019d2bfe-9088-744d-aa0a-e846b6dce3d5';
const ONE_TIME_SOCIAL_INSURANCE = '019d2bfb-d775-76cf-83da-dc00816c97e0';
const UNEMPLOYMENT_BENEFIT = '019d2bfb-2b1d-7649-8f76-f5315475eb46';
const PENSION_TO_BANK_ACCOUNT = '019d2bfc-d9c8-753d-b367-2ead6cc9c31d';
const DEATH_BENEFIT = '019d2bfc-d9c7-75c6-bfa0-631818e8ba0c';
const DEATH_REGISTRATION = '019d2bfd-3fac-7489-b53b-9c6c958f2da4';

let catalogue: Catalogue;
let social: Procedure[];

let entry: (id: string) => Procedure;

/** The entries whose aliases include `phrase`, compared the way the search engine normalises text. */
function aliasOwners(phrase: string): string[] {
  const wanted = normalizeText(phrase);
  return catalogue.procedures.filter((p) => p.aliases.some((a) => normalizeText(a) === wanted)).map((p) => p.id);
}

beforeAll(() => {
  const knowledge = curatedKnowledge(KNOWLEDGE_DIR);
  catalogue = knowledge.catalogue;
  entry = knowledge.entry;
  social = knowledge.entriesOf(SOCIAL_FILES);
});

describe('household business registration (đăng ký hộ kinh doanh)', () => {
  it('is handled by the commune, can be submitted online and takes 3 working days', () => {
    const p = entry(HOUSEHOLD_BUSINESS);
    expect(p.code).toBe('1.001612');
    expect(p.levels).toContain('xa');
    expect(p.implementingAgencies.join(' ')).toMatch(/cấp xã/);
    expect(p.links.submitOnline).toBe(`https://dichvucong.gov.vn/nop-ho-so?formalityId=${HOUSEHOLD_BUSINESS}`);
    expect(method(p, 'direct')?.processingTime).toEqual({ value: 3, unit: 'working_day' });
    expect(method(p, 'direct')?.fees.map((f) => f.amountVnd)).toEqual([50000]);
    expect(p.documents.map((d) => d.name)).toContain('Giấy đề nghị đăng ký hộ kinh doanh');
  });

  it('leads on to pausing and closing the business', () => {
    expect(entry(HOUSEHOLD_BUSINESS).related).toEqual(
      expect.arrayContaining([HOUSEHOLD_BUSINESS_PAUSE, HOUSEHOLD_BUSINESS_CLOSE]),
    );
  });
});

describe('sole proprietorship (doanh nghiệp tư nhân)', () => {
  it('is registered at the province in 3 working days, dated from the portal detail record', () => {
    const p = entry(SOLE_PROPRIETORSHIP);
    expect(p.levels).toContain('tinh');
    expect(p.levels).not.toContain('xa');
    for (const m of p.submissionMethods) expect(m.processingTime).toEqual({ value: 3, unit: 'working_day' });
    expect(method(p, 'direct')?.fees.map((f) => f.amountVnd)).toEqual([100000]);
    expect(p.source.updatedAt).toBe('2026-04-16');
  });
});

describe('land certificates (sổ đỏ)', () => {
  it('first issue is decided by the commune and is faster online than in person', () => {
    const p = entry(FIRST_LAND_CERTIFICATE);
    expect(p.code).toBe('1.013978');
    expect(p.levels).toEqual(['xa']);
    expect(method(p, 'online')?.processingTime).toEqual({ value: 17, unit: 'working_day' });
    expect(method(p, 'direct')?.processingTime).toEqual({ value: 27, unit: 'working_day' });
    expect(p.results).toContain('Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất');
    expect(p.related).toContain(EXCHANGE_LAND_CERTIFICATE);
  });

  it('states no fee amount the portal does not give, only an explanation', () => {
    for (const m of entry(FIRST_LAND_CERTIFICATE).submissionMethods) {
      expect(m.fees).toHaveLength(1);
      expect(m.fees[0]?.amountVnd).toBeUndefined();
      expect(m.fees[0]?.note).toMatch(/phí/);
    }
  });

  it('a lost certificate is re-issued by the provincial land registration office with form 18', () => {
    const p = entry(LOST_LAND_CERTIFICATE);
    expect(p.levels).toEqual(['tinh']);
    expect(p.implementingAgencies).toContain('Văn phòng đăng ký đất đai');
    expect(p.documents.some((d) => d.form?.startsWith('Mẫu số 18'))).toBe(true);
    expect(method(p, 'online')?.processingTime).toEqual({ value: 10, unit: 'working_day' });
  });

  it('keeps mortgage wording apart: registering vs releasing a mortgage', () => {
    expect(aliasOwners('xóa thế chấp sổ đỏ')).toEqual([MORTGAGE_RELEASE]);
    expect(aliasOwners('đăng ký thế chấp sổ đỏ')).toEqual([MORTGAGE]);
    expect(aliasOwners('làm sổ đỏ lần đầu')).toEqual([FIRST_LAND_CERTIFICATE]);
  });
});

describe('building permit for a private house (giấy phép xây dựng nhà ở riêng lẻ)', () => {
  it('is issued by the commune, within 7 working days for a private house', () => {
    const p = entry(HOUSE_BUILDING_PERMIT);
    expect(p.levels).toEqual(['xa']);
    expect(p.implementingAgencies).toEqual(['Ủy ban nhân dân cấp xã']);
    expect(p.name).toMatch(/nhà ở riêng lẻ$/);
    expect(method(p, 'online')?.note).toMatch(/7 ngày làm việc với nhà ở riêng lẻ/);
    expect(p.source.updatedAt).toBe('2026-07-07');
  });

  it('sends the citizen to the province-set fee instead of claiming it is free', () => {
    for (const m of entry(HOUSE_BUILDING_PERMIT).submissionMethods) {
      expect(m.fees[0]?.amountVnd).toBeUndefined();
      expect(m.fees[0]?.note).toMatch(/HĐND cấp tỉnh/);
    }
  });
});

describe('social insurance', () => {
  it('one-time payout is free, takes 5 working days and needs the social insurance book and form 14-HSB', () => {
    const p = entry(ONE_TIME_SOCIAL_INSURANCE);
    expect(p.submissionMethods.map((m) => m.method).sort()).toEqual(['direct', 'online', 'postal']);
    for (const m of p.submissionMethods) {
      expect(m.fees.map((f) => f.amountVnd)).toEqual([0]);
      expect(m.processingTime).toEqual({ value: 5, unit: 'working_day' });
    }
    expect(p.documents.map((d) => d.name)).toContain('Sổ bảo hiểm xã hội');
    expect(p.documents.map((d) => d.form)).toContain('Mẫu 14-HSB');
    expect(aliasOwners('rút BHXH một lần')).toEqual([ONE_TIME_SOCIAL_INSURANCE]);
  });

  it('switching the pension to a bank account is not offered online', () => {
    const p = entry(PENSION_TO_BANK_ACCOUNT);
    expect(p.submissionMethods.map((m) => m.method).sort()).toEqual(['direct', 'postal']);
    expect(p.links.submitOnline).toBeUndefined();
  });

  it('survivor benefits point to the death registration a family also needs', () => {
    expect(entry(DEATH_BENEFIT).related).toContain(DEATH_REGISTRATION);
  });

  it('unemployment benefit without portal details gives no invented steps, times or online link', () => {
    const p = entry(UNEMPLOYMENT_BENEFIT);
    expect(p.levels).toEqual(['tinh']);
    expect(p.implementingAgencies).toContain('Trung tâm Dịch vụ việc làm');
    expect(p.steps).toEqual([]);
    expect(p.submissionMethods).toEqual([]);
    expect(p.links.submitOnline).toBeUndefined();
    expect(aliasOwners('hưởng trợ cấp thất nghiệp')).toEqual([UNEMPLOYMENT_BENEFIT]);
  });
});

describe('all entries of this domain', () => {
  it('offer an online-submission link exactly when the portal record has an online method', () => {
    expect(social.length).toBeGreaterThanOrEqual(50);
    for (const p of social) {
      const online = p.submissionMethods.some((m) => m.method === 'online');
      expect(p.links.submitOnline !== undefined, p.code).toBe(online);
      expect(p.links.procedure).toBe(`https://dichvucong.gov.vn/thu-tuc-hanh-chinh/${p.id}`);
    }
  });

  it('have 4 to 12 aliases and only related links that resolve to curated procedures', () => {
    for (const p of social) {
      expect(p.aliases.length, p.code).toBeGreaterThanOrEqual(4);
      expect(p.aliases.length, p.code).toBeLessThanOrEqual(12);
      for (const id of p.related) expect(catalogue.byId.has(id), `${p.code} → ${id}`).toBe(true);
    }
  });
});
