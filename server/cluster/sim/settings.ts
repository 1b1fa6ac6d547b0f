import { z } from 'zod';

/** Failure causes a training pod can be made to die of. */
export const FAILURE_CAUSES = ['OOMKilled', 'ImagePullBackOff', 'Error', 'DeadlineExceeded', 'Evicted'] as const;
export type FailureCause = (typeof FAILURE_CAUSES)[number];

/**
 * Fault injection, changeable while the simulator runs (the Cluster page's admin panel). Per-object
 * annotations (`sim.neuroweaver.dev/fail`, `sim.neuroweaver.dev/crash`) override these.
 */
export const settingsSchema = z.object({
  /** Every training Job pod fails with this cause; `none` lets them succeed. */
  jobFailure: z.enum(['none', ...FAILURE_CAUSES]),
  /** Exit code for the `Error` cause when the pod names none. */
  jobFailureExitCode: z.number().int().min(1).max(255),
  /** Deployments whose pods crash-loop, by name; `*` for all. */
  crashDeployments: z.array(z.string()),
  /** nvidia.com/gpu capacity of every node. */
  gpusPerNode: z.number().int().min(0).max(64),
  /** Overrides every model server's error rate (0..1) when set. */
  modelErrorRate: z.number().min(0).max(1).nullable(),
});

export type SimulatorSettings = z.infer<typeof settingsSchema>;

export const DEFAULT_SETTINGS: Omit<SimulatorSettings, 'gpusPerNode'> = {
  jobFailure: 'none',
  jobFailureExitCode: 1,
  crashDeployments: [],
  modelErrorRate: null,
};

/** The live settings object handed out by `startSimulator`. */
export class SettingsStore {
  private current: SimulatorSettings;
  private readonly listeners = new Set<(s: SimulatorSettings, previous: SimulatorSettings) => void>();

  constructor(initial: SimulatorSettings) {
    this.current = settingsSchema.parse(initial);
  }

  get(): SimulatorSettings {
    return structuredClone(this.current);
  }

  /** Validates and applies a partial change; throws a ZodError on bad input. */
  update(patch: Partial<SimulatorSettings>): SimulatorSettings {
    const previous = this.current;
    this.current = settingsSchema.parse({ ...this.current, ...patch });
    for (const l of this.listeners) l(this.get(), previous);
    return this.get();
  }

  onChange(listener: (s: SimulatorSettings, previous: SimulatorSettings) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
