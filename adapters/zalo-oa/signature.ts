// Verifies Zalo Official Account webhook calls: header `X-ZEvent-Signature: mac=<hex>` where
// hex = sha256(app_id + raw body + timestamp + OA secret key), computed over the raw request body.
import { createHash, timingSafeEqual } from 'node:crypto';

export function zaloOaSignature(appId: string, rawBody: string, timestamp: string, secretKey: string): string {
  return createHash('sha256').update(`${appId}${rawBody}${timestamp}${secretKey}`, 'utf8').digest('hex');
}

/** True when the header carries the signature expected for this body and timestamp. */
export function verifyZaloOaSignature(
  header: string | undefined,
  appId: string,
  rawBody: string,
  timestamp: string,
  secretKey: string,
): boolean {
  const match = /^\s*mac=([0-9a-f]{64})\s*$/i.exec(header ?? '');
  if (!match) return false;
  const given = Buffer.from((match[1] as string).toLowerCase(), 'hex');
  const expected = Buffer.from(zaloOaSignature(appId, rawBody, timestamp, secretKey), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
