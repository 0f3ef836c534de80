// Curated civil-status, certification, judicial-record, education and military-service guidance: checks, through
// the loader, the facts a citizen relies on in a few key entries (where to go, what it costs, online or not).
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Catalogue } from '../src/knowledge/loader.ts';
import type { Procedure } from '../src/knowledge/schema.ts';
import { normalizeText } from '../src/text/normalize.ts';
import { curatedKnowledge, method } from './helpers/curated.ts';

const KNOWLEDGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../knowledge');
const CIVIL_FILES = [
  'ho-tich.json',
  'chung-thuc-ly-lich-tu-phap.json',
  'giao-duc-nghia-vu-quan-su.json',
  'lien-thong.json',
];

const BIRTH = '019d2bfd-3fe0-70ac-b9d6-5e9e20d6eef7';
const BIRTH_FOREIGN = '019d2bfd-8662-763f-927f-dc039ede198c';
const BIRTH_RESIDENCE_HEALTH_CARD = '019d2bfd-95d8-77dd-86c5-880463eb8dbe';
const MARRIAGE = '019d2bfd-3fac-7489-b53b-a15eb239a6fe';
const DEATH = '019d2bfd-3fac-7489-b53b-9c6c958f2da4';
const MARITAL_STATUS = '019d2bfd-6eb3-7019-bf3f-fc58c9ee44b9';
const CERTIFIED_COPY = '019d2bfd-8e22-77ef-819f-e49460350904';
const JUDICIAL_RECORD = '019d2bf7-bd79-75fb-a4c6-ba1bf85d20ad';
const MILITARY_FIRST = '019d2bfb-8915-70aa-a67f-adceef7fd0ee';

let catalogue: Catalogue;
let civil: Procedure[];

let entry: (id: string) => Procedure;

beforeAll(() => {
  const knowledge = curatedKnowledge(KNOWLEDGE_DIR);
  catalogue = knowledge.catalogue;
  entry = knowledge.entry;
  civil = knowledge.entriesOf(CIVIL_FILES);
});

describe('birth registration', () => {
  it('is done at commune level, free of charge online, and can be submitted online', () => {
    const p = entry(BIRTH);
    expect(p.code).toBe('1.001193');
    expect(p.levels).toEqual(['xa']);
    expect(p.implementingAgencies).toContain('Ủy ban nhân dân cấp xã');
    expect(method(p, 'online')?.fees.map((f) => f.amountVnd)).toEqual([0]);
    expect(p.links.submitOnline).toBe(`https://dichvucong.gov.vn/nop-ho-so?formalityId=${BIRTH}`);
    expect(p.results).toContain('Giấy khai sinh');
  });

  it('points to the linked birth + permanent residence + health card procedure for children under 6', () => {
    const p = entry(BIRTH);
    expect(p.related).toContain(BIRTH_RESIDENCE_HEALTH_CARD);
    const linked = entry(BIRTH_RESIDENCE_HEALTH_CARD);
    expect(linked.name).toMatch(/đăng ký thường trú, cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi/);
    expect(linked.results).toEqual(expect.arrayContaining(['Giấy khai sinh', 'Thẻ bảo hiểm y tế']));
    // The linked procedure is paper-only on the portal: no online submission link may be offered.
    expect(linked.submissionMethods.map((m) => m.method)).toEqual(['direct']);
    expect(linked.links.submitOnline).toBeUndefined();
  });

  it('keeps the foreign-element wording on the foreign-element variant only', () => {
    const alias = normalizeText('khai sinh cho con có bố là người nước ngoài');
    const owners = civil.filter((p) => p.aliases.some((a) => normalizeText(a) === alias)).map((p) => p.id);
    expect(owners).toEqual([BIRTH_FOREIGN]);
  });
});

describe('marriage, death and marital status', () => {
  it('marriage is free and both partners must come to sign', () => {
    const p = entry(MARRIAGE);
    for (const m of p.submissionMethods) expect(m.fees.every((f) => f.amountVnd === 0)).toBe(true);
    expect(p.steps.some((s) => /cả hai bên phải có mặt/i.test(s.description))).toBe(true);
  });

  it('death registration does not claim a fixed fee the portal leaves to the province', () => {
    const p = entry(DEATH);
    const fees = p.submissionMethods.flatMap((m) => m.fees);
    expect(fees.length).toBeGreaterThan(0);
    for (const fee of fees) {
      expect(fee.amountVnd).toBeUndefined();
      expect(fee.note).toMatch(/Hội đồng nhân dân cấp tỉnh/);
    }
    expect(p.results).toEqual(['Trích lục khai tử']);
  });

  it('the "giấy xác nhận độc thân" wording finds the marital status certificate', () => {
    const p = entry(MARITAL_STATUS);
    expect(p.aliases.map(normalizeText)).toContain(normalizeText('giấy xác nhận độc thân'));
    expect(p.levels).toEqual(['xa']);
  });
});

describe('certification and judicial records', () => {
  it('certified copies are paid per page at the counter and cannot be ordered online', () => {
    const p = entry(CERTIFIED_COPY);
    expect(p.submissionMethods.map((m) => m.method)).toEqual(['direct']);
    expect(method(p, 'direct')?.fees[0]?.amountVnd).toBe(2000);
    expect(p.links.submitOnline).toBeUndefined();
  });

  it('the judicial record certificate is a province-level police service, online through VNeID, with its form numbers', () => {
    const p = entry(JUDICIAL_RECORD);
    expect(p.levels).toEqual(['tinh']);
    expect(p.links.submitOnline).toBeDefined();
    expect(p.steps[0]?.description).toMatch(/VNeID/);
    expect(p.documents.map((d) => d.form)).toContain('Mẫu số 01/2025/LLTP');
    expect(method(p, 'online')?.processingTime).toEqual({ value: 10, unit: 'day' });
  });
});

describe('military service', () => {
  it('first registration is at the commune military command, two hours online', () => {
    const p = entry(MILITARY_FIRST);
    expect(p.implementingAgencies).toEqual(['Ban Chỉ huy quân sự cấp xã']);
    expect(method(p, 'online')?.processingTime).toEqual({ value: 2, unit: 'hour' });
    expect(method(p, 'direct')?.processingTime).toEqual({ value: 1, unit: 'working_day' });
    expect(p.results).toEqual(['Giấy chứng nhận đăng ký nghĩa vụ quân sự']);
  });
});

describe('the civil domain as a whole', () => {
  it('covers at least 55 procedures, each with 4 to 12 aliases and a summary', () => {
    expect(civil.length).toBeGreaterThanOrEqual(55);
    for (const p of civil) {
      expect(p.aliases.length, p.code).toBeGreaterThanOrEqual(4);
      expect(p.aliases.length, p.code).toBeLessThanOrEqual(12);
      expect(p.summary, p.code).toBeTruthy();
    }
  });

  it('offers an online submission link exactly when the procedure can be submitted online', () => {
    for (const p of civil) {
      const online = p.submissionMethods.some((m) => m.method === 'online');
      expect(p.links.submitOnline !== undefined, p.code).toBe(online);
    }
  });

  it('only links to related procedures the assistant knows', () => {
    for (const p of civil) {
      for (const id of p.related) expect(catalogue.byId.has(id), `${p.code} -> ${id}`).toBe(true);
    }
  });
});
