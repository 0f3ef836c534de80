// kb:check: the real knowledge base passes, and each kind of broken entry is rejected with file, field and reason.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main as kbCheckMain } from '../scripts/kb-check.ts';
import { type CheckIssue, checkKnowledge, DEFAULT_DATASETS_DIR, formatIssue } from '../src/knowledge/check.ts';
import { tempDirs } from './helpers/temp-dirs.ts';

const ROOT = resolve(import.meta.dirname, '..');
const KNOWLEDGE = join(ROOT, 'knowledge');

const ID_A = '0190f000-0000-7000-8000-00000000a001';
const ID_B = '0190f000-0000-7000-8000-00000000a002';
const ID_UNKNOWN = '0190f000-0000-7000-8000-00000000ffff';

/** A valid hand-made entry; tests change one thing in it. */
function entry(id: string, code: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    code,
    name: `Thủ tục thử nghiệm ${code}`,
    aliases: [`thử nghiệm ${code}`],
    type: 'national',
    submissionMethods: [
      {
        method: 'direct',
        processingTime: { value: 5, unit: 'working_day' },
        fees: [{ kind: 'fee', amountVnd: 20000 }],
      },
    ],
    links: {
      procedure: `https://dichvucong.gov.vn/thu-tuc-hanh-chinh/${id}`,
    },
    source: { url: `https://dichvucong.gov.vn/thu-tuc-hanh-chinh/${id}`, checkedAt: '2026-07-20' },
    ...overrides,
  };
}

const temp = tempDirs('kb-check-');
afterEach(temp.removeAll);

/** A knowledge dir holding the given files (name → entries). */
function knowledgeWith(files: Record<string, unknown>): string {
  const dir = temp.make();
  mkdirSync(join(dir, 'procedures'));
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(join(dir, 'procedures', name), JSON.stringify(content, null, 2));
  }
  return dir;
}

function check(files: Record<string, unknown>) {
  return checkKnowledge({ knowledgeDir: knowledgeWith(files), datasetsDir: null });
}

function only(issues: CheckIssue[], field: string): CheckIssue {
  const found = issues.filter((i) => i.field === field);
  expect(found, issues.map(formatIssue).join('\n')).toHaveLength(1);
  return found[0] as CheckIssue;
}

describe('kb:check on the real knowledge base', () => {
  const curated = join(KNOWLEDGE, 'procedures');
  const hasEntries = existsSync(curated) && readdirSync(curated).some((f) => f.endsWith('.json'));

  it.skipIf(!hasEntries)('finds no errors in knowledge/ (cross-checked with the portal crawl when present)', () => {
    if (!existsSync(DEFAULT_DATASETS_DIR)) console.warn(`${DEFAULT_DATASETS_DIR} absent: portal cross-check skipped`);
    const report = checkKnowledge({ knowledgeDir: KNOWLEDGE });
    expect(report.entries).toBeGreaterThan(0);
    expect(report.errors.map(formatIssue)).toEqual([]);
  });
});

