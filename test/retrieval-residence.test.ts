// Where the citizen says they live settles "ở trong nước" / "ở nước ngoài" siblings; other mentions of abroad
// ("người nước ngoài", "có yếu tố nước ngoài") say nothing about it.
import { describe, expect, it } from 'vitest';
import { nameResidence, Residence, statedResidence } from '../src/retrieval/residence.ts';
import { analyze } from '../src/text/normalize.ts';

const stated = (q: string) => statedResidence(analyze(q).tokens, analyze(q).folded);

describe('residence', () => {
  it('reads where the citizen says they live, with or without accents', () => {
    expect(stated('hiện em vẫn đang ở Việt Nam')).toBe(Residence.Domestic);
    expect(stated('ảnh đang sống ở VN, sau này muốn nhập quốc tịch')).toBe(Residence.Domestic);
    expect(stated('em đang ở Hàn Quốc, cần giấy xác nhận')).toBe(Residence.Abroad);
    expect(stated('dang song o han quoc')).toBe(Residence.Abroad);
    expect(stated('tôi định cư tại Mỹ đã lâu')).toBe(Residence.Abroad);
  });

  it('does not read a foreign person or a foreign element as the citizen living abroad', () => {
    expect(stated('kết hôn với người nước ngoài')).toBe(Residence.Unknown);
    expect(stated('khai sinh có yếu tố nước ngoài')).toBe(Residence.Unknown);
    expect(stated('anh tôi muốn xin hộ chiếu')).toBe(Residence.Unknown);
  });

  it('reads where a name says the procedure is done', () => {
    expect(nameResidence(analyze('Thôi quốc tịch Việt Nam ở trong nước').tokens)).toBe(Residence.Domestic);
    expect(nameResidence(analyze('Nhập quốc tịch Việt Nam ở nước ngoài').tokens)).toBe(Residence.Abroad);
    expect(nameResidence(analyze('Đăng ký kết hôn có yếu tố nước ngoài').tokens)).toBe(Residence.Unknown);
  });
});
