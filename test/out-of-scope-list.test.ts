// The one out-of-scope list (knowledge/out-of-scope.json): what it refuses and what it lets through, that the
// conversation and retrieval both refuse by it (editing the file changes both), and a malformed file is named.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KnowledgeError } from '../src/knowledge/loader.ts';
import { compileOutOfScope, loadOutOfScope, OUT_OF_SCOPE_FILE } from '../src/knowledge/out-of-scope.ts';
import { buildRetrievalEngine } from '../src/retrieval/build.ts';
import { analyze, foldToken, tokenize } from '../src/text/normalize.ts';
import { recordingChat } from './helpers/conversation.ts';
import { catalogueOf, procedure } from './helpers/procedures.ts';
import { tempDirs } from './helpers/temp-dirs.ts';

const dirs = tempDirs('out-of-scope-');
afterAll(() => dirs.removeAll());

const list = compileOutOfScope({
  always: ['nào tốt', 'lãi suất tiết kiệm'],
  topics: ['thời tiết', 'giá vàng', 'mua … ở đâu'],
  administrative: ['giấy phép', 'bảo hiểm y tế'],
});
const name = (text: string) => tokenize(text).map(foldToken);
const refused = (question: string, procedureName?: string) =>
  list.find(analyze(question), procedureName === undefined ? undefined : name(procedureName));

describe('the out-of-scope list', () => {
  it('refuses advice and bank products even beside a procedure word', () => {
    expect(refused('giấy phép lái xe học ở trung tâm nào tốt')).toBe('nào tốt');
    expect(refused('lãi suất tiết kiệm ngân hàng')).toBe('lãi suất tiết kiệm');
  });

  it('refuses an everyday topic unless the question names an administrative matter', () => {
    expect(refused('thời tiết ngày mai')).toBe('thời tiết');
    expect(refused('xin giấy phép hoạt động dự báo thời tiết')).toBeUndefined();
    expect(refused('mua xe máy cũ ở đâu')).toBe('mua … ở đâu');
    expect(refused('mua bảo hiểm y tế hộ gia đình ở đâu')).toBeUndefined();
  });

  it('the shipped list lets "what paper do I need to open…" through, typed with or without diacritics', () => {
    const shipped = loadOutOfScope(join(import.meta.dirname, '..', 'knowledge'));
    for (const question of [
      'mo tiem net cho thue may choi game can giay gi',
      'mở tiệm net cho thuê máy chơi game cần giấy gì',
      'mở quán karaoke phải xin phép gì',
    ])
      expect(shipped.find(analyze(question))).toBeUndefined();
    expect(shipped.find(analyze('game nào hay nhất'))).toBeDefined();
    expect(shipped.find(analyze('choi game gi vui'))).toBeDefined();
  });

  it('the shipped list lets a sick-pay question through, and still refuses medical advice', () => {
    const shipped = loadOutOfScope(join(import.meta.dirname, '..', 'knowledge'));
    const sickPay = 'Tôi bị sốt phải nghỉ làm một tuần, công ty có đóng bảo hiểm, làm sao lấy tiền mấy ngày nghỉ ốm?';
    expect(shipped.find(analyze(sickPay))).toBeUndefined();
    expect(shipped.find(analyze('bị sốt uống thuốc gì cho nhanh khỏi'))).toBeDefined();
  });

  it('the shipped list refuses choosing a hotel, also at the end of a story', () => {
    const shipped = loadOutOfScope(join(import.meta.dirname, '..', 'knowledge'));
    const story = 'Nhà tôi định đi Đà Lạt dịp Tết. Nên ở khách sạn nào gần chợ?';
    expect(shipped.find(analyze(story), name('Xếp hạng khách sạn'))).toBe('khách sạn nào');
  });

  it('lets a phrase through when the procedure retrieval found holds it in its name', () => {
    expect(refused('hỗ trợ lãi suất tiết kiệm', 'Hỗ trợ lãi suất tiết kiệm năng lượng')).toBeUndefined();
    expect(refused('lãi suất tiết kiệm', 'Cấp thẻ bảo hiểm y tế')).toBe('lãi suất tiết kiệm');
  });

  it('says when only the procedure’s own name let a marked question through', () => {
    const question = analyze('lãi suất tiết kiệm năng lượng');
    expect(list.check(question, name('Hỗ trợ lãi suất tiết kiệm năng lượng'))).toEqual({
      excusedByName: 'lãi suất tiết kiệm',
    });
    expect(list.check(analyze('xin giấy phép dự báo thời tiết'), name('Cấp giấy phép dự báo'))).toEqual({});
  });

  it('matches a question typed without diacritics, and a gap of at most three words', () => {
    expect(refused('gia vang hom nay')).toBe('giá vàng');
    expect(refused('mua một chiếc xe máy cũ ở đâu')).toBeUndefined();
  });

  it('lets unaccented words through when their neighbour reads them as another accented pair', () => {
    const choice = compileOutOfScope({ always: ['quán nào'], topics: [], administrative: [] });
    const question = analyze('nop ho so o co quan nao');
    // "co quan" read as cơ quan (a pair the catalogue holds): "quan" is not the "quán" of a restaurant.
    const cơQuan = (i: number) => (i === 4 ? (['cơ', 'quan'] as const) : undefined);
    expect(choice.find(question)).toBe('quán nào');
    expect(choice.find({ ...question, pairReading: cơQuan })).toBeUndefined();
    expect(choice.find({ ...analyze('quan nao ngon gan day'), pairReading: () => undefined })).toBe('quán nào');
  });
});

