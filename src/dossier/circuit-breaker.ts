// A circuit breaker for a remote source: opens after N consecutive failures so a dead API is not hammered,
// lets one trial request through after a cool-down (half-open), and closes again when that trial succeeds.

export type BreakerState = 'closed' | 'open' | 'half_open';

export class CircuitBreaker {
  private failures = 0;
  private openedAt = 0;
  private opened = false;
  private trialInFlight = false;

  constructor(
    private readonly failureThreshold: number,
    private readonly cooldownMs: number,
  ) {}

  state(now: number): BreakerState {
    if (!this.opened) return 'closed';
    return now - this.openedAt >= this.cooldownMs ? 'half_open' : 'open';
  }

  /** True when a request may go out now; in half-open state only one trial at a time. */
  tryAcquire(now: number): boolean {
    const state = this.state(now);
    if (state === 'closed') return true;
    if (state === 'open' || this.trialInFlight) return false;
    this.trialInFlight = true;
    return true;
  }

  onSuccess(): void {
    this.failures = 0;
    this.opened = false;
    this.trialInFlight = false;
  }

  /** Records a failed request; returns true when this failure opened (or re-opened) the circuit. */
  onFailure(now: number): boolean {
    this.failures++;
    const trial = this.trialInFlight;
    this.trialInFlight = false;
    if (trial || (!this.opened && this.failures >= this.failureThreshold)) {
      this.opened = true;
      this.openedAt = now;
      return true;
    }
    return false;
  }
}