describe('kb:check rejects broken entries', () => {
  it('accepts a clean pair of entries that link to each other', () => {
    const report = check({
      'a.json': [entry(ID_A, '9.000001', { related: [ID_B] }), entry(ID_B, '9.000002', { related: [ID_A] })],
    });
    expect(report.entries).toBe(2);
    expect(report.errors.map(formatIssue)).toEqual([]);
    expect(report.warnings.map(formatIssue)).toEqual([]);
  });

  it('rejects a related UUID that is not in the knowledge base', () => {
    const report = check({ 'a.json': [entry(ID_A, '9.000001', { related: [ID_UNKNOWN] })] });
    const issue = only(report.errors, 'related.0');
    expect(issue.file).toMatch(/a\.json$/);
    expect(issue.location).toBe('[0]');
    expect(issue.code).toBe('9.000001');
    expect(issue.ours).toBe(ID_UNKNOWN);
    expect(issue.reason).toMatch(/không có trong kho/);
  });

  it('resolves related UUIDs against an imported catalogue too', () => {
    const catalogDir = temp.make('kb-check-catalog-');
    writeFileSync(join(catalogDir, 'procedures.jsonl'), `${JSON.stringify(entry(ID_UNKNOWN, '9.000099'))}\n`);
    const knowledgeDir = knowledgeWith({ 'a.json': [entry(ID_A, '9.000001', { related: [ID_UNKNOWN] })] });
    const report = checkKnowledge({ knowledgeDir, catalogDir, datasetsDir: null });
    expect(report.errors.map(formatIssue)).toEqual([]);
  });

  it('rejects a malformed UUID with the schema reason', () => {
    const report = check({ 'bad-id.json': entry('019d2bfd-3fe0-70ac-b9d6', '9.000001') });
    const issue = only(report.errors, 'id');
    expect(issue.file).toMatch(/bad-id\.json$/);
    expect(issue.code).toBe('9.000001');
    expect(issue.reason).toMatch(/UUID/);
  });

  it('rejects a fee written as a string and says what to write instead', () => {
    const report = check({
      'fee.json': entry(ID_A, '9.000001', {
        submissionMethods: [{ method: 'direct', fees: [{ kind: 'fee', amountVnd: '50.000 đồng' }] }],
      }),
    });
    const issue = only(report.errors, 'submissionMethods.0.fees.0.amountVnd');
    expect(issue.file).toMatch(/fee\.json$/);
    expect(issue.reason).toMatch(/số nguyên VND/);
    expect(issue.reason).toMatch(/note/);
  });

  it('rejects a procedure link that does not match the UUID, and a wrong online-submission link', () => {
    const report = check({
      'links.json': entry(ID_A, '9.000001', {
        submissionMethods: [{ method: 'online', fees: [] }],
        links: {
          procedure: `https://dichvucong.gov.vn/thu-tuc-hanh-chinh/${ID_B}`,
          submitOnline: `https://dichvucong.gov.vn/p/home/dvc-chi-tiet-thu-tuc-hanh-chinh.html?ma_thu_tuc=9.000001`,
        },
      }),
    });
    const procedure = only(report.errors, 'links.procedure');
    expect(procedure.ours).toContain(ID_B);
    expect(procedure.reason).toContain(`https://dichvucong.gov.vn/thu-tuc-hanh-chinh/${ID_A}`);
    const online = only(report.errors, 'links.submitOnline');
    expect(online.reason).toContain(`nop-ho-so?formalityId=${ID_A}`);
  });

  it('rejects a source URL that is not the portal page', () => {
    const report = check({
      'source.json': entry(ID_A, '9.000001', {
        source: { url: 'https://example.com/khai-sinh', checkedAt: '2026-07-20' },
      }),
    });
    expect(only(report.errors, 'source.url').ours).toBe('https://example.com/khai-sinh');
  });

  it('rejects the same UUID in two files', () => {
    const report = check({ 'a.json': entry(ID_A, '9.000001'), 'b.json': entry(ID_A, '9.000002') });
    const issue = only(report.errors, 'id');
    expect(issue.file).toMatch(/b\.json$/);
    expect(issue.reason).toMatch(/trùng/);
  });

  it('warns, without failing, about an alias shared by two entries', () => {
    const report = check({
      'a.json': [
        entry(ID_A, '9.000001', { aliases: ['làm giấy tờ'] }),
        entry(ID_B, '9.000002', { aliases: ['Làm  giấy tờ'] }),
      ],
    });
    expect(report.errors).toEqual([]);
    expect(report.warnings.filter((w) => w.field === 'aliases').map((w) => w.code)).toEqual(['9.000001', '9.000002']);
  });

  it('exits 1 from the command line when there are errors and 0 when clean', () => {
    const out: string[] = [];
    const streams = { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => out.push(s) } };
    const broken = knowledgeWith({ 'a.json': entry(ID_A, '9.000001', { related: [ID_UNKNOWN] }) });
    expect(kbCheckMain(['--kb', broken, '--no-portal'], streams)).toBe(1);
    expect(out.join('')).toContain('related.0');
    const clean = knowledgeWith({ 'a.json': entry(ID_A, '9.000001') });
    expect(kbCheckMain(['--kb', clean, '--no-portal'], streams)).toBe(0);
  });
});

