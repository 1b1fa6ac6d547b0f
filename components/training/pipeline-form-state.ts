import { pipelineConfigSchema, type PipelineConfig, type PipelineConfigInput } from '@/server/training/config';
import { estimateMemory, fitProblem, type MemoryEstimate } from '@/server/training/memory';
import { parsePromptSet } from '@/server/training/prompts';

/**
 * The new-pipeline form's state, kept flat by config path (`qlora.rank`) with numbers as the text the
 * user typed; `toConfigInput` turns it into the shared schema's input, `validateForm` runs the SAME
 * zod schema the server runs and maps every issue to its field, `memoryFor` gives the live estimate.
 * Pure: unit-tested without a browser.
 */
export type FormValue = string | boolean | string[];
export type FormValues = Record<string, FormValue>;

const DEFAULTS: PipelineConfig = pipelineConfigSchema.parse({
  family: { mode: 'new', slug: 'x', displayName: 'x' }, baseModel: 'mistral-7b', specialization: 'automotive_general', dataset: { kind: 'uri', uri: 'file:///x' },
});

function numericLeaves(obj: Record<string, unknown>, prefix = '', out: string[] = []): string[] {
  for (const [k, v] of Object.entries(obj)) {
    const path = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'number') out.push(path);
    else if (v && typeof v === 'object' && !Array.isArray(v)) numericLeaves(v as Record<string, unknown>, path, out);
  }
  return out;
}

/** Paths whose inputs hold numbers: every numeric leaf of the schema's defaults. */
export const NUMERIC_FIELDS: readonly string[] = numericLeaves(DEFAULTS as unknown as Record<string, unknown>);
const numeric = new Set<string>(NUMERIC_FIELDS);

/** Form-only keys (not config paths). */
const FORM_ONLY = new Set(['_familyMode', '_datasetKind', '_promptSource', '_customPrompts']);



function flatten(obj: Record<string, unknown>, prefix = '', out: FormValues = {}): FormValues {
  for (const [k, v] of Object.entries(obj)) {
    const path = prefix ? `${prefix}.${k}` : k;
    if (Array.isArray(v)) out[path] = v.map(String);
    else if (v && typeof v === 'object') flatten(v as Record<string, unknown>, path, out);
    else if (typeof v === 'boolean') out[path] = v;
    else if (v !== undefined) out[path] = String(v);
  }
  return out;
}

export function defaultFormValues(): FormValues {
  const { family: _f, dataset: _d, evalPrompts: _e, ...rest } = DEFAULTS;
  return {
    ...flatten(rest as Record<string, unknown>),
    name: '',
    _familyMode: 'new', 'family.ref': '', 'family.slug': '', 'family.displayName': '',
    _datasetKind: 'upload', 'dataset.id': '', 'dataset.uri': '',
    _promptSource: 'builtin', _customPrompts: '',
    'rlaif.judge.baseUrl': '', 'rlaif.judge.rubric': '',
  };
}

function setPath(target: Record<string, unknown>, path: string, value: unknown) {
  const keys = path.split('.');
  let node = target;
  for (const k of keys.slice(0, -1)) node = (node[k] ??= {}) as Record<string, unknown>;
  node[keys[keys.length - 1]] = value;
}

/** The schema input the values describe; also returns a form-level problem of the custom prompt set. */
export function toConfigInput(values: FormValues): { input: PipelineConfigInput; promptsError?: string } {
  const out: Record<string, unknown> = {};
  let promptsError: string | undefined;
  for (const [path, value] of Object.entries(values)) {
    if (FORM_ONLY.has(path) || path.startsWith('family.') || path.startsWith('dataset.')) continue;
    if (numeric.has(path)) {
      const text = String(value).trim();
      setPath(out, path, text === '' ? Number.NaN : Number(text));
    } else if (typeof value === 'string') {
      const text = value.trim();
      if (text === '' && (path === 'name' || path === 'rlaif.judge.baseUrl' || path === 'rlaif.judge.rubric')) continue;
      setPath(out, path, text);
    } else setPath(out, path, value);
  }
  out.family = values._familyMode === 'existing'
    ? { mode: 'existing', ref: String(values['family.ref']).trim() }
    : { mode: 'new', slug: String(values['family.slug']).trim(), displayName: String(values['family.displayName']).trim() };
  out.dataset = values._datasetKind === 'upload' ? { kind: 'upload', id: String(values['dataset.id']) } : { kind: 'uri', uri: String(values['dataset.uri']).trim() };
  if (values._promptSource === 'custom') {
    const parsed = parsePromptSet(String(values._customPrompts));
    if ('error' in parsed) {
      promptsError = `Custom prompts: ${parsed.error}`;
      out.evalPrompts = { source: 'custom', prompts: [] };
    } else out.evalPrompts = { source: 'custom', prompts: parsed.prompts };
  } else out.evalPrompts = { source: 'builtin' };
  return { input: out as PipelineConfigInput, promptsError };
}

