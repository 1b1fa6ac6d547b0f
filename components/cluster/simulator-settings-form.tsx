'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import { type FormEvent, useState } from 'react';
import { useTRPC } from '@/components/providers/trpc';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { ErrorState } from '@/components/ui/error-state';
import { fieldErrors } from '@/components/ui/errors';
import { Field, FormError } from '@/components/ui/field';
import { LoadingState } from '@/components/ui/skeleton';
import type { AppRouter } from '@/server/api/root';

type Settings = inferRouterOutputs<AppRouter>['cluster']['simulatorSettings'];
type Patch = inferRouterInputs<AppRouter>['cluster']['updateSimulatorSettings'];
type JobFailure = Settings['jobFailure'];

const failureOptions: Array<{ value: JobFailure; label: string }> = [
  { value: 'none', label: 'None: jobs succeed' },
  { value: 'OOMKilled', label: 'Out of memory (OOMKilled)' },
  { value: 'ImagePullBackOff', label: 'Image cannot be pulled (ImagePullBackOff)' },
  { value: 'Error', label: 'Non-zero exit (Error)' },
  { value: 'DeadlineExceeded', label: 'Runs past its deadline (DeadlineExceeded)' },
  { value: 'Evicted', label: 'Evicted by the node' },
];

type CrashMode = 'none' | 'all' | 'named';
const fields = ['jobFailure', 'jobFailureExitCode', 'crashDeployments', 'gpusPerNode', 'modelErrorRate'] as const;

/** Admins, simulated cluster only: the simulator's fault-injection settings. */
export function SimulatorSettingsCard() {
  const trpc = useTRPC();
  const settings = useQuery(trpc.cluster.simulatorSettings.queryOptions(undefined, { staleTime: 0 }));
  // Lives here, not in the form: a save remounts the form (see its key).
  const [notice, setNotice] = useState<string | null>(null);
  return (
    <Card title="Fault injection (simulator)" id="simulator-settings">
      {settings.isPending && <LoadingState rows={3} label="Loading the simulator settings…" />}
      {settings.isError && <ErrorState compact error={settings.error} onRetry={() => void settings.refetch()} />}
      {/* Keyed by the saved settings: after a save (or a change elsewhere) the form starts from what the simulator has. */}
      {settings.data && <SettingsForm key={JSON.stringify(settings.data)} saved={settings.data} notice={notice} onNotice={setNotice} />}
    </Card>
  );
}

