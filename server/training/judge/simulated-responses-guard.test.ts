import { beforeEach, describe, expect, it, vi } from 'vitest';

const cluster = vi.hoisted(() => ({ kind: 'simulated' as 'simulated' | 'real' }));
vi.mock('@/server/cluster', () => ({ getCluster: async () => ({ identity: { kind: cluster.kind } }) }));

const { assertSimulatedResponsesAllowed } = await import('./simulated-responses-guard');

describe('simulated responses in place of a trainer file', () => {
  beforeEach(() => {
    cluster.kind = 'simulated';
  });

  it('are allowed on the simulated cluster (its trainers write no files)', async () => {
    await expect(assertSimulatedResponsesAllowed('evaluate', 'eval_responses.jsonl', null)).resolves.toBeUndefined();
  });

  it('are refused on a real cluster, naming the stage, the file and where it was looked for', async () => {
    cluster.kind = 'real';
    const refused = assertSimulatedResponsesAllowed('evaluate', 'eval_responses.jsonl', 's3://models/p1/evaluate/');
    await expect(refused).rejects.toMatchObject({ status: 422, field: 'artifact' });
    await expect(refused).rejects.toThrow('evaluate: the trainer wrote no readable eval_responses.jsonl under s3://models/p1/evaluate/');
  });
});
