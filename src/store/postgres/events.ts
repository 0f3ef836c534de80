// Messages between the instances on one database (LISTEN/NOTIFY): "the knowledge was reindexed" reaches every
// instance so all serve the same version. The listening connection reconnects by itself after an outage.
import type { Logger } from '../../log/logger.ts';
import type { StoreEvents } from '../types.ts';
import { type Client, createClient, endQuietly, type Pool } from './pool.ts';

const CHANNEL = 'tro_ly_reindex';
const RECONNECT_MS = 2_000;

export class PgEvents implements StoreEvents {
  private client: Client | undefined;
  private readonly handlers: ((version: string) => void)[] = [];
  private closed = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly url: string,
    private readonly pool: Pool,
    private readonly logger: Logger,
  ) {}

  /** Starts listening (in the background; failures are retried). */
  start(): void {
    void this.connect();
  }

  onReindex(handler: (version: string) => void): void {
    this.handlers.push(handler);
  }

  async publishReindex(version: string): Promise<void> {
    await this.pool.query('SELECT pg_notify($1, $2)', [CHANNEL, version]);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await endQuietly(this.client);
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = createClient(this.url, this.logger, 'listen');
    this.client = client;
    const retry = () => {
      if (this.client !== client || this.closed) return;
      this.client = undefined;
      void endQuietly(client);
      this.timer = setTimeout(() => void this.connect(), RECONNECT_MS);
    };
    client.on('error', retry);
    client.on('end', retry);
    client.on('notification', (message) => {
      if (message.channel !== CHANNEL || !message.payload) return;
      for (const handler of this.handlers) handler(message.payload);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
    } catch {
      retry();
    }
  }
}