export interface FormValidation {
  config: PipelineConfig | null;
  /** Message per field path (`qlora.rank`, `family.slug`, `evalPrompts`…). */
  errors: Record<string, string>;
}

export function validateForm(values: FormValues): FormValidation {
  const { input, promptsError } = toConfigInput(values);
  const parsed = pipelineConfigSchema.safeParse(input);
  const errors: Record<string, string> = {};
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      let path = issue.path.map(String).join('.');
      if (path.startsWith('evalPrompts')) path = 'evalPrompts';
      if (path === 'dataset.id' && !values['dataset.id']) errors[path] ??= 'Upload a dataset first (or choose “From URI”)';
      else errors[path] ??= issue.message.replace(/expected number, received NaN/i, 'must be a number');
    }
  }
  if (promptsError) errors.evalPrompts = promptsError;
  return { config: parsed.success && !promptsError ? parsed.data : null, errors };
}

export interface MemoryView {
  estimate: MemoryEstimate;
  /** The refusal text (what to change) when it does not fit. */
  problem: string | null;
}

/** The live estimate from whatever memory-relevant fields are valid (the rest of the form may still be incomplete). */
export function memoryFor(values: FormValues): MemoryView | null {
  const { input } = toConfigInput(values);
  const probe = pipelineConfigSchema.safeParse({ ...input, family: { mode: 'existing', ref: 'x' }, dataset: { kind: 'uri', uri: 'file:///x' }, evalPrompts: { source: 'builtin' }, name: undefined });
  if (!probe.success) {
    const memoryPaths = /^(baseModel|qlora\.(rank|targetModules|batchSize|maxSeqLength|gradientCheckpointing|quantization)|rlaif\.(enabled|rewardModel\.batchSize)|resources\.(gpuType|gpuCount))/;
    if (probe.error.issues.some((i) => memoryPaths.test(i.path.join('.')))) return null;
    // Other fields are invalid: estimate from the memory fields alone, with defaults elsewhere.
    const cfg = {
      ...DEFAULTS,
      baseModel: values.baseModel as PipelineConfig['baseModel'],
      qlora: { ...DEFAULTS.qlora, rank: Number(values['qlora.rank']), batchSize: Number(values['qlora.batchSize']), maxSeqLength: Number(values['qlora.maxSeqLength']), gradientCheckpointing: Boolean(values['qlora.gradientCheckpointing']), targetModules: values['qlora.targetModules'] as PipelineConfig['qlora']['targetModules'], quantization: { ...DEFAULTS.qlora.quantization, doubleQuant: Boolean(values['qlora.quantization.doubleQuant']) } },
      rlaif: { ...DEFAULTS.rlaif, enabled: Boolean(values['rlaif.enabled']), rewardModel: { ...DEFAULTS.rlaif.rewardModel, batchSize: Number(values['rlaif.rewardModel.batchSize']) } },
      resources: { ...DEFAULTS.resources, gpuType: values['resources.gpuType'] as PipelineConfig['resources']['gpuType'], gpuCount: Number(values['resources.gpuCount']) },
    };
    return { estimate: estimateMemory(cfg), problem: fitProblem(cfg)?.message ?? null };
  }
  return { estimate: estimateMemory(probe.data), problem: fitProblem(probe.data)?.message ?? null };
}
