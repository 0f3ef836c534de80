// The health of the database behind the stores: every store call goes through `guard()`, which turns a
// database fault into StoreUnavailableError and remembers it; a later successful write (or the periodic
// probe run by /healthz) clears it, so service resumes by itself once the fault is gone.
import type { Logger } from '../log/logger.ts';
import { classifyStoreError, STORE_FAULT_TEXT, type StoreFaultReason, StoreUnavailableError } from './errors.ts';

export type StoreHealthState =
  | { ok: true; engine: StoreEngine }
  | { ok: false; engine: StoreEngine; reason: StoreFaultReason; detail: string; since: number };

export type StoreEngine = 'sqlite' | 'postgres' | 'memory';

export class StoreHealth {
  private fault: { reason: StoreFaultReason; since: number } | undefined;
  private lastProbe = 0;
  private probing: Promise<void> | undefined;

  constructor(
    readonly engine: StoreEngine,
    private readonly logger: Logger,
    /** Tries the database (a small write); throws while it is still faulty. */
    private readonly probe: () => Promise<void> = async () => undefined,
    private readonly probeEveryMs = 1_000,
  ) {}

  get faulted(): boolean {
    return this.fault !== undefined;
  }

  /** Records a failure; returns the fault reason, or undefined when the error is not a database fault. */
  failed(error: unknown): StoreFaultReason | undefined {
    const reason = classifyStoreError(error);
    if (!reason) return undefined;
    if (this.fault?.reason !== reason) {
      this.logger.error(
        { engine: this.engine, reason, errCode: (error as { code?: string })?.code },
        `store unavailable: ${STORE_FAULT_TEXT[reason]}; chat answers "hệ thống đang bận" until it clears`,
      );
      this.fault = { reason, since: this.fault?.since ?? Date.now() };
    }
    return reason;
  }

  /** Marks the database as working again (after a successful write or probe). */
  recovered(): void {
    if (!this.fault) return;
    this.logger.info(
      {
        engine: this.engine,
        reason: this.fault.reason,
        downSeconds: Math.round((Date.now() - this.fault.since) / 1000),
      },
      'store available again',
    );
    this.fault = undefined;
  }

  /** The current state; while faulted, probes the database (at most once a second) to notice recovery. */
  async check(): Promise<StoreHealthState> {
    if (this.fault && Date.now() - this.lastProbe >= this.probeEveryMs) {
      this.lastProbe = Date.now();
      this.probing ??= this.probe().then(
        () => this.recovered(),
        (error: unknown) => {
          this.failed(error);
        },
      );
      await this.probing.finally(() => {
        this.probing = undefined;
      });
    }
    return this.state();
  }

  state(): StoreHealthState {
    if (!this.fault) return { ok: true, engine: this.engine };
    return {
      ok: false,
      engine: this.engine,
      reason: this.fault.reason,
      detail: STORE_FAULT_TEXT[this.fault.reason],
      since: this.fault.since,
    };
  }
}

/** Methods whose success proves the database writes again. */
const WRITES = /^(save|delete|record|set|take|firstSighting|upsert)/;

/**
 * Wraps every method of a store: a database fault becomes StoreUnavailableError (and is recorded on `health`);
 * other errors pass through unchanged. `target` is read at each call, so the store behind can be swapped.
 */
export function guard<T extends object>(target: () => T, health: StoreHealth): T {
  return new Proxy({} as T, {
    get(_shell, property) {
      const current = target() as Record<string | symbol, unknown>;
      const value = current[property];
      if (typeof value !== 'function') return value;
      const isWrite = typeof property === 'string' && WRITES.test(property);
      return (...args: unknown[]) => {
        let result: unknown;
        try {
          result = (value as (...a: unknown[]) => unknown).apply(target(), args);
        } catch (error) {
          throw translate(error, health);
        }
        if (!(result instanceof Promise)) return result;
        return result.then(
          (v) => {
            if (isWrite) health.recovered();
            return v;
          },
          (error: unknown) => {
            throw translate(error, health);
          },
        );
      };
    },
  });
}

function translate(error: unknown, health: StoreHealth): unknown {
  if (error instanceof StoreUnavailableError) {
    health.failed(error);
    return error;
  }
  const reason = health.failed(error);
  return reason ? new StoreUnavailableError(reason, { cause: error }) : error;
}
