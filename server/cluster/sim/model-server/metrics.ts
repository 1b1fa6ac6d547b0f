/**
 * FIXTURE — part of the simulated model server.
 *
 * The Prometheus metrics a vLLM server exposes (same names and types), in text format 0.0.4.
 * Histogram buckets start finer than vLLM's so that fast simulated latencies still resolve.
 */
class Histogram {
  readonly counts: number[];
  sum = 0;
  count = 0;

  constructor(readonly buckets: number[]) {
    this.counts = buckets.map(() => 0);
  }

  observe(value: number): void {
    this.sum += value;
    this.count++;
    this.buckets.forEach((b, i) => {
      if (value <= b) this.counts[i]++;
    });
  }

  render(name: string, labels: string): string[] {
    const out = this.buckets.map((b, i) => `${name}_bucket{${labels},le="${b}"} ${this.counts[i]}`);
    out.push(`${name}_bucket{${labels},le="+Inf"} ${this.count}`, `${name}_sum{${labels}} ${this.sum}`, `${name}_count{${labels}} ${this.count}`);
    return out;
  }
}

const E2E = [0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0];
const TTFT = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0];

export class ModelMetrics {
  running = 0;
  promptTokens = 0;
  generationTokens = 0;
  /** Sum of request durations (ms): the HPA derives utilisation from it. */
  busyMs = 0;
  requests = 0;
  readonly e2e = new Histogram(E2E);
  readonly ttft = new Histogram(TTFT);
  readonly finished = new Map<string, number>();
  readonly http = new Map<string, number>();

  constructor(private readonly modelName: string) {}

  recordHttp(handler: string, method: string, status: number): void {
    const key = `${handler}|${method}|${Math.floor(status / 100)}xx`;
    this.http.set(key, (this.http.get(key) ?? 0) + 1);
  }

  render(): string {
    const l = `model_name="${this.modelName}"`;
    const lines = [
      '# HELP vllm:num_requests_running Number of requests currently running on GPU.',
      '# TYPE vllm:num_requests_running gauge',
      `vllm:num_requests_running{${l}} ${this.running}`,
      '# HELP vllm:num_requests_waiting Number of requests waiting to be processed.',
      '# TYPE vllm:num_requests_waiting gauge',
      `vllm:num_requests_waiting{${l}} 0`,
      '# HELP vllm:prompt_tokens_total Number of prefill tokens processed.',
      '# TYPE vllm:prompt_tokens_total counter',
      `vllm:prompt_tokens_total{${l}} ${this.promptTokens}`,
      '# HELP vllm:generation_tokens_total Number of generation tokens processed.',
      '# TYPE vllm:generation_tokens_total counter',
      `vllm:generation_tokens_total{${l}} ${this.generationTokens}`,
      '# HELP vllm:request_success_total Count of successfully processed requests.',
      '# TYPE vllm:request_success_total counter',
      ...[...this.finished].map(([reason, n]) => `vllm:request_success_total{finished_reason="${reason}",${l}} ${n}`),
      '# HELP vllm:e2e_request_latency_seconds Histogram of end to end request latency in seconds.',
      '# TYPE vllm:e2e_request_latency_seconds histogram',
      ...this.e2e.render('vllm:e2e_request_latency_seconds', l),
      '# HELP vllm:time_to_first_token_seconds Histogram of time to first token in seconds.',
      '# TYPE vllm:time_to_first_token_seconds histogram',
      ...this.ttft.render('vllm:time_to_first_token_seconds', l),
      '# HELP http_requests_total Total number of requests by method, status and handler.',
      '# TYPE http_requests_total counter',
      ...[...this.http].map(([key, n]) => {
        const [handler, method, status] = key.split('|');
        return `http_requests_total{handler="${handler}",method="${method}",status="${status}"} ${n}`;
      }),
    ];
    return `${lines.join('\n')}\n`;
  }
}
