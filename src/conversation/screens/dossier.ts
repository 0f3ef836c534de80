// The dossier screen: chat replies about dossiers, in short polite Vietnamese: the status of a found dossier, and
// what to do when it is unknown, the source is down, lookups are rate limited, or a code looks wrong or only maybe
// a code. The dossier capability (src/dossier) finds the status; this layer words it.
import { DOSSIER_CODE_EXAMPLE } from '../../dossier/code.ts';
import { formatDate } from '../../dossier/dates.ts';
import { DEMO_CODES } from '../../dossier/demo-source.ts';
import type { DossierCodeMatch, DossierLookup, DossierStatus } from '../../dossier/types.ts';
import { dossierView } from '../../dossier/view.ts';
import { PORTAL_DOSSIER_LOOKUP_URL, PORTAL_HOTLINE, portalLinks } from '../../knowledge/schema.ts';
import { bold, link, type Paragraph, type Reply, text } from '../types.ts';
import { OPTION_LABELS, type OptionId } from './options.ts';

export const DEMO_BANNER = 'DỮ LIỆU MINH HỌA';
export const PRIVACY_NOTE = 'Vì lý do bảo mật, mình chỉ hiển thị tình trạng hồ sơ, không hiển thị thông tin cá nhân.';

/** Menu shown when a code has an unfamiliar shape: the engine looks it up only after "yes". */
export const MAYBE_CODE_MENU_ID = 'dsq';
export const MAYBE_CODE_YES: OptionId = 'yes';
export const MAYBE_CODE_NO: OptionId = 'no';

const lookupLink = link('Tra cứu hồ sơ trên Cổng Dịch vụ công', PORTAL_DOSSIER_LOOKUP_URL);
const lookupQuickLink = { label: 'Tra cứu trên Cổng Dịch vụ công', url: PORTAL_DOSSIER_LOOKUP_URL };
const demoParagraph: Paragraph = [bold(DEMO_BANNER), text(': đây là hồ sơ mẫu để thử, không phải hồ sơ thật.')];

/** The reply for a lookup result; `today` decides days left or overdue. */
export function describeLookup(lookup: DossierLookup, today: Date): Reply {
  switch (lookup.kind) {
    case 'found':
      return describeStatus(lookup.status, today);
    case 'not_found':
      return {
        paragraphs: [
          ...(lookup.demo ? [demoParagraph] : []),
          [text('Mình chưa tìm thấy hồ sơ '), bold(lookup.code), text(' trong dữ liệu tra cứu của mình.')],
          [text('Bạn kiểm tra lại mã trên giấy tiếp nhận hồ sơ, hoặc tra cứu trực tiếp: '), lookupLink, text('.')],
          ...(lookup.demo ? [[text(`Ở chế độ minh họa, bạn có thể thử mã ${DEMO_CODES[0]}.`)]] : []),
        ],
        links: [lookupQuickLink],
      };
    case 'unavailable':
      return {
        paragraphs: [
          [
            text('Xin lỗi bạn, hệ thống tra cứu đang gián đoạn nên mình chưa kiểm tra được hồ sơ '),
            bold(lookup.code),
            text('.'),
          ],
          [text('Bạn vui lòng thử lại sau ít phút, hoặc tra cứu trực tiếp: '), lookupLink, text('.')],
          [text(`Tổng đài hỗ trợ của Cổng Dịch vụ công: ${PORTAL_HOTLINE}.`)],
        ],
        links: [lookupQuickLink],
      };
    case 'rate_limited':
      return {
        paragraphs: [
          [
            text(
              `Bạn tra cứu hơi nhiều trong thời gian ngắn. Bạn vui lòng thử lại sau ${waitText(lookup.retryAfterSeconds)} nhé.`,
            ),
          ],
          [text('Bạn cũng có thể tra cứu trực tiếp: '), lookupLink, text('.')],
        ],
        links: [lookupQuickLink],
      };
  }
}

/** The reply for a code that looks wrong, or that may be a code of another system. */
export function describeCodeMatch(match: Exclude<DossierCodeMatch, { kind: 'valid' }>): Reply {
  if (match.kind === 'malformed') {
    return {
      paragraphs: [
        [text('Mã hồ sơ '), bold(match.code), text(` có vẻ chưa đúng: ${match.problem}.`)],
        [
          text('Mã hồ sơ thường có dạng '),
          bold(DOSSIER_CODE_EXAMPLE),
          text(' (mã cơ quan - ngày tiếp nhận YYMMDD - số thứ tự 4 chữ số).'),
        ],
        [text('Bạn xem lại mã trên giấy tiếp nhận hồ sơ rồi gửi lại giúp mình nhé.')],
      ],
    };
  }
  return {
    paragraphs: [
      [bold(match.candidate), text(' có phải là mã hồ sơ bạn muốn tra cứu không?')],
      [text('Mã này khác dạng mã hồ sơ thường gặp (ví dụ '), bold(DOSSIER_CODE_EXAMPLE), text(').')],
    ],
    menu: {
      id: MAYBE_CODE_MENU_ID,
      prompt: 'Tra cứu mã này?',
      options: [
        { id: MAYBE_CODE_YES, label: OPTION_LABELS.yes },
        { id: MAYBE_CODE_NO, label: OPTION_LABELS.no },
      ],
    },
  };
}

