// Fixed wordings of the assistant: greeting, help, thanks, abstain, stale menus. Short, polite, "mình/bạn".
import { PORTAL_HOME_URL, PORTAL_HOTLINE } from '../knowledge/schema.ts';
import { bold, link, type Reply, text } from './types.ts';

const EXAMPLES = ['làm lại căn cước bị mất', 'đăng ký khai sinh cho con', 'sang tên xe máy', 'làm sổ đỏ lần đầu'];

export function greeting(): Reply {
  return {
    paragraphs: [
      [
        text('Xin chào! Mình là '),
        bold('Trợ lý Dịch vụ công'),
        text('. Mình giúp bạn tìm đúng thủ tục hành chính, hướng dẫn từng bước và dẫn tới Cổng Dịch vụ công quốc gia.'),
      ],
      [
        text('Bạn cứ hỏi tự nhiên, có dấu hay không dấu đều được, ví dụ: '),
        ...EXAMPLES.flatMap((e, i) => [...(i > 0 ? [text(', ')] : []), bold(`"${e}"`)]),
        text('.'),
      ],
      [text('Bạn cũng có thể gửi mã hồ sơ để tra cứu tình trạng.')],
    ],
  };
}

export function help(): Reply {
  return {
    paragraphs: [
      [bold('Mình có thể giúp bạn:')],
      [text('• Tìm thủ tục: gõ điều bạn cần, ví dụ "mất căn cước làm lại ở đâu".')],
      [
        text(
          '• Xem từng bước, giấy tờ, lệ phí, thời gian, nơi nộp: bấm nút hoặc hỏi "lệ phí bao nhiêu", "mất mấy ngày", "cần giấy tờ gì".',
        ),
      ],
      [text('• Đi qua các bước: "tiếp", "quay lại", "bước 3".')],
      [text('• Tra cứu hồ sơ: gửi mã hồ sơ, ví dụ 000.00.14.H56-200203-0118.')],
      [text('• Làm lại từ đầu: gõ "bắt đầu lại".')],
      [text('Khi có danh sách đánh số, bạn có thể trả lời bằng số (1, 2, 3…).')],
    ],
  };
}

export function thanks(): Reply {
  return { paragraphs: [[text('Không có gì ạ! Nếu cần thêm thủ tục nào, bạn cứ hỏi mình nhé.')]] };
}

export function greetingAgain(): Reply {
  return { paragraphs: [[text('Chào bạn! Bạn cần hỏi thủ tục gì, hoặc muốn tra cứu hồ sơ nào, cứ nhắn mình nhé.')]] };
}

export function ack(): Reply {
  return { paragraphs: [[text('Vâng ạ. Bạn cần hỏi thêm gì cứ nhắn mình nhé.')]] };
}

export function goodbye(): Reply {
  return { paragraphs: [[text('Cảm ơn bạn đã hỏi. Chúc bạn làm thủ tục thuận lợi! Khi cần, bạn cứ nhắn mình.')]] };
}

export function placeNoted(province: string): Reply {
  return {
    paragraphs: [
      [text(`Mình đã ghi nhận bạn ở ${province}. Bạn cần làm thủ tục gì? Mình sẽ ưu tiên thủ tục áp dụng ở nơi bạn.`)],
    ],
  };
}

export function emptyMessage(): Reply {
  return { paragraphs: [[text('Bạn chưa nhập nội dung. Bạn cần làm thủ tục gì? Ví dụ: "đăng ký tạm trú".')]] };
}

export function notText(): Reply {
  return {
    paragraphs: [
      [text('Mình chưa hiểu tin nhắn này. Bạn gõ bằng chữ điều bạn cần làm nhé, ví dụ: "đăng ký tạm trú".')],
    ],
  };
}

export function abstain(): Reply {
  return {
    paragraphs: [
      [text('Xin lỗi bạn, mình chưa tìm được thủ tục hành chính phù hợp với câu hỏi này.')],
      [text('Bạn thử diễn đạt lại ngắn gọn điều bạn cần làm, ví dụ "đăng ký kết hôn" hoặc "xin lý lịch tư pháp".')],
      [
        text('Bạn cũng có thể tìm trên '),
        link('Cổng Dịch vụ công quốc gia', PORTAL_HOME_URL),
        text(` hoặc gọi tổng đài ${PORTAL_HOTLINE}.`),
      ],
    ],
    links: [{ label: 'Cổng Dịch vụ công quốc gia', url: PORTAL_HOME_URL }],
  };
}

/** A menu was open and the citizen asked about an aspect instead of choosing: say which option is answered. */
export function answeringFirstOption(name: string): Reply {
  return {
    paragraphs: [
      [
        text('Bạn chưa chọn thủ tục, mình trả lời cho thủ tục khớp nhất: '),
        bold(name),
        text('. Nếu không phải, bạn gõ rõ hơn tên thủ tục cần làm.'),
      ],
    ],
  };
}

export function staleMenu(): Reply {
  return { paragraphs: [[text('Lựa chọn này thuộc một menu đã hết hạn. Mình gửi lại các lựa chọn hiện tại nhé.')]] };
}

export function nothingToChoose(): Reply {
  return { paragraphs: [[text('Hiện chưa có danh sách nào để chọn. Bạn cần làm thủ tục gì?')]] };
}

export function numberNotOnMenu(count: number): Reply {
  return { paragraphs: [[text(`Số này không có trong danh sách. Bạn chọn một số từ 1 đến ${count} nhé.`)]] };
}

export function noProcedureYet(): Reply {
  return {
    paragraphs: [[text('Bạn muốn hỏi về thủ tục nào? Bạn gõ tên hoặc điều cần làm, ví dụ "đăng ký thường trú".')]],
  };
}

export function feedbackThanks(helpful: boolean): Reply {
  return {
    paragraphs: [
      [
        text(
          helpful
            ? 'Cảm ơn bạn đã góp ý! Chúc bạn làm thủ tục thuận lợi.'
            : 'Cảm ơn bạn đã báo. Mình đã ghi nhận để cải thiện. Bạn thử hỏi lại theo cách khác, hoặc xem trên Cổng Dịch vụ công.',
        ),
      ],
    ],
  };
}

export function alreadyRated(): Reply {
  return { paragraphs: [[text('Bạn đã góp ý cho câu trả lời này rồi, cảm ơn bạn!')]] };
}

export function resetDone(): Reply {
  return { paragraphs: [[text('Đã bắt đầu lại cuộc trò chuyện.')]] };
}

export function tooLong(max: number): Reply {
  return { paragraphs: [[text(`Tin nhắn quá dài, mình chỉ đọc ${max.toLocaleString('vi-VN')} ký tự đầu.`)]] };
}
