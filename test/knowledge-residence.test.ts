// Curated residence, identity card, passport, driving-licence and vehicle entries (knowledge/procedures/cu-tru.json,
// can-cuoc-ho-chieu.json, giao-thong.json): the facts a citizen would notice, read through the loader.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCatalogue } from '../src/knowledge/loader.ts';
import type { Procedure } from '../src/knowledge/schema.ts';
import { foldAccents, normalizeText } from '../src/text/normalize.ts';

const FILES = ['cu-tru.json', 'can-cuoc-ho-chieu.json', 'giao-thong.json'];
const CURATED = 'knowledge/procedures';
const CATALOG = '../shared/datasets/opengov-dvc-catalog-2026/crawl/catalog.jsonl';

// Load only these three files, so another curator's file being edited cannot break this test.
const dir = mkdtempSync(join(tmpdir(), 'kb-residence-'));
mkdirSync(join(dir, 'procedures'));
for (const f of FILES) copyFileSync(join(CURATED, f), join(dir, 'procedures', f));
const catalogue = loadCatalogue({ knowledgeDir: dir });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const entries = catalogue.procedures;
const byCode = (code: string): Procedure => {
  const found = entries.find((p) => p.code === code);
  if (!found) throw new Error(`no curated entry ${code}`);
  return found;
};
const methods = (p: Procedure, kind: string) => p.submissionMethods.filter((m) => m.method === kind);
const amounts = (p: Procedure, kind: string) => methods(p, kind).flatMap((m) => m.fees.map((f) => f.amountVnd));
const hasAlias = (p: Procedure, text: string) => p.aliases.some((a) => normalizeText(a).includes(normalizeText(text)));

describe('residence (cư trú)', () => {
  it('permanent residence is registered at commune police, 10.000 đ online and 20.000 đ in person, within 7 working days', () => {
    const p = byCode('1.004222');
    expect(p.levels).toEqual(['xa']);
    expect(p.implementingAgencies).toContain('Công an cấp xã');
    expect(amounts(p, 'online')).toEqual([10000]);
    expect(amounts(p, 'direct')).toEqual([20000]);
    expect(
      p.submissionMethods.every((m) => m.processingTime?.value === 7 && m.processingTime.unit === 'working_day'),
    ).toBe(true);
    expect(p.links.submitOnline).toBe(`https://dichvucong.gov.vn/nop-ho-so?formalityId=${p.id}`);
    expect(hasAlias(p, 'nhập hộ khẩu')).toBe(true);
    expect(p.related).toContain(byCode('1.004194').id);
  });

  it('the CT07 residence confirmation is free and online only', () => {
    const p = byCode('1.010041');
    expect(hasAlias(p, 'CT07')).toBe(true);
    expect(p.submissionMethods.map((m) => m.method)).toEqual(['online', 'online']);
    expect(amounts(p, 'online')).toEqual([0, 0]);
    expect(p.results.some((r) => r.includes('CT07'))).toBe(true);
  });

  it('splitting a household ("tách khẩu") is cheaper online than in person', () => {
    const p = byCode('1.010038');
    expect(hasAlias(p, 'tách khẩu')).toBe(true);
    expect(Math.max(...amounts(p, 'online').map(Number))).toBeLessThan(Math.max(...amounts(p, 'direct').map(Number)));
  });
});

describe('identity card (căn cước)', () => {
  const card = entries.filter((p) => /thẻ căn cước/.test(p.name) && /^Cấp/.test(p.name));

  it('has commune and province variants for first issue, renewal and replacement', () => {
    for (const stem of [
      'Cấp thẻ căn cước cho người từ đủ 14 tuổi trở lên',
      'Cấp thẻ căn cước cho người dưới 14 tuổi',
      'Cấp đổi thẻ căn cước',
      'Cấp lại thẻ căn cước',
    ]) {
      const variants = card.filter((p) => p.name.startsWith(stem));
      expect(variants.map((p) => p.levels.join()).sort(), stem).toEqual(['tinh', 'xa']);
    }
  });

  it('keeps "dưới 14 tuổi" wording off the 14-and-over entries', () => {
    const under14 = card.filter((p) => p.name.includes('dưới 14 tuổi'));
    const over14 = card.filter((p) => p.name.includes('từ đủ 14 tuổi'));
    expect(under14.length).toBeGreaterThan(0);
    for (const p of under14) expect(p.aliases.some((a) => a.includes('dưới 14 tuổi') || a.includes('con'))).toBe(true);
    for (const p of over14) expect(p.aliases.some((a) => a.includes('dưới 14'))).toBe(false);
  });

  it('renewal costs 50.000 đ and replacement 70.000 đ, each halved until the end of 2026', () => {
    const renew = byCode('1.014063');
    const replace = byCode('1.014064');
    const normal = (p: Procedure, kind: string) =>
      methods(p, kind).flatMap((m) => m.fees.filter((f) => !f.validUntil).map((f) => f.amountVnd));
    const reduced = (p: Procedure, kind: string) =>
      methods(p, kind).flatMap((m) => m.fees.filter((f) => f.validUntil).map((f) => [f.amountVnd, f.validUntil]));
    expect(normal(renew, 'direct')).toEqual([50000]);
    expect(normal(replace, 'online')).toEqual([70000]);
    expect(reduced(renew, 'direct')).toEqual([[25000, '2026-12-31']]);
    expect(reduced(replace, 'online')).toEqual([[35000, '2026-12-31']]);
  });

  it('a level-2 VNeID account is made at commune police: 3 working days with a valid card, 7 without', () => {
    const p = byCode('3.000228');
    expect(p.levels).toEqual(['xa']);
    expect(methods(p, 'direct').map((m) => m.processingTime?.value)).toEqual([3, 7]);
    expect(p.links.submitOnline).toBeUndefined();
  });
});

