// Dossier code detection: codes found in real-looking messages, wrong parts named in Vietnamese,
// other systems' codes only "maybe", and procedure codes, phones, dates and money never taken for codes.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { classifyDossierCode, detectDossierCode, dossierLookupKey } from '../src/dossier/code.ts';

describe('finding a dossier code in a message', () => {
  it.each([
    ['hồ sơ 000.00.14.H56-200203-0118 của tôi đến đâu rồi', '000.00.14.H56-200203-0118'],
    ['000.00.14.H56-200203-0118', '000.00.14.H56-200203-0118'],
    ['cho mình hỏi hs 000.00.14.h56-200203-0118 với ạ', '000.00.14.H56-200203-0118'],
    ['Ma ho so: 000.00.14.h56 - 200203 - 0118. Vui long mang CCCD', '000.00.14.H56-200203-0118'],
    ['mã hồ sơ 000.00.14.H56 – 200203 – 0118', '000.00.14.H56-200203-0118'],
    ['mã 000.00.14.H56 200203 0118 nhé', '000.00.14.H56-200203-0118'],
    ['(000.17.22.H56-210531-0001)', '000.17.22.H56-210531-0001'],
    ['tra giúp 000.00.04.H40-230414-0002?', '000.00.04.H40-230414-0002'],
    ['38.98.H29-210519-0013 sao lâu vậy', '38.98.H29-210519-0013'],
    ['Hồ sơ "000.00.14.H56-240229-0001" nộp hôm năm nhuận', '000.00.14.H56-240229-0001'],
    ['https://dichvucong.gov.vn/tra-cuu-ho-so?ma=000.17.22.H56-210531-0001', '000.17.22.H56-210531-0001'],
    ['Thủ tục 1.001193, hồ sơ 000.00.14.H56-200203-0118, sđt 0912345678', '000.00.14.H56-200203-0118'],
  ])('%s', (message, code) => {
    expect(detectDossierCode(message)).toEqual({ kind: 'valid', code });
  });
});

describe('a code that looks wrong says which part', () => {
  it('names an impossible receipt date', () => {
    const match = detectDossierCode('hồ sơ 000.00.14.H56-200231-0118 của tôi');
    expect(match?.kind).toBe('malformed');
    expect(match?.kind === 'malformed' && match.problem).toContain('ngày 200231 không hợp lệ');
  });

  it('names a month that does not exist and a day past the end of the month', () => {
    const month = detectDossierCode('000.00.14.H56-201303-0118');
    expect(month?.kind === 'malformed' && month.problem).toContain('ngày 201303 không hợp lệ');
    const leap = detectDossierCode('000.00.14.H56-230229-0001');
    expect(leap?.kind === 'malformed' && leap.problem).toContain('chỉ có 28 ngày');
  });

  it('requires a 4-digit sequence', () => {
    for (const text of ['000.00.14.H56-200203-118', '000.00.14.H56-200203-01180', '38.98.H29-210519-0O13']) {
      const match = detectDossierCode(text);
      expect(match?.kind).toBe('malformed');
      expect(match?.kind === 'malformed' && match.problem).toContain('số thứ tự phải có 4 chữ số');
    }
  });

  it('notices a missing sequence, a short date and a letter O typed for zero', () => {
    const missing = detectDossierCode('hồ sơ 000.00.14.H56-200203 nộp hôm qua');
    expect(missing?.kind === 'malformed' && missing.problem).toContain('thiếu số thứ tự');
    const short = detectDossierCode('000.00.14.H56-20023-0118');
    expect(short?.kind === 'malformed' && short.problem).toContain('ngày tiếp nhận phải có 6 chữ số');
    const letterO = detectDossierCode('000.00.14.H56-2OO203-0118');
    expect(letterO?.kind === 'malformed' && letterO.problem).toContain('ngày tiếp nhận phải có 6 chữ số');
  });

  it('names a wrong agency code', () => {
    const noLetter = detectDossierCode('000.00.14.56-200203-0118');
    expect(noLetter?.kind === 'malformed' && noLetter.problem).toContain('mã cơ quan 000.00.14.56');
    const oneDigit = detectDossierCode('000.00.14.H5-200203-0118');
    expect(oneDigit?.kind === 'malformed' && oneDigit.problem).toContain('mã cơ quan 000.00.14.H5');
  });
});

