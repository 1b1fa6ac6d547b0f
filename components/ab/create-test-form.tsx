'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { type FormEvent, useMemo, useState } from 'react';
import { useTRPC } from '@/components/providers/trpc';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { errorField, errorMessage } from '@/components/ui/errors';
import { Field, FormError } from '@/components/ui/field';
import { PageHeader } from '@/components/ui/page-header';
import { createTestSchema } from '@/server/ab/schemas';
import styles from './ab.module.css';
import { testHref } from './types';

type Kind = 'binomial' | 'mean' | 'ratio';
type Role = 'primary' | 'guardrail';
type Direction = 'increase' | 'decrease';
type Method = 'frequentist' | 'sequential' | 'bayesian';
type Correction = 'none' | 'holm' | 'bh';

interface VariantDraft {
  key: string;
  version: string;
  /** Percent of traffic, as typed. */
  weight: string;
  description: string;
}
interface MetricDraft {
  name: string;
  kind: Kind;
  role: Role;
  direction: Direction;
  denominator: string;
}

const num = (s: string) => (s.trim() === '' ? Number.NaN : Number(s));
/** Percentages that add up to exactly 100 (the last variant takes the rounding remainder). */
function evenSplit(n: number): string[] {
  const each = Math.floor(10_000 / n) / 100;
  return Array.from({ length: n }, (_, i) => String(i < n - 1 ? each : Math.round((100 - each * (n - 1)) * 100) / 100));
}

/** Per-field messages from the same zod schema the server uses; weights are shown in percent. */
export function validateDraft(body: unknown): Record<string, string> {
  const parsed = createTestSchema.safeParse(body);
  if (parsed.success) return {};
  const out: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    const path = issue.path.join('.');
    let message = issue.message;
    if (/^variants\.\d+\.weight$/.test(path)) message = 'must be between 0% and 100%';
    const version = /^variants\.(\d+)\.version$/.exec(path);
    if (version && !(body as { variants: { version: string }[] }).variants[Number(version[1])]?.version) message = 'choose a version';
    if (path === 'variants' && message.startsWith('weights must sum to 1')) {
      const total = (body as { variants: { weight: number }[] }).variants.reduce((s, v) => s + (Number.isFinite(v.weight) ? v.weight : 0), 0);
      message = `weights must add up to 100% (they add up to ${Math.round(total * 10000) / 100}%)`;
    }
    if (path === 'minimumDetectableEffect' && message.startsWith('must be positive')) message = 'must be a positive percentage, e.g. 5';
    out[path] ??= message;
  }
  return out;
}

