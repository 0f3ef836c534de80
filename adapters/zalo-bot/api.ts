// A small client for the Zalo Bot Platform API (Telegram-shaped): JSON POST to
// `<root>/bot<TOKEN>/<method>`, answers `{ok, result}` or `{ok:false, error_code, description}`.
// Errors say whether a retry can help and never quote the token (it is part of the URL).
import { z } from 'zod';
import { errorMessage } from '../shared/error-message.ts';

export const DEFAULT_ZALO_BOT_API_ROOT = 'https://bot-api.zaloplatforms.com';

const ResponseSchema = z.looseObject({
  ok: z.boolean(),
  result: z.unknown().optional(),
  error_code: z.coerce.number().optional(),
  description: z.string().optional(),
});

export class ZaloBotApiError extends Error {
  constructor(
    message: string,
    /** The API's error_code (or the HTTP status); undefined when the API could not be reached. */
    readonly code: number | undefined,
  ) {
    super(message);
    this.name = 'ZaloBotApiError';
  }

  /** The token is refused: retrying cannot help. */
  get unauthorized(): boolean {
    return this.code === 401 || this.code === 403;
  }

  /** A network failure, a timeout, flood control or a server error: a later attempt may succeed. */
  get transient(): boolean {
    return this.code === undefined || this.code === 408 || this.code === 429 || this.code >= 500;
  }
}

/** Hides the token in any text (URLs in network errors carry it). */
export function redactBotToken(text: string, token: string): string {
  return token ? text.split(token).join('<token>') : text;
}

export interface ZaloBotApiOptions {
  token: string;
  apiRoot?: string;
  /** Per-call timeout (a long poll adds its own wait on top). Default 15 s. */
  timeoutMs?: number;
}

export class ZaloBotApi {
  private readonly root: string;
  private readonly timeoutMs: number;

  constructor(private readonly options: ZaloBotApiOptions) {
    this.root = (options.apiRoot ?? DEFAULT_ZALO_BOT_API_ROOT).replace(/\/*$/, '');
    this.timeoutMs = options.timeoutMs ?? 15_000;
  }

  async call<T = unknown>(
    method: string,
    body: Record<string, unknown> = {},
    extra: { timeoutMs?: number; signal?: AbortSignal } = {},
  ): Promise<T> {
    const url = `${this.root}/bot${this.options.token}/${method}`;
    const timeout = AbortSignal.timeout(extra.timeoutMs ?? this.timeoutMs);
    const signal = extra.signal ? AbortSignal.any([timeout, extra.signal]) : timeout;
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal,
      });
    } catch (error) {
      const why = redactBotToken(errorMessage(error), this.options.token);
      throw new ZaloBotApiError(`${method}: Zalo Bot API unreachable (${why})`, undefined);
    }
    const parsed = ResponseSchema.safeParse(await response.json().catch(() => undefined));
    if (!parsed.success) {
      throw new ZaloBotApiError(`${method}: unexpected answer (HTTP ${response.status})`, response.status);
    }
    if (!parsed.data.ok) {
      const code = parsed.data.error_code ?? response.status;
      const description = redactBotToken(parsed.data.description ?? `HTTP ${response.status}`, this.options.token);
      throw new ZaloBotApiError(`${method}: ${code} ${description}`, code);
    }
    return parsed.data.result as T;
  }
}

/** A failed start worth retrying: the platform or the network was down (not a refused token). */
export function isPassingZaloBotFailure(error: unknown): boolean {
  return error instanceof ZaloBotApiError && error.transient;
}
