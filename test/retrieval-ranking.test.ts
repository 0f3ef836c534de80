// Ranking classes on the curated knowledge plus a few hand-made portal siblings, with the real alias,
// abbreviation and filler tables: the sibling doing the asked action, the portal's action word over an
// everyday one, and citizens' or old wording for an official name.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCatalogue, mergeSources } from '../src/knowledge/loader.ts';
import { loadLexicon } from '../src/retrieval/lexicon.ts';
import { RetrievalEngine } from '../src/retrieval/search-engine.ts';
import { procedure } from './helpers/procedures.ts';

// Uncurated siblings, named as the portal names them.
const siblings = [
  'Cấp Giấy chứng nhận đăng ký đầu tư ra nước ngoài đối với dự án không thuộc diện chấp thuận chủ trương đầu tư ra nước ngoài',
  'Hiệu đính Giấy chứng nhận đăng ký đầu tư ra nước ngoài',
  'Cấp lại Giấy chứng nhận đăng ký đầu tư ra nước ngoài',
  'Cấp giấy phép xây dựng công trình thiết yếu, dùng chung với đường sắt',
  'Chấp thuận xây dựng, lắp đặt công trình hạ tầng trong phạm vi bảo vệ kết cấu hạ tầng đường bộ',
  'Thủ tục cấp Giấy xác nhận tình trạng hôn nhân cho công dân Việt Nam trong thời gian cư trú ở nước ngoài',
  'Cấp Giấy chứng nhận xuất xứ hàng hoá (C/O) không ưu đãi mẫu B',
  ...['A', 'D', 'E', 'AK', 'AJ', 'VK', 'VJ', 'X'].map(
    (form) => `Cấp Giấy chứng nhận xuất xứ hàng hoá (C/O) ưu đãi mẫu ${form}`,
  ),
  'Cấp Giấy chứng nhận xuất xứ hàng hoá (C/O) mẫu Peru',
].map((name) => procedure({ name, fields: ['Portal'] }));

let engine: RetrievalEngine;
const top = async (q: string) => (await engine.search(q)).hits[0]?.name;

beforeAll(() => {
  const curated = loadCatalogue({ knowledgeDir: 'knowledge' });
  engine = new RetrievalEngine(mergeSources(curated.procedures, siblings), loadLexicon('knowledge'));
});

describe('siblings told apart by the action', () => {
  it('prefers the procedure that issues the paper over the ones that correct or reissue it', async () => {
    expect(await top('muốn được cấp giấy chứng nhận đăng ký đầu tư ra nước ngoài cần điều kiện gì')).toMatch(
      /^Cấp Giấy chứng nhận đăng ký đầu tư ra nước ngoài đối với/,
    );
  });

  it('prefers the procedure that issues the paper when the question names no action', async () => {
    const id = await engine.search('căn cước');
    expect(id.hits[0]?.name).toMatch(/^Cấp thẻ căn cước/);
    // The siblings stay close enough for the conversation to ask which one is meant.
    expect(id.ambiguous).toBe(true);
    expect(await top('hỏi về thẻ bảo hiểm y tế')).toMatch(/cấp thẻ BHYT/);
  });

  it("lets the portal's action word decide over an everyday one that could mean two things", async () => {
    expect(await top('bị mất hộ chiếu, muốn đề nghị cấp lại thì nộp hồ sơ ở đâu')).toMatch(/^Cấp hộ chiếu phổ thông/);
    expect(await top('làm mất hộ chiếu thì trình báo ở đâu')).toMatch(/^Trình báo mất hộ chiếu/);
  });
});

describe('the detail that decides between siblings', () => {
  it("prefers the portal's record for someone abroad over the curated commune one when the question says so", async () => {
    expect(await top('xin giấy xác nhận tình trạng hôn nhân')).toBe('Thủ tục cấp Giấy xác nhận tình trạng hôn nhân');
    expect(await top('tôi đang sống ở Nhật muốn xin giấy xác nhận tình trạng hôn nhân')).toMatch(
      /cư trú ở nước ngoài$/,
    );
  });

  it('does not offer the household business procedure to a company, nor the reverse', async () => {
    expect(await top('doanh nghiệp của tôi muốn tạm ngừng kinh doanh')).toMatch(/^Thông báo tạm ngừng kinh doanh/);
    expect(await top('hộ kinh doanh muốn tạm nghỉ bán')).toMatch(/của hộ kinh doanh$/);
  });

  it('does not let common words and their pairs outweigh a rare identifier', async () => {
    expect(await top('cho tôi hỏi quy trình cấp C/O không ưu đãi mẫu Peru như thế nào')).toMatch(/mẫu Peru$/);
  });
});

describe('citizens and old laws word it differently', () => {
  it('finds road infrastructure works from the old term "công trình thiết yếu"', async () => {
    expect(await top('xây công trình thiết yếu cạnh quốc lộ')).toMatch(/kết cấu hạ tầng đường bộ/);
  });

  it('reads "đăng ký doanh nghiệp" as registering a new company', async () => {
    expect(await top('lệ phí đăng ký doanh nghiệp là bao nhiêu')).toMatch(/^Đăng ký thành lập/);
  });
});
