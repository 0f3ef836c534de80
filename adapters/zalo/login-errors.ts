// Turns a failed Zalo login (`npm run zalo:login`, or the channel's cookie login) into a sentence an operator
// can act on: which Zalo host could not be reached, why (DNS, refused, timeout, TLS), and what to check —
// instead of Node's bare "fetch failed".

interface NetworkCause {
  code?: string;
  hostname?: string;
  host?: string;
  address?: string;
  port?: number;
  message?: string;
}

function causeOf(error: unknown): NetworkCause | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    const candidate = current as NetworkCause & { cause?: unknown; errors?: unknown[] };
    if (typeof candidate.code === 'string' && candidate.code !== 'ERR_INVALID_ARG_TYPE') return candidate;
    current = candidate.cause ?? candidate.errors?.[0];
  }
  return undefined;
}

const WHY: Array<[RegExp, string]> = [
  [/^(ENOTFOUND|EAI_AGAIN)$/, 'không phân giải được tên miền (DNS)'],
  [/^ECONNREFUSED$/, 'máy chủ từ chối kết nối'],
  [/^(ECONNRESET|EPIPE|UND_ERR_SOCKET)$/, 'kết nối bị ngắt giữa chừng'],
  [/^(ETIMEDOUT|UND_ERR_CONNECT_TIMEOUT|UND_ERR_HEADERS_TIMEOUT|ABORT_ERR|23)$/, 'hết thời gian chờ'],
  [/^(ENETUNREACH|EHOSTUNREACH)$/, 'không có đường mạng tới máy chủ'],
  [/CERT|SSL|TLS|SELF_SIGNED/, 'chứng chỉ TLS không hợp lệ (thường do proxy hoặc tường lửa chặn HTTPS)'],
];

/** The login failed because Zalo could not be reached (worth trying again later), not because it refused. */
export function isNetworkFailure(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return causeOf(error) !== undefined || /fetch failed|network|socket|timed? ?out/i.test(message);
}

/** A Vietnamese explanation of a login failure, with what to check when it is a network problem. */
export function explainLoginFailure(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const cause = causeOf(error);
  if (!isNetworkFailure(error)) return `Không đăng nhập được Zalo: ${message}`;
  const code = cause?.code ?? '';
  const why = WHY.find(([pattern]) => pattern.test(code))?.[1] ?? 'lỗi mạng';
  const address = cause?.address ? `${cause.address}${cause.port ? `:${cause.port}` : ''}` : undefined;
  const host = cause?.hostname ?? cause?.host ?? address ?? 'các máy chủ Zalo (id.zalo.me, wpa.chat.zalo.me)';
  return [
    `Không kết nối được tới ${host}: ${why}${code ? ` (${code})` : ''}.`,
    'Hãy kiểm tra:',
    '  - máy này có vào được Internet không (mở thử https://chat.zalo.me);',
    '  - DNS phân giải được id.zalo.me và chat.zalo.me;',
    '  - proxy: đặt HTTPS_PROXY nếu mạng bắt buộc đi qua proxy;',
    '  - tường lửa không chặn *.zalo.me (cổng 443).',
    'Rồi chạy lại `npm run zalo:login`.',
  ].join('\n');
}
