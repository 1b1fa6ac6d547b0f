import { optionalStrings, readArtifactJsonl } from './artifact-jsonl';
import type { WinRateItem } from './win-rate';

/**
 * The `evaluate` stage's responses for the win rate, as the worker reads them: `eval_responses.jsonl`
 * in the evaluate artifact directory, one `{"promptId"?, "category"?, "prompt", "candidate", "baseline"}`
 * per line — `candidate` is the evaluated model's answer, `baseline` the parent version's
 * (docs/trainer-contract.md). Null when there is no such local file (the simulated trainer writes none):
 * the worker then simulates both models' responses, labelled as such.
 */
export const EVAL_RESPONSES_FILE = 'eval_responses.jsonl';

export async function readEvalResponses(artifactUri: string, maxRows = 10_000): Promise<WinRateItem[] | null> {
  return readArtifactJsonl<WinRateItem>(
    artifactUri,
    EVAL_RESPONSES_FILE,
    (row) => {
      if (typeof row.prompt !== 'string' || typeof row.candidate !== 'string' || typeof row.baseline !== 'string') return { problem: 'needs string "prompt", "candidate" and "baseline"' };
      const { category, promptId } = optionalStrings(row, ['category', 'promptId'] as const);
      return { prompt: row.prompt, candidate: row.candidate, baseline: row.baseline, category: category ?? 'custom', promptId: promptId ?? null };
    },
    { field: 'evalResponses', maxRows },
  );
}
