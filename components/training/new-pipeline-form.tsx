'use client';

import { useMutation, useQuery } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { type FormEvent, type ReactNode, useMemo, useRef, useState } from 'react';
import { useTRPC } from '@/components/providers/trpc';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { errorField, errorMessage } from '@/components/ui/errors';
import { Field, FormError } from '@/components/ui/field';
import { BASE_MODELS, baseModelIds, GPU_TYPES, gpuTypes } from '@/server/training/base-models';
import { judgeModes, loraTargetModules, lrSchedules, priorities, SPECIALIZATION_LABELS, specializations, type PipelineConfig } from '@/server/training/config';
import { bumpLevels } from '@/server/registry/schemas';
import { defaultFormValues, memoryFor, validateForm, type FormValue, type FormValues } from './pipeline-form-state';
import styles from './new-pipeline-form.module.css';

export interface NewPipelineFormProps {
  /** Submit handler; by default the form calls the `training.start` mutation and opens the new pipeline. */
  onSubmit?: (config: PipelineConfig) => Promise<unknown> | void;
  /** Called with the new pipeline's id after the default submit. */
  onCreated?: (jobId: string) => void;
}

interface UploadedDataset {
  id: string;
  name: string;
  sizeBytes: number;
  sha256: string;
}

/**
 * The new-pipeline form: every field of the shared config schema (server/training/config.ts) with inline
 * validation by that same schema, the live GPU-memory estimate with the refusal message, and the dataset
 * upload (streamed to POST /api/v1/training/datasets with a progress bar).
 */
