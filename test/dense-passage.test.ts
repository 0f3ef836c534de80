// What is embedded for a procedure: an imported record without a curated summary still tells the model who
// handles it, who it is for and where to start, and no record runs past the model's input limit.
import { describe, expect, it } from 'vitest';
import { MAX_PASSAGE_WORDS, procedurePassage } from '../src/retrieval/dense/passage.ts';
import { procedure } from './helpers/procedures.ts';

describe('procedurePassage', () => {
  it('adds the agency, the target groups and the first step of an imported record', () => {
    const passage = procedurePassage(
      procedure({
        name: 'Thủ tục cấp giấy phép kinh doanh karaoke',
        fields: ['Văn hóa'],
        implementingAgencies: ['Ủy ban nhân dân cấp xã'],
        targetGroups: ['Hộ kinh doanh'],
        steps: [{ description: 'Nộp hồ sơ tại Trung tâm Phục vụ hành chính công' }, { description: 'Nhận kết quả' }],
      }),
    );
    expect(passage).toMatch(/^cấp giấy phép kinh doanh karaoke\. Văn hóa/);
    expect(passage).toContain('Ủy ban nhân dân cấp xã');
    expect(passage).toContain('Hộ kinh doanh');
    expect(passage).toContain('Nộp hồ sơ tại Trung tâm Phục vụ hành chính công');
    expect(passage).not.toContain('Nhận kết quả');
  });

  it('stays within the model input limit however long the record is', () => {
    const long = 'người nộp hồ sơ chuẩn bị đầy đủ giấy tờ theo quy định '.repeat(80);
    const passage = procedurePassage(
      procedure({
        name: 'Đăng ký khai sinh',
        summary: long,
        targetGroups: ['Công dân Việt Nam'],
        steps: [{ description: long }],
      }),
    );
    expect(passage.startsWith('Đăng ký khai sinh. ')).toBe(true);
    expect(passage.split(/\s+/).length).toBeLessThanOrEqual(MAX_PASSAGE_WORDS);
  });

  it('leaves out what the record does not have', () => {
    expect(procedurePassage(procedure({ name: 'Đăng ký kết hôn', fields: ['Hộ tịch'] }))).toBe(
      'Đăng ký kết hôn. Hộ tịch',
    );
  });
});
