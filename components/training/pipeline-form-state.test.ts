import { describe, expect, it } from 'vitest';
import { defaultFormValues, memoryFor, toConfigInput, validateForm, type FormValues } from './pipeline-form-state';

const filled = (over: FormValues = {}): FormValues => ({
  ...defaultFormValues(),
  'family.slug': 'sales-bot', 'family.displayName': 'Sales bot', specialization: 'automotive_sales',
  _datasetKind: 'uri', 'dataset.uri': 'https://data.example.com/sales.jsonl',
  ...over,
});

describe('new-pipeline form state', () => {
  it('a filled form validates into the same config the server would store', () => {
    const { config, errors } = validateForm(filled());
    expect(errors).toEqual({});
    expect(config).toMatchObject({ family: { mode: 'new', slug: 'sales-bot' }, dataset: { kind: 'uri' }, qlora: { rank: 16, maxSeqLength: 2048 }, rlaif: { enabled: true }, evalPrompts: { source: 'builtin' } });
  });

  it('shows the shared schema messages under the right fields', () => {
    const { config, errors } = validateForm(filled({ 'qlora.rank': '0', 'rlaif.ppo.clipRange': '3', 'family.slug': 'Not A Slug', 'qlora.epochs': '' }));
    expect(config).toBeNull();
    expect(errors['qlora.rank']).toMatch(/LoRA rank must be at least 1/);
    expect(errors['rlaif.ppo.clipRange']).toMatch(/PPO clip range/);
    expect(errors['family.slug']).toMatch(/DNS-1123/);
    expect(errors['qlora.epochs']).toMatch(/must be a number/i);
  });

  it('asks for an upload when the dataset is not uploaded yet', () => {
    expect(validateForm(filled({ _datasetKind: 'upload' })).errors['dataset.id']).toMatch(/Upload a dataset first/);
    const id = '6f1c1b8e-3c1a-4a77-9a0b-2f4f1d1e9b10';
    expect(validateForm(filled({ _datasetKind: 'upload', 'dataset.id': id })).config?.dataset).toEqual({ kind: 'upload', id });
  });

  it('parses a custom prompt set and reports its bad line', () => {
    expect(toConfigInput(filled({ _promptSource: 'custom', _customPrompts: 'Range in winter?\n{"prompt":"Charger cost?","category":"ev"}' })).input.evalPrompts).toEqual({
      source: 'custom', prompts: [{ prompt: 'Range in winter?', category: 'custom' }, { prompt: 'Charger cost?', category: 'ev' }],
    });
    expect(validateForm(filled({ _promptSource: 'custom', _customPrompts: '{"prompt": 1}' })).errors.evalPrompts).toMatch(/line 1/);
  });

  it('estimates memory live, even while unrelated fields are incomplete, and explains a refusal', () => {
    const ok = memoryFor(filled({ 'family.slug': '' }))!;
    expect(ok.estimate.fits).toBe(true);
    expect(ok.problem).toBeNull();
    const big = memoryFor(filled({ baseModel: 'llama-3.1-70b', 'resources.gpuType': 'nvidia-l4' }))!;
    expect(big.estimate.fits).toBe(false);
    expect(big.problem).toMatch(/needs about .* GiB per GPU/);
    // A bad memory field: no estimate rather than a wrong one.
    expect(memoryFor(filled({ 'qlora.batchSize': '-1' }))).toBeNull();
  });
});