export function NewPipelineForm({ onSubmit, onCreated }: NewPipelineFormProps) {
  const trpc = useTRPC();
  const router = useRouter();
  const [values, setValues] = useState<FormValues>(defaultFormValues);
  const [touched, setTouched] = useState<Set<string>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const [customError, setCustomError] = useState<unknown>(null);
  const [customPending, setCustomPending] = useState(false);
  const start = useMutation(
    trpc.training.start.mutationOptions({
      onSuccess: ({ jobId }) => (onCreated ? onCreated(jobId) : router.push(`/training/${jobId}`)),
    }),
  );
  const families = useQuery({ ...trpc.registry.listModels.queryOptions({ limit: 200 }), enabled: values._familyMode === 'existing' });
  const validation = useMemo(() => validateForm(values), [values]);
  const memory = useMemo(() => memoryFor(values), [values]);

  const serverError = onSubmit ? customError : start.error;
  const serverField = errorField(serverError);
  const serverMessage = serverError ? errorMessage(serverError).replace(/^[\w.]+: /, '') : null;

  const set = (path: string, value: FormValue) => setValues((v) => ({ ...v, [path]: value }));
  const touch = (path: string) => setTouched((t) => (t.has(path) ? t : new Set(t).add(path)));
  const errorOf = (path: string): string | null => {
    if (serverField === path && serverMessage) return serverMessage;
    return submitted || touched.has(path) ? (validation.errors[path] ?? null) : null;
  };
  const text = (path: string) => String(values[path] ?? '');

  function input(path: string, label: ReactNode, opts: { hint?: ReactNode; type?: 'text' | 'number'; step?: string; mono?: boolean; placeholder?: string } = {}) {
    return (
      <Field label={label} error={errorOf(path)} hint={opts.hint}>
        <input
          className={opts.mono ? 'input mono' : 'input'}
          name={path}
          type={opts.type ?? 'text'}
          step={opts.step}
          inputMode={opts.type === 'number' ? 'decimal' : undefined}
          placeholder={opts.placeholder}
          autoComplete="off"
          value={text(path)}
          onChange={(e) => set(path, e.target.value)}
          onBlur={() => touch(path)}
        />
      </Field>
    );
  }

  function select(path: string, label: ReactNode, options: ReadonlyArray<readonly [string, string]>, hint?: ReactNode) {
    return (
      <Field label={label} error={errorOf(path)} hint={hint}>
        <select className="select" name={path} value={text(path)} onChange={(e) => { set(path, e.target.value); touch(path); }}>
          {options.map(([value, name]) => (
            <option key={value} value={value}>{name}</option>
          ))}
        </select>
      </Field>
    );
  }

  function checkbox(path: string, label: ReactNode) {
    return (
      <label className="checkbox">
        <input type="checkbox" name={path} checked={Boolean(values[path])} onChange={(e) => { set(path, e.target.checked); touch(path); }} />
        {label}
      </label>
    );
  }

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setSubmitted(true);
    if (!validation.config || (memory && memory.problem)) return;
    if (onSubmit) {
      setCustomError(null);
      setCustomPending(true);
      try {
        await onSubmit(validation.config);
      } catch (error) {
        setCustomError(error);
      } finally {
        setCustomPending(false);
      }
      return;
    }
    start.mutate(validation.config);
  }

  const pending = onSubmit ? customPending : start.isPending;
  const invalidCount = Object.keys(validation.errors).length;
  const rlaif = Boolean(values['rlaif.enabled']);
  const opts = <T extends string>(list: readonly T[], label: (v: T) => string = (v) => v) => list.map((v) => [v, label(v)] as const);
  const targetModules = (values['qlora.targetModules'] as string[]) ?? [];

  return (
    <form className="form stack" onSubmit={submit} noValidate aria-label="New training pipeline">
      <Card title="Model">
        <div className={styles.grid}>
          {input('name', 'Pipeline name', { hint: 'Optional; shown in the pipelines list.' })}
          {select('baseModel', 'Base model', baseModelIds.map((id) => [id, `${BASE_MODELS[id].label} · ${BASE_MODELS[id].paramsB} B params`] as const))}
          {select('specialization', 'Specialization', opts(specializations, (s) => SPECIALIZATION_LABELS[s]), 'Chooses the judge’s rubric.')}
          <Field label="Model family" hint="Register the result under an existing family or create one.">
            <select className="select" name="_familyMode" value={text('_familyMode')} onChange={(e) => set('_familyMode', e.target.value)}>
              <option value="new">New family</option>
              <option value="existing">Existing family</option>
            </select>
          </Field>
          {values._familyMode === 'existing' ? (
            <Field label="Family slug or id" error={errorOf('family.ref')} hint={families.data ? `${families.data.total} families; type to search.` : undefined}>
              <input className="input mono" name="family.ref" list="training-families" autoComplete="off" value={text('family.ref')} onChange={(e) => set('family.ref', e.target.value)} onBlur={() => touch('family.ref')} />
            </Field>
          ) : (
            <>
              {input('family.slug', 'Family slug', { mono: true, hint: 'Lowercase letters, digits and “-”.' })}
              {input('family.displayName', 'Family display name')}
            </>
          )}
        </div>
      </Card>

      <datalist id="training-families">
        {families.data?.items.map((f) => <option key={f.id} value={f.slug}>{f.displayName}</option>)}
      </datalist>

      <Card title="Dataset">
        <div className="stack">
          <div className="row gap-sm" role="radiogroup" aria-label="Dataset source">
            <label className="checkbox"><input type="radio" name="_datasetKind" checked={values._datasetKind === 'upload'} onChange={() => set('_datasetKind', 'upload')} /> Upload a JSONL file</label>
            <label className="checkbox"><input type="radio" name="_datasetKind" checked={values._datasetKind === 'uri'} onChange={() => set('_datasetKind', 'uri')} /> From URI</label>
          </div>
          {values._datasetKind === 'upload' ? (
            <DatasetUpload error={errorOf('dataset.id') ?? errorOf('dataset')} onUploaded={(d) => { set('dataset.id', d?.id ?? ''); touch('dataset.id'); }} />
          ) : (
            input('dataset.uri', 'Dataset URI', { mono: true, placeholder: 'https://… or file:///…', hint: 'Read by the prepare stage; stored with its checksum.' })
          )}
          <p className="small muted">Rows: {'{"prompt": …, "response": …}'} or {'{"messages": [{"role": "user", …}, {"role": "assistant", …}]}'}, one JSON object per line, at most 1 GiB.</p>
        </div>
      </Card>

      <Card title="QLoRA fine-tuning">
        <div className={styles.grid}>
          {input('qlora.rank', 'LoRA rank', { type: 'number' })}
          {input('qlora.alpha', 'LoRA alpha', { type: 'number' })}
          {input('qlora.dropout', 'LoRA dropout', { type: 'number', step: '0.01' })}
          {input('qlora.learningRate', 'Learning rate', { type: 'number', step: 'any' })}
          {select('qlora.lrSchedule', 'Schedule', opts(lrSchedules))}
          {input('qlora.warmupRatio', 'Warm-up ratio', { type: 'number', step: '0.01' })}
          {input('qlora.epochs', 'Epochs', { type: 'number' })}
          {input('qlora.batchSize', 'Batch size (per GPU)', { type: 'number' })}
          {input('qlora.gradAccumulation', 'Gradient accumulation', { type: 'number' })}
          {input('qlora.maxSeqLength', 'Max sequence length', { type: 'number' })}
          {select('qlora.quantization.type', '4-bit quantization', [['nf4', 'NF4'], ['fp4', 'FP4']])}
          {select('qlora.quantization.computeDtype', 'Compute dtype', opts(['bfloat16', 'float16'] as const))}
        </div>
        <fieldset className={styles.fieldset}>
          <legend className="field-label">Target modules</legend>
          <div className="row gap-sm">
            {loraTargetModules.map((m) => (
              <label key={m} className="checkbox mono">
                <input type="checkbox" checked={targetModules.includes(m)} onChange={(e) => { set('qlora.targetModules', e.target.checked ? [...targetModules, m] : targetModules.filter((x) => x !== m)); touch('qlora.targetModules'); }} />
                {m}
              </label>
            ))}
          </div>
          {errorOf('qlora.targetModules') && <span className="field-error" role="alert">{errorOf('qlora.targetModules')}</span>}
        </fieldset>
        <div className="row gap-sm">
          {checkbox('qlora.quantization.doubleQuant', 'Double quantization')}
          {checkbox('qlora.gradientCheckpointing', 'Gradient checkpointing')}
        </div>
      </Card>

      <Card title="RLAIF" actions={checkbox('rlaif.enabled', 'Enabled')}>
        {rlaif ? (
          <div className="stack">
            <div className={styles.grid}>
              {input('rlaif.judge.model', 'Judge model', { mono: true, hint: 'Any OpenAI-compatible model; the key comes from OPENAI_API_KEY on the server.' })}
              {input('rlaif.judge.baseUrl', 'Judge base URL', { mono: true, placeholder: 'default: OPENAI_BASE_URL, else the simulated judge' })}
              {select('rlaif.judge.mode', 'Judging', opts(judgeModes), 'Pairwise judges both orders to cancel position bias.')}
              {input('rlaif.judge.samplesPerPrompt', 'Samples per prompt', { type: 'number' })}
              {input('rlaif.judge.concurrency', 'Judge concurrency', { type: 'number' })}
            </div>
            <Field label="Rubric" error={errorOf('rlaif.judge.rubric')} hint="Empty: the built-in rubric of the specialization.">
              <textarea className="input textarea" name="rlaif.judge.rubric" rows={3} value={text('rlaif.judge.rubric')} onChange={(e) => set('rlaif.judge.rubric', e.target.value)} onBlur={() => touch('rlaif.judge.rubric')} />
            </Field>
            <h3 className={styles.subhead}>Reward model</h3>
            <div className={styles.grid}>
              {input('rlaif.rewardModel.learningRate', 'Learning rate', { type: 'number', step: 'any' })}
              {input('rlaif.rewardModel.epochs', 'Epochs', { type: 'number' })}
              {input('rlaif.rewardModel.batchSize', 'Batch size', { type: 'number' })}
            </div>
            <h3 className={styles.subhead}>PPO</h3>
            <div className={styles.grid}>
              {input('rlaif.ppo.klCoefficient', 'KL coefficient', { type: 'number', step: '0.01' })}
              {input('rlaif.ppo.clipRange', 'Clip range', { type: 'number', step: '0.01' })}
              {input('rlaif.ppo.steps', 'Steps', { type: 'number' })}
              {input('rlaif.ppo.batchSize', 'Batch size', { type: 'number' })}
              {input('rlaif.ppo.learningRate', 'Learning rate', { type: 'number', step: 'any' })}
            </div>
          </div>
        ) : (
          <p className="small muted">Supervised fine-tuning only: prepare → sft → evaluate → register.</p>
        )}
      </Card>

      <Card title="Evaluation prompts">
        <div className="stack">
          <div className="row gap-sm" role="radiogroup" aria-label="Evaluation prompts">
            <label className="checkbox"><input type="radio" name="_promptSource" checked={values._promptSource === 'builtin'} onChange={() => set('_promptSource', 'builtin')} /> Built-in automotive set (20 prompts)</label>
            <label className="checkbox"><input type="radio" name="_promptSource" checked={values._promptSource === 'custom'} onChange={() => set('_promptSource', 'custom')} /> My own prompts</label>
          </div>
          {values._promptSource === 'custom' && (
            <Field label="Prompts" error={errorOf('evalPrompts')} hint={'One prompt per line, or JSONL {"prompt": …, "category": …}.'}>
              <textarea className="input textarea mono" name="_customPrompts" rows={5} value={text('_customPrompts')} onChange={(e) => set('_customPrompts', e.target.value)} onBlur={() => touch('evalPrompts')} />
            </Field>
          )}
        </div>
      </Card>

      <Card title="Resources and release">
        <div className={styles.grid}>
          {select('resources.gpuType', 'GPU type', gpuTypes.map((g) => [g, GPU_TYPES[g].label] as const))}
          {input('resources.gpuCount', 'GPU count', { type: 'number' })}
          {input('resources.cpu', 'CPU', { mono: true, hint: 'Kubernetes quantity, e.g. 8 or 4000m.' })}
          {input('resources.memory', 'Memory', { mono: true, hint: 'e.g. 64Gi.' })}
          {select('priority', 'Priority', opts(priorities))}
          {select('bump', 'Version bump', opts(bumpLevels), 'How the registered version number is chosen.')}
        </div>
      </Card>

      <MemoryEstimateCard memory={memory} />

      <FormError>{serverError && !serverField ? errorMessage(serverError) : serverError && serverField && !(serverField in validation.errors) ? errorMessage(serverError) : null}</FormError>
      {submitted && invalidCount > 0 && (
        <FormError>{invalidCount === 1 ? 'One field needs attention' : `${invalidCount} fields need attention`}: {Object.keys(validation.errors).join(', ')}.</FormError>
      )}
      <div className="row gap-sm">
        <Button type="submit" variant="primary" pending={pending} disabled={Boolean(memory?.problem)}>
          Start pipeline
        </Button>
      </div>
    </form>
  );
}

