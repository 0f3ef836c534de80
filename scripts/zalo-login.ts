// `npm run zalo:login`: logs the assistant's Zalo personal account in by QR code and saves the session
// (cookie, imei, user agent) to the credentials file outside the repository, readable by the owner only.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { type LoginQRCallbackEvent, LoginQRCallbackEventType, Zalo } from 'zca-js';
import { credentialsFile, saveZaloCredentials } from '../adapters/zalo/credentials.ts';
import { explainLoginFailure } from '../adapters/zalo/login-errors.ts';
import { pngQrToTerminal } from '../adapters/zalo/qr-terminal.ts';
import { ConfigError, loadConfig } from '../src/config/config.ts';

const MAX_QR_CODES = 3;

function say(line = ''): void {
  process.stdout.write(`${line}\n`);
}

async function main(): Promise<number> {
  const config = loadConfig();
  const file = credentialsFile(config);
  if (!relative(process.cwd(), file).startsWith('..')) {
    say(
      `Cảnh báo: ${file} nằm trong thư mục dự án. Hãy đặt ZALO_CREDENTIALS_FILE ra ngoài repo (không commit cookie).`,
    );
  }
  const qrPath = join(dirname(file), 'zalo-login-qr.png');
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });

  let qrCount = 0;
  let saved: Promise<void> | undefined;
  const onEvent = async (event: LoginQRCallbackEvent) => {
    switch (event.type) {
      case LoginQRCallbackEventType.QRCodeGenerated: {
        qrCount++;
        const png = Buffer.from(event.data.image, 'base64');
        await writeFile(qrPath, png, { mode: 0o600 });
        say();
        say('Mở Zalo trên điện thoại của tài khoản dùng cho trợ lý → Quét mã QR, rồi quét mã dưới đây.');
        const ascii = pngQrToTerminal(png);
        if (ascii) say(ascii);
        say(`Ảnh mã QR: ${qrPath}`);
        say('Mã hết hạn sau khoảng 100 giây.');
        break;
      }
      case LoginQRCallbackEventType.QRCodeExpired:
        if (qrCount >= MAX_QR_CODES) {
          say('Mã QR đã hết hạn nhiều lần; dừng lại. Chạy lại `npm run zalo:login` khi sẵn sàng.');
          event.actions.abort();
        } else {
          say('Mã QR đã hết hạn, đang tạo mã mới…');
          event.actions.retry();
        }
        break;
      case LoginQRCallbackEventType.QRCodeScanned:
        say(`Đã quét bởi “${event.data.display_name}”. Hãy bấm xác nhận đăng nhập trên điện thoại.`);
        break;
      case LoginQRCallbackEventType.QRCodeDeclined:
        say('Đăng nhập đã bị từ chối trên điện thoại.');
        event.actions.abort();
        break;
      case LoginQRCallbackEventType.GotLoginInfo:
        saved = saveZaloCredentials(file, {
          cookie: event.data.cookie as unknown as Array<{ key: string; value: string }>,
          imei: event.data.imei,
          userAgent: event.data.userAgent,
        });
        await saved;
        say(`Đã lưu phiên đăng nhập vào ${file} (chỉ chủ sở hữu đọc được).`);
        break;
    }
  };

  // checkUpdate: false — otherwise zca-js asks the npm registry for a newer version first.
  const zalo = new Zalo({ checkUpdate: false, logging: false, selfListen: false });
  const api = await zalo.loginQR({ userAgent: config.ZALO_USER_AGENT, qrPath }, (event) => {
    onEvent(event).catch((error: unknown) => {
      say(`Lỗi: ${error instanceof Error ? error.message : String(error)}`);
    });
  });
  await saved;
  await rm(qrPath, { force: true });
  say(`Đăng nhập Zalo thành công (tài khoản ${api.getOwnId()}). Khởi động lại trợ lý để bật kênh Zalo.`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ConfigError) say(error.message);
    else say(explainLoginFailure(error));
    process.exit(1);
  },
);