describe('one list for the conversation and retrieval', () => {
  const records = [
    procedure({ name: 'Cấp giấy phép kinh doanh karaoke', fields: ['Văn hóa'] }),
    procedure({ name: 'Đăng ký kết hôn', fields: ['Hộ tịch'] }),
    procedure({ name: 'Hỗ trợ lãi suất vay vốn sản xuất nông nghiệp', fields: ['Nông nghiệp'] }),
  ];

  it('refuses what the knowledge directory’s file lists, both before and after a search', async () => {
    const knowledgeDir = dirs.make();
    const write = (always: string[]) =>
      writeFileSync(
        join(knowledgeDir, OUT_OF_SCOPE_FILE),
        JSON.stringify({ version: 2, always, topics: [], administrative: [] }),
      );
    const engineFor = () => buildRetrievalEngine({ knowledgeDir }, { catalogue: catalogueOf([], records) });
    const question = 'giấy phép kinh doanh karaoke loại nào tốt';
    const followUp = 'giá vàng bao nhiêu';

    write([]);
    const before = engineFor();
    expect((await before.search(question)).abstain).toBe(false);
    const open = recordingChat(before);
    expect(await open.say(question)).toContain('karaoke');
    // Without the list, a price question mid-conversation reads as "how much is this procedure".
    await open.say('đăng ký kết hôn');
    expect(await open.say(followUp)).toContain('Đăng ký kết hôn');

    write(['loại nào tốt', 'giá vàng']);
    const after = engineFor();
    expect((await after.search(question)).abstain).toBe(true);
    const chat = recordingChat(after);
    expect(await chat.say(question)).toContain('chưa tìm được thủ tục');
    await chat.say('đăng ký kết hôn');
    const reply = await chat.say(followUp);
    expect(reply).toContain('chưa tìm được thủ tục');
    expect(reply).not.toContain('Đăng ký kết hôn');
  });

  it('answers a marked phrase in the conversation too when a procedure’s own name holds it', async () => {
    const knowledgeDir = dirs.make();
    writeFileSync(
      join(knowledgeDir, OUT_OF_SCOPE_FILE),
      JSON.stringify({ version: 2, always: ['lãi suất vay'], topics: [], administrative: [] }),
    );
    const engine = buildRetrievalEngine({ knowledgeDir }, { catalogue: catalogueOf([], records) });
    const chat = recordingChat(engine);
    expect(await chat.say('lãi suất vay mua nhà bao nhiêu')).toContain('chưa tìm được thủ tục');
    expect(await chat.say('hỗ trợ lãi suất vay vốn sản xuất nông nghiệp')).toContain('Hỗ trợ lãi suất vay vốn');
  });

  it('reads a question typed without diacritics with the catalogue’s accents, before and after a search', async () => {
    const knowledgeDir = dirs.make();
    writeFileSync(
      join(knowledgeDir, OUT_OF_SCOPE_FILE),
      JSON.stringify({ version: 2, always: ['quán nào'], topics: [], administrative: [] }),
    );
    // Many records say "cơ quan": typed as "co quan nao", the question asks which agency, not which restaurant.
    const agencies = ['thuế', 'hải quan', 'công an', 'tài nguyên', 'xây dựng', 'y tế', 'giáo dục', 'tư pháp'];
    const more = agencies.flatMap((agency) =>
      ['Thông báo', 'Đăng ký', 'Báo cáo'].map((action) =>
        procedure({ name: `${action} với cơ quan ${agency}`, fields: ['Hành chính'] }),
      ),
    );
    const engine = buildRetrievalEngine({ knowledgeDir }, { catalogue: catalogueOf([], [...records, ...more]) });
    const question = 'co quan nao cap giay phep kinh doanh karaoke';
    expect((await engine.search(question)).abstain).toBe(false);
    expect(await recordingChat(engine).say(question)).toContain('karaoke');
    expect((await engine.search('quan nao hat karaoke hay')).abstain).toBe(true);
    expect(await recordingChat(engine).say('quan nao hat karaoke hay')).toContain('chưa tìm được thủ tục');
  });

  it('judges a story by its request, in the conversation and in retrieval', async () => {
    const knowledgeDir = dirs.make();
    writeFileSync(
      join(knowledgeDir, OUT_OF_SCOPE_FILE),
      JSON.stringify({
        version: 2,
        always: ['vay ngân hàng'],
        topics: ['thuốc gì'],
        administrative: ['giấy khai sinh', 'thủ tục'],
      }),
    );
    const engine = buildRetrievalEngine(
      { knowledgeDir },
      {
        catalogue: catalogueOf(
          [],
          [
            procedure({ name: 'Đăng ký khai sinh', fields: ['Hộ tịch'] }),
            procedure({ name: 'Xóa đăng ký thế chấp quyền sử dụng đất', fields: ['Đất đai'] }),
          ],
        ),
      },
    );
    // The administrative words are in the context; the request asks medical advice.
    const advice =
      'Vợ tôi sinh con tháng trước, đã làm giấy khai sinh cho bé. Bé hay quấy khóc, nên cho bé uống thuốc gì?';
    expect((await engine.search(advice)).abstain).toBe(true);
    expect(await recordingChat(engine).say(advice)).toContain('chưa tìm được thủ tục');
    // The bank loan is context; the request asks for a procedure.
    const release =
      'Tôi vay ngân hàng mua nhà, sổ đỏ thế chấp ở ngân hàng. Nay đã trả hết nợ, muốn xóa đăng ký thế chấp thì làm thủ tục gì?';
    expect((await engine.search(release)).abstain).toBe(false);
    expect(await recordingChat(engine).say(release)).toContain('Xóa đăng ký thế chấp');
    // One sentence: the list reads the whole of it, as before.
    expect((await engine.search('vay ngân hàng thì xóa đăng ký thế chấp thế nào')).abstain).toBe(true);
  });

  it('names the file and the field of a malformed list, and refuses nothing without one', () => {
    const knowledgeDir = dirs.make();
    expect(loadOutOfScope(knowledgeDir).find(analyze('giá vàng hôm nay'))).toBeUndefined();
    writeFileSync(join(knowledgeDir, OUT_OF_SCOPE_FILE), JSON.stringify({ version: 2, always: 'nào tốt' }));
    try {
      loadOutOfScope(knowledgeDir);
      expect.unreachable('a malformed list must throw');
    } catch (error) {
      expect(error).toBeInstanceOf(KnowledgeError);
      expect((error as KnowledgeError).message).toContain(OUT_OF_SCOPE_FILE);
      expect((error as KnowledgeError).message).toContain('always');
    }
  });
});
