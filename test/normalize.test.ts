// Vietnamese normalisation: the same word typed in different ways must meet.
import { describe, expect, it } from 'vitest';
import { analyze, canonicalTone, foldAccents, normalizeText, tokenize } from '../src/text/normalize.ts';

describe('normalisation', () => {
  it('puts old-style and new-style tone marks in one place', () => {
    expect(normalizeText('hoà')).toBe(normalizeText('hòa'));
    expect(normalizeText('thuỷ')).toBe(normalizeText('thủy'));
    expect(normalizeText('khoẻ')).toBe(normalizeText('khỏe'));
    expect(normalizeText('Hòa Bình')).toBe(normalizeText('Hoà Bình'));
  });

  it('repairs misplaced marks from fast typing', () => {
    expect(canonicalTone('baỏ')).toBe(canonicalTone('bảo'));
    expect(canonicalTone('lựơng')).toBe(canonicalTone('lượng'));
    expect(canonicalTone('nguyễn')).toBe('nguyễn');
    expect(canonicalTone('quý')).toBe('quý');
    expect(canonicalTone('giấy')).toBe('giấy');
  });

  it('treats NFD input and the look-alike Ð like NFC Đ', () => {
    const nfd = 'Đăng ký khai sinh'.normalize('NFD');
    expect(normalizeText(nfd)).toBe('đăng ký khai sinh');
    expect(normalizeText('\u00d0ăng ký')).toBe('đăng ký');
  });

  it('folds accents including đ', () => {
    expect(foldAccents('đăng ký kết hôn')).toBe('dang ky ket hon');
  });

  it('keeps procedure and dossier codes intact', () => {
    expect(tokenize('thủ tục 1.001193 và hồ sơ 000.00.14.H56-200203-0118')).toEqual([
      'thủ',
      'tục',
      '1.001193',
      'và',
      'hồ',
      'sơ',
      '000.00.14.h56-200203-0118',
    ]);
  });

  it('reads plain numbers without leading zeros, but leaves codes alone', () => {
    expect(tokenize('mức độ 02')).toEqual(tokenize('mức độ 2'));
    expect(tokenize('1.001193')).toEqual(['1.001193']);
    expect(tokenize('0')).toEqual(['0']);
  });

  it('spells a lone final i after a consonant as y, keeping the tone', () => {
    expect(normalizeText('đăng kí')).toBe(normalizeText('đăng ký'));
    expect(normalizeText('lí lịch')).toBe(normalizeText('lý lịch'));
    expect(normalizeText('li lich')).toBe(normalizeText('ly lich'));
    expect(normalizeText('qui định')).toBe(normalizeText('quy định'));
    expect(normalizeText('Mĩ')).toBe(normalizeText('Mỹ'));
    // Not a lone final i: left alone.
    expect(normalizeText('khai sinh')).toBe('khai sinh');
    expect(normalizeText('gì')).toBe('gì');
  });

  it('knows when a question was typed without diacritics', () => {
    expect(analyze('lam giay khai sinh').unaccented).toBe(true);
    expect(analyze('làm giấy khai sinh').unaccented).toBe(false);
  });
});
