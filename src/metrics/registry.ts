// A tiny Prometheus metrics registry: labelled counters, gauges and histograms rendered in the
// text exposition format (version 0.0.4). Enough for /metrics without an extra package.

export type Labels = Record<string, string>;

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function assertName(name: string, pattern: RegExp): void {
  if (!pattern.test(name)) throw new Error(`invalid metric or label name: ${name}`);
}

/** Label values are escaped as the format requires: backslash, double quote and newline. */
function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function escapeHelp(help: string): string {
  return help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function formatLabels(labels: Labels, extra?: [string, string]): string {
  const pairs = Object.entries(labels);
  if (extra) pairs.push(extra);
  if (pairs.length === 0) return '';
  return `{${pairs.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(',')}}`;
}

function formatNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}

/** Stable key for one combination of label values, in the metric's declared label order. */
function seriesKey(labelNames: readonly string[], labels: Labels): string {
  return JSON.stringify(labelNames.map((n) => labels[n] ?? ''));
}

function pickLabels(labelNames: readonly string[], labels: Labels): Labels {
  const picked: Labels = {};
  for (const name of labelNames) picked[name] = labels[name] ?? '';
  return picked;
}

interface Metric {
  render(): string;
}

abstract class Base implements Metric {
  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
    private readonly type: 'counter' | 'gauge' | 'histogram',
  ) {
    assertName(name, NAME);
    for (const l of labelNames) assertName(l, LABEL_NAME);
  }

  protected header(): string {
    return `# HELP ${this.name} ${escapeHelp(this.help)}\n# TYPE ${this.name} ${this.type}\n`;
  }

  abstract render(): string;
}

export class Counter extends Base {
  private readonly series = new Map<string, { labels: Labels; value: number }>();

  constructor(name: string, help: string, labelNames: readonly string[] = []) {
    super(name, help, labelNames, 'counter');
  }

  inc(labels: Labels = {}, amount = 1): void {
    if (amount < 0) throw new Error('a counter only goes up');
    const key = seriesKey(this.labelNames, labels);
    const entry = this.series.get(key);
    if (entry) entry.value += amount;
    else this.series.set(key, { labels: pickLabels(this.labelNames, labels), value: amount });
  }

  get(labels: Labels = {}): number {
    return this.series.get(seriesKey(this.labelNames, labels))?.value ?? 0;
  }

  render(): string {
    let out = this.header();
    for (const { labels, value } of this.series.values()) {
      out += `${this.name}${formatLabels(labels)} ${formatNumber(value)}\n`;
    }
    return out;
  }
}

/** A gauge whose values are read when /metrics is scraped (memory, counts kept elsewhere). */
export class Gauge extends Base {
  private readonly values = new Map<string, { labels: Labels; value: number }>();

  constructor(
    name: string,
    help: string,
    labelNames: readonly string[] = [],
    private readonly collect?: (gauge: Gauge) => void,
  ) {
    super(name, help, labelNames, 'gauge');
  }

  set(labels: Labels, value: number): void {
    this.values.set(seriesKey(this.labelNames, labels), { labels: pickLabels(this.labelNames, labels), value });
  }

  render(): string {
    this.collect?.(this);
    let out = this.header();
    for (const { labels, value } of this.values.values()) {
      out += `${this.name}${formatLabels(labels)} ${formatNumber(value)}\n`;
    }
    return out;
  }
}

/** Cumulative histogram with fixed upper bounds (seconds, bytes, …). */
export class Histogram extends Base {
  private readonly bounds: number[];
  private readonly series = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>();

  constructor(name: string, help: string, buckets: number[], labelNames: readonly string[] = []) {
    super(name, help, labelNames, 'histogram');
    this.bounds = [...new Set(buckets)].sort((a, b) => a - b);
    if (this.bounds.length === 0) throw new Error('a histogram needs at least one bucket');
  }

  observe(labels: Labels, value: number): void {
    const key = seriesKey(this.labelNames, labels);
    let entry = this.series.get(key);
    if (!entry) {
      entry = { labels: pickLabels(this.labelNames, labels), counts: this.bounds.map(() => 0), sum: 0, count: 0 };
      this.series.set(key, entry);
    }
    for (let i = 0; i < this.bounds.length; i++) {
      if (value <= (this.bounds[i] as number)) entry.counts[i] = (entry.counts[i] as number) + 1;
    }
    entry.sum += value;
    entry.count += 1;
  }

  /** Number of observations for one label combination. */
  count(labels: Labels = {}): number {
    return this.series.get(seriesKey(this.labelNames, labels))?.count ?? 0;
  }

  render(): string {
    let out = this.header();
    for (const { labels, counts, sum, count } of this.series.values()) {
      this.bounds.forEach((bound, i) => {
        out += `${this.name}_bucket${formatLabels(labels, ['le', formatNumber(bound)])} ${counts[i]}\n`;
      });
      out += `${this.name}_bucket${formatLabels(labels, ['le', '+Inf'])} ${count}\n`;
      out += `${this.name}_sum${formatLabels(labels)} ${formatNumber(sum)}\n`;
      out += `${this.name}_count${formatLabels(labels)} ${count}\n`;
    }
    return out;
  }
}

export class Registry {
  private readonly metrics = new Map<string, Metric>();

  counter(name: string, help: string, labelNames: readonly string[] = []): Counter {
    return this.add(name, new Counter(name, help, labelNames));
  }

  gauge(name: string, help: string, labelNames: readonly string[] = [], collect?: (gauge: Gauge) => void): Gauge {
    return this.add(name, new Gauge(name, help, labelNames, collect));
  }

  histogram(name: string, help: string, buckets: number[], labelNames: readonly string[] = []): Histogram {
    return this.add(name, new Histogram(name, help, buckets, labelNames));
  }

  /** The whole registry in Prometheus text format. */
  render(): string {
    return [...this.metrics.values()].map((m) => m.render()).join('');
  }

  private add<T extends Metric>(name: string, metric: T): T {
    if (this.metrics.has(name)) throw new Error(`metric already registered: ${name}`);
    this.metrics.set(name, metric);
    return metric;
  }
}

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
