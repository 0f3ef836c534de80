// A thin seam over zca-js (unofficial Zalo personal-account API): log in with a saved session, listen
// for messages, send text. The adapter talks only to the ZaloTransport interface, so tests drive it with
// a fake that emits objects of zca-js's real message shape.
import { type API, type Credentials, type Message, TextStyle, type ThreadType, Zalo } from 'zca-js';
import type { ZaloCredentials } from './credentials.ts';
import type { TextRange } from './render.ts';

export type ZaloMessage = Message;
export type OnMessage = (message: ZaloMessage) => void;
export type OnClosed = (code: number, reason: string) => void;
export type OnError = (error: unknown) => void;
export type OnConnected = () => void;

export interface TransportExtras {
  /** The socket is ready for requests (zca-js received its cipher key). */
  onReady?: () => void;
  /** Zalo's answer to requestOldMessages. */
  onOldMessages?: (messages: ZaloMessage[], type: ThreadType) => void;
}

export interface ZaloTransport {
  /**
   * Starts (or, after a close, restarts) listening. The first call logs in and rejects if the session is
   * expired or invalid. Resolves once the socket is opening; `onConnected` fires when it is up.
   */
  start(
    onMessage: OnMessage,
    onClosed: OnClosed,
    onError: OnError,
    onConnected?: OnConnected,
    extras?: TransportExtras,
  ): Promise<void>;
  /** Asks Zalo for the recent messages of one thread type; they arrive through `onOldMessages`. */
  requestOldMessages?(type: ThreadType): void;
  /** Closes the socket (a `closed` event with code 1000 may follow). */
  stop(): void;
  /** The logged-in account's user id (to recognise mentions of the bot in groups). */
  ownId(): string;
  sendText(threadId: string, type: ThreadType, text: string, bold?: TextRange[]): Promise<void>;
}

/** The real transport, on zca-js 2.2. */
export class ZcaTransport implements ZaloTransport {
  private api: API | undefined;
  private handlers:
    | ({ onMessage: OnMessage; onClosed: OnClosed; onError: OnError; onConnected?: OnConnected } & TransportExtras)
    | undefined;

  constructor(
    private readonly credentials: ZaloCredentials,
    /** zca-js options for tests and proxies: `polyfill` is the fetch it uses (tests route it to a local fake). */
    private readonly zaloOptions: { polyfill?: typeof fetch } = {},
  ) {}

  async start(
    onMessage: OnMessage,
    onClosed: OnClosed,
    onError: OnError,
    onConnected?: OnConnected,
    extras: TransportExtras = {},
  ): Promise<void> {
    this.handlers = { onMessage, onClosed, onError, onConnected, ...extras };
    if (!this.api) {
      // checkUpdate: false — otherwise login() asks the npm registry for a newer zca-js first.
      const zalo = new Zalo({ checkUpdate: false, logging: false, selfListen: false, ...this.zaloOptions });
      this.api = await zalo.login(this.credentials as Credentials);
      const listener = this.api.listener;
      // Attached once; they forward to the latest handlers. An 'error' listener must exist or ws errors crash.
      listener.on('message', (message) => this.handlers?.onMessage(message));
      listener.on('closed', (code, reason) => this.handlers?.onClosed(code, reason));
      listener.on('error', (error) => this.handlers?.onError(error));
      listener.on('connected', () => this.handlers?.onConnected?.());
      listener.on('cipher_key', () => this.handlers?.onReady?.());
      listener.on('old_messages', (messages, type) => this.handlers?.onOldMessages?.(messages, type));
    }
    // Reconnection is the adapter's job (backoff, watchdog), so zca-js's own retry stays off.
    this.api.listener.start({ retryOnClose: false });
  }

  stop(): void {
    this.api?.listener.stop();
  }

  requestOldMessages(type: ThreadType): void {
    this.api?.listener.requestOldMessages(type);
  }

  ownId(): string {
    return this.api?.getOwnId() ?? '';
  }

  async sendText(threadId: string, type: ThreadType, text: string, bold: TextRange[] = []): Promise<void> {
    if (!this.api) throw new Error('Zalo transport is not started');
    const styles = bold.map((range) => ({ start: range.start, len: range.len, st: TextStyle.Bold as const }));
    await this.api.sendMessage(styles.length > 0 ? { msg: text, styles } : text, threadId, type);
  }
}
