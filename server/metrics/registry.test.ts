import { describe, expect, it } from 'vitest';
import { countAbAssignment, observeHttp, processMetrics } from './registry';

describe('process metrics', () => {
  it('expose request durations by route template and status, and assignments by test and variant', async () => {
    observeHttp('GET', '/ab-tests/{test_id}/assign', 200, 0.003);
    observeHttp('GET', '/ab-tests/{test_id}/assign', 200, 0.02);
    observeHttp('GET', 'unmatched', 404, 0.001);
    countAbAssignment('test-a', 'control');
    countAbAssignment('test-a', 'control');
    countAbAssignment('test-a', 'treatment');
    const { contentType, body } = await processMetrics();
    expect(contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
    const assign = 'method="GET",route="/ab-tests/{test_id}/assign",status="200"';
    expect(body).toContain(`nw_http_request_duration_seconds_bucket{le="0.005",${assign}} 1\n`);
    expect(body).toContain(`nw_http_request_duration_seconds_bucket{le="0.025",${assign}} 2\n`);
    expect(body).toContain(`nw_http_request_duration_seconds_bucket{le="+Inf",${assign}} 2\n`);
    expect(body).toContain(`nw_http_request_duration_seconds_sum{${assign}} 0.023\n`);
    expect(body).toContain(`nw_http_request_duration_seconds_count{method="GET",route="unmatched",status="404"} 1\n`);
    expect(body).toContain('# TYPE nw_ab_assignments_total counter\nnw_ab_assignments_total{test="test-a",variant="control"} 2\nnw_ab_assignments_total{test="test-a",variant="treatment"} 1\n');
  });
});