function SettingsForm({ saved, notice, onNotice: setNotice }: { saved: Settings; notice: string | null; onNotice: (notice: string | null) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [jobFailure, setJobFailure] = useState<JobFailure>(saved.jobFailure);
  const [exitCode, setExitCode] = useState(String(saved.jobFailureExitCode));
  const [crashMode, setCrashMode] = useState<CrashMode>(saved.crashDeployments.includes('*') ? 'all' : saved.crashDeployments.length ? 'named' : 'none');
  const [crashNames, setCrashNames] = useState(saved.crashDeployments.filter((d) => d !== '*').join(', '));
  const [gpus, setGpus] = useState(String(saved.gpusPerNode));
  const [errorRate, setErrorRate] = useState(saved.modelErrorRate === null ? '' : String(saved.modelErrorRate));
  const [localErrors, setLocalErrors] = useState<Partial<Record<(typeof fields)[number] | 'form', string>>>({});

  const save = useMutation(
    trpc.cluster.updateSimulatorSettings.mutationOptions({
      onSuccess: (next) => {
        setNotice('Saved. New pods and Jobs follow these settings; node capacity changes at once.');
        queryClient.setQueryData(trpc.cluster.simulatorSettings.queryKey(), next);
        void queryClient.invalidateQueries(trpc.cluster.overview.queryFilter());
      },
    }),
  );
  const errors = { ...fieldErrors(save.error, fields), ...localErrors };

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setNotice(null);
    const problems: typeof localErrors = {};
    const code = Number(exitCode);
    if (jobFailure === 'Error' && !(Number.isInteger(code) && code >= 1 && code <= 255)) problems.jobFailureExitCode = 'a whole number from 1 to 255';
    const perNode = Number(gpus);
    if (gpus.trim() === '' || !Number.isInteger(perNode) || perNode < 0 || perNode > 64) problems.gpusPerNode = 'a whole number from 0 to 64';
    const rate = errorRate.trim() === '' ? null : Number(errorRate);
    if (rate !== null && !(rate >= 0 && rate <= 1)) problems.modelErrorRate = 'a number from 0 to 1, or blank';
    const names = crashNames.split(/[\s,]+/).filter(Boolean);
    if (crashMode === 'named' && !names.length) problems.crashDeployments = 'name at least one Deployment';
    setLocalErrors(problems);
    if (Object.keys(problems).length) {
      save.reset();
      return;
    }
    const next: Settings = {
      jobFailure,
      jobFailureExitCode: jobFailure === 'Error' ? code : saved.jobFailureExitCode,
      crashDeployments: crashMode === 'all' ? ['*'] : crashMode === 'named' ? names : [],
      gpusPerNode: perNode,
      modelErrorRate: rate,
    };
    // Send only what changed, so the audit log says what this admin did.
    const patch = Object.fromEntries(Object.entries(next).filter(([k, v]) => JSON.stringify(v) !== JSON.stringify(saved[k as keyof Settings]))) as Patch;
    if (!Object.keys(patch).length) {
      setNotice('Nothing changed.');
      return;
    }
    save.mutate(patch);
  }

  return (
    <form className="form" onSubmit={onSubmit} noValidate aria-label="Simulator settings">
      <p className="muted small">
        Make the simulated cluster misbehave on purpose, to see how pipelines and deployments cope. A Job’s own <span className="mono">sim.neuroweaver.dev/fail</span>{' '}
        annotation wins over the default. Speed is fixed when the simulator starts (<span className="mono">NEUROWEAVER_SIM_SPEED</span>).
      </p>
      <FormError>{errors.form}</FormError>
      {notice && (
        <div className="notice notice-success" role="status">
          {notice}
        </div>
      )}
      <div className="form-grid">
        <Field label="Default job failure" error={errors.jobFailure} hint="How every new training pod ends.">
          <select className="select" name="jobFailure" value={jobFailure} onChange={(e) => setJobFailure(e.target.value as JobFailure)}>
            {failureOptions.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        </Field>
        {jobFailure === 'Error' && (
          <Field label="Exit code" error={errors.jobFailureExitCode} hint="1 to 255">
            <input className="input mono" name="jobFailureExitCode" inputMode="numeric" value={exitCode} onChange={(e) => setExitCode(e.target.value)} />
          </Field>
        )}
        <Field label="Crash new model servers" error={crashMode === 'named' ? undefined : errors.crashDeployments} hint="Their pods crash-loop (CrashLoopBackOff).">
          <select className="select" name="crashMode" value={crashMode} onChange={(e) => setCrashMode(e.target.value as CrashMode)}>
            <option value="none">No</option>
            <option value="all">All model servers</option>
            <option value="named">Only the Deployments named…</option>
          </select>
        </Field>
        {crashMode === 'named' && (
          <Field label="Deployments to crash" error={errors.crashDeployments} hint="Names, separated by commas.">
            <input className="input mono" name="crashDeployments" value={crashNames} onChange={(e) => setCrashNames(e.target.value)} autoComplete="off" />
          </Field>
        )}
        <Field label="GPUs per node" error={errors.gpusPerNode} hint="nvidia.com/gpu capacity of every node, 0 to 64.">
          <input className="input mono" name="gpusPerNode" type="number" min={0} max={64} step={1} value={gpus} onChange={(e) => setGpus(e.target.value)} />
        </Field>
        <Field label="Model server error rate" error={errors.modelErrorRate} hint="0 to 1 for every model server; blank keeps each one’s own.">
          <input className="input mono" name="modelErrorRate" inputMode="decimal" value={errorRate} onChange={(e) => setErrorRate(e.target.value)} placeholder="per server" />
        </Field>
      </div>
      <div className="row gap-sm">
        <Button type="submit" variant="primary" pending={save.isPending}>
          Save
        </Button>
      </div>
    </form>
  );
}