function MemoryEstimateCard({ memory }: { memory: ReturnType<typeof memoryFor> }) {
  if (!memory) {
    return (
      <Card title="GPU memory estimate">
        <p className="small muted">Fix the base model, LoRA, batch, sequence-length and GPU fields to see the estimate.</p>
      </Card>
    );
  }
  const { estimate, problem } = memory;
  const pct = Math.min(100, (estimate.peakGiB / estimate.gpuMemoryGiB) * 100);
  return (
    <Card title="GPU memory estimate" tone={problem ? 'danger' : 'default'}>
      <div className="stack" aria-live="polite">
        <div className="row gap-sm">
          <span className="strong" data-testid="memory-peak">{estimate.peakGiB.toFixed(1)} GiB</span>
          <span className="muted">peak per GPU ({estimate.peakStage}) of {estimate.gpuMemoryGiB} GiB × {estimate.gpuCount}</span>
        </div>
        <div className={styles.meter} role="meter" aria-valuemin={0} aria-valuemax={estimate.gpuMemoryGiB} aria-valuenow={Math.round(estimate.peakGiB * 10) / 10} aria-label="Estimated peak GPU memory">
          <div className={problem ? styles.meterOver : styles.meterFill} style={{ width: `${pct}%` }} />
        </div>
        <table className={styles.breakdown}>
          <thead>
            <tr><th>Stage</th><th>4-bit weights</th><th>LoRA + Adam</th><th>Activations</th><th>Overhead</th><th>Peak</th></tr>
          </thead>
          <tbody>
            {estimate.stages.map((s) => (
              <tr key={s.stage}>
                <td className="mono">{s.stage}</td>
                <td>{s.weightsGiB.toFixed(1)}</td>
                <td>{s.loraGiB.toFixed(2)}</td>
                <td>{s.activationsGiB.toFixed(1)}</td>
                <td>{s.overheadGiB.toFixed(1)}</td>
                <td className="strong">{s.peakGiB.toFixed(1)} GiB</td>
              </tr>
            ))}
          </tbody>
        </table>
        {problem ? (
          <div className="form-error" role="alert">{problem}</div>
        ) : (
          <p className="small muted">Fits. Formula and sources: server/training/memory.ts (a 7B model under QLoRA is about 16 GB).</p>
        )}
      </div>
    </Card>
  );
}

