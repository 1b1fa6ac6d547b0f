import { describe, expect, it } from 'vitest';
import { pipelineConfigSchema } from '../config';
import { builtInPrompts, parsePromptSet, promptCategories, resolveEvalPrompts } from './index';

describe('built-in automotive prompt set', () => {
  it('has 20 prompts with unique ids covering every category', () => {
    expect(builtInPrompts).toHaveLength(20);
    expect(new Set(builtInPrompts.map((p) => p.id)).size).toBe(20);
    expect(new Set(builtInPrompts.map((p) => p.category))).toEqual(new Set(promptCategories));
    for (const p of builtInPrompts) expect(p.prompt.length).toBeGreaterThan(30);
  });
});

describe('resolveEvalPrompts', () => {
  const base = { family: { mode: 'existing', ref: 'x' }, baseModel: 'mistral-7b', specialization: 'automotive_ev', dataset: { kind: 'uri', uri: 'file:///d' } };
  it('defaults to the built-in set', () => {
    expect(resolveEvalPrompts(pipelineConfigSchema.parse(base)).map((p) => p.id)).toEqual(builtInPrompts.map((p) => p.id));
  });
  it('uses a user prompt set, numbering it', () => {
    const cfg = pipelineConfigSchema.parse({ ...base, evalPrompts: { source: 'custom', prompts: [{ prompt: 'Range in winter?', category: 'ev' }, { prompt: 'Home charger install cost?' }] } });
    expect(resolveEvalPrompts(cfg)).toEqual([
      { id: 'custom-1', category: 'ev', prompt: 'Range in winter?' },
      { id: 'custom-2', category: 'custom', prompt: 'Home charger install cost?' },
    ]);
  });
  it('refuses an empty custom set in the schema', () => {
    const r = pipelineConfigSchema.safeParse({ ...base, evalPrompts: { source: 'custom', prompts: [] } });
    expect(r.error?.issues[0]).toMatchObject({ path: ['evalPrompts', 'prompts'], message: expect.stringContaining('at least one prompt') });
  });
});

describe('parsePromptSet', () => {
  it('reads JSONL rows and plain lines', () => {
    expect(parsePromptSet('{"prompt": "A?", "category": "sales"}\n\nB?\n')).toEqual({ prompts: [{ prompt: 'A?', category: 'sales' }, { prompt: 'B?', category: 'custom' }] });
  });
  it('names the bad line', () => {
    expect(parsePromptSet('A?\n{"prompt": ""}')).toEqual({ error: 'line 2: "prompt" must be a non-empty string' });
    expect(parsePromptSet('\n \n')).toEqual({ error: 'the prompt set is empty' });
  });
});
