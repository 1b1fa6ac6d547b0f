/**
 * Judge prices in USD per million tokens (input, output), from OpenAI's public pricing page
 * (https://openai.com/api/pricing, as of 2025). A model not listed gets no cost estimate (null), never a guess;
 * the simulated judge costs nothing.
 */
export const JUDGE_PRICES_PER_MTOK: Record<string, { input: number; output: number }> = {
  'gpt-4o-mini': { input: 0.15, output: 0.6 },
  'gpt-4o': { input: 2.5, output: 10 },
  'gpt-4.1': { input: 2, output: 8 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4 },
  'o4-mini': { input: 1.1, output: 4.4 },
};

export function estimateCostUsd(model: string, promptTokens: number, completionTokens: number, simulated = false): number | null {
  if (simulated) return 0;
  const key = Object.keys(JUDGE_PRICES_PER_MTOK)
    .sort((a, b) => b.length - a.length)
    .find((k) => model === k || model.startsWith(`${k}-20`));
  if (!key) return null;
  const p = JUDGE_PRICES_PER_MTOK[key];
  return (promptTokens * p.input + completionTokens * p.output) / 1e6;
}
