import type { EvalPrompt, PipelineConfig } from '../config';
import { builtInPrompts, type BuiltInPrompt } from './builtin';

export { builtInPrompts, promptCategories, PROMPT_CATEGORY_LABELS, type BuiltInPrompt, type PromptCategory } from './builtin';

/** A prompt of the set a pipeline evaluates on: built-in ids are stable; custom ones are `custom-<n>`. */
export interface ResolvedPrompt {
  id: string;
  category: string;
  prompt: string;
}

/** The prompts `generate` answers and `feedback`/`evaluate` judge: the built-in set or the user's own. */
export function resolveEvalPrompts(config: Pick<PipelineConfig, 'evalPrompts'>): ResolvedPrompt[] {
  if (config.evalPrompts.source === 'builtin') return builtInPrompts.map((p: BuiltInPrompt) => ({ ...p }));
  return config.evalPrompts.prompts.map((p: EvalPrompt, i: number) => ({ id: `custom-${i + 1}`, category: p.category, prompt: p.prompt }));
}

/**
 * Parses a user prompt set from text: JSONL rows `{"prompt": …, "category"?: …}` or, for plain text,
 * one prompt per non-blank line. Errors name the line.
 */
export function parsePromptSet(text: string): { prompts: EvalPrompt[] } | { error: string } {
  const prompts: EvalPrompt[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line) continue;
    if (line.startsWith('{')) {
      let row: unknown;
      try {
        row = JSON.parse(line);
      } catch (e) {
        return { error: `line ${i + 1}: malformed JSON (${(e as Error).message})` };
      }
      const { prompt, category } = row as { prompt?: unknown; category?: unknown };
      if (typeof prompt !== 'string' || !prompt.trim()) return { error: `line ${i + 1}: "prompt" must be a non-empty string` };
      if (category !== undefined && (typeof category !== 'string' || !category.trim())) return { error: `line ${i + 1}: "category" must be a non-empty string` };
      prompts.push({ prompt: prompt.trim(), category: typeof category === 'string' ? category.trim() : 'custom' });
    } else {
      prompts.push({ prompt: line, category: 'custom' });
    }
  }
  if (prompts.length === 0) return { error: 'the prompt set is empty' };
  if (prompts.length > 500) return { error: `the prompt set has ${prompts.length} prompts; at most 500 are allowed` };
  return { prompts };
}