/** `/ab-tests/new`: one form, checked as you type by the API's own schema; the server checks again. */
export function CreateTestForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [modelId, setModelId] = useState('');
  const [variants, setVariants] = useState<VariantDraft[]>([
    { key: 'A', version: '', weight: '50', description: '' },
    { key: 'B', version: '', weight: '50', description: '' },
  ]);
  const [metrics, setMetrics] = useState<MetricDraft[]>([{ name: 'converted', kind: 'binomial', role: 'primary', direction: 'increase', denominator: '' }]);
  const [method, setMethod] = useState<Method>('frequentist');
  const [alpha, setAlpha] = useState('0.05');
  const [power, setPower] = useState('0.8');
  const [mde, setMde] = useState('5');
  const [minSample, setMinSample] = useState('1000');
  const [tuning, setTuning] = useState('5000');
  const [correction, setCorrection] = useState<Correction>('holm');
  const [submitted, setSubmitted] = useState(false);
  const [touched, setTouched] = useState<Set<string>>(new Set());

  const models = useQuery(trpc.registry.listModels.queryOptions({ limit: 200 }));
  const model = models.data?.items.find((m) => m.id === modelId);
  const versions = useQuery(trpc.registry.listVersions.queryOptions({ model: model?.slug ?? '', limit: 200 }, { enabled: !!model }));
  const versionOptions = (versions.data?.items ?? []).filter((v) => v.status !== 'archived');

  const create = useMutation(
    trpc.ab.create.mutationOptions({
      onSuccess: (test) => {
        void queryClient.invalidateQueries(trpc.ab.list.pathFilter());
        router.push(testHref(test.id));
      },
    }),
  );

  const body = useMemo(
    () => ({
      name,
      modelId,
      variants: variants.map((v) => ({ key: v.key.trim(), version: v.version, weight: num(v.weight) / 100, ...(v.description.trim() ? { description: v.description.trim() } : {}) })),
      metrics: metrics.map((m) => ({ name: m.name.trim(), kind: m.kind, role: m.role, direction: m.direction, ...(m.kind === 'ratio' ? { denominator: m.denominator.trim() } : {}) })),
      method,
      alpha: num(alpha),
      power: num(power),
      minimumDetectableEffect: num(mde) / 100,
      minSamplePerVariant: num(minSample),
      sequentialTuning: num(tuning),
      correction,
    }),
    [name, modelId, variants, metrics, method, alpha, power, mde, minSample, tuning, correction],
  );
  const local = validateDraft(body);
  const serverField = errorField(create.error);
  const errorFor = (path: string): string | null => {
    if (create.error && serverField === path) return errorMessage(create.error).replace(`${path}: `, '');
    if (!submitted && !touched.has(path)) return null;
    return local[path] ?? null;
  };
  const touch = (path: string) => setTouched((t) => (t.has(path) ? t : new Set(t).add(path)));
  const totalWeight = variants.reduce((s, v) => s + (Number.isFinite(num(v.weight)) ? num(v.weight) : 0), 0);
  const serverFormError = create.error && !(serverField && /^(name|modelId|variants|metrics|method|alpha|power|minimumDetectableEffect|minSamplePerVariant|sequentialTuning|correction)/.test(serverField)) ? errorMessage(create.error) : null;

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setSubmitted(true);
    create.reset();
    if (Object.keys(local).length) return;
    create.mutate(createTestSchema.parse(body));
  }

  const setVariant = (i: number, patch: Partial<VariantDraft>) => setVariants((vs) => vs.map((v, j) => (j === i ? { ...v, ...patch } : v)));
  const setMetric = (i: number, patch: Partial<MetricDraft>) => setMetrics((ms) => ms.map((m, j) => (j === i ? { ...m, ...patch } : m)));

  return (
    <>
      <PageHeader title="New A/B test" description="Split traffic between versions of one model and let the statistics say which one to ship. The test starts as a draft." />
      <form className="form stack" onSubmit={onSubmit} noValidate aria-label="New A/B test">
        <FormError>{serverFormError ?? (submitted && local[''] ? local[''] : null)}</FormError>
        <Card title="What is tested">
          <div className={styles.formGrid}>
            <Field label="Name" error={errorFor('name')} hint="e.g. “Warmer tone v1.3 vs v1.2”">
              <input className="input" name="name" value={name} onChange={(e) => setName(e.target.value)} onBlur={() => touch('name')} autoComplete="off" autoFocus />
            </Field>
            <Field label="Model" error={errorFor('modelId')} hint="Every variant is a version of this model.">
              <select
                className="select"
                name="modelId"
                value={modelId}
                onChange={(e) => {
                  setModelId(e.target.value);
                  setVariants((vs) => vs.map((v) => ({ ...v, version: '' })));
                }}
                onBlur={() => touch('modelId')}
              >
                <option value="">Choose a model…</option>
                {models.data?.items.map((m) => (
                  <option key={m.id} value={m.id}>
                    {m.displayName} ({m.slug})
                  </option>
                ))}
              </select>
            </Field>
          </div>
        </Card>

        <Card
          title="Variants"
          actions={
            <div className="row gap-sm">
              <span className={`${styles.weightTotal} ${Math.abs(totalWeight - 100) > 1e-6 ? 'text-danger' : 'muted'}`}>Total {Math.round(totalWeight * 100) / 100}%</span>
              <Button size="sm" onClick={() => setVariants((vs) => vs.map((v, i) => ({ ...v, weight: evenSplit(vs.length)[i] })))}>
                Split evenly
              </Button>
              <Button
                size="sm"
                disabled={variants.length >= 5}
                onClick={() => setVariants((vs) => [...vs, { key: String.fromCharCode(65 + vs.length), version: '', weight: '0', description: '' }].map((v, i, all) => ({ ...v, weight: evenSplit(all.length)[i] })))}
              >
                Add variant
              </Button>
            </div>
          }
        >
          <p className="small muted" style={{ marginTop: 0 }}>
            The first variant is the <strong>control</strong> (usually the version in production); the others are compared against it.
          </p>
          {errorFor('variants') && (
            <div className="field-error" role="alert">
              {errorFor('variants')}
            </div>
          )}
          {variants.map((v, i) => (
            <div className={styles.variantRow} key={i}>
              <Field label={i === 0 ? 'Key (control)' : 'Key'} error={errorFor(`variants.${i}.key`)}>
                <input className="input mono" aria-label={`Variant ${i + 1} key`} value={v.key} onChange={(e) => setVariant(i, { key: e.target.value })} onBlur={() => touch(`variants.${i}.key`)} />
              </Field>
              <Field label="Version" error={errorFor(`variants.${i}.version`)}>
                <select className="select" aria-label={`Variant ${i + 1} version`} value={v.version} onChange={(e) => setVariant(i, { version: e.target.value })} onBlur={() => touch(`variants.${i}.version`)} disabled={!model}>
                  <option value="">{model ? 'Choose a version…' : 'Choose a model first'}</option>
                  {versionOptions.map((x) => (
                    <option key={x.id} value={x.version}>
                      {x.version}
                      {x.status !== 'registered' ? ` (${x.status})` : ''}
                    </option>
                  ))}
                </select>
              </Field>
              <Field label="Traffic %" error={errorFor(`variants.${i}.weight`)}>
                <input className="input mono" inputMode="decimal" aria-label={`Variant ${i + 1} traffic percent`} value={v.weight} onChange={(e) => setVariant(i, { weight: e.target.value })} onBlur={() => touch(`variants.${i}.weight`)} />
              </Field>
              <Button size="sm" variant="ghost" className={styles.rowRemove} disabled={variants.length <= 2} onClick={() => setVariants((vs) => vs.filter((_, j) => j !== i))} aria-label={`Remove variant ${i + 1}`}>
                Remove
              </Button>
            </div>
          ))}
        </Card>

        <Card
          title="Metrics"
          actions={
            <Button size="sm" disabled={metrics.length >= 20} onClick={() => setMetrics((ms) => [...ms, { name: '', kind: 'mean', role: 'guardrail', direction: 'decrease', denominator: '' }])}>
              Add metric
            </Button>
          }
        >
          <p className="small muted" style={{ marginTop: 0 }}>
            <strong>Primary</strong> metrics decide the test; <strong>guardrails</strong> (latency, errors, cost) must not get worse. Binomial: did the unit convert;
            mean: the sum of a unit’s values; ratio: one metric divided by another (e.g. clicks per view).
          </p>
          {errorFor('metrics') && (
            <div className="field-error" role="alert">
              {errorFor('metrics')}
            </div>
          )}
          {metrics.map((m, i) => (
            <div className={styles.metricRow} key={i}>
              <Field label="Event metric name" error={errorFor(`metrics.${i}.name`)}>
                <input className="input mono" aria-label={`Metric ${i + 1} name`} value={m.name} onChange={(e) => setMetric(i, { name: e.target.value })} onBlur={() => touch(`metrics.${i}.name`)} />
              </Field>
              <Field label="Kind" error={errorFor(`metrics.${i}.kind`)}>
                <select className="select" aria-label={`Metric ${i + 1} kind`} value={m.kind} onChange={(e) => setMetric(i, { kind: e.target.value as Kind })}>
                  <option value="binomial">binomial</option>
                  <option value="mean">mean</option>
                  <option value="ratio">ratio</option>
                </select>
              </Field>
              <Field label="Role" error={errorFor(`metrics.${i}.role`)}>
                <select className="select" aria-label={`Metric ${i + 1} role`} value={m.role} onChange={(e) => setMetric(i, { role: e.target.value as Role })}>
                  <option value="primary">primary</option>
                  <option value="guardrail">guardrail</option>
                </select>
              </Field>
              <Field label="Good direction" error={errorFor(`metrics.${i}.direction`)}>
                <select className="select" aria-label={`Metric ${i + 1} direction`} value={m.direction} onChange={(e) => setMetric(i, { direction: e.target.value as Direction })}>
                  <option value="increase">higher is better</option>
                  <option value="decrease">lower is better</option>
                </select>
              </Field>
              <Field label="Denominator" error={errorFor(`metrics.${i}.denominator`)} hint={m.kind === 'ratio' ? 'The event metric to divide by' : 'Ratio metrics only'}>
                <input
                  className="input mono"
                  aria-label={`Metric ${i + 1} denominator`}
                  value={m.kind === 'ratio' ? m.denominator : ''}
                  disabled={m.kind !== 'ratio'}
                  onChange={(e) => setMetric(i, { denominator: e.target.value })}
                  onBlur={() => touch(`metrics.${i}.denominator`)}
                />
              </Field>
              <Button size="sm" variant="ghost" className={styles.rowRemove} disabled={metrics.length <= 1} onClick={() => setMetrics((ms) => ms.filter((_, j) => j !== i))} aria-label={`Remove metric ${i + 1}`}>
                Remove
              </Button>
            </div>
          ))}
        </Card>

        <Card title="Statistics">
          <div className={styles.formGrid}>
            <Field label="Method" error={errorFor('method')} hint={methodHint[method]}>
              <select className="select" name="method" value={method} onChange={(e) => setMethod(e.target.value as Method)}>
                <option value="frequentist">Frequentist (fixed horizon)</option>
                <option value="sequential">Sequential (safe to peek)</option>
                <option value="bayesian">Bayesian (chance to win)</option>
              </select>
            </Field>
            <Field label="Significance level α" error={errorFor('alpha')} hint="0.05 = 95% confidence. Between 0 and 0.5.">
              <input className="input mono" name="alpha" inputMode="decimal" value={alpha} onChange={(e) => setAlpha(e.target.value)} onBlur={() => touch('alpha')} />
            </Field>
            <Field label="Power" error={errorFor('power')} hint="Chance to detect a real effect of the MDE size, e.g. 0.8.">
              <input className="input mono" name="power" inputMode="decimal" value={power} onChange={(e) => setPower(e.target.value)} onBlur={() => touch('power')} />
            </Field>
            <Field label="Minimum detectable effect (%)" error={errorFor('minimumDetectableEffect')} hint="The smallest relative lift worth detecting; sizes the test.">
              <input className="input mono" name="mde" inputMode="decimal" value={mde} onChange={(e) => setMde(e.target.value)} onBlur={() => touch('minimumDetectableEffect')} />
            </Field>
            <Field label="Correction" error={errorFor('correction')} hint="For several variants or primary metrics: controls false wins.">
              <select className="select" name="correction" value={correction} onChange={(e) => setCorrection(e.target.value as Correction)}>
                <option value="holm">Holm–Bonferroni</option>
                <option value="bh">Benjamini–Hochberg</option>
                <option value="none">None</option>
              </select>
            </Field>
            <Field label="Minimum units per variant" error={errorFor('minSamplePerVariant')} hint="No decision before every variant has this many.">
              <input className="input mono" name="minSamplePerVariant" inputMode="numeric" value={minSample} onChange={(e) => setMinSample(e.target.value)} onBlur={() => touch('minSamplePerVariant')} />
            </Field>
            {method === 'sequential' && (
              <Field label="Sequential tuning" error={errorFor('sequentialTuning')} hint="The sample size the intervals are tightest at.">
                <input className="input mono" name="sequentialTuning" inputMode="numeric" value={tuning} onChange={(e) => setTuning(e.target.value)} onBlur={() => touch('sequentialTuning')} />
              </Field>
            )}
          </div>
        </Card>

        <div className="row gap-sm">
          <Button type="submit" variant="primary" pending={create.isPending}>
            Create test
          </Button>
          <Button variant="ghost" onClick={() => router.push('/ab-tests')} disabled={create.isPending}>
            Cancel
          </Button>
          {submitted && Object.keys(local).length > 0 && <span className="text-danger small">Fix the {Object.keys(local).length === 1 ? 'field' : 'fields'} marked above.</span>}
        </div>
      </form>
    </>
  );
}

const methodHint: Record<Method, string> = {
  frequentist: 'Decide once, at the planned sample size. Do not stop early on a good-looking day.',
  sequential: 'Always-valid intervals: look as often as you like and stop as soon as it is clear.',
  bayesian: 'Reports the chance each variant beats the control and the risk of choosing it.',
};
