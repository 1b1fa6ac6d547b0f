import { z } from 'zod';
import { heartbeatSchema } from '@/server/queue/heartbeat';

/** Result of one dependency check; a failure is reported here, never thrown. */
export const probeSchema = z.object({
  ok: z.boolean(),
  latencyMs: z.number().describe('Round trip in milliseconds, or the time spent before failing'),
  error: z.string().optional(),
});
export type ProbeResult = z.infer<typeof probeSchema>;

export const jobCountsSchema = z.object({
  waiting: z.number().int(),
  active: z.number().int(),
  delayed: z.number().int(),
  completed: z.number().int(),
  failed: z.number().int(),
  paused: z.number().int(),
});
export type JobCounts = z.infer<typeof jobCountsSchema>;

export const queueStatusSchema = z.object({
  name: z.string(),
  /** `null` when Redis could not be asked. */
  counts: jobCountsSchema.nullable(),
  error: z.string().optional(),
});

export const workerStatusSchema = heartbeatSchema.extend({
  alive: z.boolean().describe('Heartbeat seen within the last 15 s'),
  lastHeartbeatAgoMs: z.number().int(),
});
export type WorkerStatus = z.infer<typeof workerStatusSchema>;

export const systemStatusSchema = z.object({
  web: z.object({
    version: z.string(),
    node: z.string(),
    uptimeSeconds: z.number().int(),
    pid: z.number().int(),
  }),
  workers: z.array(workerStatusSchema),
  queues: z.array(queueStatusSchema),
  database: probeSchema,
  redis: probeSchema,
});
export type SystemStatus = z.infer<typeof systemStatusSchema>;

export const healthSchema = z.object({ ok: z.literal(true), version: z.string() });