describe('kb:check cross-checks curated entries against portal records', () => {
  /** A hand-made portal crawl: one list record and one detail envelope for ID_A. */
  function portalDir(): string {
    const dir = temp.make('kb-check-portal-');
    mkdirSync(join(dir, 'crawl', 'details'), { recursive: true });
    const list = {
      id: ID_A,
      name: 'Thủ tục thử nghiệm\n 9.000001',
      code: ' 9.000001',
      categories: [],
      departments: [],
      formalityTargetType: [],
      state: 'ACTIVE',
      type: 'STANDARD',
    };
    writeFileSync(join(dir, 'crawl', 'catalog.jsonl'), `${JSON.stringify(list)}\n`);
    const detail = {
      code: 'OK',
      message: 'OK',
      data: {
        id: ID_A,
        code: '9.000001',
        executionMethods: [
          {
            submissionMethod: 'DIRECT',
            processingTime: 5,
            processingTimeUnit: 'WORKING_DAY',
            fees: [{ type: 'FEE', value: 30000, description: '' }],
          },
        ],
      },
    };
    // Named by code, as the crawl does; matched by data.id.
    writeFileSync(join(dir, 'crawl', 'details', '9.000001.json'), JSON.stringify(detail));
    return dir;
  }

  it('reports a fee that differs from the portal detail, with both values', () => {
    const knowledgeDir = knowledgeWith({ 'a.json': entry(ID_A, '9.000001') });
    const report = checkKnowledge({ knowledgeDir, datasetsDir: portalDir() });
    expect(report.portal).toMatchObject({ compared: 1, detailsCompared: 1 });
    // The name matches after NFC + whitespace collapse, the code after trimming; only the fee differs.
    const issue = only(report.errors, 'submissionMethods.direct.fees');
    expect(issue).toMatchObject({ code: '9.000001', ours: '20000', portal: '30000' });
    expect(report.errors).toHaveLength(1);
  });

  it('reports a different name and an unknown UUID', () => {
    const knowledgeDir = knowledgeWith({
      'a.json': [
        entry(ID_A, '9.000001', {
          name: 'Tên khác hẳn',
          submissionMethods: [
            {
              method: 'direct',
              processingTime: { value: 5, unit: 'working_day' },
              fees: [{ kind: 'fee', amountVnd: 30000 }],
            },
          ],
        }),
        entry(ID_B, '9.000001'),
      ],
    });
    const report = checkKnowledge({ knowledgeDir, datasetsDir: portalDir() });
    expect(only(report.errors, 'name')).toMatchObject({ ours: 'Tên khác hẳn', portal: 'Thủ tục thử nghiệm 9.000001' });
    // Same code as the portal record but another UUID.
    expect(only(report.errors, 'id')).toMatchObject({ ours: ID_B, portal: ID_A });
  });

  it("accepts a time-bound reduced rate next to the portal's normal amount", () => {
    const knowledgeDir = knowledgeWith({
      'a.json': entry(ID_A, '9.000001', {
        submissionMethods: [
          {
            method: 'direct',
            processingTime: { value: 5, unit: 'working_day' },
            fees: [
              { kind: 'fee', amountVnd: 30000 },
              { kind: 'fee', amountVnd: 15000, validFrom: '2025-07-01', validUntil: '2026-12-31' },
            ],
          },
        ],
      }),
    });
    const report = checkKnowledge({ knowledgeDir, datasetsDir: portalDir() });
    expect(report.errors.map(formatIssue)).toEqual([]);
  });

  it('only warns when we leave out a fee the portal states', () => {
    const knowledgeDir = knowledgeWith({
      'a.json': entry(ID_A, '9.000001', {
        submissionMethods: [{ method: 'direct', processingTime: { value: 5, unit: 'working_day' }, fees: [] }],
      }),
    });
    const report = checkKnowledge({ knowledgeDir, datasetsDir: portalDir() });
    expect(report.errors.map(formatIssue)).toEqual([]);
    expect(only(report.warnings, 'submissionMethods.direct.fees').reason).toContain('30000');
  });

  it('accepts a difference recorded in portal-deviations.json while the portal value stays the same', () => {
    const knowledgeDir = knowledgeWith({ 'a.json': entry(ID_A, '9.000001') });
    const deviation = {
      id: ID_A,
      field: 'submissionMethods.direct.fees',
      portal: '30000',
      reason: 'Cổng nhập nhầm số tiền; văn bản gốc ghi 20.000 đồng.',
    };
    writeFileSync(join(knowledgeDir, 'portal-deviations.json'), JSON.stringify([deviation]));
    const datasetsDir = portalDir();
    const accepted = checkKnowledge({ knowledgeDir, datasetsDir });
    expect(accepted.errors.map(formatIssue)).toEqual([]);
    expect(only(accepted.warnings, 'submissionMethods.direct.fees').reason).toContain('đã chấp nhận');

    // Once the portal shows another value, the old acceptance no longer applies.
    writeFileSync(join(knowledgeDir, 'portal-deviations.json'), JSON.stringify([{ ...deviation, portal: '25000' }]));
    const lapsed = checkKnowledge({ knowledgeDir, datasetsDir });
    expect(only(lapsed.errors, 'submissionMethods.direct.fees').portal).toBe('30000');
    expect(only(lapsed.warnings, 'submissionMethods.direct.fees').reason).toMatch(/không còn khớp/);
  });

  it('fails clearly when an explicit datasets folder has no catalogue', () => {
    const empty = temp.make('kb-check-empty-');
    const report = checkKnowledge({
      knowledgeDir: knowledgeWith({ 'a.json': entry(ID_A, '9.000001') }),
      datasetsDir: empty,
    });
    expect(report.errors.map((e) => e.reason).join()).toMatch(/catalog\.jsonl/);
  });
});
