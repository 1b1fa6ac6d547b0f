import { optionalStrings, readArtifactJsonl } from './artifact-jsonl';

/**
 * The `generate` stage's output, as `feedback` reads it: `responses.jsonl` in the stage's artifact
 * directory, one `{"prompt": …, "response": …, "category"?: …, "promptId"?: …}` per line (streamed; errors
 * name the line). Returns null when the artifact is not a local file or has no responses file (e.g. the
 * simulated trainer writes none): the stage then simulates responses.
 */
export const GENERATED_SAMPLES_FILE = 'responses.jsonl';

export type GeneratedSample = { prompt: string; response: string; category?: string; promptId?: string };

export async function readGeneratedSamples(artifactUri: string, maxSamples = 10_000): Promise<GeneratedSample[] | null> {
  return readArtifactJsonl<GeneratedSample>(
    artifactUri,
    GENERATED_SAMPLES_FILE,
    (row) =>
      typeof row.prompt !== 'string' || typeof row.response !== 'string'
        ? { problem: 'needs string "prompt" and "response"' }
        : { prompt: row.prompt, response: row.response, ...optionalStrings(row, ['category', 'promptId'] as const) },
    { field: 'samples', maxRows: maxSamples },
  );
}
