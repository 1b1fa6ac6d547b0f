import OpenAI from 'openai';
import { expect } from 'vitest';
import type { client } from '@/test/rest-client';

/*
 * Test helpers shared by the gateway's integration tests: a started A/B test of a family's 1.0.0
 * (control, production) against another version (candidate), with the metrics the gateway records.
 */

export const TOKENS_GUARDRAIL = { name: 'total_tokens', kind: 'mean', role: 'guardrail', direction: 'decrease' };

export async function startGatewayTest(pm: ReturnType<typeof client>, input: { name: string; familySlug: string; versions: [string, string]; extraMetrics?: object[] }) {
  const created = await pm('POST', '/ab-tests', {
    name: input.name,
    modelId: input.familySlug,
    variants: [
      { key: 'control', version: input.versions[0], weight: 0.5 },
      { key: 'candidate', version: input.versions[1], weight: 0.5 },
    ],
    metrics: [
      { name: 'quality', kind: 'mean', role: 'primary', direction: 'increase' },
      { name: 'latency_ms', kind: 'mean', role: 'guardrail', direction: 'decrease' },
      { name: 'errors', kind: 'binomial', role: 'guardrail', direction: 'decrease' },
      ...(input.extraMetrics ?? [TOKENS_GUARDRAIL]),
    ],
    method: 'frequentist',
    // The simulated variants differ by ~100 %: planned for a 50 % change, so a few hundred units are enough whatever the split.
    minimumDetectableEffect: 0.5,
    minSamplePerVariant: 50,
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  expect((await pm('POST', `/ab-tests/${created.body.id}/start`)).status).toBe(200);
  return created.body as { id: string };
}

/** The official SDK pointed at a test's OpenAI-compatible base URL, as a customer would. */
export const gatewaySdk = (restUrl: string, apiKey: string, testId: string) => new OpenAI({ apiKey, baseURL: `${restUrl}/api/v1/ab-tests/${testId}/openai`, maxRetries: 0 });
