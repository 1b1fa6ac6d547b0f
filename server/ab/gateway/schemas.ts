import { z } from 'zod';
import { unitId } from '../schemas';

/**
 * The OpenAI chat-completions request as far as the gateway reads it; every other field (temperature,
 * tools, response_format …) passes through to the model server untouched.
 */
export const chatCompletionRequest = z
  .looseObject({
    model: z.string().max(256).optional().describe('Ignored for routing: the variant decides which model answers'),
    messages: z
      .array(z.looseObject({ role: z.string({ error: 'is required' }).min(1, 'is required') }), { error: 'must be a list of messages' })
      .min(1, 'needs at least one message'),
    stream: z.boolean({ error: 'must be true or false' }).optional(),
    user: unitId.optional().describe('The unit of randomisation (or send the x-neuroweaver-unit header)'),
  })
  .meta({ id: 'ChatCompletionRequest' });
export type ChatCompletionRequest = z.infer<typeof chatCompletionRequest>;

/** The metrics the gateway records for every routed request, when the test declares them (any role). */
export const GATEWAY_METRICS = {
  /** Time from the gateway receiving the request to the model server's last byte, in ms (mean, decrease). */
  latency: 'latency_ms',
  /** 1 when the model server failed (5xx or unreachable), else 0 (binomial, decrease). */
  errors: 'errors',
  /** `usage.total_tokens` of the answer (mean). */
  tokens: 'total_tokens',
} as const;
