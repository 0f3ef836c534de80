// Sends a text message from the Official Account to a user through the OA Open API
// (POST <root>/v3.0/oa/message/cs with header access_token). Errors never quote the token.
import { z } from 'zod';

export const DEFAULT_OA_API_ROOT = 'https://openapi.zalo.me';

const SendResponseSchema = z.looseObject({ error: z.coerce.number(), message: z.string().optional() });

export class ZaloOaApiError extends Error {
  constructor(
    message: string,
    readonly code?: number,
  ) {
    super(message);
    this.name = 'ZaloOaApiError';
  }
}

export interface OaSendOptions {
  apiRoot?: string;
  accessToken: string;
  timeoutMs?: number;
}

export async function sendOaText(options: OaSendOptions, userId: string, text: string): Promise<void> {
  const url = new URL('v3.0/oa/message/cs', `${(options.apiRoot ?? DEFAULT_OA_API_ROOT).replace(/\/*$/, '')}/`);
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', access_token: options.accessToken },
      body: JSON.stringify({ recipient: { user_id: userId }, message: { text } }),
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
  } catch (error) {
    throw new ZaloOaApiError(`OA API unreachable: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!response.ok) throw new ZaloOaApiError(`OA API answered HTTP ${response.status}`, response.status);
  const parsed = SendResponseSchema.safeParse(await response.json().catch(() => undefined));
  if (!parsed.success) throw new ZaloOaApiError('OA API answered something unexpected');
  if (parsed.data.error !== 0) {
    throw new ZaloOaApiError(
      `OA API error ${parsed.data.error}: ${parsed.data.message ?? ''}`.trim(),
      parsed.data.error,
    );
  }
}
