// Provinces since 1 July 2025: the built-in list loads, old province and district names lead to the new province,
// typing without diacritics works, and everyday words are not mistaken for places.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KnowledgeError } from '../src/knowledge/loader.ts';
import { findProvince, loadProvinces } from '../src/knowledge/provinces.ts';
import { tempDirs } from './helpers/temp-dirs.ts';

const catalogue = loadProvinces('knowledge');
const nameOf = (text: string) => findProvince(text, catalogue)?.province.name;

describe('built-in province list', () => {
  it('has the 34 provinces and cities with unique two-digit GSO codes', () => {
    expect(catalogue.provinces).toHaveLength(34);
    const codes = new Set(catalogue.provinces.map((p) => p.code));
    expect(codes.size).toBe(34);
    expect(catalogue.byCode.get('79')?.name).toBe('Thành phố Hồ Chí Minh');
    expect(catalogue.byCode.get('01')?.type).toBe('thành phố');
    expect(catalogue.byCode.get('38')?.type).toBe('tỉnh');
  });

  it('maps every pre-merger province to exactly one current province', () => {
    const owners = new Map<string, string[]>();
    for (const p of catalogue.provinces) {
      for (const f of p.formerNames) owners.set(f, [...(owners.get(f) ?? []), p.name]);
    }
    expect(owners.get('Bình Dương')).toEqual(['Thành phố Hồ Chí Minh']);
    expect(owners.get('Hải Dương')).toEqual(['Thành phố Hải Phòng']);
    expect(owners.get('Quảng Nam')).toEqual(['Thành phố Đà Nẵng']);
    expect(owners.get('Hà Giang')).toEqual(['Tỉnh Tuyên Quang']);
    for (const list of owners.values()) expect(list).toHaveLength(1);
  });
});

describe('findProvince', () => {
  it('recognises a pre-merger province and says which one it was', () => {
    const match = findProvince('tôi ở Bình Dương, muốn làm căn cước', catalogue);
    expect(match?.province.name).toBe('Thành phố Hồ Chí Minh');
    expect(match?.formerName).toBe('Bình Dương');
    expect(match?.kind).toBe('formerName');
  });

  it('understands names typed without diacritics', () => {
    expect(nameOf('ha tay')).toBe('Thành phố Hà Nội');
    expect(findProvince('ha tay', catalogue)?.exact).toBe(false);
    expect(nameOf('que toi o binh dinh')).toBe('Tỉnh Gia Lai');
    expect(nameOf('dang ky thuong tru o da nang')).toBe('Thành phố Đà Nẵng');
  });

  it('accepts NFD text, old-style tone marks and partly accented typing', () => {
    expect(nameOf('Thanh Hoá')).toBe('Tỉnh Thanh Hóa');
    expect(nameOf('Khánh Hòa'.normalize('NFD'))).toBe('Tỉnh Khánh Hòa');
    expect(nameOf('tôi ở Ha Nội')).toBe('Thành phố Hà Nội');
  });

  it('knows former districts and common names', () => {
    expect(nameOf('nhà tôi ở quận 1')).toBe('Thành phố Hồ Chí Minh');
    expect(nameOf('Quan 10')).toBe('Thành phố Hồ Chí Minh');
    expect(nameOf('sai gon')).toBe('Thành phố Hồ Chí Minh');
    expect(nameOf('TP.HCM')).toBe('Thành phố Hồ Chí Minh');
    expect(nameOf('làm hộ chiếu ở Nha Trang')).toBe('Tỉnh Khánh Hòa');
    expect(findProvince('quận 1', catalogue)?.formerName).toBeUndefined();
  });

  it('prefers the longest name: "Thừa Thiên Huế" and "Bà Rịa - Vũng Tàu" are former provinces', () => {
    const hue = findProvince('tôi sinh ở Thừa Thiên Huế', catalogue);
    expect(hue?.province.name).toBe('Thành phố Huế');
    expect(hue?.formerName).toBe('Thừa Thiên Huế');
    expect(findProvince('Bà Rịa - Vũng Tàu', catalogue)?.formerName).toBe('Bà Rịa - Vũng Tàu');
  });

  it('returns every mention in reading order', () => {
    const all = catalogue.findAll('quê Nam Định, đang ở Hà Nội');
    expect(all.map((m) => m.province.name)).toEqual(['Tỉnh Ninh Bình', 'Thành phố Hà Nội']);
  });

  it('does not mistake everyday words or parts of words for places', () => {
    expect(findProvince('tôi muốn đăng ký tạm trú cho con', catalogue)).toBeUndefined();
    expect(findProvince('thủ tục này có an toàn không', catalogue)).toBeUndefined();
    expect(findProvince('tham gia lai bao hiem xa hoi', catalogue)).toBeUndefined();
    expect(findProvince('thue hai phong tro thi dang ky tam tru the nao', catalogue)).toBeUndefined();
    expect(findProvince('chị Hue hỏi về hộ chiếu', catalogue)).toBeUndefined();
    expect(findProvince('quận 13', catalogue)).toBeUndefined();
    expect(findProvince('', catalogue)).toBeUndefined();
  });

  it('still accepts an ambiguous name after a place word or on its own', () => {
    expect(nameOf('tôi ở gia lai')).toBe('Tỉnh Gia Lai');
    expect(nameOf('gia lai')).toBe('Tỉnh Gia Lai');
    expect(nameOf('tp hue')).toBe('Thành phố Huế');
    expect(nameOf('Huế')).toBe('Thành phố Huế');
  });

  it('uses the built-in list when no catalogue is passed', () => {
    expect(findProvince('Cần Thơ')?.province.code).toBe('92');
  });
});

describe('loadProvinces', () => {
  const temp = tempDirs('provinces-');
  afterEach(temp.removeAll);

  const write = (content: unknown): string => {
    const dir = temp.make();
    writeFileSync(join(dir, 'provinces.json'), JSON.stringify(content));
    return dir;
  };
  const province = (code: string, shortName: string, extra: object = {}) => ({
    code,
    name: `Tỉnh ${shortName}`,
    shortName,
    type: 'tỉnh',
    ...extra,
  });

  it('reports a bad code and a name claimed by two provinces, with the field', () => {
    const knowledgeDir = write({
      effectiveFrom: '2025-07-01',
      provinces: [province('1', 'Một'), province('02', 'Hai', { formerNames: ['Một'] })],
    });
    try {
      loadProvinces(knowledgeDir);
      expect.unreachable('an invalid file must be rejected');
    } catch (error) {
      expect(error).toBeInstanceOf(KnowledgeError);
      const problems = (error as KnowledgeError).problems;
      expect(problems.some((p) => p.field === 'provinces.0.code')).toBe(true);
      expect(problems.some((p) => p.field === 'provinces.1' && p.reason.includes('Tỉnh Một'))).toBe(true);
    }
  });

  it('reports a missing file in words', () => {
    const dir = temp.make();
    expect(() => loadProvinces(dir)).toThrow(/không tìm thấy/);
  });

  it('finds provinces in a small hand-made list', () => {
    const small = loadProvinces(
      write({
        effectiveFrom: '2025-07-01',
        provinces: [province('10', 'Núi Xanh', { formerDistricts: ['Suối Bạc'] })],
      }),
    );
    expect(small.find('ở suoi bac')?.province.shortName).toBe('Núi Xanh');
    expect(small.find('Hà Nội')).toBeUndefined();
  });
});