describe('passport (hộ chiếu)', () => {
  it('is issued by provincial immigration in 8 working days, 200.000 đ in person', () => {
    const p = byCode('1.001456');
    expect(p.levels).toEqual(['tinh']);
    expect(amounts(p, 'direct')).toEqual([200000]);
    expect(p.submissionMethods.every((m) => m.processingTime?.value === 8)).toBe(true);
    expect(p.documents.some((d) => d.form?.includes('TK01'))).toBe(true);
  });

  it('a lost passport can be reported to the nearest commune police, online too', () => {
    const p = byCode('1.010386');
    expect(p.levels).toEqual(['xa']);
    expect(p.links.submitOnline).toBeDefined();
    expect(p.documents[0]?.form).toBe('Mẫu TK05');
  });
});

describe('driving licences and vehicles', () => {
  it('an international driving permit and licence renewal can be applied for online', () => {
    expect(byCode('3.000353').links.submitOnline).toBeDefined();
    expect(byCode('3.000347').links.submitOnline).toBeDefined();
    expect(hasAlias(byCode('3.000353'), 'IDP')).toBe(true);
  });

  it('converting a foreign licence is in person only', () => {
    const p = byCode('3.000351');
    expect(p.submissionMethods.map((m) => m.method)).toEqual(['direct']);
    expect(p.links.submitOnline).toBeUndefined();
  });

  it('transferring a vehicle lists old-owner and new-owner papers and points to deregistration', () => {
    const p = byCode('1.013076');
    const cases = new Set(p.documents.map((d) => d.case));
    expect(cases).toEqual(new Set(['Hồ sơ thu hồi (chủ cũ)', 'Hồ sơ đăng ký (chủ mới)']));
    expect(p.related).toContain(byCode('1.013123').id);
    expect(p.levels).toEqual(['trung_uong', 'tinh', 'xa']);
  });
});

describe('every entry of these files', () => {
  it('covers at least 50 procedures', () => {
    expect(entries.length).toBeGreaterThanOrEqual(50);
  });

  it('links to its own portal page, and offers online submission only when an online method exists', () => {
    for (const p of entries) {
      expect(p.links.procedure, p.code).toBe(`https://dichvucong.gov.vn/thu-tuc-hanh-chinh/${p.id}`);
      expect(p.source.url, p.code).toBe(p.links.procedure);
      const online = p.submissionMethods.some((m) => m.method === 'online');
      expect(p.links.submitOnline !== undefined, p.code).toBe(online);
    }
  });

  it('has 4–12 aliases, none an accent-less copy of another, and no alias claimed by two entries', () => {
    const owner = new Map<string, string>();
    for (const p of entries) {
      expect(p.aliases.length, p.code).toBeGreaterThanOrEqual(4);
      expect(p.aliases.length, p.code).toBeLessThanOrEqual(12);
      const folded = p.aliases.map((a) => foldAccents(normalizeText(a)));
      expect(new Set(folded).size, p.code).toBe(folded.length);
      for (const key of folded) {
        expect(owner.get(key) ?? p.code, `"${key}"`).toBe(p.code);
        owner.set(key, p.code);
      }
    }
  });

  it('has 3–7 steps when it has any, a summary, and a level', () => {
    for (const p of entries) {
      if (p.steps.length > 0) expect(p.steps.length, p.code).toBeGreaterThanOrEqual(3);
      expect(p.steps.length, p.code).toBeLessThanOrEqual(7);
      expect(p.summary, p.code).toBeTruthy();
      expect(p.levels.length, p.code).toBeGreaterThan(0);
    }
  });

  it('only relates to procedures that are curated', () => {
    const curated = new Set<string>();
    for (const f of readdirSync(CURATED).filter((n) => n.endsWith('.json'))) {
      const items: unknown = JSON.parse(readFileSync(join(CURATED, f), 'utf8'));
      for (const item of Array.isArray(items) ? items : [items]) curated.add((item as { id: string }).id);
    }
    for (const p of entries) for (const id of p.related) expect(curated.has(id), `${p.code} → ${id}`).toBe(true);
  });
});

describe.skipIf(!existsSync(CATALOG))('against the portal catalogue (../shared/datasets)', () => {
  it('uses the exact UUID, code and NFC name of a national (STANDARD) record', () => {
    const records = new Map<string, { code: string; name: string; type: string }>();
    for (const line of readFileSync(CATALOG, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const r = JSON.parse(line) as { id: string; code: string; name: string; type: string };
      records.set(r.id, r);
    }
    for (const p of entries) {
      const r = records.get(p.id);
      expect(r, p.code).toBeDefined();
      expect(r?.code.trim(), p.code).toBe(p.code);
      expect(r?.name.normalize('NFC').trim(), p.code).toBe(p.name);
      expect(r?.type, p.code).toBe('STANDARD');
    }
  });
});
if (!existsSync(CATALOG)) console.warn(`skipped portal cross-check: ${CATALOG} not found (datasets folder absent)`);
