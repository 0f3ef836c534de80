// The tiny Prometheus registry: exposition format, label escaping, cumulative histogram buckets.
import { describe, expect, it } from 'vitest';
import { Registry } from '../src/metrics/registry.ts';

describe('metrics registry', () => {
  it('renders labelled counters with HELP and TYPE lines', () => {
    const registry = new Registry();
    const requests = registry.counter('http_requests_total', 'Requests', ['route', 'status']);
    requests.inc({ route: '/api/chat', status: '200' });
    requests.inc({ route: '/api/chat', status: '200' }, 2);
    requests.inc({ route: '/healthz', status: '200' });
    expect(registry.render()).toBe(
      [
        '# HELP http_requests_total Requests',
        '# TYPE http_requests_total counter',
        'http_requests_total{route="/api/chat",status="200"} 3',
        'http_requests_total{route="/healthz",status="200"} 1',
        '',
      ].join('\n'),
    );
  });

  it('escapes backslashes, quotes and newlines in label values', () => {
    const registry = new Registry();
    registry.counter('odd_total', 'Odd labels', ['v']).inc({ v: 'a"b\\c\nd' });
    expect(registry.render()).toContain('odd_total{v="a\\"b\\\\c\\nd"} 1');
  });

  it('keeps histogram buckets cumulative, with +Inf, sum and count', () => {
    const registry = new Registry();
    const latency = registry.histogram('latency_seconds', 'Latency', [0.1, 1, 0.5], ['outcome']);
    for (const v of [0.05, 0.3, 0.7, 3]) latency.observe({ outcome: 'ok' }, v);
    const text = registry.render();
    expect(text).toContain('latency_seconds_bucket{outcome="ok",le="0.1"} 1');
    expect(text).toContain('latency_seconds_bucket{outcome="ok",le="0.5"} 2');
    expect(text).toContain('latency_seconds_bucket{outcome="ok",le="1"} 3');
    expect(text).toContain('latency_seconds_bucket{outcome="ok",le="+Inf"} 4');
    expect(text).toContain('latency_seconds_sum{outcome="ok"} 4.05');
    expect(text).toContain('latency_seconds_count{outcome="ok"} 4');
    expect(text.indexOf('le="0.5"')).toBeLessThan(text.indexOf('le="1"'));
  });

  it('reads gauges when rendered', () => {
    const registry = new Registry();
    let value = 1;
    registry.gauge('things', 'Things', [], (g) => g.set({}, value));
    expect(registry.render()).toContain('things 1\n');
    value = 5;
    expect(registry.render()).toContain('things 5\n');
  });

  it('refuses invalid names, duplicate metrics and negative counter increments', () => {
    const registry = new Registry();
    expect(() => registry.counter('bad-name', 'x')).toThrow();
    expect(() => registry.counter('ok_total', 'x', ['bad-label'])).toThrow();
    const ok = registry.counter('ok_total', 'x');
    expect(() => registry.counter('ok_total', 'x')).toThrow();
    expect(() => ok.inc({}, -1)).toThrow();
  });
});