function DatasetUpload({ onUploaded, error }: { onUploaded: (d: UploadedDataset | null) => void; error: string | null }) {
  const [progress, setProgress] = useState<number | null>(null);
  const [uploaded, setUploaded] = useState<UploadedDataset | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const xhrRef = useRef<XMLHttpRequest | null>(null);

  function upload(file: File) {
    setFailure(null);
    setUploaded(null);
    onUploaded(null);
    if (file.size > 1024 ** 3) {
      setFailure(`${file.name} is ${(file.size / 1024 ** 3).toFixed(2)} GiB; the limit is 1 GiB`);
      return;
    }
    const xhr = new XMLHttpRequest();
    xhrRef.current = xhr;
    xhr.open('POST', `/api/v1/training/datasets?name=${encodeURIComponent(file.name)}`);
    xhr.setRequestHeader('content-type', 'application/x-ndjson');
    xhr.upload.onprogress = (e) => e.lengthComputable && setProgress(e.loaded / e.total);
    xhr.onload = () => {
      setProgress(null);
      let body: { error?: { message?: string } } & Partial<UploadedDataset> = {};
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        /* not JSON */
      }
      if (xhr.status === 201 && body.id) {
        const d = { id: body.id, name: body.name ?? file.name, sizeBytes: body.sizeBytes ?? file.size, sha256: body.sha256 ?? '' };
        setUploaded(d);
        onUploaded(d);
      } else setFailure(body.error?.message ?? `Upload failed (HTTP ${xhr.status})`);
    };
    xhr.onerror = () => {
      setProgress(null);
      setFailure('Upload failed: cannot reach the server');
    };
    xhr.onabort = () => setProgress(null);
    setProgress(0);
    xhr.send(file);
  }

  return (
    <div className="stack">
      <Field label="Dataset file (JSONL)" error={failure ?? (uploaded ? null : error)} hint="Streamed to the server; its sha256 is recorded.">
        <input className="input" type="file" name="dataset-file" accept=".jsonl,.ndjson,.json,.txt,application/jsonl,application/x-ndjson,text/plain" onChange={(e) => e.target.files?.[0] && upload(e.target.files[0])} />
      </Field>
      {progress !== null && (
        <div className="row gap-sm">
          <div className={styles.meter} role="progressbar" aria-label="Upload progress" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(progress * 100)}>
            <div className={styles.meterFill} style={{ width: `${progress * 100}%` }} />
          </div>
          <span className="small mono">{Math.round(progress * 100)}%</span>
          <Button size="sm" variant="ghost" onClick={() => xhrRef.current?.abort()}>Cancel</Button>
        </div>
      )}
      {uploaded && (
        <p className="small" data-testid="dataset-uploaded">
          Uploaded <span className="strong">{uploaded.name}</span> ({(uploaded.sizeBytes / 1024).toFixed(1)} KiB), sha256 <span className="mono">{uploaded.sha256.slice(0, 12)}…</span>
        </p>
      )}
    </div>
  );
}
