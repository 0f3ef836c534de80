// What each configured chat channel is doing (running, retrying after a failure, stopped and why), for
// /healthz and a gauge per channel on /metrics. Core code: adapters report into it, the server reads it.
import type { Registry } from '../metrics/registry.ts';

/** 'standby': a polling channel waiting while another instance on the same database polls (src/store/postgres/election.ts). */
export type ChannelRunState = 'running' | 'retrying' | 'stopped' | 'standby';

export interface ChannelStatus {
  state: ChannelRunState;
  /** When the channel entered this state (ISO 8601). */
  since: string;
  /** Why it is retrying or stopped (no secrets: callers redact tokens). */
  reason?: string;
}

const STATES: ChannelRunState[] = ['running', 'retrying', 'stopped', 'standby'];

export class ChannelStates {
  private readonly channels = new Map<string, ChannelStatus>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Records a channel's state; `since` changes only when the state does. */
  report(channel: string, state: ChannelRunState, reason?: string): void {
    const previous = this.channels.get(channel);
    const since = previous?.state === state ? previous.since : new Date(this.now()).toISOString();
    this.channels.set(channel, { state, since, ...(reason ? { reason } : {}) });
  }

  get(channel: string): ChannelStatus | undefined {
    const status = this.channels.get(channel);
    return status ? { ...status } : undefined;
  }

  /** Every reported channel, by name. */
  snapshot(): Record<string, ChannelStatus> {
    return Object.fromEntries([...this.channels].map(([name, status]) => [name, { ...status }]));
  }

  /** True when every reported (configured) channel is running (or on standby behind another instance). */
  allRunning(): boolean {
    return [...this.channels.values()].every((status) => healthy(status.state));
  }

  /** `channel_up{channel}` (1 healthy: running or on standby, 0 otherwise) and `channel_state{channel,state}`. */
  registerMetrics(registry: Registry): void {
    registry.gauge(
      'channel_up',
      'Whether a configured chat channel is healthy (1: running, or on standby behind another instance) or not (0)',
      ['channel'],
      (gauge) => {
        for (const [channel, status] of this.channels) gauge.set({ channel }, healthy(status.state) ? 1 : 0);
      },
    );
    registry.gauge(
      'channel_state',
      'The state of each configured chat channel (1 for its current state)',
      ['channel', 'state'],
      (gauge) => {
        for (const [channel, status] of this.channels) {
          for (const state of STATES) gauge.set({ channel, state }, status.state === state ? 1 : 0);
        }
      },
    );
  }
}

/** Running, or waiting on standby while another instance polls: nothing for an operator to fix. */
function healthy(state: ChannelRunState): boolean {
  return state === 'running' || state === 'standby';
}
