import { errorField, errorMessage } from '@/components/ui/errors';

/**
 * Per-field messages for a registry form. Zod errors name nested paths (`data.version`,
 * `data.metrics.acc`), domain errors the bare field (`version`, `toVersion`): both land on the same
 * input. `prefix` is stripped first; `aliases` send a server field to another input
 * (e.g. `metricDirections` → `metrics`). Anything else goes under `form`.
 */
export function formErrors<F extends string>(
  error: unknown,
  fields: readonly F[],
  opts: { prefix?: string; aliases?: Partial<Record<string, F>> } = {},
): Partial<Record<F | 'form', string>> {
  if (!error) return {};
  const message = errorMessage(error);
  const raw = errorField(error);
  if (!raw) return { form: message } as Partial<Record<F | 'form', string>>;
  const field = opts.prefix && raw.startsWith(opts.prefix) ? raw.slice(opts.prefix.length) : raw;
  const head = field.split('.')[0];
  const match = fields.find((f) => f === field || field.startsWith(`${f}.`)) ?? opts.aliases?.[head];
  const text = message.startsWith(`${raw}: `) ? message.slice(raw.length + 2) : message;
  if (!match) return { form: message } as Partial<Record<F | 'form', string>>;
  // A nested path (metrics.acc) keeps its tail so the user knows which entry is wrong.
  const detail = field !== match && field.startsWith(`${match}.`) ? `${field.slice(match.length + 1)}: ${text}` : text;
  return { [match]: detail } as Partial<Record<F | 'form', string>>;
}
