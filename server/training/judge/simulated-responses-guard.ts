import { getCluster } from '@/server/cluster';
import { ValidationError } from '@/server/errors';

/**
 * Simulated responses stand in for a trainer's output file only on the simulated cluster, whose trainers
 * write none. On a real cluster a missing or unreadable file is a broken trainer contract: judging invented
 * answers there would put a number nobody measured into the registry, so the stage fails and says why.
 */
export async function assertSimulatedResponsesAllowed(stage: string, file: string, uri: string | null | undefined): Promise<void> {
  const { identity } = await getCluster();
  if (identity.kind === 'simulated') return;
  throw new ValidationError(
    `${stage}: the trainer wrote no readable ${file}${uri ? ` under ${uri}` : ''}; NeuroWeaver reads it from the shared artifacts volume (see docs/trainer-contract.md)`,
    'artifact',
  );
}
