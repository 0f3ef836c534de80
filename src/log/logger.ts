// Structured logging (pino). Message texts, dossier codes and secrets never reach the log in clear:
// known sensitive keys are redacted, and `fingerprint()` gives a stable, non-reversible id to correlate lines.
// Dossier codes are redacted where they live (dossierCode, route params, a dossier status or lookup), never by
// the bare key `code`: error codes (Telegram 429/403, Zalo close codes, errno names) stay readable.
import { createHmac, randomBytes } from 'node:crypto';
import pino, { type Logger } from 'pino';

export type { Logger };

const SENSITIVE_KEYS = [
  'text',
  'message.text',
  'question',
  'dossierCode',
  '*.dossierCode',
  'params.code',
  'req.params.code',
  'status.code',
  'lookup.code',
  'dossier.code',
  'token',
  'cookie',
  'authorization',
  'req.headers.authorization',
  'req.headers["x-telegram-bot-api-secret-token"]',
  'req.headers.cookie',
];

export function createLogger(level = process.env.LOG_LEVEL ?? 'info', destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: undefined,
    redact: { paths: SENSITIVE_KEYS, censor: '[redacted]' },
  };
  return destination ? pino(options, destination) : pino(options);
}

const FINGERPRINT_KEY = randomBytes(32);

/** A short keyed hash of a sensitive value (a dossier code, a chat id) for correlating log lines. */
export function fingerprint(value: string): string {
  return createHmac('sha256', FINGERPRINT_KEY).update(value).digest('hex').slice(0, 12);
}