function describeStatus(status: DossierStatus, today: Date): Reply {
  const view = dossierView(status, today);
  const paragraphs: Paragraph[] = [];
  if (view.demo) paragraphs.push(demoParagraph);
  paragraphs.push([text('Hồ sơ '), bold(view.code), text(': '), bold(view.stateLabel), text('.')]);
  const procedure = view.procedureName ?? (view.procedureCode ? `mã thủ tục ${view.procedureCode}` : undefined);
  if (procedure) paragraphs.push([text(`Thủ tục: ${procedure}`)]);
  if (view.receivedOn) paragraphs.push([text(`Ngày tiếp nhận: ${formatDate(view.receivedOn)}`)]);
  if (view.dueOn) {
    const due: Paragraph = [text(`Ngày hẹn trả kết quả: ${formatDate(view.dueOn)}`)];
    if (view.daysLeft === 0) due.push(text(' ('), bold('đến hạn hôm nay'), text(')'));
    else if (view.daysLeft !== undefined) due.push(text(' ('), bold(`còn ${view.daysLeft} ngày`), text(')'));
    else if (view.daysOverdue !== undefined) {
      due.push(text(' ('), bold(`đã quá hạn ${view.daysOverdue} ngày`), text(')'));
    }
    paragraphs.push(due);
  }
  if (view.returnedOn) paragraphs.push([text(`Ngày trả kết quả: ${formatDate(view.returnedOn)}`)]);
  if (view.agency) paragraphs.push([text(`Cơ quan giải quyết: ${view.agency}`)]);
  if (view.note) paragraphs.push([text(`Ghi chú: ${view.note}`)]);
  const advice = adviceFor(view.state, view.daysOverdue);
  if (advice) paragraphs.push([text(advice)]);
  paragraphs.push([text(PRIVACY_NOTE)]);
  const links = [lookupQuickLink];
  if (view.procedureId)
    links.push({ label: 'Xem hướng dẫn thủ tục', url: portalLinks(view.procedureId, false).procedure });
  return { paragraphs, links };
}

function adviceFor(state: DossierStatus['state'], daysOverdue: number | undefined): string | undefined {
  if (state === 'needs_supplement') {
    return 'Bạn liên hệ cơ quan giải quyết để biết giấy tờ cần bổ sung, rồi nộp bổ sung sớm để hồ sơ được xử lý tiếp.';
  }
  if (state === 'result_ready') {
    return 'Bạn nhận kết quả theo cách đã đăng ký khi nộp hồ sơ; nếu nhận trực tiếp, bạn nhớ mang theo giấy tiếp nhận hồ sơ và giấy tờ tùy thân.';
  }
  if (state === 'overdue' || daysOverdue !== undefined) {
    return 'Hồ sơ đã quá hạn hẹn trả. Bạn có thể liên hệ cơ quan giải quyết để hỏi lý do và thời gian trả kết quả.';
  }
  return undefined;
}

function waitText(seconds: number): string {
  if (seconds < 60) return `${seconds} giây`;
  return `${Math.ceil(seconds / 60)} phút`;
}

/** A dossier question without a code: where the code is printed, and what to send. */
export function askDossierCode(): Reply {
  return {
    paragraphs: [
      [text('Bạn gửi giúp mình '), bold('mã hồ sơ'), text(' để mình tra cứu tình trạng nhé.')],
      [
        text(
          'Mã hồ sơ in trên giấy tiếp nhận hồ sơ / phiếu hẹn trả kết quả, và có trong tin nhắn SMS hoặc email của Cổng Dịch vụ công khi bạn nộp trực tuyến. Ví dụ: ',
        ),
        bold(DOSSIER_CODE_EXAMPLE),
        text('.'),
      ],
    ],
    links: [lookupQuickLink],
  };
}

/** "nhắc tôi mã hồ sơ vừa tra": the last code of this conversation, if any. */
export function recallDossier(last: { code: string } | undefined): Reply {
  if (!last) return { paragraphs: [[text('Trong cuộc trò chuyện này bạn chưa tra mã hồ sơ nào.')]] };
  return {
    paragraphs: [
      [text('Mã hồ sơ bạn vừa tra: '), bold(last.code)],
      [text('Bạn gửi lại mã này nếu muốn xem tình trạng mới nhất.')],
    ],
  };
}
