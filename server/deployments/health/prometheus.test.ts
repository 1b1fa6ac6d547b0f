import { describe, expect, it } from 'vitest';
import { diffSamples, histogramQuantile, parseServerMetrics, sumSamples } from './prometheus';

const scrape = (counts: number[], tokens: number, ok: number, errors: number) =>
  [
    '# TYPE vllm:e2e_request_latency_seconds histogram',
    `vllm:e2e_request_latency_seconds_bucket{model_name="m",le="0.1"} ${counts[0]}`,
    `vllm:e2e_request_latency_seconds_bucket{model_name="m",le="0.5"} ${counts[1]}`,
    `vllm:e2e_request_latency_seconds_bucket{model_name="m",le="1.0"} ${counts[2]}`,
    `vllm:e2e_request_latency_seconds_bucket{model_name="m",le="+Inf"} ${counts[2]}`,
    `vllm:generation_tokens_total{model_name="m"} ${tokens}`,
    `http_requests_total{handler="/v1/chat/completions",method="POST",status="2xx"} ${ok}`,
    `http_requests_total{handler="/v1/chat/completions",method="POST",status="5xx"} ${errors}`,
    `http_requests_total{handler="/health",method="GET",status="2xx"} 99`,
  ].join('\n');

describe('model server metrics', () => {
  it('reads vLLM latency buckets, generated tokens and chat requests by status', () => {
    const s = parseServerMetrics(scrape([10, 90, 100], 500, 95, 5), 1);
    expect(s.buckets).toEqual([[0.1, 10], [0.5, 90], [1, 100], [Infinity, 100]]);
    expect(s).toMatchObject({ generationTokens: 500, chatRequests: 100, chatErrors: 5 });
  });

  it('computes quantiles like histogram_quantile (linear within the bucket)', () => {
    const { buckets } = parseServerMetrics(scrape([10, 90, 100], 0, 0, 0), 1);
    expect(histogramQuantile(0.5, buckets)).toBeCloseTo(0.1 + 0.4 * (40 / 80));
    expect(histogramQuantile(0.95, buckets)).toBeCloseTo(0.5 + 0.5 * 0.5);
    expect(histogramQuantile(0.5, [])).toBeNull();
    expect(histogramQuantile(0.5, [[1, 0], [Infinity, 0]])).toBeNull();
  });

  it('turns two scrapes into the interval between them, and a restarted server into a fresh start', () => {
    const a = parseServerMetrics(scrape([10, 90, 100], 500, 95, 5), 1000);
    const b = parseServerMetrics(scrape([12, 100, 120], 800, 110, 10), 11_000);
    const d = diffSamples(b, a);
    expect(d).toMatchObject({ generationTokens: 300, chatRequests: 20, chatErrors: 5 });
    expect(d.buckets[2]).toEqual([1, 20]);
    const restarted = parseServerMetrics(scrape([1, 1, 1], 10, 1, 0), 12_000);
    expect(diffSamples(restarted, b)).toBe(restarted);
    expect(sumSamples([d, d])).toMatchObject({ generationTokens: 600, chatRequests: 40, chatErrors: 10 });
  });
});
