import { z } from 'zod';
import { zodToValidationError } from '@/server/http/errors-to-http';
import { pipelineConfigSchema, type PipelineConfig } from './config';
import { assertFitsGpus } from './memory';

/**
 * Parses and checks a pipeline configuration the way every entry point must (REST, tRPC, worker):
 * the shared schema (422 naming the first bad field, prefixed with `prefix` when given) and then the
 * GPU-memory fit (422 saying what to change).
 */
export function parsePipelineConfig(input: unknown, prefix?: string): PipelineConfig {
  const parsed = pipelineConfigSchema.safeParse(input);
  if (!parsed.success) throw zodToValidationError(parsed.error as z.ZodError, prefix);
  assertFitsGpus(parsed.data);
  return parsed.data;
}