describe('codes of other systems are only "maybe"', () => {
  it.each([
    ['mã hồ sơ bảo hiểm 03706/2026/07906 của tôi', '03706/2026/07906'],
    ['hs-2024-000123 đã xong chưa', 'HS-2024-000123'],
    ['000.00.00.G15-KQ005009', '000.00.00.G15-KQ005009'],
  ])('%s', (message, candidate) => {
    expect(detectDossierCode(message)).toEqual({ kind: 'maybe', candidate });
  });
});

describe('numbers that are not dossier codes', () => {
  it.each([
    'thủ tục 1.001193 cần giấy tờ gì',
    'mã thủ tục 2.002154',
    'số điện thoại của tôi là 0912.345.678',
    'gọi 091-234-5678 giúp mình',
    'sđt +84 912 345 678',
    'tôi nộp ngày 12/03/2024',
    'hẹn trả 2024-03-15',
    'lệ phí 1.500.000 đồng',
    'hết 1.500.000đ',
    'CCCD 001.090.012.345',
    'theo Luật 38/2009/QH12 và Thông tư 01/2018/TT-VPCP',
    'Quyết định 1234/2024/QĐ-UBND',
    'biển số 29A-123.45',
    'https://dichvucong.gov.vn/thu-tuc-hanh-chinh/019d2bfd-3fe0-70ac-b9d6-5e9e20d6eef7',
    'địa chỉ 192.168.1.10',
    'cho tôi hỏi làm giấy khai sinh',
  ])('%s', (message) => {
    expect(detectDossierCode(message)).toBeUndefined();
  });
});

describe('a whole string meant as one code', () => {
  it('is canonical when valid and flags extra text', () => {
    expect(classifyDossierCode('  000.00.14.h56 - 200203 - 0118 ')).toEqual({
      kind: 'valid',
      code: '000.00.14.H56-200203-0118',
    });
    expect(classifyDossierCode('000.00.14.H56-200203-0118 xin cảm ơn')?.kind).toBe('malformed');
  });

  it('accepts an operator code of another shape as maybe, rejects words, dates and procedure codes', () => {
    expect(classifyDossierCode('hs123456')).toEqual({ kind: 'maybe', candidate: 'HS123456' });
    expect(classifyDossierCode('xin chào')).toBeUndefined();
    expect(classifyDossierCode('12/03/2024')).toBeUndefined();
    expect(classifyDossierCode('1.001193')).toBeUndefined();
    expect(dossierLookupKey('03706/2026/07906')).toBe('03706/2026/07906');
    expect(dossierLookupKey('000.00.14.H56-200231-0118')).toBeUndefined();
  });
});

const QUESTIONS = '../shared/datasets/dvc-faq-questions-project3-hust/questions_gold_codes.jsonl';

describe('real citizen questions from the portal FAQ', () => {
  it.skipIf(!existsSync(QUESTIONS))('are not taken for valid or malformed dossier codes', () => {
    const lines = readFileSync(QUESTIONS, 'utf8').split('\n').filter(Boolean);
    const questions = lines.map((line) => String((JSON.parse(line) as { question?: unknown }).question ?? ''));
    expect(questions.length).toBeGreaterThan(100);
    const taken = questions.filter((q) => {
      const match = detectDossierCode(q);
      return match !== undefined && match.kind !== 'maybe';
    });
    expect(taken).toEqual([]);
  });
  if (!existsSync(QUESTIONS)) console.warn(`skipped: ${QUESTIONS} not found (datasets folder absent)`);
});
